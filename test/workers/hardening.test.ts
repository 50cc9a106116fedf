// The probes an attacker of a public chat widget would try, each answered with a calm 4xx that
// leaves the stored data intact: malformed tokens, huge and unknown bodies, settings too heavy to
// store, hostile page URLs, missing origins and secrets, the published demo keys outside
// development. Then identity verification, agent revocation and secret rotation.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomFrame } from "../../protocol/frames";
import { app } from "../../worker/index";
import {
  ADMIN,
  ALWAYS_OPEN,
  agentSession,
  call,
  Client,
  createAgent,
  createProject,
  json,
  say,
  someAddress,
  startConversation,
  type TestProject,
} from "./helpers";

const BASE = "http://baton.test";
const count = async (table: string) => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

/** The worker with some of its variables changed (a deployment configured differently). */
function withEnv(vars: Record<string, string | undefined>, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", someAddress());
  return app.fetch(new Request(BASE + path, { ...init, headers }), { ...env, ...vars }, { waitUntil() {}, passThroughOnException() {}, props: {} } as never);
}

async function hmacHex(secret: string, message: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("malformed socket tokens", () => {
  it("a signature of any length (1 mod 4 included), a wrong shape or the old format is a 401, never a 500", async () => {
    const project = await createProject();
    const { conversationId, visitorToken } = await startConversation(project);
    const [h, p] = visitorToken.split(".");
    const base = `/v1/conversations/${conversationId}/socket?token=`;
    for (const token of [
      `${h}.${p}.a`,
      `${h}.${p}.abcde`,
      `${h}.${p}.${"x".repeat(341)}`,
      `${h}.${p}`,
      "e30.e30",
      "a.b.c.d",
      "%%%",
      "x".repeat(5000),
      `${p}.${h}.sig`,
    ]) {
      const res = await json(await call(base + encodeURIComponent(token), { headers: { upgrade: "websocket" } }), 401);
      expect(res.error.code).toBe("unauthorized");
    }
  });
});

describe("bodies", () => {
  it("an 8 MB body of unknown keys is refused unread with a short 413, on a public route", async () => {
    const keys = Object.fromEntries(Array.from({ length: 400_000 }, (_, i) => [`k${i}`, 1]));
    const body = JSON.stringify({ projectKey: "pk_x", ...keys });
    expect(body.length).toBeGreaterThan(4_000_000);
    const res = await call("/v1/conversations", { body });
    const text = await res.text();
    expect(res.status).toBe(413);
    expect(text.length).toBeLessThan(300);
    expect(JSON.parse(text).error.code).toBe("body_too_large");
  });

  it("Slack's callbacks are bounded too, before their signature is even checked", async () => {
    const res = await call("/slack/events", { body: "x".repeat(100 * 1024), headers: { "x-slack-request-timestamp": "1", "x-slack-signature": "v0=00" } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
  });

  it("a streamed body without a length is cut off at the limit too", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent++ >= 10) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await app.fetch(
      new Request(`${BASE}/v1/conversations`, {
        method: "POST",
        body: stream,
        headers: { "content-type": "application/json", "cf-connecting-ip": someAddress() },
      }),
      env,
      { waitUntil() {}, passThroughOnException() {}, props: {} } as never,
    );
    expect(res.status).toBe(413);
  });

  it("unknown keys that fit the limit are named once, briefly, whatever their number and length", async () => {
    const project = await createProject();
    const keys = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`${"k".repeat(200)}${i}`, "v"]));
    const res = await call("/v1/settings", { method: "PUT", token: project.secretKey, body: keys });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text.length).toBeLessThan(600);
    expect(JSON.parse(text).error.message).toMatch(/unknown field \(and 4999 more\)/);
  });

  it("settings the schema accepts but storage cannot hold are a 400 naming the field, and nothing changes", async () => {
    const project = await createProject({ settings: { botName: "Before" } });
    const knowledgeBase = Array.from({ length: 300 }, (_, i) => ({ question: `Question ${i}?`.padEnd(500, "q"), answer: "a".repeat(4000), keywords: [] }));
    const res = await json(await call("/v1/settings", { method: "PUT", token: project.secretKey, body: { botName: "After", knowledgeBase } }), 400);
    expect(res.error).toMatchObject({ code: "settings_too_large", field: "knowledgeBase" });
    expect((await json(await call("/v1/settings", { token: project.secretKey }), 200)).settings.botName).toBe("Before");
    const projects = await count("projects");
    const created = await json(await call("/v1/projects", { token: ADMIN, body: { name: "Big", settings: { knowledgeBase } } }), 400);
    expect(created.error.field).toBe("settings.knowledgeBase");
    expect(await count("projects")).toBe(projects);
  });
});

