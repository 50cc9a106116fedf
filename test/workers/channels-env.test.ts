// A single-tenant deployment sets its channels from the environment (the variables npm start
// passes in); a project's own settings win, a disabled one is off, and no route shows a secret.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { describeChannels, projectChannels } from "../../adapters/channels";
import { createProject } from "./helpers";
import { expectNoSecrets, putChannel } from "./channel-helpers";

const vars = {
  ...(env as object),
  HUBSPOT_TOKEN: "pat-na1-from-the-environment",
  WEBHOOK_URL: "https://hooks.example.test/catch/1",
  WEBHOOK_SECRET: "whsec_environment_secret_123",
  EMAIL_FROM: "baton@acme.test",
  OWNER_EMAIL: "owner@acme.test",
  EMAIL_API_URL: "https://api.mail.example.test/emails",
  EMAIL_API_KEY: "re_environment_key",
  TEAMS_WEBHOOK_URL: "https://prod-00.westeurope.logic.azure.com/workflows/1/triggers/manual?sig=secret",
} as typeof env;

describe("channels from the environment", () => {
  it("every kind, in delivery order (email last, the fallback), with its config and secret", async () => {
    const project = await createProject();
    const channels = await projectChannels(vars, env.DB, project.projectId);
    expect(channels.map((c) => [c.kind, c.source])).toEqual([
      ["outbox", "builtin"],
      ["teams", "environment"],
      ["hubspot", "environment"],
      ["webhook", "environment"],
      ["email", "environment"],
    ]);
    expect(channels.find((c) => c.kind === "email")).toMatchObject({
      config: { from: "baton@acme.test", ownerEmail: "owner@acme.test", mode: "fallback", provider: "http", apiUrl: "https://api.mail.example.test/emails" },
      secret: "re_environment_key",
    });
    expect(channels.find((c) => c.kind === "webhook")).toMatchObject({
      config: { url: "https://hooks.example.test/catch/1" },
      secret: "whsec_environment_secret_123",
    });
    const described = await describeChannels(vars, env.DB, project.projectId);
    expect(described.filter((c) => c.configured).map((c) => [c.kind, c.secretSet])).toEqual([
      ["outbox", false],
      ["teams", true],
      ["hubspot", true],
      ["webhook", true],
      ["email", true],
    ]);
    expectNoSecrets(described, "pat-na1-from-the-environment", "whsec_environment_secret_123", "re_environment_key", "sig=secret");
  });

  it("EMAIL_MODE=always; without an HTTP provider the send_email binding is used", async () => {
    const project = await createProject();
    const { EMAIL_API_URL: _u, EMAIL_API_KEY: _k, ...rest } = vars as unknown as Record<string, unknown>;
    const email = (await projectChannels({ ...rest, EMAIL_MODE: "always" } as typeof env, env.DB, project.projectId)).find((c) => c.kind === "email");
    expect(email).toMatchObject({ config: { mode: "always", provider: "binding" }, secret: null });
  });

  it("a project's own channel wins over the environment's, and a disabled one is off", async () => {
    const project = await createProject();
    await putChannel(project, "email", { from: "hello@project.test", mode: "always" });
    await putChannel(project, "outbox", { enabled: false });
    await env.DB.prepare("INSERT INTO project_channels (project_id, kind, config, enabled, updated_at) VALUES (?, 'teams', '{}', 0, ?)")
      .bind(project.projectId, new Date().toISOString())
      .run();
    const channels = await projectChannels(vars, env.DB, project.projectId);
    expect(channels.map((c) => c.kind)).toEqual(["hubspot", "webhook", "email"]);
    expect(channels.find((c) => c.kind === "email")).toMatchObject({ source: "project", config: { from: "hello@project.test", mode: "always" } });
  });
});
