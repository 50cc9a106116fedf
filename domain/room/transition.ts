// The conversation room's rules as a pure transition: (state, event, ctx) -> {state, effects}.
// The Durable Object decodes input into events, commits what `append` and `sync` effects say
// before it sends anything, and runs the other effects. No I/O and no clock here.
import { initialEscalationMemory } from "../escalation/decision";
import { continueHandoff, decideTurn, openManualHandoff, publishHandoff } from "./handoff-flow";
import type { LlmHints } from "../bot/llm-hints";
import { applyCommand, canReopen, isTerminal, isUnclaimed, routeVisitorMessage } from "../handoff/machine";
import { parseRating } from "../handoff/satisfaction";
import { applyLifecycle, commandHandoff, fireTimers } from "./room-lifecycle";
import { initialQualification, mergeVisitorData } from "../escalation/qualification";
import type { NewRoom, RoomState, RoomEvent, RoomContext, Transition, Effect } from "./room-types";
import { mirrorLines } from "./mirror";
import { store, botReplies, botSays } from "./room-messages";

export function createRoom(input: NewRoom, now: Date): RoomState {
  return {
    conversationId: input.conversationId,
    projectId: input.projectId,
    createdAt: now.toISOString(),
    page: input.page ?? {},
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
    ...(input.identity ? { identity: { userId: input.identity.userId, verified: input.identity.verified } } : {}),
    lastSeq: 0,
    lastVisitorMessageAt: null,
    analysedSeq: 0,
    visitor: mergeVisitorData({}, { ...input.visitor }),
    qualification: initialQualification(),
    escalation: initialEscalationMemory(),
    botLog: [],
    handoff: null,
  };
}

export function transition(state: RoomState, event: RoomEvent, ctx: RoomContext): Transition {
  const next = step(state, event, ctx);
  const fromSlack = (event.type === "agent.message" || event.type === "agent.note") && event.via === "slack";
  return fromSlack || !state.handoff ? next : mirrorLines(state, next, ctx);
}

function step(state: RoomState, event: RoomEvent, ctx: RoomContext): Transition {
  const at = ctx.now.toISOString();
  switch (event.type) {
    case "visitor.message": {
      // Stored and acknowledged first; the decision follows once the message is analysed.
      const stored = store(state, { kind: "message", from: "visitor", text: event.text, at, clientId: event.clientId });
      return { state: { ...stored.state, lastVisitorMessageAt: at }, effects: [...stored.effects, { type: "analyze", seq: stored.seq, text: event.text }] };
    }
    case "visitor.analyzed": {
      const after = afterVisitorMessage(state, { seq: event.seq, text: event.text }, event.hints, ctx);
      // Analysed through the transcript's end (the bot's reply included): a woken room looks for unanalysed messages only past it.
      return { ...after, state: { ...after.state, analysedSeq: Math.max(after.state.analysedSeq ?? 0, event.seq, after.state.lastSeq) } };
    }
    case "handoff.command":
      return commandHandoff(state, event.handoffId, event.command, ctx);
    case "handoff.manual": {
      if (state.handoff && !isTerminal(state.handoff)) {
        return {
          state,
          effects: [],
          outcome: { ok: false, code: "invalid_transition", message: `Handoff ${state.handoff.id} is already open for this conversation.` },
        };
      }
      const opened = openManualHandoff(state, event.agent, event.reason, ctx);
      return { ...opened, outcome: { ok: true, handoff: opened.state.handoff! } };
    }
    case "timers.fire":
      return fireTimers(state, ctx);
    case "visitor.presence": {
      if (!state.handoff) return { state, effects: [] };
      return commandHandoff(state, state.handoff.id, { type: event.present ? "visitor_returned" : "visitor_left" }, ctx);
    }
    case "handoff.summarized": {
      const handoff = state.handoff;
      if (!handoff || handoff.id !== event.handoffId) return { state, effects: [] };
      const changed = handoff.packet.summary !== event.summary;
      if (!changed && handoff.summaryPendingUntil === undefined) return { state, effects: [] };
      // The model answered (or fell back to the rules' words): the summary is final either way.
      const { summaryPendingUntil: _done, ...settled } = handoff;
      const updated = { ...settled, updatedAt: at, packet: changed ? { ...handoff.packet, summary: event.summary } : handoff.packet };
      const next = { ...state, handoff: updated };
      return { state: next, effects: publishHandoff("handoff.updated", next, updated, ctx, handoff, changed) };
    }
    case "agent.message":
      return agentWrites(state, event, ctx);
    case "agent.note":
      return store(state, {
        kind: "note",
        from: "agent",
        text: event.text,
        at,
        ...(event.clientId ? { clientId: event.clientId } : {}),
        author: authorOf(event.agent),
      });
    case "bot.reply":
      return botReplies(state, event.reply, { seq: event.inReplyTo, text: event.question }, event.append, ctx);
  }
}

