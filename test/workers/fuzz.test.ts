// Every route's body, path and query fuzzed with fast-check against the real worker, D1 and rooms:
// no input produces a 5xx or an unhandled rejection, every refusal is a short JSON error, and a
// refused request leaves the stored data exactly as it was. Then random frames through a real
// socket: each is answered, the socket stays open, and only acknowledged messages are stored.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { RoomFrame } from "../../protocol/frames";
import { ADMIN, ALWAYS_OPEN, call, Client, createAgent, createProject, say, startConversation, type TestProject } from "./helpers";

interface World {
  project: TestProject;
  agent: { agentId: string; agentToken: string };
  conversationId: string;
  handoffId: string;
}

async function world(): Promise<World> {
  const project = await createProject({ settings: { businessHours: ALWAYS_OPEN } });
  const agent = await createAgent(project);
  const { conversationId, socketUrl } = await startConversation(project);
  const visitor = await Client.open(socketUrl);
  await say(visitor, "Can I talk to a person?");
  const frame = await visitor.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "handoff" }> => x.type === "handoff"));
  visitor.close();
  // Let the world settle (the queue's alert marks the handoff notified) so that only requests change it.
  for (let i = 0; i < 100; i++) {
    const res = await call(`/v1/handoffs/${frame.handoffId}`, { token: agent.agentToken });
    if (((await res.json()) as { handoff: { status: string } }).handoff.status === "notified") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { project, agent, conversationId, handoffId: frame.handoffId };
}

