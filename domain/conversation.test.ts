import { describe, expect, it } from "vitest";
import { createRoom, transition, type Effect, type RoomContext, type RoomState } from "./conversation";
import { settingsSchema } from "./settings";

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
  transcript: [],
};

const types = (effects: Effect[]) => effects.map((e) => e.type);

describe("the room transition", () => {
  it("a visitor message is appended with the next seq, broadcast to everyone, then handed to the bot", () => {
    const { state, effects } = transition(room(), { type: "visitor.message", clientId: "v1", text: "hi" }, ctx);
    expect(state.lastSeq).toBe(1);
    expect(state.lastVisitorMessageAt).toBe(now.toISOString());
    expect(types(effects)).toEqual(["append", "broadcast", "bot-turn"]);
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

  it("never mutates the state it is given", () => {
    const before = room();
    const copy = structuredClone(before);
    transition(before, { type: "visitor.message", clientId: "v", text: "Can I talk to a person?" }, ctx);
    expect(before).toEqual(copy);
  });
});
