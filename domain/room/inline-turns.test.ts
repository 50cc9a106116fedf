import { describe, expect, it } from "vitest";
import { parseStoredSettings } from "../settings";
import { transitionInline, turnAfterAppend } from "./inline-turns";
import type { Effect, RoomContext, RoomEvent, RoomState, Transition } from "./room-types";
import { createRoom, transition } from "./transition";

const settings = parseStoredSettings(null);
function ctx(transcript: RoomContext["transcript"] = []): RoomContext {
  let n = 0;
  return {
    now: new Date("2026-03-04T10:00:00Z"),
    newId: (p) => `${p}${++n}`,
    settings,
    hasChannel: true,
    agentsOnline: 1,
    engineWritesReplies: false,
    transcript,
  };
}
const room = (): RoomState => createRoom({ conversationId: "c1", projectId: "p1" }, new Date("2026-03-04T09:00:00Z"));
const rulesAnswer = (e: Effect): RoomEvent | null => (e.type === "analyze" ? { type: "visitor.analyzed", seq: e.seq, text: e.text, hints: null } : null);
const strip = (effects: Effect[]) => JSON.parse(JSON.stringify(effects));

describe("transitionInline: a visitor message in one step when the engine has nothing to ask", () => {
  it("equals the two steps run one after the other, without the owed turn", () => {
    const state = room();
    const event: RoomEvent = { type: "visitor.message", clientId: "v1", text: "How long does a project take?" };
    const one = transitionInline(state, event, ctx(), rulesAnswer);
    const first = transition(state, event, ctx());
    const analyze = first.effects.find((e) => e.type === "analyze");
    expect(analyze).toBeDefined();
    const appended = first.effects.flatMap((e) => (e.type === "append" ? [e.message] : []));
    const second = transition(first.state, rulesAnswer(analyze!)!, ctx(appended));
    expect(strip(one.effects)).toEqual(strip([...first.effects.filter((e) => e !== analyze), ...second.effects]));
    expect(one.state).toEqual(second.state);
    expect(one.effects.some((e) => e.type === "analyze")).toBe(false);
    // The visitor's message is acknowledged before the bot's reply, as in two steps.
    const messages = one.effects.flatMap((e) => (e.type === "append" ? [e.message.from] : []));
    expect(messages).toEqual(["visitor", "bot"]);
  });

  it("the second step sees the message the first appended in its transcript (a handoff's packet quotes it)", () => {
    const state = room();
    const one = transitionInline(state, { type: "visitor.message", clientId: "v1", text: "I want to talk to a person please" }, ctx(), rulesAnswer);
    expect(one.state.handoff?.trigger).toBe("explicit_request");
    expect(JSON.stringify(one.state.handoff)).toContain("talk to a person");
  });

  it("changes nothing when no effect can be answered now (an LLM engine)", () => {
    const state = room();
    const event: RoomEvent = { type: "visitor.message", clientId: "v1", text: "hello" };
    expect(strip(transitionInline(state, event, ctx(), () => null).effects)).toEqual(strip(transition(state, event, ctx()).effects));
  });
});

describe("turnAfterAppend: a visitor message stored ahead of its turn", () => {
  it("answers the analysis of a message whose first step only stores and shows it, and the two steps equal one", () => {
    const state = room();
    const event: RoomEvent = { type: "visitor.message", clientId: "v1", text: "How long does a project take?" };
    const first = transition(state, event, ctx());
    const answer = turnAfterAppend(first, rulesAnswer);
    expect(answer).toMatchObject({ type: "visitor.analyzed", seq: 1, text: event.text, hints: null });
    const appended = first.effects.flatMap((e) => (e.type === "append" ? [e.message] : []));
    const second = transitionInline(first.state, answer!, ctx(appended), rulesAnswer);
    const one = transitionInline(state, event, ctx(), rulesAnswer);
    expect(strip([...first.effects.filter((e) => e.type !== "analyze"), ...second.effects])).toEqual(strip(one.effects));
    expect(second.state).toEqual(one.state);
    // Analysed through the bot's reply: a woken room has nothing to look for past it.
    expect(first.state.analysedSeq).toBe(0);
    expect(second.state.analysedSeq).toBe(second.state.lastSeq);
    expect(second.state.lastSeq).toBe(2);
  });

  it("is null with an engine that must be asked, and when the first step writes outside the room", () => {
    const state = room();
    const event: RoomEvent = { type: "visitor.message", clientId: "v1", text: "hello" };
    expect(turnAfterAppend(transition(state, event, ctx()), () => null)).toBeNull();
    const first = transition(state, event, ctx());
    const withSync: Transition = { ...first, effects: [...first.effects, { type: "sync", op: { kind: "ticket-email", handoffId: "h1", email: "a@b.c" } }] };
    expect(turnAfterAppend(withSync, rulesAnswer)).toBeNull();
  });
});
