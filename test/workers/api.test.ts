// The HTTP API at the edge: projects, agents, conversations and agent sessions, with every
// error answered as JSON {error: {code, message}} and secrets stored only as hashes.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, agentSession, call, createAgent, createProject, json, startConversation } from "./helpers";

describe("projects", () => {
  it("creates a project with a public key and a secret shown once, stored only as a hash", async () => {
    const created = await createProject({ name: "Acme" });
    expect(created.projectKey).toMatch(/^pk_/);
    expect(created.secretKey).toMatch(/^sk_/);
    const row = await env.DB.prepare("SELECT * FROM projects WHERE id = ?").bind(created.projectId).first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(created.secretKey);
    expect(row?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a missing or wrong admin token with 401 JSON", async () => {
    const missing = await json(await call("/v1/projects", { body: { name: "x" } }), 401);
    expect(missing.error.code).toBe("unauthorized");
    await json(await call("/v1/projects", { token: "dev-admin", body: { name: "x" } }), 401);
  });

  it("answers malformed and invalid bodies with 400 naming the field", async () => {
    const garbage = await json(await call("/v1/projects", { token: ADMIN, body: "{not json" }), 400);
    expect(garbage.error.code).toBe("bad_json");
    const invalid = await json(await call("/v1/projects", { token: ADMIN, body: { name: "" } }), 400);
    expect(invalid.error).toMatchObject({ code: "invalid_body", field: "name" });
    const unknown = await json(await call("/v1/projects", { token: ADMIN, body: { name: "x", colour: "red" } }), 400);
    expect(unknown.error.code).toBe("invalid_body");
    const badOrigin = await json(await call("/v1/projects", { token: ADMIN, body: { name: "x", allowedOrigins: ["not a url"] } }), 400);
    expect(badOrigin.error.field).toBe("allowedOrigins.0");
  });
});

describe("agents", () => {
  it("creates an agent with the project secret and stores only the token's hash", async () => {
    const project = await createProject();
    const agent = await createAgent(project, "Grace");
    expect(agent.agentToken).toMatch(/^at_/);
    const row = await env.DB.prepare("SELECT * FROM agents WHERE id = ?").bind(agent.agentId).first<Record<string, string>>();
    expect(row?.name).toBe("Grace");
    expect(JSON.stringify(row)).not.toContain(agent.agentToken);
  });

  it("refuses a wrong secret key or a public key (401), and an agent who is not an admin (403)", async () => {
    const project = await createProject();
    const agent = await createAgent(project);
    const body = { name: "X", email: "x@example.com" };
    for (const token of ["sk_wrong", project.projectKey, "at_wrong"]) {
      const res = await json(await call("/v1/agents", { token, body }), 401);
      expect(res.error.code).toBe("unauthorized");
    }
    expect((await json(await call("/v1/agents", { token: agent.agentToken, body }), 403)).error.code).toBe("forbidden");
  });

  it("rejects an invalid email and a duplicate agent", async () => {
    const project = await createProject();
    await json(await call("/v1/agents", { token: project.secretKey, body: { name: "X", email: "nope" } }), 400);
    await json(await call("/v1/agents", { token: project.secretKey, body: { name: "X", email: "x@example.com" } }), 201);
    const dup = await json(await call("/v1/agents", { token: project.secretKey, body: { name: "Y", email: "X@example.com" } }), 409);
    expect(dup.error.code).toBe("agent_exists");
  });
});

describe("conversations", () => {
  it("starts a conversation and returns a same-origin socket path with a signed token", async () => {
    const project = await createProject();
    const started = await startConversation(project, { visitor: { name: "Ana" }, page: { url: "https://acme.test/pricing", title: "Pricing" } });
    expect(started.conversationId).toMatch(/^c_/);
    expect(started.socketUrl).toBe(`/v1/conversations/${started.conversationId}/socket?token=${encodeURIComponent(started.visitorToken)}`);
    const row = await env.DB.prepare("SELECT * FROM conversations WHERE id = ?").bind(started.conversationId).first<Record<string, string>>();
    expect(row?.project_id).toBe(project.projectId);
    expect(JSON.parse(row?.page ?? "{}")).toEqual({ url: "https://acme.test/pricing", title: "Pricing" });
  });

  it("answers an unknown project key with 401 and a bad body with 400", async () => {
    const unknown = await json(await call("/v1/conversations", { body: { projectKey: "pk_nope" } }), 401);
    expect(unknown.error.code).toBe("unknown_project");
    await json(await call("/v1/conversations", { body: "][" }), 400);
    await json(await call("/v1/conversations", { body: { projectKey: 42 } }), 400);
    await json(await call("/v1/conversations", { body: { projectKey: "pk_x", visitor: { email: "not-an-email" } } }), 400);
  });

  it("enforces the project's allowed origins when it has any", async () => {
    const project = await createProject({ allowedOrigins: ["https://shop.example.com/any/path"] });
    const body = { projectKey: project.projectKey };
    await json(await call("/v1/conversations", { body, headers: { origin: "https://shop.example.com" } }), 201);
    const refused = await json(await call("/v1/conversations", { body, headers: { origin: "https://evil.example" } }), 403);
    expect(refused.error.code).toBe("origin_not_allowed");
    const open = await createProject();
    await json(await call("/v1/conversations", { body: { projectKey: open.projectKey }, headers: { origin: "https://anywhere.example" } }), 201);
  });

  it("gives an agent of the same project a socket, and others 401 or 404", async () => {
    const project = await createProject();
    const other = await createProject();
    const { conversationId } = await startConversation(project);
    const agent = await createAgent(project);
    const outsider = await createAgent(other);
    const session = await agentSession(conversationId, agent.agentToken);
    expect(session.socketUrl).toContain(`/v1/conversations/${conversationId}/socket?token=`);
    const wrong = await json(await call(`/v1/conversations/${conversationId}/agent-session`, { token: "at_wrong", body: {} }), 401);
    expect(wrong.error.code).toBe("unauthorized");
    const foreign = await json(await call(`/v1/conversations/${conversationId}/agent-session`, { token: outsider.agentToken, body: {} }), 404);
    expect(foreign.error.code).toBe("not_found");
    await json(await call(`/v1/conversations/c_missing/agent-session`, { token: agent.agentToken, body: {} }), 404);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await json(await call("/v1/nothing-here"), 404);
    expect(res.error.code).toBe("not_found");
  });
});
