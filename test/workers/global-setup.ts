// Starts the local fakes of outside services (in Node) that the workers tests reach over HTTP:
// an OpenAI-compatible server and Slack's Web API.
import type { TestProject } from "vitest/node";
import { startFakeOpenAI } from "../fake-openai";
import { startFakeSlack } from "../fake-slack";

export default async function setup(project: TestProject) {
  const fake = await startFakeOpenAI();
  const slack = await startFakeSlack();
  project.provide("fakeOpenAIUrl", fake.url);
  project.provide("fakeSlackUrl", slack.url);
  return async () => {
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    await slack.close();
  };
}
