import { describe, expect, it } from "vitest";
import { createRoom, transition, type Effect, type RoomState } from "./conversation";

const now = new Date("2026-03-02T10:00:00.000Z");
const agent = { id: "agt_1", name: "Ada" };
const room = (): RoomState => createRoom({ conversationId: "c_1", projectId: "prj_1" }, now);

const types = (effects: Effect[]) => effects.map((e) => e.type);

describe("the room transition", () => {
  it("a visitor message is appended with the next seq, broadcast to everyone, then handed to the bot", () => {
    const { state, effects } = transition(room(), { type: "visitor.message", clientId: "v1", text: "hi" }, { now });
    expect(state.lastSeq).toBe(1);
    expect(types(effects)).toEqual(["append", "broadcast", "bot-turn"]);
    expect(effects[0]).toMatchObject({ message: { seq: 1, from: "visitor", text: "hi", clientId: "v1", at: now.toISOString() } });
    expect(effects[1]).toMatchObject({ to: "everyone", frame: { type: "message", seq: 1, from: "visitor" } });
  });

  it("an agent message carries its author and does not wake the bot", () => {
    const { effects } = transition(room(), { type: "agent.message", clientId: "a1", text: "hello", agent }, { now });
    expect(types(effects)).toEqual(["append", "broadcast"]);
    expect(effects[1]).toMatchObject({ frame: { from: "agent", author: agent } });
  });

  it("an internal note goes to agents only, as a note frame", () => {
    const { effects } = transition(room(), { type: "agent.note", text: "vip", agent }, { now });
    expect(effects[1]).toMatchObject({ type: "broadcast", to: "agents", frame: { type: "note", text: "vip", author: agent } });
  });

  it("counts consecutive unknown bot replies and resets them on an answer", () => {
    let state = room();
    for (const kind of ["unknown", "unknown"] as const) {
      state = transition(state, { type: "bot.reply", reply: { kind, text: "?" }, inReplyTo: 1, botName: "Baton" }, { now }).state;
    }
    expect(state.bot.consecutiveUnknown).toBe(2);
    state = transition(state, { type: "bot.reply", reply: { kind: "answer", text: "!", entryId: "x", score: 1 }, inReplyTo: 1, botName: "Baton" }, { now }).state;
    expect(state.bot).toEqual({ consecutiveUnknown: 0, answered: 1 });
    expect(state.lastSeq).toBe(3);
  });

  it("never mutates the state it is given", () => {
    const before = room();
    const copy = structuredClone(before);
    transition(before, { type: "visitor.message", clientId: "v", text: "x" }, { now });
    expect(before).toEqual(copy);
  });
});