describe("what visitors send about their page", () => {
  it.each([
    ["page.url", { url: "javascript:alert(document.cookie)" }],
    ["page.url", { url: "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" }],
    ["page.referrer", { url: "https://ok.example/", referrer: "JaVaScRiPt:alert(1)" }],
    ["page.referrer", { referrer: "vbscript:msgbox" }],
    ["page.url", { url: "not a url" }],
  ])("%s: only http(s) is accepted (%j)", async (field, page) => {
    const project = await createProject();
    const before = await count("conversations");
    const res = await json(await call("/v1/conversations", { body: { projectKey: project.projectKey, page } }), 400);
    expect(res.error).toMatchObject({ code: "invalid_body", field });
    expect(await count("conversations")).toBe(before);
  });

  it("http(s) URLs pass, and an empty referrer is simply absent", async () => {
    const project = await createProject();
    const { conversationId } = await startConversation(project, { page: { url: "https://shop.example/a?b=c", referrer: "" } });
    const row = await env.DB.prepare("SELECT page FROM conversations WHERE id = ?").bind(conversationId).first<{ page: string }>();
    expect(JSON.parse(row!.page)).toEqual({ url: "https://shop.example/a?b=c" });
  });
});

describe("origins and secrets", () => {
  it("a project with allowed origins refuses a request that names none", async () => {
    const project = await createProject({ allowedOrigins: ["https://shop.example.com"] });
    const res = await json(await call("/v1/conversations", { body: { projectKey: project.projectKey } }), 403);
    expect(res.error.code).toBe("origin_not_allowed");
  });

  it("without TOKEN_SECRET outside development, starting a conversation is a 500 that writes nothing", async () => {
    const project = await createProject();
    const before = await count("conversations");
    const res = await withEnv({ TOKEN_SECRET: undefined, BATON_ENV: "production" }, "/v1/conversations", {
      method: "POST",
      body: JSON.stringify({ projectKey: project.projectKey }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(500);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("misconfigured");
    expect(await count("conversations")).toBe(before);
  });

  it("a socket token signed before a rotation opens its socket while TOKEN_SECRET_PREVIOUS names the old secret", async () => {
    const project = await createProject();
    const { socketUrl } = await startConversation(project); // signed with the test TOKEN_SECRET
    const upgrade = { headers: { upgrade: "websocket" } };
    const rotated = await withEnv({ TOKEN_SECRET: "a-brand-new-secret-0123456789", TOKEN_SECRET_PREVIOUS: env.TOKEN_SECRET }, socketUrl, upgrade);
    expect(rotated.status).toBe(101);
    rotated.webSocket?.accept();
    rotated.webSocket?.close();
    expect((await withEnv({ TOKEN_SECRET: "a-brand-new-secret-0123456789" }, socketUrl, upgrade)).status).toBe(401);
  });
});

describe("the demo project's published keys", () => {
  async function seedDemo() {
    const hash = async (t: string) =>
      [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(t)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    await env.DB.batch([
      env.DB.prepare("INSERT OR IGNORE INTO projects (id, name, public_key, secret_hash, created_at) VALUES ('prj_demo', 'Demo', 'pk_demo', ?, ?)").bind(
        await hash("sk_demo"),
        new Date().toISOString(),
      ),
      env.DB.prepare(
        "INSERT OR IGNORE INTO agents (id, project_id, name, email, role, token_hash, created_at) VALUES ('agt_demo', 'prj_demo', 'Demo Agent', 'demo@example.com', 'agent', ?, ?)",
      ).bind(await hash("at_demo"), new Date().toISOString()),
    ]);
  }

  it("are refused outside development even when a database holds them", async () => {
    await seedDemo();
    expect((await call("/v1/conversations", { body: { projectKey: "pk_demo" } })).status).toBe(401);
    expect((await call("/v1/settings", { token: "sk_demo" })).status).toBe(401);
    expect((await call("/v1/handoffs", { token: "at_demo" })).status).toBe(401);
    for (const BATON_ENV of ["production", undefined]) {
      expect((await withEnv({ BATON_ENV }, "/v1/settings", { headers: { authorization: "Bearer sk_demo" } })).status).toBe(401);
    }
  });

  it("work under npm start (BATON_ENV=development), so the refusal above is the environment's doing", async () => {
    await seedDemo();
    expect((await withEnv({ BATON_ENV: "development" }, "/v1/settings", { headers: { authorization: "Bearer sk_demo" } })).status).toBe(200);
    expect((await withEnv({ BATON_ENV: "development" }, "/v1/handoffs", { headers: { authorization: "Bearer at_demo" } })).status).toBe(200);
  });
});

describe("identity verification", () => {
  async function verifiedProject(settings: Record<string, unknown> = {}) {
    const project = await createProject({ settings: { identityVerification: true, businessHours: ALWAYS_OPEN, ...settings } });
    const { identitySecret } = await json<{ identitySecret: string }>(await call("/v1/identity-secret", { method: "POST", token: project.secretKey }), 201);
    return { project, identitySecret };
  }
  const start = (project: TestProject, visitor: Record<string, unknown>) => call("/v1/conversations", { body: { projectKey: project.projectKey, visitor } });

  it("a proven user id is accepted and stored as verified; a wrong or missing hash is refused; anonymous visitors still chat", async () => {
    const { project, identitySecret } = await verifiedProject();
    const userHash = await hmacHex(identitySecret, "user-42");
    const ok = await json<{ conversationId: string; verified: boolean }>(await start(project, { userId: "user-42", userHash, email: "ana@acme.test" }), 201);
    expect(ok.verified).toBe(true);
    const row = await env.DB.prepare("SELECT user_id, user_verified FROM conversations WHERE id = ?").bind(ok.conversationId).first();
    expect(row).toEqual({ user_id: "user-42", user_verified: 1 });
    const before = await count("conversations");
    for (const visitor of [{ userId: "user-42", userHash: await hmacHex(identitySecret, "user-43") }, { userId: "user-42" }, { userId: "user-43", userHash }]) {
      expect((await json(await start(project, visitor), 401)).error.code).toBe("identity_unverified");
    }
    expect((await json(await start(project, { userHash }), 400)).error.field).toBe("visitor.userHash");
    expect(await count("conversations")).toBe(before);
    await json(await start(project, {}), 201);
  });

  it("with verification off, a claimed id is kept but marked unverified", async () => {
    const project = await createProject();
    const res = await json<{ verified: boolean }>(await start(project, { userId: "someone" }), 201);
    expect(res.verified).toBe(false);
  });

  it("a verified identity travels into the handoff's packet and the team's notification", async () => {
    const { project, identitySecret } = await verifiedProject();
    const agent = await createAgent(project);
    const started = await json<{ socketUrl: string }>(await start(project, { userId: "u-7", userHash: await hmacHex(identitySecret, "u-7") }), 201);
    const visitor = await Client.open(started.socketUrl);
    await say(visitor, "Can I talk to a person?");
    const frame = await visitor.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "handoff" }> => x.type === "handoff"));
    const { handoff } = await json<{ handoff: any }>(await call(`/v1/handoffs/${frame.handoffId}`, { token: agent.agentToken }), 200);
    expect(handoff.packet.visitor).toMatchObject({ userId: "u-7", verified: true });
    for (let i = 0; i < 100; i++) {
      const { notifications } = await json<{ notifications: any[] }>(await call("/v1/notifications", { token: project.secretKey }), 200);
      const opened = notifications.find((n) => n.kind === "handoff.opened");
      if (opened) return expect(opened.job.packet.visitor).toMatchObject({ userId: "u-7", verified: true });
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the notification never arrived");
  });

  it("after a rotation the previous secret still verifies (for a day), and the new one does", async () => {
    const { project, identitySecret: first } = await verifiedProject();
    const { identitySecret: second, previousValidUntil } = await json<{ identitySecret: string; previousValidUntil: string }>(
      await call("/v1/identity-secret", { method: "POST", token: project.secretKey }),
      201,
    );
    expect(second).not.toBe(first);
    expect(Date.parse(previousValidUntil)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    await json(await start(project, { userId: "a", userHash: await hmacHex(first, "a") }), 201);
    await json(await start(project, { userId: "a", userHash: await hmacHex(second, "a") }), 201);
    // A third rotation retires the first secret at once.
    await call("/v1/identity-secret", { method: "POST", token: project.secretKey });
    await json(await start(project, { userId: "a", userHash: await hmacHex(first, "a") }), 401);
  });
});

describe("agent credentials", () => {
  it("an agent token expires; a new one carries its expiry", async () => {
    const project = await createProject();
    const created = await json<{ agentId: string; agentToken: string; expiresAt: string }>(
      await call("/v1/agents", { token: project.secretKey, body: { name: "Eve", email: `eve.${crypto.randomUUID()}@example.com` } }),
      201,
    );
    expect(Date.parse(created.expiresAt)).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    await json(await call("/v1/handoffs", { token: created.agentToken }), 200);
    await env.DB.prepare("UPDATE agents SET expires_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), created.agentId)
      .run();
    expect((await json(await call("/v1/handoffs", { token: created.agentToken }), 401)).error.code).toBe("unauthorized");
  });

  it("revoking an agent ends its token and its socket tokens, and only its own project may do it", async () => {
    const project = await createProject();
    const agent = await createAgent(project);
    const { conversationId } = await startConversation(project);
    const { socketUrl } = await agentSession(conversationId, agent.agentToken);
    const stranger = await createProject();
    await json(await call(`/v1/agents/${agent.agentId}`, { method: "DELETE", token: stranger.secretKey }), 404);
    await json(await call(`/v1/agents/${agent.agentId}`, { method: "DELETE", token: project.secretKey }), 200);
    await json(await call("/v1/handoffs", { token: agent.agentToken }), 401);
    await json(await call(socketUrl, { headers: { upgrade: "websocket" } }), 401);
    await json(await call(`/v1/agents/${agent.agentId}`, { method: "DELETE", token: project.secretKey }), 404);
    await json(await call(`/v1/agents/${agent.agentId}/token`, { method: "POST", token: project.secretKey }), 404);
  });

  it("an agent revoked while its socket is open is refused at its next frame, and the socket closed", async () => {
    const project = await createProject();
    const agent = await createAgent(project);
    const { conversationId } = await startConversation(project);
    const socket = await Client.open((await agentSession(conversationId, agent.agentToken)).socketUrl);
    await socket.waitFor((f) => f.find((x) => x.type === "welcome"), "welcome");
    await json(await call(`/v1/agents/${agent.agentId}`, { method: "DELETE", token: project.secretKey }), 200);
    socket.send({ type: "agent.message", clientId: "after", text: "I was revoked" });
    await socket.waitForError("unauthorized");
    expect((await socket.waitForClose()).code).toBe(4001);
    expect(socket.messages().some((m) => m.clientId === "after")).toBe(false);
  });

  it("a project's secret key rotates, and the old one stops at once", async () => {
    const project = await createProject();
    const { secretKey } = await json<{ secretKey: string }>(await call("/v1/secret-key", { method: "POST", token: project.secretKey }), 201);
    await json(await call("/v1/settings", { token: project.secretKey }), 401);
    await json(await call("/v1/settings", { token: secretKey }), 200);
  });

  it("rotating an agent's token retires the old one at once", async () => {
    const project = await createProject();
    const agent = await createAgent(project);
    const { agentToken } = await json<{ agentToken: string }>(
      await call(`/v1/agents/${agent.agentId}/token`, { method: "POST", token: project.secretKey }),
      200,
    );
    await json(await call("/v1/handoffs", { token: agent.agentToken }), 401);
    await json(await call("/v1/handoffs", { token: agentToken }), 200);
  });
});
