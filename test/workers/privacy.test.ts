// Retention and erasure: the daily sweep purges what is older than each project's retention
// (rooms and D1 alike) and leaves everything else; an erasure request deletes one visitor's data
// everywhere, scoped to the project, and is audit-logged without keeping who it was about.
import { abortAllDurableObjects, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomFrame } from "../../protocol/frames";
import worker from "../../worker/index";
import { ALWAYS_OPEN, agentSession, call, Client, createAgent, createProject, json, say, startConversation, type TestProject } from "./helpers";

const DAY = 86_400_000;
const settings = { businessHours: ALWAYS_OPEN, knowledgeBase: [{ question: "Do you offer a free trial?", answer: "Yes, 14 days.", keywords: ["trial"] }] };

async function sweep(at: Date) {
  await worker.scheduled!({ scheduledTime: at.getTime(), cron: "17 3 * * *", noRetry() {} } as ScheduledController, env as never);
}

const rows = async (table: string, column: string, value: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).bind(value).first<{ n: number }>())!.n;

/** A conversation with a bot exchange; with `handoff`, a resolved handoff too (row, packet, notification, audit). */
async function conversationWith(project: TestProject, agentToken: string, handoff: boolean, extra: Record<string, unknown> = {}) {
  const started = await startConversation(project, extra);
  const visitor = await Client.open(started.socketUrl);
  await say(visitor, "Do you offer a free trial?");
  let handoffId: string | undefined;
  if (handoff) {
    await say(visitor, "Can I talk to a person? I'm ana@acme.test");
    handoffId = (await visitor.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "handoff" }> => x.type === "handoff"))).handoffId;
    await json(await call(`/v1/handoffs/${handoffId}/claim`, { method: "POST", token: agentToken, body: {} }), 200);
    await json(await call(`/v1/handoffs/${handoffId}/resolve`, { method: "POST", token: agentToken, body: {} }), 200);
    for (let i = 0; i < 100 && (await rows("notifications", "handoff_id", handoffId)) === 0; i++) await new Promise((r) => setTimeout(r, 50));
  }
  return { ...started, visitor, handoffId };
}

/** Whether the room still knows the conversation: a visitor socket is welcomed, or closed as unknown. */
async function roomKnows(socketUrl: string) {
  const socket = await Client.open(socketUrl);
  const first = await socket.waitFor((f) => f[0] ?? socket.closed ?? undefined, "welcome or close");
  socket.close();
  return "type" in first && first.type === "welcome";
}

