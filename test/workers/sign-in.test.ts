// Password-less sign-in through the real worker and D1: a link minted with the project's secret key
// opens the desk once and sets the session cookie; a second use, an expired or forged link, a
// revoked session or agent, and cross-site writes all get a clear refusal.
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signInUrl } from "../../adapters/sign-in-links";
import { call, createAgent, createProject, json, type TestProject } from "./helpers";

const BASE = "http://baton.test";

async function mint(project: TestProject, agentId: string, body: Record<string, unknown> = {}) {
  return json<{ url: string; expiresAt: string }>(await call(`/v1/agents/${agentId}/sign-in-link`, { token: project.secretKey, body }), 201);
}

/** A browser: follows nothing on its own, keeps the cookies it is given. */
class Browser {
  cookie = "";
  constructor(readonly userAgent = "Mozilla/5.0 (test browser)") {}

  async get(url: string) {
    const res = await exports.default.fetch(new Request(new URL(url, BASE), { headers: this.headers(), redirect: "manual" }));
    this.keep(res);
    return res;
  }

  async send(path: string, init: { method: string; body?: unknown; origin?: string | null }) {
    const headers = this.headers();
    if (init.origin !== null) headers.set("origin", init.origin ?? BASE);
    if (init.body !== undefined) headers.set("content-type", "application/json");
    const res = await exports.default.fetch(
      new Request(BASE + path, { method: init.method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) }),
    );
    this.keep(res);
    return res;
  }

  private headers() {
    const headers = new Headers({ "user-agent": this.userAgent });
    if (this.cookie) headers.set("cookie", this.cookie);
    return headers;
  }

  private keep(res: Response) {
    const set = res.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0]!.endsWith("=") ? "" : set.split(";")[0]!;
  }
}

async function signedIn(project: TestProject, agentId: string, next = "/desk") {
  const browser = new Browser();
  const { url } = await mint(project, agentId, { next });
  const res = await browser.get(url);
  expect(res.status).toBe(303);
  return browser;
}

