// The conversation room's rules as a pure transition: (state, event, ctx) -> {state, effects}.
// The Durable Object decodes input into events, commits what `append` and `sync` effects say
// before it sends anything, and runs the other effects. No I/O and no clock here.
import type { HandoffFrame, MessageFrame, NoteFrame, RoomFrame, Sender } from "../protocol/frames";
import type { NotificationJob } from "../protocol/jobs";
import type { BotLogEntry } from "./context-packet";
import { initialEscalationMemory, type EscalationMemory } from "./escalation";
import { continueHandoff, decideTurn, openManualHandoff, publishHandoff, type HandoffRecord, type LlmHints } from "./handoff-flow";
import { applyCommand, canReopen, isTerminal, isUnclaimed, routeVisitorMessage, type Agent, type HandoffCommand, type Lifecycle } from "./handoff-machine";
import { applyLifecycle, commandHandoff, fireTimers, type CommandOutcome, type DecisionRecord, type TicketRecord } from "./room-lifecycle";
import { initialQualification, mergeVisitorData, type QualificationState, type VisitorData } from "./qualification";
import type { BotReply } from "./rules-bot";
import type { Settings } from "./settings";

export interface Author {
  id: string;
  name: string;
}

export interface VisitorInfo {
  name?: string;
  email?: string;
}

export interface PageInfo {
  url?: string;
  title?: string;
  referrer?: string;
}

export interface RoomState {
  conversationId: string;
  projectId: string;
  createdAt: string;
  page: PageInfo;
  userAgent?: string;
  /** The highest seq stored; every stored message or note takes the next one. */
  lastSeq: number;
  lastVisitorMessageAt: string | null;
  /** What the visitor told us about themselves (email, name, company, role), merged over time. */
  visitor: VisitorData;
  qualification: QualificationState;
  escalation: EscalationMemory;
  /** The bot's recent turns, for "what the bot tried" in the context packet. */
  botLog: BotLogEntry[];
  handoff: Lifecycle | null;
}

/** A row of the room's transcript. Notes are internal and never reach a visitor. */
export interface StoredMessage {
  seq: number;
  kind: "message" | "note";
  from: Sender;
  text: string;
  at: string;
  clientId?: string;
  author?: Author;
}

export type RoomEvent =
  | { type: "visitor.message"; clientId: string; text: string }
  /** The stored visitor message `seq`, with what another engine (an LLM) noticed in it, if any. */
  | { type: "visitor.analyzed"; seq: number; text: string; hints: LlmHints | null }
  /** A better summary for an open handoff's packet (from an LLM); the rules summary stays otherwise. */
  | { type: "handoff.summarized"; handoffId: string; summary: string }
  /** An operator or system command on the conversation's handoff (claim, snooze, resolve…). */
  | { type: "handoff.command"; handoffId: string; command: HandoffCommand }
  /** An agent opens a handoff by hand. */
  | { type: "handoff.manual"; agent: Agent; reason: string }
  /** The room's alarm rang. */
  | { type: "timers.fire" }
  /** The visitor's last socket closed, or a visitor socket connected. */
  | { type: "visitor.presence"; present: boolean }
  /** `requireClaim`: refuse instead of claiming an unclaimed handoff (the REST API's rule). */
  | { type: "agent.message"; clientId: string; text: string; agent: Author; requireClaim?: boolean }
  | { type: "agent.note"; clientId?: string; text: string; agent: Author }
  | { type: "bot.reply"; reply: BotReply; inReplyTo: number; question: string; append?: string };

export type Audience = "everyone" | "agents";

/** Writes outside the room (D1, the queue), made durable with the commit and retried until done. */
export type SyncOp =
  | { kind: "audit"; decision: DecisionRecord }
  | { kind: "upsert-handoff"; handoff: HandoffRecord }
  | { kind: "insert-ticket"; ticket: TicketRecord }
  | { kind: "ticket-email"; handoffId: string; email: string }
  | { kind: "enqueue"; job: NotificationJob };