/** Everything a refused request must leave alone: row counts, and the rows a route could touch. */
async function fingerprint(w: World): Promise<string> {
  const row = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM projects) AS projects, (SELECT COUNT(*) FROM agents) AS agents, (SELECT COUNT(*) FROM conversations) AS conversations,
            (SELECT COUNT(*) FROM handoffs) AS handoffs, (SELECT COUNT(*) FROM decisions) AS decisions, (SELECT COUNT(*) FROM tickets) AS tickets,
            (SELECT COUNT(*) FROM erasures) AS erasures,
            (SELECT settings || coalesce(identity_secret, '') || allowed_origins FROM projects WHERE id = ?1) AS project,
            (SELECT group_concat(id || token_hash || coalesce(revoked_at, '') || coalesce(expires_at, ''), ',') FROM agents WHERE project_id = ?1) AS agentRows,
            (SELECT group_concat(id || status || updated_at, ',') FROM handoffs WHERE project_id = ?1) AS handoffRows,
            (SELECT group_concat(kind || config || coalesce(secret, '') || enabled, ',') FROM project_channels WHERE project_id = ?1) AS channels,
            (SELECT group_concat(id || coalesce(revoked_at, ''), ',') FROM agent_sessions WHERE project_id = ?1) AS sessions`,
  )
    .bind(w.project.projectId)
    .first();
  return JSON.stringify(row);
}

/** A body of any shape: JSON of anything, plausible objects with the route's keys holding garbage, or not JSON at all. */
function bodies(keys: readonly string[]) {
  const value = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.string({ maxLength: 300 }),
    fc.integer(),
    fc.constantFrom("", "javascript:alert(1)", "<script>x</script>", "a".repeat(5000)),
  );
  const key = keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 12 })) : fc.string({ maxLength: 12 });
  const plausible = fc.dictionary(key, value, { maxKeys: keys.length + 2 });
  return fc.oneof(
    plausible.map((o) => JSON.stringify(o)),
    fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ""),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 200 }),
  );
}

const segment = (w: World) =>
  fc.oneof(fc.constant(w.handoffId), fc.constant(w.conversationId), fc.string({ maxLength: 40 }).map(encodeURIComponent), fc.constant("%00"));
const query = fc.dictionary(
  fc.constantFrom("status", "limit", "since", "format", "from", "to", "token", "x"),
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)),
  {
    maxKeys: 4,
  },
);

type Who = "admin" | "owner" | "agent" | "public";
interface Route {
  method: string;
  path: (w: World, id: string) => string;
  who: Who;
  keys: readonly string[];
}

const ROUTES: Route[] = [
  { method: "POST", path: () => "/v1/projects", who: "admin", keys: ["name", "allowedOrigins", "settings"] },
  { method: "POST", path: () => "/v1/agents", who: "owner", keys: ["name", "email", "role"] },
  {
    method: "PUT",
    path: () => "/v1/settings",
    who: "owner",
    keys: ["botName", "greeting", "knowledgeBase", "retentionDays", "identityVerification", "businessHours", "categories"],
  },
  { method: "POST", path: () => "/v1/erasures", who: "owner", keys: ["email", "userId", "conversationId"] },
  { method: "POST", path: () => "/v1/identity-secret", who: "owner", keys: [] },
  { method: "DELETE", path: (_w, id) => `/v1/agents/${id}`, who: "owner", keys: [] },
  { method: "POST", path: (_w, id) => `/v1/agents/${id}/token`, who: "owner", keys: [] },
  { method: "GET", path: () => "/v1/decisions", who: "owner", keys: [] },
  { method: "GET", path: () => "/v1/metrics", who: "owner", keys: [] },
  { method: "GET", path: () => "/v1/notifications", who: "owner", keys: [] },
  { method: "GET", path: () => "/v1/erasures", who: "owner", keys: [] },
  { method: "POST", path: () => "/v1/conversations", who: "public", keys: ["projectKey", "visitor", "page"] },
  { method: "GET", path: (_w, id) => `/v1/conversations/${id}/socket`, who: "public", keys: [] },
  { method: "POST", path: (_w, id) => `/v1/conversations/${id}/agent-session`, who: "agent", keys: [] },
  { method: "GET", path: () => "/v1/handoffs", who: "agent", keys: [] },
  { method: "GET", path: (_w, id) => `/v1/handoffs/${id}`, who: "agent", keys: [] },
  { method: "POST", path: () => "/v1/handoffs", who: "agent", keys: ["conversationId", "reason"] },
  ...["claim", "messages", "notes", "snooze", "escalate", "resolve"].map(
    (action): Route => ({
      method: "POST",
      path: (_w, id) => `/v1/handoffs/${id}/${action}`,
      who: "agent",
      keys: ["text", "clientId", "minutes", "level", "note", "notes", "handBackToBot"],
    }),
  ),
  { method: "GET", path: (_w, id) => `/v1/handoffs/${id}/suggested-level`, who: "agent", keys: [] },
  { method: "GET", path: () => "/v1/me", who: "agent", keys: [] },
  { method: "GET", path: () => "/v1/agents", who: "owner", keys: [] },
  { method: "PATCH", path: (_w, id) => `/v1/agents/${id}`, who: "owner", keys: ["name", "role"] },
  { method: "GET", path: (_w, id) => `/v1/agents/${id}/sessions`, who: "owner", keys: [] },
  { method: "POST", path: (_w, id) => `/v1/agents/${id}/sign-in-link`, who: "owner", keys: ["next", "ttlSeconds"] },
  { method: "GET", path: () => "/v1/sessions", who: "agent", keys: [] },
  { method: "DELETE", path: (_w, id) => `/v1/sessions/${id}`, who: "agent", keys: [] },
  { method: "GET", path: () => "/v1/desk", who: "agent", keys: [] },
  { method: "GET", path: () => "/v1/desk/config", who: "agent", keys: [] },
  { method: "GET", path: () => "/v1/desk/socket", who: "agent", keys: [] },
  { method: "GET", path: () => "/v1/tickets", who: "agent", keys: [] },
  { method: "GET", path: (_w, id) => `/v1/tickets/${id}`, who: "agent", keys: [] },
  ...["reply", "close", "reopen"].map(
    (action): Route => ({ method: "POST", path: (_w, id) => `/v1/tickets/${id}/${action}`, who: "agent", keys: ["text", "clientId", "reason"] }),
  ),
  { method: "GET", path: () => "/v1/channels", who: "owner", keys: [] },
  ...["slack", "email", "webhook", "teams", "hubspot", "outbox", "x"].map(
    (kind): Route => ({
      method: "PUT",
      path: () => `/v1/channels/${kind}`,
      who: "owner",
      keys: ["enabled", "botToken", "channelId", "url", "secret", "to", "accessToken", "webhookUrl", "mode"],
    }),
  ),
  { method: "POST", path: () => "/v1/slack/install-link", who: "owner", keys: [] },
];

const tokenFor = (w: World, who: Who) => (who === "admin" ? ADMIN : who === "owner" ? w.project.secretKey : who === "agent" ? w.agent.agentToken : undefined);

describe("every HTTP route, fuzzed", () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path({ handoffId: ":id" } as World, ":id")}`, r] as const))(
    "%s: never a 5xx; a refusal is short JSON and changes nothing",
    async (_name, route) => {
      // Each route has its own caller, so one route's requests do not spend another's budget.
      const own = route.who === "agent" ? { ...w, agent: await createAgent(w.project, `Fuzz ${crypto.randomUUID().slice(0, 4)}`) } : w;
      await fc.assert(
        fc.asyncProperty(segment(own), query, bodies(route.keys), fc.boolean(), async (id, params, body, authed) => {
          const search = new URLSearchParams(params).toString();
          const path = route.path(own, id) + (search ? `?${search}` : "");
          const before = await fingerprint(own);
          const token = authed ? tokenFor(own, route.who) : "sk_wrong";
          const headers: Record<string, string> = { "content-type": "application/json", ...(path.includes("/socket") ? { upgrade: "websocket" } : {}) };
          const res = await call(path, {
            method: route.method,
            ...(token ? { token } : {}),
            headers,
            ...(route.method === "GET" || route.method === "DELETE" ? {} : { body }),
          });
          expect(res.status, `${route.method} ${path} ${body.slice(0, 200)}`).toBeLessThan(500);
          if (res.status === 101) {
            res.webSocket?.accept();
            res.webSocket?.close();
            return;
          }
          if (res.status >= 400) {
            const text = await res.text();
            const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
            expect(typeof error.code).toBe("string");
            expect(error.message.length).toBeLessThanOrEqual(300);
            expect(text.length).toBeLessThan(1000);
            expect(await fingerprint(own)).toBe(before);
          } else {
            await res.body?.cancel();
          }
        }),
        { numRuns: 12 },
      );
    },
    60_000,
  );
});