describe("a sign-in link", () => {
  it("opens its page once and sets an HttpOnly, SameSite=Lax session cookie", async () => {
    const project = await createProject();
    const ana = await createAgent(project, "Ana Agent");
    const { url, expiresAt } = await mint(project, ana.agentId, { next: "/agent/handoffs/h_123" });
    expect(new URL(url).pathname).toBe("/agent/sign-in");
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);

    const browser = new Browser();
    const res = await browser.get(url);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/agent/handoffs/h_123");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^baton_session=as_[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/); // baton.test is not localhost

    const shell = await browser.get("/desk");
    expect(shell.status).toBe(200);
    expect(shell.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await shell.text();
    expect(html).toContain('<script type="module" src="/app/main.js"></script>');
    expect(html).toContain('"name":"Ana Agent"');
    expect(await json(await browser.get("/v1/me"), 200)).toMatchObject({
      agent: { id: ana.agentId, name: "Ana Agent", role: "agent" },
      project: { id: project.projectId },
    });
  });

  it("used a second time, in another browser, gets a clear page; the same browser is let through", async () => {
    const project = await createProject();
    const ana = await createAgent(project, "Ana Agent");
    const { url } = await mint(project, ana.agentId);
    const first = new Browser();
    expect((await first.get(url)).status).toBe(303);
    expect((await first.get(url)).status).toBe(303);

    const other = new Browser();
    const again = await other.get(url);
    expect(again.status).toBe(410);
    expect(again.headers.get("content-type")).toMatch(/^text\/html/);
    const text = await again.text();
    expect(text).toContain("This sign-in link was already used");
    expect(text).not.toMatch(/at \w+ \(|Error:/);
    expect(again.headers.get("set-cookie")).toBeNull();
  });

  it("expired, forged, for a disabled agent or missing: a page that says so, never a session", async () => {
    const project = await createProject();
    const ana = await createAgent(project, "Ana Agent");
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await signInUrl(env, { agentId: ana.agentId, projectId: project.projectId, next: "/desk", ttlSeconds: 60 }, past, BASE);
    const forged = await signInUrl(
      { ...env, TOKEN_SECRET: "not-the-secret" },
      { agentId: ana.agentId, projectId: project.projectId, next: "/desk" },
      past + 3600,
      BASE,
    );
    for (const url of [expired, forged, "/agent/sign-in", "/agent/sign-in?token=<script>alert(1)</script>", `/agent/sign-in?token=${"x".repeat(5000)}`]) {
      const res = await new Browser().get(url);
      expect(res.status, url).toBe(401);
      const text = await res.text();
      expect(text).toContain("This sign-in link has expired");
      expect(text).not.toContain("<script>alert");
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    const { url } = await mint(project, ana.agentId);
    expect((await call(`/v1/agents/${ana.agentId}`, { method: "DELETE", token: project.secretKey })).status).toBe(200);
    const res = await new Browser().get(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("no longer has access");
  });

  it("is not spent by a chat app's link preview", async () => {
    const project = await createProject();
    const ana = await createAgent(project, "Ana Agent");
    const { url } = await mint(project, ana.agentId);
    const preview = await new Browser("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)").get(url);
    expect(preview.status).toBe(200);
    expect(preview.headers.get("set-cookie")).toBeNull();
    expect((await new Browser().get(url)).status).toBe(303);
  });

  it("is minted only by the project's admin, for its own agents, to its own pages", async () => {
    const project = await createProject();
    const other = await createProject();
    const ana = await createAgent(project, "Ana Agent");
    expect((await call(`/v1/agents/${ana.agentId}/sign-in-link`, { token: other.secretKey, body: {} })).status).toBe(404);
    // A known agent without the admin role is refused (403); no credential at all is a 401.
    expect((await call(`/v1/agents/${ana.agentId}/sign-in-link`, { token: ana.agentToken, body: {} })).status).toBe(403);
    expect((await call(`/v1/agents/${ana.agentId}/sign-in-link`, { body: {} })).status).toBe(401);
    for (const body of [
      { next: "https://evil.example/desk" },
      { next: "//evil.example" },
      { ttlSeconds: 10 },
      { ttlSeconds: 30 * 24 * 3600 },
      { surprise: 1 },
    ]) {
      const res = await json(await call(`/v1/agents/${ana.agentId}/sign-in-link`, { token: project.secretKey, body }), 400);
      expect(res.error.code).toBe("invalid_body");
    }
    // A signed-in agent who is not an admin may not mint links or read settings.
    const browser = await signedIn(project, ana.agentId);
    expect((await browser.send(`/v1/agents/${ana.agentId}/sign-in-link`, { method: "POST", body: {} })).status).toBe(403);
    expect((await browser.get("/v1/settings")).status).toBe(403);
    expect((await browser.get("/settings")).status).toBe(403);
  });
});

describe("a session", () => {
  it("acts as the agent from Baton's own pages only: a write without our Origin is refused", async () => {
    const project = await createProject();
    const ana = await createAgent(project, "Ana Agent");
    const browser = await signedIn(project, ana.agentId);
    const { conversationId } = await json(await call("/v1/conversations", { body: { projectKey: project.projectKey } }), 201);
    const path = `/v1/conversations/${conversationId}/agent-session`;
    expect((await json(await browser.send(path, { method: "POST", origin: null }), 403)).error.code).toBe("cross_origin");
    expect((await json(await browser.send(path, { method: "POST", origin: "https://evil.example" }), 403)).error.code).toBe("cross_origin");
    expect(await json(await browser.send(path, { method: "POST" }), 200)).toMatchObject({ socketUrl: expect.stringContaining("/socket?token=") });
  });

  it("is listed, and revoked from another browser it stops working at once", async () => {
    const project = await createProject();
    const ana = await createAgent(project, "Ana Agent");
    const laptop = await signedIn(project, ana.agentId);
    const phone = await signedIn(project, ana.agentId);
    const { sessions } = await json<{ sessions: Array<{ id: string; current: boolean; userAgent: string }> }>(await phone.get("/v1/sessions"), 200);
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const laptopSession = sessions.find((s) => !s.current)!;
    expect(await json(await phone.send(`/v1/sessions/${laptopSession.id}`, { method: "DELETE" }), 200)).toEqual({ revoked: true });
    expect((await laptop.get("/desk")).status).toBe(401);
    expect((await laptop.get("/v1/me")).status).toBe(401);
    expect((await phone.get("/v1/me")).status).toBe(200);
    // Another agent cannot revoke it, nor see it.
    const bob = await signedIn(project, (await createAgent(project, "Bob Agent")).agentId);
    const phoneId = sessions.find((s) => s.current)!.id;
    expect((await bob.send(`/v1/sessions/${phoneId}`, { method: "DELETE" })).status).toBe(404);
  });

  it("ends when the agent is revoked by an admin, and with sign-out", async () => {
    const project = await createProject();
    const ana = await createAgent(project, "Ana Agent");
    const browser = await signedIn(project, ana.agentId);
    const listed = await json<{ agents: Array<{ id: string; activeSessions: number }> }>(await call("/v1/agents", { token: project.secretKey }), 200);
    expect(listed.agents.find((a) => a.id === ana.agentId)?.activeSessions).toBe(1);
    expect((await call(`/v1/agents/${ana.agentId}`, { method: "DELETE", token: project.secretKey })).status).toBe(200);
    expect((await browser.get("/v1/me")).status).toBe(401);
    expect((await call("/v1/me", { token: ana.agentToken })).status).toBe(401);

    const bob = await createAgent(project, "Bob Agent");
    const bobBrowser = await signedIn(project, bob.agentId);
    const out = await bobBrowser.send("/agent/sign-out", { method: "POST" });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await bobBrowser.get("/desk")).status).toBe(401);
  });

  it("of an admin opens the settings and manages agents", async () => {
    const project = await createProject();
    const admin = await json<{ agentId: string }>(
      await call("/v1/agents", { token: project.secretKey, body: { name: "Ada Admin", email: "ada@example.com", role: "admin" } }),
      201,
    );
    const browser = await signedIn(project, admin.agentId, "/settings");
    expect((await browser.get("/settings")).status).toBe(200);
    expect((await json(await browser.get("/v1/settings"), 200)).settings.botName).toBe("Baton");
    const invited = await json<{ agentId: string }>(
      await browser.send("/v1/agents", { method: "POST", body: { name: "New Agent", email: "new@example.com" } }),
      201,
    );
    const link = await json<{ url: string }>(await browser.send(`/v1/agents/${invited.agentId}/sign-in-link`, { method: "POST", body: {} }), 201);
    expect(link.url).toContain("/agent/sign-in?token=");
    expect(await json(await browser.send(`/v1/agents/${invited.agentId}`, { method: "PATCH", body: { role: "lead" } }), 200)).toMatchObject({
      agent: { role: "lead" },
    });
    expect((await json(await browser.send(`/v1/agents/${admin.agentId}`, { method: "PATCH", body: { role: "agent" } }), 409)).error.code).toBe("own_role");
    expect((await json(await browser.send(`/v1/agents/${admin.agentId}`, { method: "DELETE" }), 409)).error.code).toBe("self_revoke");
    for (const body of [{ role: "owner" }, { role: 1 }, { role: "lead", extra: "x" }]) {
      expect((await json(await browser.send(`/v1/agents/${invited.agentId}`, { method: "PATCH", body }), 400)).error.code).toBe("invalid_body");
    }
    const stranger = await createAgent(await createProject(), "Stranger");
    expect((await browser.send(`/v1/agents/${stranger.agentId}`, { method: "PATCH", body: { role: "lead" } })).status).toBe(404);
    expect((await browser.send(`/v1/agents/${stranger.agentId}`, { method: "DELETE" })).status).toBe(404);
    expect((await browser.send(`/v1/agents/${stranger.agentId}/sign-in-link`, { method: "POST", body: {} })).status).toBe(404);
  });

  it("pages without a session say how to sign in", async () => {
    for (const path of ["/desk", "/settings", "/agent/handoffs/h_1"]) {
      const res = await new Browser().get(path);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain("Sign in to Baton");
    }
    const res = await new Browser().get("/agent/handoffs/<script>");
    expect(res.status).toBe(404);
  });
});