export type Effect =
  | { type: "append"; message: StoredMessage }
  | { type: "broadcast"; to: Audience; frame: RoomFrame }
  | { type: "sync"; op: SyncOp }
  /** Ask the engine what it notices in visitor message `seq`; the answer comes back as `visitor.analyzed`. */
  | { type: "analyze"; seq: number; text: string }
  /** Ask the bot engine for a reply to visitor message `seq`; its answer comes back as `bot.reply`. */
  | { type: "bot-turn"; seq: number; text: string; append?: string }
  /** Ask the engine for a summary of the conversation for handoff `handoffId` (comes back as `handoff.summarized`). */
  | { type: "summarize"; handoffId: string; reason: string; rulesSummary: string };

export interface Transition {
  state: RoomState;
  effects: Effect[];
  /** For a command: accepted (with the handoff after it) or rejected (why). */
  outcome?: CommandOutcome;
}

/** What the room knows besides its state: time, ids, settings, and facts only the shell can see. */
export interface RoomContext {
  now: Date;
  newId: (prefix: string) => string;
  settings: Settings;
  /** A notification channel is configured (the dev outbox counts outside production). */
  hasChannel: boolean;
  agentsOnline: number;
  /**
   * Whether an engine other than the rules (an LLM) writes the bot's answers. Without one the
   * rules' answer is stored in the same step, with no round trip through the engine.
   */
  engineWritesReplies: boolean;
  /** The recent visitor-visible transcript, oldest first, including messages stored in this event. */
  transcript: readonly StoredMessage[];
}

export interface NewRoom {
  conversationId: string;
  projectId: string;
  visitor?: VisitorInfo;
  page?: PageInfo;
  userAgent?: string;
}

export function createRoom(input: NewRoom, now: Date): RoomState {
  return {
    conversationId: input.conversationId,
    projectId: input.projectId,
    createdAt: now.toISOString(),
    page: input.page ?? {},
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
    lastSeq: 0,
    lastVisitorMessageAt: null,
    visitor: mergeVisitorData({}, { ...input.visitor }),
    qualification: initialQualification(),
    escalation: initialEscalationMemory(),
    botLog: [],
    handoff: null,
  };
}

/** The frame every client sees for a stored row. */
export function frameOf(message: StoredMessage): MessageFrame | NoteFrame {
  const extra = message.clientId !== undefined ? { clientId: message.clientId } : {};
  if (message.kind === "note") {
    return { type: "note", seq: message.seq, text: message.text, at: message.at, ...extra, author: message.author ?? { id: "", name: "" } };
  }
  return {
    type: "message",
    seq: message.seq,
    from: message.from,
    text: message.text,
    at: message.at,
    ...extra,
    ...(message.author ? { author: message.author } : {}),
  };
}

export function handoffFrame(handoff: Lifecycle): HandoffFrame {
  return {
    type: "handoff",
    handoffId: handoff.id,
    status: handoff.status,
    mode: handoff.mode,
    trigger: handoff.trigger,
    ...(handoff.claimedBy ? { claimedBy: handoff.claimedBy } : {}),
  };
}

/** Appends one message: the next seq, stored, then broadcast to whoever may see it. */
export function store(state: RoomState, message: Omit<StoredMessage, "seq">): Transition & { seq: number } {
  const seq = state.lastSeq + 1;
  const stored: StoredMessage = { ...message, seq };
  return {
    state: { ...state, lastSeq: seq },
    effects: [
      { type: "append", message: stored },
      { type: "broadcast", to: message.kind === "note" ? "agents" : "everyone", frame: frameOf(stored) },
    ],
    seq,
  };
}

/** The bot's answer to visitor message `question`, logged for "what the bot tried". */
export function botReplies(state: RoomState, reply: BotReply, question: { seq: number; text: string }, append: string | undefined, ctx: RoomContext): Transition {
  const entry: BotLogEntry = {
    seq: question.seq,
    question: question.text,
    outcome: reply.kind,
    ...(reply.kind === "answer" ? { entryId: reply.entryId } : {}),
  };
  const logged = { ...state, botLog: [...state.botLog, entry].slice(-10) };
  return botSays(logged, append ? `${reply.text}\n\n${append}` : reply.text, ctx);
}

