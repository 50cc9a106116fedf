// The handoff lifecycle through the real worker, rooms, D1 and queue: claim races, takeover,
// timers on the room's alarm (the room's clock moved forward, never slept), resolve, reopen,
// satisfaction, the audit log and metrics.
import { abortAllDurableObjects, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomFrame } from "../../protocol/frames";
import { agentSession, ALWAYS_OPEN, call, Client, createAgent, createProject, json, say, startConversation, type TestProject } from "./helpers";

const settings = {
  knowledgeBase: [{ id: "trial", question: "Do you offer a free trial?", answer: "Yes, 14 days.", keywords: ["trial"] }],
  businessHours: ALWAYS_OPEN,
  responseTimeoutMinutes: 2,
  reminderGraceMinutes: 1,
};
const MINUTE = 60_000;

interface Scene {
  project: TestProject;
  ana: { agentId: string; agentToken: string };
  bob: { agentId: string; agentToken: string };
  conversationId: string;
  visitor: Client;
  handoffId: string;
}

async function openHandoff(extra: { visitor?: { email?: string } } = {}): Promise<Scene> {
  const project = await createProject({ settings });
  const ana = await createAgent(project, "Ana Agent");
  const bob = await createAgent(project, "Bob Agent");
  const { conversationId, socketUrl } = await startConversation(project, extra);
  const visitor = await Client.open(socketUrl);
  await say(visitor, "Can I talk to a person?");
  const frame = await visitor.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "handoff" }> => x.type === "handoff"));
  return { project, ana, bob, conversationId, visitor, handoffId: frame.handoffId };
}

const post = (path: string, token: string, body: unknown = {}) => call(path, { method: "POST", token, body });
const room = (conversationId: string) => env.ConversationRoom.getByName(conversationId);

/** Moves the room's clock forward: the same instance then judges every timer against it. */
async function advance(conversationId: string, ms: number) {
  await runInDurableObject(room(conversationId), (instance) => {
    const base = (instance as unknown as { now: () => Date }).now.bind(instance);
    (instance as unknown as { now: () => Date }).now = () => new Date(base().getTime() + ms);
  });
}

async function decisions(project: TestProject) {
  return (
    await json<{ decisions: Array<{ action: string; handoffId: string; actor: { kind: string; name: string | null } }> }>(
      await call("/v1/decisions", { token: project.secretKey }),
      200,
    )
  ).decisions;
}

async function handoff(scene: Scene) {
  return (await json<{ handoff: any }>(await call(`/v1/handoffs/${scene.handoffId}`, { token: scene.ana.agentToken }), 200)).handoff;
}

