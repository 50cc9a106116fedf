// "A turn owed": a visitor message is committed together with the bot's work it is owed (analyse
// it, then maybe reply), and that record is cleared in the same commit as the answer. A room that
// died in between finds the record when it starts again (or its alarm rings) and does the work
// then; an answer that arrives for a turn no longer owed is a duplicate and is dropped: exactly once.
import type { Effect, RoomEvent } from "./room-types";

/** The engine work a visitor message is owed: analysis first, then (with an LLM) the bot's reply. */
export type OwedTurn = Extract<Effect, { type: "analyze" | "bot-turn" }>;

/** How long an owed turn may run before the room's alarm treats it as lost and runs it again. */
export const OWED_TURN_GRACE_MS = 30_000;

export function isOwedTurn(effect: Effect): effect is OwedTurn {
  return effect.type === "analyze" || effect.type === "bot-turn";
}

/** The owed turn an event answers (the visitor message's seq and the stage), or null for every other event. */
export function turnAnsweredBy(event: RoomEvent): { seq: number; stage: OwedTurn["type"] } | null {
  if (event.type === "visitor.analyzed") return { seq: event.seq, stage: "analyze" };
  if (event.type === "bot.reply") return { seq: event.inReplyTo, stage: "bot-turn" };
  return null;
}