/** The author stored and shown on a message: who, never the role they act with. */
function authorOf(agent: { id: string; name: string }): { id: string; name: string } {
  return { id: agent.id, name: agent.name };
}

/** The decision after a stored visitor message: a rating, a reopen, the handoff's flow, or the bot. */
function afterVisitorMessage(state: RoomState, message: { seq: number; text: string }, hints: LlmHints | null, ctx: RoomContext): Transition {
  const handoff = state.handoff;
  const rating = handoff?.status === "resolved" && handoff.satisfaction === undefined ? parseRating(message.text) : null;
  if (handoff && rating !== null) {
    const rated = commandHandoff(state, handoff.id, { type: "satisfaction", score: rating }, ctx);
    const thanks = botSays(rated.state, "Thank you for the feedback!", ctx);
    return { state: thanks.state, effects: [...rated.effects, ...thanks.effects] };
  }
  switch (routeVisitorMessage(handoff, { text: message.text, now: ctx.now })) {
    case "handoff":
      return continueHandoff(state, message, ctx, hints);
    case "reopen":
      return commandHandoff(state, handoff!.id, { type: "reopen" }, ctx);
    case "store":
      return { state, effects: [] };
    case "collect_email": {
      const email = continueHandoff(state, message, ctx, hints);
      const taken = email.state.handoff?.packet.visitor.email;
      if (!taken) return decideTurn(state, message, hints, ctx);
      // A tracked ticket's row is rewritten whole by the handoff's flow; one from before tickets were tracked only learns the address.
      if (handoff!.ticket) return email;
      return { ...email, effects: [{ type: "sync", op: { kind: "ticket-email", handoffId: handoff!.id, email: taken } }, ...email.effects] };
    }
    case "bot": {
      const turn = decideTurn(state, message, hints, ctx);
      // Handed back to the bot but asking for a human again within 30 minutes: the same handoff reopens.
      if (handoff && turn.state.handoff !== handoff && canReopen(handoff, ctx.now)) return commandHandoff(state, handoff.id, { type: "reopen" }, ctx);
      return turn;
    }
  }
}

/**
 * An agent's message from a socket. With an open handoff it moves the lifecycle: the first agent
 * to write claims it (so two people never answer at once); anyone else is refused.
 */
function agentWrites(state: RoomState, event: Extract<RoomEvent, { type: "agent.message" }>, ctx: RoomContext): Transition {
  const message = {
    kind: "message" as const,
    from: "agent" as const,
    text: event.text,
    at: ctx.now.toISOString(),
    clientId: event.clientId,
    author: authorOf(event.agent),
  };
  const handoff = state.handoff;
  if (!handoff || isTerminal(handoff)) {
    if (event.requireClaim || event.via === "slack")
      return { state, effects: [], outcome: { ok: false, code: "invalid_transition", message: "This handoff is closed." } };
    return store(state, message);
  }
  let current = state;
  const effects: Effect[] = [];
  if (isUnclaimed(handoff) && event.requireClaim) {
    return { state, effects: [], outcome: { ok: false, code: "invalid_transition", message: "Claim the handoff before writing to the visitor." } };
  }
  if (isUnclaimed(handoff)) {
    const claimed = commandHandoff(current, handoff.id, { type: "claim", agent: event.agent }, ctx);
    if (claimed.outcome && !claimed.outcome.ok) return { state, effects: [], outcome: claimed.outcome };
    current = claimed.state;
    effects.push(...claimed.effects);
  }
  const result = applyCommand(
    current.handoff!,
    { type: "agent_message", agent: event.agent, text: event.text, clientId: event.clientId },
    { now: ctx.now, settings: ctx.settings },
  );
  if (!result.ok) {
    // A reply in the Slack thread by someone other than the holder never reaches the visitor: it is
    // kept as an internal note, and the caller is told who holds the conversation.
    if (event.via === "slack" && result.code === "not_claimer") {
      const note = store(current, { ...message, kind: "note", text: `(reply in Slack, not sent to the visitor) ${event.text}` });
      return { state: note.state, effects: [...effects, ...note.effects], outcome: result };
    }
    return { state, effects: [], outcome: result };
  }
  const stored = store(current, message);
  const lifecycle = applyLifecycle(stored.state, result.handoff, result.effects, ctx);
  return { state: lifecycle.state, effects: [...effects, ...stored.effects, ...lifecycle.effects], outcome: { ok: true, handoff: result.handoff } };
}