describe("claiming", () => {
  it("two agents claiming at once: exactly one wins, the other is told who has it", async () => {
    const scene = await openHandoff();
    const [a, b] = await Promise.all([
      post(`/v1/handoffs/${scene.handoffId}/claim`, scene.ana.agentToken),
      post(`/v1/handoffs/${scene.handoffId}/claim`, scene.bob.agentToken),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winnerName = a.status === 200 ? "Ana Agent" : "Bob Agent";
    const body = await loser.json<any>();
    expect(body.error).toMatchObject({ code: "already_claimed", claimedBy: { name: winnerName }, claimedAt: expect.any(String) });
    expect(body.error.message).toContain(winnerName);
  });

  it("the same agent claiming twice is fine (a double click), and the visitor is told once who joined", async () => {
    const scene = await openHandoff();
    await json(await post(`/v1/handoffs/${scene.handoffId}/claim`, scene.ana.agentToken), 200);
    const again = await json<{ handoff: any }>(await post(`/v1/handoffs/${scene.handoffId}/claim`, scene.ana.agentToken), 200);
    expect(again.handoff).toMatchObject({ status: "claimed", claimedBy: { name: "Ana Agent" } });
    const joined = await scene.visitor.waitForMessage((m) => m.from === "system" && m.text === "Ana Agent has joined the chat");
    expect(joined).toBeDefined();
    expect(scene.visitor.messages().filter((m) => m.text.endsWith("has joined the chat"))).toHaveLength(1);
    expect(await scene.visitor.waitFor((f) => f.find((x) => x.type === "handoff" && x.status === "claimed"))).toMatchObject({
      claimedBy: { name: "Ana Agent" },
    });
  });

  it("refuses other projects (404), unknown tokens (401) and bad bodies (400)", async () => {
    const scene = await openHandoff();
    const stranger = await createAgent(await createProject(), "Stranger");
    expect((await post(`/v1/handoffs/${scene.handoffId}/claim`, stranger.agentToken)).status).toBe(404);
    expect((await post(`/v1/handoffs/${scene.handoffId}/claim`, "at_nope")).status).toBe(401);
    for (const minutes of [0, 10, "5", null]) {
      const res = await json(await post(`/v1/handoffs/${scene.handoffId}/snooze`, scene.ana.agentToken, { minutes }), 400);
      expect(res.error).toMatchObject({ code: "invalid_body", field: "minutes" });
    }
    await json(await post(`/v1/handoffs/${scene.handoffId}/escalate`, scene.ana.agentToken, { level: "ceo", note: "x" }), 400);
    await json(await post(`/v1/handoffs/${scene.handoffId}/messages`, scene.ana.agentToken, { text: "", clientId: "c" }), 400);
    for (const body of [{ handBackToBot: "yes" }, { notes: 42 }, { surprise: true }]) {
      expect((await json(await post(`/v1/handoffs/${scene.handoffId}/resolve`, scene.ana.agentToken, body), 400)).error.code).toBe("invalid_body");
    }
    for (const body of [{}, { conversationId: scene.conversationId }, { conversationId: scene.conversationId, reason: "" }, "{oops"]) {
      expect((await json(await post("/v1/handoffs", scene.ana.agentToken, body), 400)).error.code).toMatch(/^(invalid_body|bad_json)$/);
    }
  });
});

describe("live takeover", () => {
  it("after a claim the bot is silent, messages flow both ways, and only the claimer may write", async () => {
    const scene = await openHandoff();
    await json(await post(`/v1/handoffs/${scene.handoffId}/claim`, scene.ana.agentToken), 200);
    const agentSocket = await Client.open((await agentSession(scene.conversationId, scene.ana.agentToken)).socketUrl);
    const sent = await json<{ handoff: any }>(
      await post(`/v1/handoffs/${scene.handoffId}/messages`, scene.ana.agentToken, { text: "Hi, Ana here. How can I help?", clientId: "m1" }),
      200,
    );
    expect(sent.handoff.status).toBe("active");
    await scene.visitor.waitForMessage((m) => m.from === "agent" && m.text === "Hi, Ana here. How can I help?" && m.author?.name === "Ana Agent");
    // The same clientId again is stored once.
    await json(await post(`/v1/handoffs/${scene.handoffId}/messages`, scene.ana.agentToken, { text: "Hi, Ana here. How can I help?", clientId: "m1" }), 200);

    const before = scene.visitor.messages().length;
    scene.visitor.send({ type: "visitor.message", clientId: "q", text: "Do you offer a free trial?" });
    await agentSocket.waitForMessage((m) => m.clientId === "q");
    agentSocket.send({ type: "ping" });
    await agentSocket.waitFor((f) => f.find((x) => x.type === "pong"));
    await new Promise((r) => setTimeout(r, 200));
    expect(
      scene.visitor
        .messages()
        .slice(before)
        .map((m) => m.from),
    ).toEqual(["visitor"]); // no bot reply over a human

    const bobs = await json(await post(`/v1/handoffs/${scene.handoffId}/messages`, scene.bob.agentToken, { text: "me too", clientId: "b1" }), 403);
    expect(bobs.error).toMatchObject({ code: "not_claimer", claimedBy: { name: "Ana Agent" } });
    const bobSocket = await Client.open((await agentSession(scene.conversationId, scene.bob.agentToken)).socketUrl);
    bobSocket.send({ type: "agent.message", clientId: "b2", text: "hello from bob" });
    expect(await bobSocket.waitForError("not_claimer")).toMatchObject({ clientId: "b2" });
    const transcript = (await json<{ transcript: any[] }>(await call(`/v1/handoffs/${scene.handoffId}`, { token: scene.ana.agentToken }), 200)).transcript;
    expect(transcript.filter((m) => m.text === "Hi, Ana here. How can I help?")).toHaveLength(1);
    expect(transcript.some((m) => m.text === "hello from bob")).toBe(false);
  });

  it("an agent who writes first from the socket claims the handoff", async () => {
    const scene = await openHandoff();
    const agentSocket = await Client.open((await agentSession(scene.conversationId, scene.bob.agentToken)).socketUrl);
    agentSocket.send({ type: "agent.message", clientId: "hi", text: "Bob here!" });
    await scene.visitor.waitForMessage((m) => m.text === "Bob Agent has joined the chat");
    await scene.visitor.waitForMessage((m) => m.text === "Bob here!");
    expect(await handoff(scene)).toMatchObject({ status: "active", claimedBy: { name: "Bob Agent" } });
  });

  it("resolve tells the visitor, asks for a rating, and the bot resumes only when handed back", async () => {
    const scene = await openHandoff();
    await json(await post(`/v1/handoffs/${scene.handoffId}/claim`, scene.ana.agentToken), 200);
    await json(await post(`/v1/handoffs/${scene.handoffId}/messages`, scene.ana.agentToken, { text: "All sorted?", clientId: "m1" }), 200);
    const resolved = await json<{ handoff: any }>(
      await post(`/v1/handoffs/${scene.handoffId}/resolve`, scene.ana.agentToken, { notes: "answered", handBackToBot: true }),
      200,
    );
    expect(resolved.handoff.status).toBe("resolved");
    await scene.visitor.waitForMessage((m) => /from 1 \(poor\) to 5 \(excellent\)/.test(m.text));
    const thanks = await say(scene.visitor, "5");
    expect(thanks.text).toBe("Thank you for the feedback!");
    expect((await handoff(scene)).satisfaction).toBe(5);
    expect((await say(scene.visitor, "Do you offer a free trial?")).text).toBe("Yes, 14 days.");
    expect((await post(`/v1/handoffs/${scene.handoffId}/resolve`, scene.ana.agentToken)).status).toBe(409);
  });

  it("a visitor writing soon after a resolve reopens the same handoff", async () => {
    const scene = await openHandoff();
    await json(await post(`/v1/handoffs/${scene.handoffId}/claim`, scene.ana.agentToken), 200);
    await json(await post(`/v1/handoffs/${scene.handoffId}/resolve`, scene.ana.agentToken), 200);
    scene.visitor.send({ type: "visitor.message", clientId: "again", text: "Sorry, one more thing about the invoice" });
    await scene.visitor.waitFor((f) => f.find((x) => x.type === "handoff" && x.status === "claimed" && x.handoffId === scene.handoffId), "reopened");
    const listed = await json<{ handoffs: any[] }>(await call("/v1/handoffs", { token: scene.ana.agentToken }), 200);
    expect(listed.handoffs.filter((h) => h.conversationId === scene.conversationId)).toHaveLength(1);
  });
});

describe("timers on the room's alarm", () => {
  it("nobody answers: timeout → reminder → grace → an honest capture, a ticket and the owner told", async () => {
    const scene = await openHandoff({ visitor: { email: "ana@acme.test" } });
    expect(await runDurableObjectAlarm(room(scene.conversationId))).toBe(true); // armed, but nothing due yet
    expect((await handoff(scene)).status).not.toBe("converted_to_ticket");

    await advance(scene.conversationId, 2 * MINUTE + 1000);
    await runDurableObjectAlarm(room(scene.conversationId));
    let actions = (await decisions(scene.project)).map((d) => d.action);
    expect(actions).toContain("reminder");
    expect((await handoff(scene)).status).not.toBe("converted_to_ticket");
    // Firing again with nothing newly due changes nothing (idempotent).
    await runDurableObjectAlarm(room(scene.conversationId));
    expect((await decisions(scene.project)).filter((d) => d.action === "reminder")).toHaveLength(1);

    await advance(scene.conversationId, 1 * MINUTE + 1000);
    await runDurableObjectAlarm(room(scene.conversationId));
    const busy = await scene.visitor.waitForMessage((m) => /busy helping others/.test(m.text));
    expect(busy.text).toContain("ana@acme.test");
    expect((await handoff(scene)).status).toBe("converted_to_ticket");
    const { tickets } = await json<{ tickets: any[] }>(await call("/v1/tickets", { token: scene.project.secretKey }), 200);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ handoffId: scene.handoffId, email: "ana@acme.test", packet: { trigger: "explicit_request" } });
    actions = (await decisions(scene.project)).map((d) => d.action);
    expect(actions).toContain("convert_to_ticket");
  });

  it("timers are rows, not memory: they survive the room being reset", async () => {
    const scene = await openHandoff({ visitor: { email: "ana@acme.test" } });
    await abortAllDurableObjects();
    await advance(scene.conversationId, 2 * MINUTE + 1000); // a fresh instance, its clock moved on
    await runDurableObjectAlarm(room(scene.conversationId));
    await advance(scene.conversationId, 1 * MINUTE + 1000);
    await runDurableObjectAlarm(room(scene.conversationId));
    expect((await handoff(scene)).status).toBe("converted_to_ticket");
    expect((await decisions(scene.project)).filter((d) => d.action === "convert_to_ticket")).toHaveLength(1);
  });

  it("a snooze silences the alert and re-notifies at its end", async () => {
    const scene = await openHandoff();
    const snoozed = await json<{ handoff: any }>(await post(`/v1/handoffs/${scene.handoffId}/snooze`, scene.ana.agentToken, { minutes: 5 }), 200);
    expect(snoozed.handoff.snoozedUntil).toBeDefined();
    await advance(scene.conversationId, 5 * MINUTE + 1000);
    await runDurableObjectAlarm(room(scene.conversationId));
    expect((await decisions(scene.project)).map((d) => d.action)).toEqual(expect.arrayContaining(["snooze", "snooze_end"]));
    expect((await handoff(scene)).status).not.toBe("converted_to_ticket");
  });

  it("a visitor who leaves while waiting and does not come back is abandoned", async () => {
    const scene = await openHandoff();
    scene.visitor.close();
    await scene.visitor.waitForClose();
    for (let i = 0; i < 50 && !(await decisions(scene.project)).length; i++) await new Promise((r) => setTimeout(r, 50));
    await advance(scene.conversationId, 10 * MINUTE + 1000);
    await runDurableObjectAlarm(room(scene.conversationId));
    expect((await handoff(scene)).status).toBe("abandoned");
    expect((await decisions(scene.project)).map((d) => d.action)).toContain("abandon");
  });
});