describe("socket frames, fuzzed through a real room", () => {
  const frame = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 2 }),
    fc
      .record(
        {
          type: fc.oneof(fc.constantFrom("visitor.message", "agent.message", "agent.note", "ping", "room.x"), fc.string({ maxLength: 10 })),
          clientId: fc.oneof(fc.string({ maxLength: 120 }), fc.integer()),
          text: fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom("", "   ", "<img src=x onerror=alert(1)>", "\u0000\u202e")),
        },
        { requiredKeys: ["type"] },
      )
      .map((f) => JSON.stringify(f)),
  );

  it("each frame is answered (an ack, a pong or an error), the socket stays open, and only acknowledged messages are stored", async () => {
    const project = await createProject();
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 12 }), async (frames) => {
        // A fresh conversation per run: twelve frames stay within one sender's burst.
        const { socketUrl } = await startConversation(project);
        const visitor = await Client.open(socketUrl);
        await visitor.waitFor((f) => f.find((x) => x.type === "welcome"), "welcome");
        for (const raw of frames) visitor.send(raw);
        // Every frame gets exactly one answer on its own socket: its ack (or the stored copy), a pong, or an error.
        const answers = (f: RoomFrame[]) => f.filter((x) => x.type === "error" || x.type === "pong" || (x.type === "message" && x.from === "visitor")).length;
        await visitor.waitFor((f) => (answers(f) >= frames.length ? true : undefined), "every frame answered");
        expect(visitor.closed).toBeNull();
        const acked = new Set(
          visitor
            .messages()
            .filter((m) => m.from === "visitor")
            .map((m) => m.seq),
        );
        const replay = await Client.open(socketUrl, 0);
        const welcome = await replay.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "welcome" }> => x.type === "welcome"));
        await replay.waitFor((f) => (f.filter((x) => "seq" in x).length >= welcome.lastSeq ? true : undefined), "replay");
        expect(
          new Set(
            replay
              .messages()
              .filter((m) => m.from === "visitor")
              .map((m) => m.seq),
          ),
        ).toEqual(acked);
        visitor.close();
        replay.close();
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
