import { describe, expect, it } from "vitest";
import { createRoom, transition } from "./transition";
import type { Effect, RoomContext, RoomState } from "./room-types";
import { settingsSchema } from "../settings";

const now = new Date("2026-03-02T10:00:00.000Z");
const agent = { id: "agt_1", name: "Ada" };
const room = (): RoomState => createRoom({ conversationId: "c_1", projectId: "prj_1" }, now);
let ids = 0;
const ctx: RoomContext = {
  now,
  newId: (prefix) => `${prefix}${++ids}`,
  settings: settingsSchema.parse({ botName: "Ava" }),
  hasChannel: true,
  agentsOnline: 0,
  engineWritesReplies: true,
  transcript: [],
};

const types = (effects: Effect[]) => effects.map((e) => e.type);

describe("the room transition", () => {
  it("a visitor message is appended with the next seq, broadcast to everyone, then analysed", () => {
    const { state, effects } = transition(room(), { type: "visitor.message", clientId: "v1", text: "hi" }, ctx);
    expect(state.lastSeq).toBe(1);
    expect(state.lastVisitorMessageAt).toBe(now.toISOString());
    expect(types(effects)).toEqual(["append", "broadcast", "analyze"]);
    expect(effects[0]).toMatchObject({ message: { seq: 1, from: "visitor", text: "hi", clientId: "v1", at: now.toISOString() } });
    expect(effects[1]).toMatchObject({ to: "everyone", frame: { type: "message", seq: 1, from: "visitor" } });
  });

  it("an agent message carries its author and does not wake the bot", () => {
    const { effects } = transition(room(), { type: "agent.message", clientId: "a1", text: "hello", agent }, ctx);
    expect(types(effects)).toEqual(["append", "broadcast"]);
    expect(effects[1]).toMatchObject({ frame: { from: "agent", author: agent } });
  });

  it("an internal note goes to agents only, as a note frame", () => {
    const { effects } = transition(room(), { type: "agent.note", text: "vip", agent }, ctx);
    expect(effects[1]).toMatchObject({ type: "broadcast", to: "agents", frame: { type: "note", text: "vip", author: agent } });
  });

  it("a bot reply is authored by the project's bot, logged for the context packet, with any resource appended", () => {
    const { state, effects } = transition(
      room(),
      { type: "bot.reply", reply: { kind: "answer", text: "14 days.", entryId: "trial", score: 1 }, inReplyTo: 1, question: "trial?", append: "See: guide" },
      ctx,
    );
    expect(effects[1]).toMatchObject({ frame: { from: "bot", text: "14 days.\n\nSee: guide", author: { id: "bot", name: "Ava" } } });
    expect(state.botLog).toEqual([{ seq: 1, question: "trial?", outcome: "answer", entryId: "trial" }]);
  });

  it("once analysed, an ordinary message is handed to the bot", () => {
    const stored = transition(room(), { type: "visitor.message", clientId: "v1", text: "Do you have a trial?" }, ctx).state;
    const { effects } = transition(stored, { type: "visitor.analyzed", seq: 1, text: "Do you have a trial?", hints: null }, ctx);
    expect(effects).toEqual([{ type: "bot-turn", seq: 1, text: "Do you have a trial?" }]);
  });

  it("without an LLM the rules' answer is stored in the same step", () => {
    const text = "What's the weather in Paris?";
    const stored = transition(room(), { type: "visitor.message", clientId: "v1", text }, ctx).state;
    const { state, effects } = transition(stored, { type: "visitor.analyzed", seq: 1, text, hints: null }, { ...ctx, engineWritesReplies: false });
    expect(types(effects)).toEqual(["append", "broadcast"]);
    expect(effects[0]).toMatchObject({ message: { from: "bot", text: expect.stringMatching(/not sure/) } });
    expect(state.botLog).toEqual([{ seq: 1, question: text, outcome: "unknown" }]);
  });

  it("an LLM hint adds a human request the rules missed, but cannot remove one", () => {
    const text = "I'd love to chat with whoever built this";
    const stored = transition(room(), { type: "visitor.message", clientId: "v1", text }, ctx).state;
    const hinted = transition(stored, { type: "visitor.analyzed", seq: 1, text, hints: { wantsHuman: true, frustrated: false, company: "Acme" } }, ctx);
    expect(hinted.state.handoff).toMatchObject({ trigger: "explicit_request", reasons: expect.arrayContaining(["explicit_phrase:llm:wants_human"]) });
    expect(hinted.state.visitor.company).toBe("Acme");
    const asked = "Can I talk to a person?";
    const stored2 = transition(room(), { type: "visitor.message", clientId: "v2", text: asked }, ctx).state;
    const denied = transition(stored2, { type: "visitor.analyzed", seq: 1, text: asked, hints: { wantsHuman: false, frustrated: false } }, ctx);
    expect(denied.state.handoff?.trigger).toBe("explicit_request");
  });

  it("an embeddings engine's hints make retrieval hybrid: a paraphrase the words miss is answered, and a bot-turn carries them", () => {
    const kb = settingsSchema.parse({
      botName: "Ava",
      knowledgeBase: [{ id: "services", question: "What services do you offer?", answer: "We build software.", keywords: ["services"] }],
    });
    const text = "how would we get the ball rolling";
    const knowledge = [{ entryId: "services", score: 0.9 }];
    const stored = transition(room(), { type: "visitor.message", clientId: "v1", text }, ctx).state;
    const offline = transition(stored, { type: "visitor.analyzed", seq: 1, text, hints: null }, { ...ctx, settings: kb, engineWritesReplies: false });
    expect(offline.state.botLog).toEqual([{ seq: 1, question: text, outcome: "unknown" }]);
    const hybrid = transition(
      stored,
      { type: "visitor.analyzed", seq: 1, text, hints: { wantsHuman: false, frustrated: false, knowledge } },
      { ...ctx, settings: kb, engineWritesReplies: false },
    );
    expect(hybrid.state.botLog).toEqual([{ seq: 1, question: text, outcome: "answer", entryId: "services" }]);
    const llm = transition(
      stored,
      { type: "visitor.analyzed", seq: 1, text, hints: { wantsHuman: false, frustrated: false, knowledge } },
      { ...ctx, settings: kb },
    );
    expect(llm.effects).toEqual([{ type: "bot-turn", seq: 1, text, knowledge }]);
  });

  it("a summary from the LLM updates the open handoff's packet and notifies again; the rules' words back settle it quietly", () => {
    const stored = transition(room(), { type: "visitor.message", clientId: "v1", text: "Can I talk to a person?" }, ctx).state;
    const opened = transition(stored, { type: "visitor.analyzed", seq: 1, text: "Can I talk to a person?", hints: null }, ctx);
    const summarize = opened.effects.find((e) => e.type === "summarize");
    expect(summarize).toBeDefined();
    const handoff = opened.state.handoff!;
    // While the model writes, the desk shows the rules' summary as provisional, for five seconds at most.
    expect(handoff.summaryPendingUntil).toBe(new Date(now.getTime() + 5000).toISOString());
    const same = transition(opened.state, { type: "handoff.summarized", handoffId: handoff.id, summary: handoff.packet.summary }, ctx);
    expect(same.state.handoff?.summaryPendingUntil).toBeUndefined();
    expect(same.effects.some((e) => e.type === "sync" && e.op.kind === "enqueue")).toBe(false);
    expect(same.effects.find((e) => e.type === "sync" && e.op.kind === "desk")).toMatchObject({
      op: { event: { kind: "updated", card: { summaryPendingUntil: null } } },
    });
    expect(transition(same.state, { type: "handoff.summarized", handoffId: handoff.id, summary: handoff.packet.summary }, ctx).effects).toEqual([]);
    const better = transition(opened.state, { type: "handoff.summarized", handoffId: handoff.id, summary: "A better summary." }, ctx);
    expect(better.state.handoff?.packet.summary).toBe("A better summary.");
    expect(better.effects.some((e) => e.type === "sync" && e.op.kind === "enqueue" && e.op.job.kind === "handoff.updated")).toBe(true);
    expect(better.effects.find((e) => e.type === "sync" && e.op.kind === "desk")).toMatchObject({
      op: { projectId: "prj_1", event: { kind: "packet-ready", card: { summary: "A better summary.", summaryPendingUntil: null } } },
    });
    expect(better.effects.find((e) => e.type === "broadcast" && e.frame.type === "packet")).toMatchObject({ to: "agents" });
  });

  it("publishes every handoff change to the project's desk, in order: created, claimed, resolved", () => {
    const stored = transition(room(), { type: "visitor.message", clientId: "v1", text: "Can I talk to a person?" }, ctx).state;
    const opened = transition(stored, { type: "visitor.analyzed", seq: 1, text: "Can I talk to a person?", hints: null }, ctx);
    const deskKinds = (t: { effects: Effect[] }) => t.effects.flatMap((e) => (e.type === "sync" && e.op.kind === "desk" ? [e.op.event.kind] : []));
    expect(deskKinds(opened)).toEqual(["created"]);
    const id = opened.state.handoff!.id;
    const claimed = transition(opened.state, { type: "handoff.command", handoffId: id, command: { type: "claim", agent } }, ctx);
    expect(deskKinds(claimed)).toEqual(["claimed"]);
    const replied = transition(claimed.state, { type: "agent.message", clientId: "a1", text: "Hi", agent }, ctx);
    expect(deskKinds(replied)).toEqual(["updated"]);
    const resolved = transition(replied.state, { type: "handoff.command", handoffId: id, command: { type: "resolve", agent } }, ctx);
    expect(deskKinds(resolved)).toEqual(["resolved"]);
    // The desk's write comes after the handoff row, in the same outbox.
    const ops = resolved.effects.flatMap((e) => (e.type === "sync" ? [e.op.kind] : []));
    expect(ops.indexOf("desk")).toBeGreaterThan(ops.indexOf("upsert-handoff"));
  });

  it.each([
    ["5", 5],
    ["5 stars", 5],
    ["five", 5],
    ["4/5 thanks", 4],
  ])("after a resolve, %j is recorded as the rating %d", (text, score) => {
    const stored = transition(room(), { type: "visitor.message", clientId: "v1", text: "Can I talk to a person?" }, ctx).state;
    const opened = transition(stored, { type: "visitor.analyzed", seq: 1, text: "Can I talk to a person?", hints: null }, ctx);
    const id = opened.state.handoff!.id;
    const claimed = transition(opened.state, { type: "handoff.command", handoffId: id, command: { type: "claim", agent } }, ctx);
    const resolved = transition(claimed.state, { type: "handoff.command", handoffId: id, command: { type: "resolve", agent } }, ctx);
    const rated = transition(resolved.state, { type: "visitor.analyzed", seq: resolved.state.lastSeq, text, hints: null }, ctx);
    expect(rated.state.handoff?.satisfaction).toBe(score);
    expect(rated.effects.find((e) => e.type === "broadcast" && e.frame.type === "handoff")).toMatchObject({ frame: { satisfaction: score } });
  });

  it("never mutates the state it is given", () => {
    const before = room();
    const copy = structuredClone(before);
    transition(before, { type: "visitor.message", clientId: "v", text: "Can I talk to a person?" }, ctx);
    expect(before).toEqual(copy);
  });
});