/** A bot message authored by the project's bot. */
export function botSays(state: RoomState, text: string, ctx: Pick<RoomContext, "now" | "settings">): Transition {
  return store(state, { kind: "message", from: "bot", text, at: ctx.now.toISOString(), author: { id: "bot", name: ctx.settings.botName } });
}

export function transition(state: RoomState, event: RoomEvent, ctx: RoomContext): Transition {
  const at = ctx.now.toISOString();
  switch (event.type) {
    case "visitor.message": {
      // Stored and acknowledged first; the decision follows once the message is analysed.
      const stored = store(state, { kind: "message", from: "visitor", text: event.text, at, clientId: event.clientId });
      return { state: { ...stored.state, lastVisitorMessageAt: at }, effects: [...stored.effects, { type: "analyze", seq: stored.seq, text: event.text }] };
    }
    case "visitor.analyzed":
      return afterVisitorMessage(state, { seq: event.seq, text: event.text }, event.hints, ctx);
    case "handoff.command":
      return commandHandoff(state, event.handoffId, event.command, ctx);
    case "handoff.manual": {
      if (state.handoff && !isTerminal(state.handoff)) {
        return { state, effects: [], outcome: { ok: false, code: "invalid_transition", message: `Handoff ${state.handoff.id} is already open for this conversation.` } };
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
      if (!handoff || handoff.id !== event.handoffId || handoff.packet.summary === event.summary) return { state, effects: [] };
      const updated = { ...handoff, updatedAt: at, packet: { ...handoff.packet, summary: event.summary } };
      const next = { ...state, handoff: updated };
      return { state: next, effects: publishHandoff("handoff.updated", next, updated, ctx) };
    }
    case "agent.message":
      return agentWrites(state, event, ctx);
    case "agent.note":
      return store(state, { kind: "note", from: "agent", text: event.text, at, ...(event.clientId ? { clientId: event.clientId } : {}), author: event.agent });
    case "bot.reply":
      return botReplies(state, event.reply, { seq: event.inReplyTo, text: event.question }, event.append, ctx);
  }
}

const RATING = /^\s*([1-5])\s*(?:\/\s*5)?\s*[.!]?\s*$/;

/** The decision after a stored visitor message: a rating, a reopen, the handoff's flow, or the bot. */
function afterVisitorMessage(state: RoomState, message: { seq: number; text: string }, hints: LlmHints | null, ctx: RoomContext): Transition {
  const handoff = state.handoff;
  const rating = RATING.exec(message.text);
  if (handoff?.status === "resolved" && handoff.satisfaction === undefined && rating) {
    const rated = commandHandoff(state, handoff.id, { type: "satisfaction", score: Number(rating[1]) }, ctx);
    const thanks = botSays(rated.state, "Thank you for the feedback!", ctx);
    return { state: thanks.state, effects: [...rated.effects, ...thanks.effects] };
  }
  switch (routeVisitorMessage(handoff, { text: message.text, now: ctx.now })) {
    case "handoff":
      return continueHandoff(state, message, ctx);
    case "reopen":
      return commandHandoff(state, handoff!.id, { type: "reopen" }, ctx);
    case "store":
      return { state, effects: [] };
    case "collect_email": {
      const email = continueHandoff(state, message, ctx);
      const taken = email.state.handoff?.packet.visitor.email;
      if (!taken) return decideTurn(state, message, hints, ctx);
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
  const message = { kind: "message" as const, from: "agent" as const, text: event.text, at: ctx.now.toISOString(), clientId: event.clientId, author: event.agent };
  const handoff = state.handoff;
  if (!handoff || isTerminal(handoff)) {
    if (event.requireClaim) return { state, effects: [], outcome: { ok: false, code: "invalid_transition", message: "This handoff is closed." } };
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
  const result = applyCommand(current.handoff!, { type: "agent_message", agent: event.agent, text: event.text, clientId: event.clientId }, { now: ctx.now, settings: ctx.settings });
  if (!result.ok) return { state, effects: [], outcome: result };
  const stored = store(current, message);
  const lifecycle = applyLifecycle(stored.state, result.handoff, result.effects, ctx);
  return { state: lifecycle.state, effects: [...effects, ...stored.effects, ...lifecycle.effects], outcome: { ok: true, handoff: result.handoff } };
}

