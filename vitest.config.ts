// One vitest config, three projects: pure code in Node (`unit`), everything that needs the
// Workers runtime in workerd (`workers`), and the widget in a real Chromium against `wrangler dev` (`e2e`).
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      projects: [
        {
          test: {
            name: "unit",
            environment: "node",
            include: ["domain/**/*.test.ts", "protocol/**/*.test.ts", "widget/**/*.test.ts"],
          },
        },
        {
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
                  // The fake OpenAI-compatible server started by test/workers/global-setup.ts.
                  FAKE_OPENAI_URL: inject("fakeOpenAIUrl"),
                },
              },
            })),
          ],
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            setupFiles: ["./test/workers/apply-migrations.ts"],
            globalSetup: ["./test/workers/global-setup.ts"],
          },
        },
        {
          // The same runtime with OPENAI_API_KEY set, against the local OpenAI-compatible fake.
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
                  OPENAI_API_KEY: "sk-test",
                  OPENAI_BASE_URL: inject("fakeOpenAIUrl"),
                  LLM_TIMEOUT_MS: "3000",
                },
              },
            })),
          ],
          test: {
            name: "workers-llm",
            include: ["test/workers-llm/**/*.test.ts"],
            setupFiles: ["./test/workers/apply-migrations.ts"],
            globalSetup: ["./test/workers/global-setup.ts"],
          },
        },
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            globalSetup: ["./test/e2e/global-setup.ts"],
            testTimeout: 60_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
