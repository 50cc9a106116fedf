// The room's vocabulary: its state snapshot, the events it accepts, the effects it returns and the
// context the shell passes in. Types only; the rules that use them sit beside this file.
import type { PageInfo, StoredMessage, VisitorIdentity, VisitorInfo } from "../transcript";
import type { VisitorData, QualificationState } from "../escalation/qualification";
import type { EscalationMemory } from "../escalation/decision";
import type { BotLogEntry } from "../handoff/context-packet";
import type { Lifecycle, Agent, DecisionRecord, HandoffRecord, TicketRecord } from "../handoff/handoff-types";
import type { LlmHints } from "../bot/llm-hints";
import type { HandoffCommand, Rejection } from "../handoff/machine";
import type { BotReply } from "../bot/rules-bot";
import type { VectorHit } from "../bot/knowledge-index";
import type { NotificationJob } from "../../protocol/jobs";
import type { DeskEvent } from "../../protocol/desk";
import type { RoomFrame } from "../../protocol/frames";
import type { Settings } from "../settings";

export interface RoomState {
  conversationId: string;
  projectId: string;
  createdAt: string;
  page: PageInfo;
  userAgent?: string;
  /** The site's user id for a logged-in visitor, verified or not (absent for anonymous visitors). */
  identity?: VisitorIdentity;
  /** The highest seq stored; every stored message or note takes the next one. */
  lastSeq: number;
  lastVisitorMessageAt: string | null;
  /**
   * How far the brain has analysed the transcript: the seq of the last analysis's end (its visitor
   * message, or the bot's reply to it). A message stored ahead of its turn (the rules engine's first
   * step) is after it until the turn commits: a room that died in between finds it there, and a
   * room whose `lastSeq` has not moved past it has nothing to look for. Absent in rooms from before
   * it was kept.
   */
  analysedSeq?: number;
  /** What the visitor told us about themselves (email, name, company, role), merged over time. */
  visitor: VisitorData;
  qualification: QualificationState;
  escalation: EscalationMemory;
  /** The bot's recent turns, for "what the bot tried" in the context packet. */
  botLog: BotLogEntry[];
  handoff: Lifecycle | null;
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
  /** `requireClaim`: refuse instead of claiming an unclaimed handoff (the REST API's rule). `agent.role` is what they may do. */
  | { type: "agent.message"; clientId: string; text: string; agent: Agent; requireClaim?: boolean; via?: AgentSurface }
  | { type: "agent.note"; clientId?: string; text: string; agent: Agent; via?: AgentSurface }
  | { type: "bot.reply"; reply: BotReply; inReplyTo: number; question: string; append?: string };

/** Where an agent wrote from: a line written in Slack is not mirrored back into Slack. */
export type AgentSurface = "slack" | "browser" | "api";

export type Audience = "everyone" | "agents";

/** Writes outside the room (D1, the queue), made durable with the commit and retried until done. */
export type SyncOp =
  | { kind: "audit"; decision: DecisionRecord }
  | { kind: "upsert-handoff"; handoff: HandoffRecord }
  /** The ticket row, whole (insert or update; an older state never overwrites a newer one). */
  | { kind: "upsert-ticket"; ticket: TicketRecord }
  | { kind: "ticket-email"; handoffId: string; email: string }
  | { kind: "enqueue"; job: NotificationJob }
  /** A change of the handoff for the project's desk (its ProjectInbox), in order, once per event id. */
  | { kind: "desk"; projectId: string; event: DeskEvent };

export type Effect =
  | { type: "append"; message: StoredMessage }
  | { type: "broadcast"; to: Audience; frame: RoomFrame }
  | { type: "sync"; op: SyncOp }
  /** Ask the engine what it notices in visitor message `seq`; the answer comes back as `visitor.analyzed`. */
  | { type: "analyze"; seq: number; text: string }
  /**
   * Ask the bot engine for a reply to visitor message `seq`; its answer comes back as `bot.reply`.
   * `knowledge`: the embeddings engine's similarities the decision used, so the reply is grounded in the same entries.
   */
  | { type: "bot-turn"; seq: number; text: string; append?: string; knowledge?: VectorHit[] }
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
  /** A human-facing channel (Slack; the dev outbox in development and tests) is configured and healthy. */
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
  identity?: VisitorIdentity;
}

/** What a command returns to whoever sent it (an HTTP route, a socket). */
export type CommandOutcome = { ok: true; handoff: Lifecycle } | Rejection | { ok: false; code: "not_found"; message: string };