describe("audit log and metrics", () => {
  it("records every operator action, exportable as NDJSON", async () => {
    const scene = await openHandoff();
    await json(await post(`/v1/handoffs/${scene.handoffId}/claim`, scene.ana.agentToken), 200);
    await json(await post(`/v1/handoffs/${scene.handoffId}/notes`, scene.ana.agentToken, { text: "VIP" }), 200);
    await json(await post(`/v1/handoffs/${scene.handoffId}/messages`, scene.ana.agentToken, { text: "Hello!", clientId: "h" }), 200);
    await json(await post(`/v1/handoffs/${scene.handoffId}/escalate`, scene.ana.agentToken, { level: "manager", note: "refund over limit" }), 200);
    await json(await post(`/v1/handoffs/${scene.handoffId}/resolve`, scene.ana.agentToken, { handBackToBot: true }), 200);
    const actions = (await decisions(scene.project)).filter((d) => d.actor.kind === "agent").map((d) => d.action);
    expect(actions).toEqual(["claim", "note", "message", "escalate", "resolve", "hand_back"]);
    const res = await call("/v1/decisions?format=ndjson&since=2000-01-01", { token: scene.project.secretKey });
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.action)).toEqual(expect.arrayContaining(actions));
    expect((await call("/v1/decisions?since=yesterday", { token: scene.project.secretKey })).status).toBe(400);
    expect((await call("/v1/decisions", { token: scene.ana.agentToken })).status).toBe(401);
  });

  it("computes metrics from stored timestamps", async () => {
    const scene = await openHandoff();
    await json(await post(`/v1/handoffs/${scene.handoffId}/claim`, scene.ana.agentToken), 200);
    await json(await post(`/v1/handoffs/${scene.handoffId}/messages`, scene.ana.agentToken, { text: "Hi!", clientId: "x" }), 200);
    await json(await post(`/v1/handoffs/${scene.handoffId}/resolve`, scene.ana.agentToken), 200);
    await say(scene.visitor, "4");
    await startConversation(scene.project); // a conversation with no handoff
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const { metrics } = await json<{ metrics: any }>(await call(`/v1/metrics?from=${from}&to=${to}`, { token: scene.project.secretKey }), 200);
    expect(metrics).toMatchObject({
      conversations: 2,
      handoffs: 1,
      escalationRate: 0.5,
      resolutionRate: 1,
      abandonmentRate: 0,
      satisfaction: { count: 1, average: 4 },
    });
    expect(metrics.firstReplySeconds.count).toBe(1);
    expect((await call(`/v1/metrics?from=${to}&to=${from}`, { token: scene.project.secretKey })).status).toBe(400);
    // Without a window: the last 7 days.
    const week = await json<{ from: string; to: string }>(await call(`/v1/metrics`, { token: scene.project.secretKey }), 200);
    expect(Date.parse(week.to) - Date.parse(week.from)).toBe(7 * 86_400_000);
  });

  it("an agent can open a handoff by hand", async () => {
    const project = await createProject({ settings });
    const agent = await createAgent(project);
    const { conversationId, socketUrl } = await startConversation(project);
    const visitor = await Client.open(socketUrl);
    await say(visitor, "Do you offer a free trial?");
    const created = await json<{ handoff: any }>(await post("/v1/handoffs", agent.agentToken, { conversationId, reason: "VIP account" }), 201);
    expect(created.handoff).toMatchObject({ trigger: "manual", status: "pending" });
    expect((await post("/v1/handoffs", agent.agentToken, { conversationId, reason: "again" })).status).toBe(409);
    expect((await post("/v1/handoffs", agent.agentToken, { conversationId: "c_nope", reason: "x" })).status).toBe(404);
  });
});
