// One visitor message in one step when nothing has to be waited for. A message normally takes two
// (room-types.ts): `visitor.message` stores it and owes an `analyze` turn, and the engine's answer
// comes back later as `visitor.analyzed`. The rules engine has nothing to say at that point (its
// detectors run in the transition), so the shell may answer the turn at once: both transitions run
// here, in order, and the room commits their effects together: one commit, nothing owed, the same
// frames in the same order. Pure.
import type { StoredMessage } from "../transcript";
import type { Effect, RoomContext, RoomEvent, RoomState, Transition } from "./room-types";
import { transition } from "./transition";

/** The answer to an effect the shell can give without waiting (an engine turn with nothing to ask), or null. */
export type AnswerNow = (effect: Effect) => RoomEvent | null;

/**
 * `transition`, then the transition of every effect `answerNow` answers, each seeing what the
 * earlier ones appended. `first`: the event's own transition, when the caller already has it.
 */
export function transitionInline(
  state: RoomState,
  event: RoomEvent,
  ctx: RoomContext,
  answerNow: AnswerNow,
  first = transition(state, event, ctx),
): Transition {
  if (!first.effects.some((e) => answerNow(e) !== null)) return first;
  let current = first.state;
  const effects: Effect[] = [];
  for (const effect of first.effects) {
    const answer = answerNow(effect);
    if (!answer) {
      effects.push(effect);
      continue;
    }
    const appended = effects.flatMap((e) => (e.type === "append" ? [e.message] : []));
    const next = transition(current, answer, withAppended(ctx, appended));
    current = next.state;
    effects.push(...next.effects);
  }
  return { state: current, effects, ...(first.outcome ? { outcome: first.outcome } : {}) };
}

/** The context with messages not committed yet at the end of its transcript (read lazily, as the shell's is). */
function withAppended(ctx: RoomContext, appended: readonly StoredMessage[]): RoomContext {
  if (appended.length === 0) return ctx;
  const next = Object.create(ctx) as RoomContext;
  Object.defineProperty(next, "transcript", { get: () => [...ctx.transcript, ...appended] });
  return next;
}

/**
 * The turn the shell may answer in a second step right after `first`: when all `first` does besides
 * owing it is to store and show its messages, the shell commits those ahead (a visitor's echo
 * leaves at once) and answers the turn before any other event reaches the room: the same frames in
 * the same order as one step. Null when `first` does more (outside writes, timers) or owes no turn
 * that `answerNow` can answer.
 */
export function turnAfterAppend(first: Transition, answerNow: AnswerNow): RoomEvent | null {
  let answer: RoomEvent | null = null;
  for (const effect of first.effects) {
    if (effect.type === "append" || effect.type === "broadcast") continue;
    const now: RoomEvent | null = answer ? null : answerNow(effect);
    if (!now) return null;
    answer = now;
  }
  return answer;
}
