// While a handoff is open, every visitor, agent and bot line the room stores is also queued for
// the channels that mirror the conversation (a Slack thread). Each job names the seq of the line
// mirrored before it, so a channel can post them in order whatever order the queue delivers them.
import type { NotificationJob } from "../../protocol/jobs";
import { isTerminal } from "../handoff/machine";
import { notificationJob } from "./handoff-flow";
import type { Effect, RoomContext, RoomState, Transition } from "./room-types";

const MIRRORED = new Set(["visitor", "agent", "bot"]);

/** `next` plus a `handoff.message` job for each line it stored, when `before` already had an open handoff. */
export function mirrorLines(before: RoomState, next: Transition, ctx: Pick<RoomContext, "now" | "newId">): Transition {
  const open = before.handoff;
  const handoff = next.state.handoff;
  if (!open || isTerminal(open) || !handoff || handoff.id !== open.id) return next;
  const lines = next.effects.flatMap((e) => (e.type === "append" && MIRRORED.has(e.message.from) ? [e.message] : []));
  if (lines.length === 0) return next;
  let prevSeq = handoff.mirroredSeq ?? 0;
  const jobs: Effect[] = [];
  for (const line of lines) {
    const message: NonNullable<NotificationJob["message"]> = {
      seq: line.seq,
      prevSeq,
      kind: line.kind,
      from: line.from,
      text: line.text,
      ...(line.author ? { author: line.author } : {}),
    };
    const job = { ...notificationJob("handoff.message", next.state, handoff, ctx), message };
    jobs.push({ type: "sync", op: { kind: "enqueue", job } });
    prevSeq = line.seq;
  }
  const state = { ...next.state, handoff: { ...handoff, mirroredSeq: prevSeq } };
  return { ...next, state, effects: [...next.effects, ...jobs] };
}
