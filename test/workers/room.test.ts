// The ConversationRoom through real WebSockets in workerd: relay, ordering, resume by seq,
// idempotent clientIds, hostile and malformed frames, auth, floods and object resets.
import { abortAllDurableObjects, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_TEXT_LENGTH, type RoomFrame } from "../../protocol/frames";
import { agentSession, call, Client, createAgent, createProject, json, startConversation } from "./helpers";

const knowledgeBase = [
  { question: "Do you offer a free trial?", answer: "Yes — every plan starts with a 14-day free trial.", keywords: ["trial", "free"] },
  { question: "Which integrations do you support?", answer: "Slack, HubSpot and any webhook.", keywords: ["integration", "slack", "hubspot"] },
];

async function setup() {
  const project = await createProject({ settings: { knowledgeBase } });
  const agent = await createAgent(project, "Ada Agent");
  const conversation = await startConversation(project);
  const visitor = await Client.open(conversation.socketUrl);
  const session = await agentSession(conversation.conversationId, agent.agentToken);
  const agentClient = await Client.open(session.socketUrl);
  await visitor.waitFor((f) => f.find((x) => x.type === "welcome"), "visitor welcome");
  await agentClient.waitFor((f) => f.find((x) => x.type === "welcome"), "agent welcome");
  return { project, agent, conversation, visitor, agentClient, session };
}

const seqs = (frames: RoomFrame[]) => frames.flatMap((f) => ("seq" in f ? [f.seq] : []));