describe("the retention sweep", () => {
  it("purges conversations, packets, notifications and audit rows past the project's retention, and nothing newer or elsewhere", async () => {
    const short = await createProject({ settings: { ...settings, retentionDays: 1 } });
    const shortAgent = await createAgent(short);
    const long = await createProject({ settings }); // the default: 90 days
    const longAgent = await createAgent(long);
    const old = await conversationWith(short, shortAgent.agentToken, true);
    const kept = await conversationWith(long, longAgent.agentToken, true);
    old.visitor.close();
    expect(await rows("notifications", "handoff_id", old.handoffId!)).toBeGreaterThan(0);
    expect(await rows("decisions", "conversation_id", old.conversationId)).toBeGreaterThan(0);
    const deskCards = async (token: string) =>
      (await json<{ cards: Array<{ handoffId: string }> }>(await call("/v1/desk", { token }), 200)).cards.map((c) => c.handoffId);
    for (let i = 0; i < 100 && !(await deskCards(shortAgent.agentToken)).includes(old.handoffId!); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await deskCards(shortAgent.agentToken)).toContain(old.handoffId);

    await sweep(new Date(Date.now() + 2 * DAY));

    expect(await rows("conversations", "id", old.conversationId)).toBe(0);
    expect(await rows("handoffs", "conversation_id", old.conversationId)).toBe(0);
    expect(await rows("notifications", "handoff_id", old.handoffId!)).toBe(0);
    expect(await rows("decisions", "conversation_id", old.conversationId)).toBe(0);
    expect(await roomKnows(old.socketUrl)).toBe(false);
    expect(await deskCards(shortAgent.agentToken)).not.toContain(old.handoffId); // the desk's inbox dropped its closed card
    // The 90-day project is untouched.
    expect(await rows("conversations", "id", kept.conversationId)).toBe(1);
    expect(await rows("handoffs", "conversation_id", kept.conversationId)).toBe(1);
    expect(await rows("notifications", "handoff_id", kept.handoffId!)).toBeGreaterThan(0);
    expect(await roomKnows(kept.socketUrl)).toBe(true);
  });

  it("a conversation still active at its cutoff keeps its recent messages and is looked at again later", async () => {
    const project = await createProject({ settings: { ...settings, retentionDays: 1 } });
    const agent = await createAgent(project);
    const { conversationId, socketUrl, visitor } = await conversationWith(project, agent.agentToken, false);
    // It started long ago, but its messages are from today.
    await env.DB.prepare("UPDATE conversations SET created_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 10 * DAY).toISOString(), conversationId)
      .run();
    await sweep(new Date());
    expect(await roomKnows(socketUrl)).toBe(true);
    const row = await env.DB.prepare("SELECT purge_after FROM conversations WHERE id = ?").bind(conversationId).first<{ purge_after: string }>();
    expect(Date.parse(row!.purge_after)).toBeGreaterThan(Date.now());
    const replay = await Client.open((await agentSession(conversationId, agent.agentToken)).socketUrl, 0);
    await replay.waitForMessage((m) => m.from === "bot");
    expect(replay.messages().length).toBe(2);
    visitor.close();
  });
});

describe("erasure (a GDPR request)", () => {
  it("deletes one person's conversations everywhere, by email, and logs it without the email", async () => {
    const project = await createProject({ settings });
    const agent = await createAgent(project);
    const byForm = await conversationWith(project, agent.agentToken, false, { visitor: { email: "Ana@Acme.test" } });
    const byChat = await conversationWith(project, agent.agentToken, true);
    const someoneElse = await conversationWith(project, agent.agentToken, false, { visitor: { email: "bob@acme.test" } });
    const deskCards = async () =>
      (await json<{ cards: Array<{ handoffId: string }> }>(await call("/v1/desk", { token: agent.agentToken }), 200)).cards.map((c) => c.handoffId);
    for (let i = 0; i < 100 && !(await deskCards()).includes(byChat.handoffId!); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await deskCards()).toContain(byChat.handoffId);
    const res = await json<{ erasureId: string; conversations: number; deleted: Record<string, number> }>(
      await call("/v1/erasures", { token: project.secretKey, body: { email: "ana@ACME.test" } }),
      200,
    );
    expect(res.conversations).toBe(2);
    expect(res.deleted).toMatchObject({ conversations: 2, handoffs: 1, deskCards: 1 });
    expect(await deskCards()).not.toContain(byChat.handoffId); // the team desk's queue forgot the card too
    for (const gone of [byForm, byChat]) {
      expect(await rows("conversations", "id", gone.conversationId)).toBe(0);
      expect(await rows("decisions", "conversation_id", gone.conversationId)).toBe(0);
      expect(await gone.visitor.waitForClose()).toMatchObject({ code: 4001 });
      expect(await roomKnows(gone.socketUrl)).toBe(false);
    }
    expect(await rows("notifications", "handoff_id", byChat.handoffId!)).toBe(0);
    expect(await rows("tickets", "conversation_id", byChat.conversationId)).toBe(0);
    expect(await roomKnows(someoneElse.socketUrl)).toBe(true);
    const { erasures } = await json<{ erasures: any[] }>(await call("/v1/erasures", { token: project.secretKey }), 200);
    expect(erasures).toHaveLength(1);
    expect(erasures[0]).toMatchObject({ id: res.erasureId, subjectKind: "email", conversations: 2 });
    expect(JSON.stringify(erasures)).not.toMatch(/ana@/i);
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("ana@acme.test")))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(erasures[0].subjectHash).toBe(digest);
  });

  it("a room erased ahead of its D1 row does not open again from that row, even in a new instance", async () => {
    const project = await createProject({ settings });
    const started = await startConversation(project);
    const visitor = await Client.open(started.socketUrl);
    await say(visitor, "Do you offer a free trial?");
    await env.ConversationRoom.getByName(started.conversationId).erase(); // the room forgets first, then D1 does
    expect(await visitor.waitForClose()).toMatchObject({ code: 4001 });
    await abortAllDurableObjects(); // the erasure cut short there: the row is still in D1, the room's instance gone
    expect(await rows("conversations", "id", started.conversationId)).toBe(1);
    expect(await roomKnows(started.socketUrl)).toBe(false);
    expect(await roomKnows(started.socketUrl)).toBe(false); // and a second try, from the same new instance
  });

  it("by conversation id or user id, and only within the caller's project", async () => {
    const project = await createProject({ settings });
    const agent = await createAgent(project);
    const mine = await conversationWith(project, agent.agentToken, false);
    const stranger = await createProject();
    expect((await json(await call("/v1/erasures", { token: stranger.secretKey, body: { conversationId: mine.conversationId } }), 200)).conversations).toBe(0);
    expect(await roomKnows(mine.socketUrl)).toBe(true);
    expect((await json(await call("/v1/erasures", { token: project.secretKey, body: { conversationId: mine.conversationId } }), 200)).conversations).toBe(1);
    expect(await roomKnows(mine.socketUrl)).toBe(false);
    const user = await conversationWith(project, agent.agentToken, false, { visitor: { userId: "crm-991" } });
    expect((await json(await call("/v1/erasures", { token: project.secretKey, body: { userId: "crm-991" } }), 200)).conversations).toBe(1);
    expect(await roomKnows(user.socketUrl)).toBe(false);
  });

  it("needs the secret key and exactly one subject", async () => {
    const project = await createProject();
    await json(await call("/v1/erasures", { body: { email: "a@b.test" } }), 401);
    for (const body of [{}, { email: "a@b.test", userId: "x" }, { email: "not an email" }, { conversationId: "" }, { phone: "1" }]) {
      await json(await call("/v1/erasures", { token: project.secretKey, body }), 400);
    }
  });
});
