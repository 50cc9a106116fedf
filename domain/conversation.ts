// The conversation room's rules as a pure transition: (state, event, ctx) -> {state, effects}.
// The Durable Object decodes input into events, commits what `append` and `sync` effects say
// before it sends anything, and runs the other effects. No I/O and no clock here.
import type { HandoffFrame, MessageFrame, NoteFrame, RoomFrame, Sender } from "../protocol/frames";
import type { NotificationJob } from "../protocol/jobs";
import type { BotLogEntry } from "./context-packet";
import { initialEscalationMemory, type EscalationMemory } from "./escalation";
import { continueHandoff, decideTurn, publishHandoff, type HandoffRecord, type HandoffState, type LlmHints } from "./handoff-flow";
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
  handoff: HandoffState | null;
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
  | { type: "agent.message"; clientId: string; text: string; agent: Author }
  | { type: "agent.note"; clientId?: string; text: string; agent: Author }
  | { type: "bot.reply"; reply: BotReply; inReplyTo: number; question: string; append?: string };

export type Audience = "everyone" | "agents";

/** Writes outside the room (D1, the queue), made durable with the commit and retried until done. */
export type SyncOp = { kind: "upsert-handoff"; handoff: HandoffRecord } | { kind: "enqueue"; job: NotificationJob };

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
}

/** What the room knows besides its state: time, ids, settings, and facts only the shell can see. */
export interface RoomContext {
  now: Date;
  newId: (prefix: string) => string;
  settings: Settings;
  /** A notification channel is configured (the dev outbox counts outside production). */
  hasChannel: boolean;
  agentsOnline: number;
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

export function handoffFrame(handoff: HandoffState): HandoffFrame {
  return { type: "handoff", handoffId: handoff.id, status: handoff.status, mode: handoff.mode, trigger: handoff.trigger };
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
    case "visitor.analyzed": {
      const message = { seq: event.seq, text: event.text };
      return state.handoff && isOpen(state.handoff) ? continueHandoff(state, message, ctx) : decideTurn(state, message, event.hints, ctx);
    }
    case "handoff.summarized": {
      const handoff = state.handoff;
      if (!handoff || handoff.id !== event.handoffId || handoff.packet.summary === event.summary) return { state, effects: [] };
      const updated = { ...handoff, updatedAt: at, packet: { ...handoff.packet, summary: event.summary } };
      const next = { ...state, handoff: updated };
      return { state: next, effects: publishHandoff("handoff.updated", next, updated, ctx) };
    }
    case "agent.message":
      return store(state, { kind: "message", from: "agent", text: event.text, at, clientId: event.clientId, author: event.agent });
    case "agent.note":
      return store(state, { kind: "note", from: "agent", text: event.text, at, ...(event.clientId ? { clientId: event.clientId } : {}), author: event.agent });
    case "bot.reply": {
      const entry: BotLogEntry = {
        seq: event.inReplyTo,
        question: event.question,
        outcome: event.reply.kind,
        ...(event.reply.kind === "answer" ? { entryId: event.reply.entryId } : {}),
      };
      const logged = { ...state, botLog: [...state.botLog, entry].slice(-10) };
      const text = event.append ? `${event.reply.text}\n\n${event.append}` : event.reply.text;
      return botSays(logged, text, ctx);
    }
  }
}

export function isOpen(handoff: HandoffState): boolean {
  return handoff.status !== "resolved" && handoff.status !== "abandoned" && handoff.status !== "converted_to_ticket";
}
