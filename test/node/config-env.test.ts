import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { configFromEnvironment, configVarNames } from "../../scripts/config-env.mjs";

describe("npm start passes configuration from the environment into the worker", () => {
  it("knows every variable Baton reads, from adapters/config.ts itself", () => {
    const names: string[] = configVarNames();
    for (const name of ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CHANNEL_ID", "SLACK_API_URL", "OPENAI_API_KEY", "TOKEN_SECRET"])
      expect(names).toContain(name);
    const crm = [
      "HUBSPOT_TOKEN",
      "HUBSPOT_API_URL",
      "WEBHOOK_URL",
      "WEBHOOK_SECRET",
      "EMAIL_FROM",
      "OWNER_EMAIL",
      "EMAIL_MODE",
      "EMAIL_API_URL",
      "EMAIL_API_KEY",
      "TEAMS_WEBHOOK_URL",
    ];
    for (const name of crm) expect(names).toContain(name);
  });

  it("passes the ones that are set, and nothing else", () => {
    const flags = configFromEnvironment({
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_API_URL: "http://127.0.0.1:9/api/",
      HOME: "/root",
      PATH: "/bin",
      BATON_ENV: "production",
    });
    expect(flags).toEqual(["--var", "SLACK_BOT_TOKEN:xoxb-1", "--var", "SLACK_API_URL:http://127.0.0.1:9/api/"]);
  });
});