describe("relay", () => {
  it("welcomes each socket with the protocol version and its role", async () => {
    const { visitor, agentClient, conversation } = await setup();
    expect(visitor.frames[0]).toEqual({
      type: "welcome",
      protocol: 1,
      conversationId: conversation.conversationId,
      role: "visitor",
      lastSeq: 0,
      bot: { name: "Baton", greeting: expect.stringContaining("Hi!") },
    });
    expect(agentClient.frames[0]).toMatchObject({ type: "welcome", role: "agent" });
  });

  it("relays visitor messages to agents and agent messages to the visitor, stored with increasing seq", async () => {
    const { visitor, agentClient, agent } = await setup();
    visitor.send({ type: "visitor.message", clientId: "v1", text: "  Hello there, anyone around?  " });
    const seen = await agentClient.waitForMessage((m) => m.from === "visitor");
    expect(seen).toMatchObject({ text: "Hello there, anyone around?", clientId: "v1", seq: 1 });
    expect(new Date(seen.at).toISOString()).toBe(seen.at);
    agentClient.send({ type: "agent.message", clientId: "a1", text: "Hi! Ada here." });
    const reply = await visitor.waitForMessage((m) => m.from === "agent");
    expect(reply.author).toEqual({ id: agent.agentId, name: "Ada Agent" });
    expect(reply.seq).toBeGreaterThan(seen.seq);
  });

  it("the bot answers from the knowledge base and says honestly when it does not know", async () => {
    const { visitor } = await setup();
    visitor.send({ type: "visitor.message", clientId: "q1", text: "Is there a free trial?" });
    const answer = await visitor.waitForMessage((m) => m.from === "bot");
    expect(answer.text).toContain("14-day free trial");
    visitor.send({ type: "visitor.message", clientId: "q2", text: "What is the airspeed velocity of an unladen swallow?" });
    const unknown = await visitor.waitForMessage((m) => m.from === "bot" && m.seq > answer.seq);
    expect(unknown.text).toMatch(/not sure/i);
  });

  it("keeps a sender's order when it waits for each ack (the protocol's one-in-flight rule)", async () => {
    const { visitor, agentClient } = await setup();
    for (let i = 0; i < 10; i++) {
      agentClient.send({ type: "agent.message", clientId: `m${i}`, text: `message ${i}` });
      await agentClient.waitForMessage((m) => m.clientId === `m${i}`, `ack ${i}`);
    }
    const got = await visitor.waitFor((f) => {
      const m = f.filter((x) => x.type === "message");
      return m.length === 10 ? m : undefined;
    }, "10 messages");
    expect(got.map((m) => ("text" in m ? m.text : ""))).toEqual(Array.from({ length: 10 }, (_, i) => `message ${i}`));
    expect(seqs(got)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it("stores a burst exactly once with contiguous seqs, and every socket sees the same order", async () => {
    // The runtime may hand a burst of hibernated frames to the room out of order; the room's seq
    // is then the single order every client sees, live and on replay.
    const { visitor, agentClient, conversation } = await setup();
    for (let i = 0; i < 15; i++) agentClient.send({ type: "agent.message", clientId: `m${i}`, text: `message ${i}` });
    const live = await visitor.waitFor((f) => {
      const m = f.filter((x) => x.type === "message");
      return m.length === 15 ? m : undefined;
    }, "15 messages");
    expect(seqs(live)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(new Set(live.map((m) => ("text" in m ? m.text : ""))).size).toBe(15);
    const replay = await Client.open(conversation.socketUrl, 0);
    await replay.waitFor((f) => (f.filter((x) => x.type === "message").length === 15 ? true : undefined));
    expect(replay.messages()).toEqual(live);
    const agentView = agentClient.messages();
    expect(agentView.map((m) => m.seq)).toEqual(seqs(live));
  });

  it("internal notes reach agents and never the visitor, not even on replay", async () => {
    const { visitor, agentClient, conversation } = await setup();
    agentClient.send({ type: "agent.note", text: "VIP — be nice" });
    const note = await agentClient.waitFor((f) => f.find((x) => x.type === "note"), "note");
    expect(note).toMatchObject({ type: "note", text: "VIP — be nice", seq: 1 });
    agentClient.send({ type: "agent.message", clientId: "after-note", text: "visible" });
    await visitor.waitForMessage((m) => m.text === "visible");
    expect(visitor.frames.some((f) => f.type === "note" || ("text" in f && f.text.includes("VIP")))).toBe(false);
    const again = await Client.open(conversation.socketUrl, 0);
    await again.waitForMessage((m) => m.text === "visible");
    expect(again.frames.some((f) => f.type === "note")).toBe(false);
  });
});

describe("opening: the room starts from the conversation's D1 row", () => {
  const roomOf = (conversationId: string) => env.ConversationRoom.getByName(conversationId);
  type Shell = { ctx: DurableObjectState; store: { loadState(): any } };

  it("creating a conversation writes only its row; the first socket opens the room with what was given", async () => {
    const project = await createProject({ settings: { knowledgeBase } });
    const created = await json<{ conversationId: string; socketUrl: string }>(
      await call("/v1/conversations", {
        headers: { "user-agent": "Opening/1.0" },
        body: {
          projectKey: project.projectKey,
          visitor: { name: "Ana Lima", email: "ana@acme.test" },
          page: { url: "https://acme.test/pricing", title: "Pricing" },
        },
      }),
      201,
    );
    // No object was asked for anything: its storage is empty, not even a schema.
    await runInDurableObject(roomOf(created.conversationId), (instance) => {
      expect((instance as unknown as Shell).ctx.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'meta'").toArray()).toEqual([]);
    });
    const row = await env.DB.prepare("SELECT created_at FROM conversations WHERE id = ?").bind(created.conversationId).first<{ created_at: string }>();
    const visitor = await Client.open(created.socketUrl);
    expect(await visitor.waitFor((f) => f.find((x) => x.type === "welcome"), "welcome")).toMatchObject({ conversationId: created.conversationId, lastSeq: 0 });
    await runInDurableObject(roomOf(created.conversationId), (instance) => {
      const state = (instance as unknown as Shell).store.loadState();
      expect(state).toMatchObject({
        conversationId: created.conversationId,
        projectId: project.projectId,
        createdAt: row!.created_at,
        page: { url: "https://acme.test/pricing", title: "Pricing" },
        userAgent: "Opening/1.0",
        visitor: { name: "Ana Lima", email: "ana@acme.test" },
      });
    });
    visitor.send({ type: "visitor.message", clientId: "o1", text: "Do you offer a free trial?" });
    expect((await visitor.waitForMessage((m) => m.from === "bot")).text).toContain("14-day free trial");
  });

  it("a valid token for a conversation D1 no longer has opens nothing", async () => {
    const project = await createProject();
    const { conversationId, socketUrl } = await startConversation(project);
    await env.DB.prepare("DELETE FROM conversations WHERE id = ?").bind(conversationId).run();
    const visitor = await Client.open(socketUrl);
    expect(await visitor.waitForClose()).toMatchObject({ code: 4001, reason: "unknown conversation" });
    await runInDurableObject(roomOf(conversationId), (instance) => {
      expect((instance as unknown as Shell).store.loadState()).toBeNull();
    });
  });

  it("a visitor and an agent arriving at once open one room, and both are in it", async () => {
    const project = await createProject({ settings: { knowledgeBase } });
    const agent = await createAgent(project);
    const { conversationId, socketUrl } = await startConversation(project);
    const session = await agentSession(conversationId, agent.agentToken);
    const [visitor, agentClient] = await Promise.all([Client.open(socketUrl), Client.open(session.socketUrl)]);
    for (const client of [visitor, agentClient])
      expect(await client.waitFor((f) => f.find((x) => x.type === "welcome"), "welcome")).toMatchObject({ lastSeq: 0 });
    visitor.send({ type: "visitor.message", clientId: "both-1", text: "Which integrations do you support?" });
    const seen = await agentClient.waitForMessage((m) => m.clientId === "both-1");
    expect(seen.seq).toBe(1);
    expect((await agentClient.waitForMessage((m) => m.from === "bot")).seq).toBe(2);
  });

  it("an agent can act on a conversation nobody has connected to yet", async () => {
    const project = await createProject({ settings: { knowledgeBase } });
    const agent = await createAgent(project);
    const { conversationId, socketUrl } = await startConversation(project, { visitor: { email: "lead@acme.test" } });
    const opened = await json<{ handoff: { status: string; trigger: string } }>(
      await call("/v1/handoffs", { token: agent.agentToken, body: { conversationId, reason: "A known account" } }),
      201,
    );
    expect(opened.handoff).toMatchObject({ trigger: "manual" });
    const visitor = await Client.open(socketUrl);
    const welcome = await visitor.waitFor((f) => f.find((x) => x.type === "welcome"), "welcome");
    expect(welcome.lastSeq).toBeGreaterThanOrEqual(0);
    await runInDurableObject(roomOf(conversationId), (instance) => {
      expect((instance as unknown as Shell).store.loadState()).toMatchObject({ visitor: { email: "lead@acme.test" }, handoff: { trigger: "manual" } });
    });
  });
});

describe("resume and idempotency", () => {
  it("a reconnect with since=<seq> receives exactly the messages after it, in order", async () => {
    const { visitor, agentClient, conversation } = await setup();
    // One in flight at a time (the protocol's rule when order matters): this test is about resuming, not bursts.
    const write = async (clientId: string, text: string) => {
      agentClient.send({ type: "agent.message", clientId, text });
      await agentClient.waitForMessage((m) => m.clientId === clientId, `ack of ${text}`);
    };
    await write("a1", "one");
    await write("a2", "two");
    await visitor.waitForMessage((m) => m.text === "two");
    visitor.close();
    await write("a3", "three");
    await write("a4", "four");
    const resumed = await Client.open(conversation.socketUrl, 2);
    const got = await resumed.waitFor((f) => (f.filter((x) => x.type === "message").length >= 2 ? f : undefined), "replay");
    expect(got[0]).toMatchObject({ type: "welcome", lastSeq: 4 });
    expect(resumed.messages().map((m) => [m.seq, m.text])).toEqual([
      [3, "three"],
      [4, "four"],
    ]);
  });

  it("a socket always gets its welcome and replay before any live frame, even when settings are stale", async () => {
    const { agentClient, conversation } = await setup();
    for (let i = 0; i < 3; i++) {
      agentClient.send({ type: "agent.message", clientId: `p${i}`, text: `prime ${i}` });
      await agentClient.waitForMessage((m) => m.clientId === `p${i}`);
    }
    // Make the room's settings stale, so anything that awaited them would have to go to D1.
    await runInDurableObject(env.ConversationRoom.getByName(conversation.conversationId), (instance, state) => {
      state.storage.sql.exec("UPDATE meta SET value = json_set(value, '$.loadedAt', 0) WHERE key = 'settings'");
      (instance as unknown as { roomSettings: { cached: unknown } }).roomSettings.cached = null;
    });
    agentClient.send({ type: "agent.message", clientId: "live", text: "live while connecting" });
    const late = await Client.open(conversation.socketUrl, 0);
    await late.waitForMessage((m) => m.clientId === "live");
    expect(late.frames[0]?.type).toBe("welcome");
    expect(seqs(late.frames)).toEqual([1, 2, 3, 4]);
  });

  it("the same clientId twice is stored once, and the resend is answered with the stored message", async () => {
    const { visitor, agentClient, conversation } = await setup();
    const frame = { type: "agent.message", clientId: "dup-1", text: "only once" };
    agentClient.send(frame);
    agentClient.send(frame);
    await agentClient.waitFor((f) => (f.filter((x) => x.type === "message" && x.clientId === "dup-1").length === 2 ? true : undefined));
    const acks = agentClient.messages().filter((m) => m.clientId === "dup-1");
    expect(acks[0]!.seq).toBe(acks[1]!.seq);
    agentClient.send({ type: "agent.message", clientId: "marker", text: "marker" });
    await visitor.waitForMessage((m) => m.text === "marker");
    const replay = await Client.open(conversation.socketUrl, 0);
    await replay.waitForMessage((m) => m.text === "marker");
    expect(replay.messages().filter((m) => m.text === "only once")).toHaveLength(1);
  });

  it("a visitor clientId does not collide with an agent's identical clientId", async () => {
    const { visitor, agentClient } = await setup();
    agentClient.send({ type: "agent.message", clientId: "same", text: "from agent" });
    await visitor.waitForMessage((m) => m.text === "from agent");
    visitor.send({ type: "visitor.message", clientId: "same", text: "from visitor" });
    await agentClient.waitForMessage((m) => m.text === "from visitor");
  });

  it("loses nothing when the Durable Object is reset mid-conversation", async () => {
    const { visitor, agentClient, conversation, session } = await setup();
    visitor.send({ type: "visitor.message", clientId: "before", text: "Do you have a free trial?" });
    const before = await visitor.waitForMessage((m) => m.from === "bot");
    await abortAllDurableObjects();
    await visitor.waitForClose().catch(() => undefined);
    const back = await Client.open(conversation.socketUrl, before.seq);
    expect(await back.waitFor((f) => f.find((x) => x.type === "welcome"))).toMatchObject({ lastSeq: before.seq });
    back.send({ type: "visitor.message", clientId: "before", text: "Do you have a free trial?" }); // resent after a lost ack
    back.send({ type: "visitor.message", clientId: "after", text: "Which integrations do you support?" });
    const answer = await back.waitForMessage((m) => m.from === "bot" && m.text.includes("Slack"));
    const agentAgain = await Client.open(session.socketUrl, 0);
    await agentAgain.waitForMessage((m) => m.seq === answer.seq);
    expect(seqs(agentAgain.messages())).toEqual([1, 2, 3, 4]);
    expect(agentAgain.messages().map((m) => m.from)).toEqual(["visitor", "bot", "visitor", "bot"]);
    agentClient.close();
  });
});

describe("bad frames", () => {
  const cases: Array<[string, unknown, string]> = [
    ["garbage", "}{ not json", "bad_json"],
    ["a JSON non-object", "42", "unknown_type"],
    ["an unknown type", { type: "visitor.dance" }, "unknown_type"],
    ["a type reserved for agents", { type: "agent.message", clientId: "x", text: "hi" }, "forbidden_type"],
    ["a missing text", { type: "visitor.message", clientId: "x" }, "invalid_frame"],
    ["a missing clientId", { type: "visitor.message", text: "hi" }, "invalid_frame"],
    ["a blank text", { type: "visitor.message", clientId: "x", text: "   " }, "invalid_frame"],
    ["a 5000-character text", { type: "visitor.message", clientId: "x", text: "a".repeat(5000) }, "invalid_frame"],
    ["a text of the wrong type", { type: "visitor.message", clientId: "x", text: ["hi"] }, "invalid_frame"],
  ];
  it.each(cases)("answers %s with an error frame and keeps the socket open", async (_name, frame, code) => {
    const { visitor, agentClient } = await setup();
    visitor.send(frame);
    const error = await visitor.waitForError(code);
    expect(error).toMatchObject({ type: "error", code });
    expect(visitor.closed).toBeNull();
    visitor.send({ type: "visitor.message", clientId: "still-ok", text: "still here" });
    await agentClient.waitForMessage((m) => m.text === "still here");
  });

  it("accepts exactly the maximum length", async () => {
    const { visitor, agentClient } = await setup();
    visitor.send({ type: "visitor.message", clientId: "max", text: "b".repeat(MAX_TEXT_LENGTH) });
    const m = await agentClient.waitForMessage((x) => x.clientId === "max");
    expect(m.text).toHaveLength(MAX_TEXT_LENGTH);
  });

  it("stores and echoes hostile text verbatim, as text", async () => {
    const { visitor, agentClient } = await setup();
    const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"`;
    visitor.send({ type: "visitor.message", clientId: "xss", text: hostile });
    expect((await agentClient.waitForMessage((m) => m.clientId === "xss")).text).toBe(hostile);
  });

  it("answers a flood with rate_limited errors and closes an abusive socket with 4008", async () => {
    const { visitor } = await setup();
    for (let i = 0; i < 60; i++) visitor.send({ type: "ping" });
    await visitor.waitForError("rate_limited");
    const closed = await visitor.waitForClose();
    expect(closed.code).toBe(4008);
  });
});

describe("socket auth", () => {
  it("refuses a missing, forged or expired token before the upgrade", async () => {
    const { conversation } = await setup();
    const base = `/v1/conversations/${conversation.conversationId}/socket`;
    const [body, sig] = conversation.visitorToken.split(".");
    const tampered = `${body}.${sig!.slice(0, -2)}${sig!.endsWith("AA") ? "BB" : "AA"}`;
    for (const url of [base, `${base}?token=garbage`, `${base}?token=${encodeURIComponent(tampered)}`]) {
      const res = await json(await call(url, { headers: { upgrade: "websocket" } }), 401);
      expect(res.error.code).toBe("unauthorized");
    }
  });

  it("a visitor token opens only its own conversation", async () => {
    const { project, conversation } = await setup();
    const other = await startConversation(project);
    const res = await call(`/v1/conversations/${other.conversationId}/socket?token=${encodeURIComponent(conversation.visitorToken)}`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(401);
  });

  it("an agent session of another project cannot be minted, and a plain GET needs an upgrade", async () => {
    const { conversation } = await setup();
    const stranger = await createAgent(await createProject(), "Stranger");
    const res = await call(`/v1/conversations/${conversation.conversationId}/agent-session`, { token: stranger.agentToken, body: {} });
    expect(res.status).toBe(404);
    const plain = await json(await call(conversation.socketUrl), 426);
    expect(plain.error.code).toBe("upgrade_required");
    const badSince = await call(`${conversation.socketUrl}&since=-1`, { headers: { upgrade: "websocket" } });
    expect(badSince.status).toBe(400);
  });
});
