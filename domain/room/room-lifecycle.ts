// Where the handoff lifecycle (domain/handoff/machine.ts) meets the room: a command or a timer
// becomes stored messages, the D1 audit row (first), the handoff row, notifications and a ticket.
// Pure, like the rest of the room's rules.
import { botSays, handoffFrame, store } from "./room-messages";
import type { Effect, RoomContext, RoomState, Transition } from "./room-types";
import { applyCommand, fireDueTimers, type CommandResult, type HandoffCommand, type HandoffEffect } from "../handoff/machine";
import type { Lifecycle } from "../handoff/handoff-types";
import { deskSync, handoffRecord, notificationJob, ticketRecord } from "./handoff-flow";
import type { DecisionRecord } from "../handoff/handoff-types";
import type { NotificationJob } from "../../protocol/jobs";

/** The room after `handoff` changed through `effects`: every lifecycle effect turned into room effects. */
export function applyLifecycle(state: RoomState, handoff: Lifecycle, effects: readonly HandoffEffect[], ctx: RoomContext): Transition {
  let current: RoomState = { ...state, handoff };
  const out: Effect[] = [];
  const push = (t: Transition) => {
    current = t.state;
    out.push(...t.effects);
  };
  for (const effect of effects) {
    switch (effect.type) {
      case "audit": {
        const decision: DecisionRecord = {
          id: ctx.newId("dec_"),
          projectId: state.projectId,
          conversationId: state.conversationId,
          handoffId: effect.handoffId,
          action: effect.action,
          actor: effect.actor,
          payload: effect.payload,
          at: effect.at,
        };
        out.push({ type: "sync", op: { kind: "audit", decision } });
        break;
      }
      case "sync-handoff":
        out.push({ type: "sync", op: { kind: "upsert-handoff", handoff: handoffRecord(current, handoff) } });
        out.push(deskSync(current, state.handoff, handoff, ctx));
        out.push({ type: "broadcast", to: "everyone", frame: handoffFrame(handoff) });
        break;
      case "system-message":
        push(store(current, { kind: "message", from: "system", text: effect.text, at: ctx.now.toISOString() }));
        break;
      case "bot-message":
      case "ask-satisfaction":
        push(botSays(current, effect.type === "bot-message" ? effect.text : effect.question, ctx));
        break;
      case "notify": {
        const { agent, level, note, until }: NonNullable<NotificationJob["notice"]> extends infer N ? Partial<N> : never = effect;
        const job = notificationJob(`handoff.${effect.kind}`, state, handoff, ctx, {
          to: effect.to,
          ...(agent ? { agent } : {}),
          ...(level ? { level } : {}),
          ...(note ? { note } : {}),
          ...(until ? { until } : {}),
        });
        out.push({ type: "sync", op: { kind: "enqueue", job } });
        break;
      }
      case "sync-ticket":
        if (handoff.ticket) out.push({ type: "sync", op: { kind: "upsert-ticket", ticket: ticketRecord(current, handoff) } });
        break;
      case "agent-message":
        push(
          store(current, {
            kind: "message",
            from: "agent",
            text: effect.text,
            at: ctx.now.toISOString(),
            author: effect.agent,
            ...(effect.clientId ? { clientId: effect.clientId } : {}),
          }),
        );
        break;
    }
  }
  return { state: current, effects: out };
}

/** Runs one command against the room's handoff; the outcome travels back to the caller. */
export function commandHandoff(state: RoomState, handoffId: string, command: HandoffCommand, ctx: RoomContext): Transition {
  const handoff = state.handoff;
  if (!handoff || handoff.id !== handoffId) {
    return { state, effects: [], outcome: { ok: false, code: "not_found", message: "No such handoff in this conversation." } };
  }
  const result: CommandResult = applyCommand(handoff, command, { now: ctx.now, settings: ctx.settings });
  if (!result.ok) return { state, effects: [], outcome: result };
  const applied = applyLifecycle(state, result.handoff, result.effects, ctx);
  return { ...applied, outcome: { ok: true, handoff: applied.state.handoff ?? result.handoff } };
}

/** The room's alarm: fire whatever the handoff's timers say is due now (idempotent). */
export function fireTimers(state: RoomState, ctx: RoomContext): Transition {
  if (!state.handoff) return { state, effects: [] };
  const fired = fireDueTimers(state.handoff, { now: ctx.now, settings: ctx.settings });
  if (fired.effects.length === 0 && fired.handoff === state.handoff) return { state, effects: [] };
  return applyLifecycle(state, fired.handoff, fired.effects, ctx);
}
