// Starts the fake OpenAI-compatible server (in Node) that the workers tests reach over HTTP.
import type { TestProject } from "vitest/node";
import { startFakeOpenAI } from "../fake-openai";

export default async function setup(project: TestProject) {
  const fake = await startFakeOpenAI();
  project.provide("fakeOpenAIUrl", fake.url);
  return () =>
    new Promise<void>((resolve) => {
      fake.server.closeAllConnections(); // a request left hanging on purpose must not hold the teardown
      fake.server.close(() => resolve());
    });
}
