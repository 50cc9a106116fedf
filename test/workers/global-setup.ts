// Starts the local fakes of outside services (in Node) that the workers tests reach over HTTP:
// an OpenAI-compatible server, Slack's Web API, HubSpot's CRM API, and a receiver that stands in
// for webhook receivers, Teams and an HTTP email provider.
import type { TestProject } from "vitest/node";
import { startFakeHubSpot } from "../fake-hubspot";
import { startFakeOpenAI } from "../fake-openai";
import { startFakeReceiver } from "../fake-receiver";
import { startFakeSlack } from "../fake-slack";

export default async function setup(project: TestProject) {
  const fake = await startFakeOpenAI();
  const slack = await startFakeSlack();
  const hubspot = await startFakeHubSpot();
  const receiver = await startFakeReceiver();
  project.provide("fakeOpenAIUrl", fake.url);
  project.provide("fakeSlackUrl", slack.url);
  project.provide("fakeHubSpotUrl", hubspot.url);
  project.provide("fakeReceiverUrl", receiver.url);
  return async () => {
    fake.server.closeAllConnections(); // a request left hanging on purpose must not hold the teardown
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    await slack.close();
    await hubspot.close();
    await receiver.close();
  };
}
