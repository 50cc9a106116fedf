import { describe, expect, it } from "vitest";
import { isOwedTurn, turnAnsweredBy } from "./owed-turns";
import type { Effect, RoomEvent } from "./room-types";

describe("turns owed to a visitor message", () => {
  it("analysis and the bot's reply are owed; frames, rows and summaries are not", () => {
    const effects: Effect[] = [
      { type: "analyze", seq: 3, text: "hi" },
      { type: "bot-turn", seq: 3, text: "hi" },
      { type: "summarize", handoffId: "h", reason: "r", rulesSummary: "s" },
      { type: "broadcast", to: "everyone", frame: { type: "pong" } },
    ];
    expect(effects.filter(isOwedTurn).map((e) => e.type)).toEqual(["analyze", "bot-turn"]);
  });

  it.each<[RoomEvent, ReturnType<typeof turnAnsweredBy>]>([
    [
      { type: "visitor.analyzed", seq: 4, text: "x", hints: null },
      { seq: 4, stage: "analyze" },
    ],
    [
      { type: "bot.reply", reply: { kind: "unknown", text: "?" } as never, inReplyTo: 4, question: "x" },
      { seq: 4, stage: "bot-turn" },
    ],
    [{ type: "visitor.message", clientId: "c", text: "x" }, null],
    [{ type: "timers.fire" }, null],
  ])("%j answers %j", (event, expected) => {
    expect(turnAnsweredBy(event)).toEqual(expected);
  });
});
