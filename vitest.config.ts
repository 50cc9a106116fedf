// One vitest config, four projects: pure code in Node (`unit`), everything that needs the Workers
// runtime in workerd (`workers`, and `workers-llm` with OPENAI_API_KEY pointed at a local fake),
// and the widget in a real Chromium against `npm start`'s dev server (`e2e`; skipped with one line when
// Chromium is missing, fatal when CI=true).
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { browserAvailability } from "./test/e2e/browser.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  /** A workerd project over the real wrangler.toml, with migrated D1 and the fake OpenAI server's URL. */
  const workersProject = (name: string, extraBindings: (fakeOpenAIUrl: string) => Record<string, string>) => ({
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: "./worker/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            BATON_ENV: "test",
            ADMIN_TOKEN: "test-admin",
            TOKEN_SECRET: "test-token-secret-0123456789abcdef",
            // Slack's Web API is a local fake; each test sets up its own project's channel.
            SLACK_API_URL: `${inject("fakeSlackUrl")}/api/`,
            FAKE_SLACK_URL: inject("fakeSlackUrl"),
            SLACK_SIGNING_SECRET: "test-slack-signing-secret",
            SLACK_CLIENT_ID: "test-client-id",
            SLACK_CLIENT_SECRET: "test-client-secret",
            SLACK_OAUTH_URL: `${inject("fakeSlackUrl")}/oauth/v2/authorize`,
            SLACK_POST_INTERVAL_MS: "20",
            // HubSpot's API, webhook receivers, Teams and the HTTP email provider are local fakes too.
            HUBSPOT_API_URL: inject("fakeHubSpotUrl"),
            FAKE_HUBSPOT_URL: inject("fakeHubSpotUrl"),
            FAKE_RECEIVER_URL: inject("fakeReceiverUrl"),
            PUBLIC_URL: "http://baton.test",
            ...extraBindings(inject("fakeOpenAIUrl")),
          },
        },
      })),
    ],
    test: {
      name,
      include: [`test/${name}/**/*.test.ts`],
      setupFiles: ["./test/workers/apply-migrations.ts"],
      globalSetup: ["./test/workers/global-setup.ts"],
    },
  });

  const browser = browserAvailability();
  if (!browser.run) {
    if (browser.fatal) throw new Error(browser.message);
    console.warn(browser.message);
  }
  const e2eProject = {
    test: {
      name: "e2e",
      environment: "node" as const,
      include: ["test/e2e/**/*.test.ts"],
      globalSetup: ["./test/e2e/global-setup.ts"],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      // One `npm start` serves every file, and some tests change the demo project's settings (hours):
      // files run one after the other so no test sees another's settings.
      fileParallelism: false,
    },
  };

  return {
    test: {
      projects: [
        {
          test: {
            name: "unit",
            environment: "node",
            include: ["domain/**/*.test.ts", "protocol/**/*.test.ts", "widget/**/*.test.ts", "adapters/**/*.test.ts", "test/node/**/*.test.ts"],
          },
        },
        workersProject("workers", (url) => ({ FAKE_OPENAI_URL: url })),
        workersProject("workers-llm", (url) => ({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: url, LLM_TIMEOUT_MS: "3000" })),
        ...(browser.run ? [e2eProject] : []),
      ],
    },
  };
});
