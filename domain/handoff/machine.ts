// The handoff lifecycle as a pure state machine: pending → notified → claimed → active → resolved |
// abandoned | converted_to_ticket, snooze being a flag with a deadline. `applyCommand` answers a
// result union; effects are data the room runs in order (audit first). No clock, no ids, no I/O.

import { followUpCommitment } from "../escalation/business-hours";
import type { BusinessHours, Category } from "../escalation/escalation-settings";
import { MANAGER_ACK_MINUTES, MANAGER_UPDATE_MINUTES, timersFor, timeoutCaptureReply, TIMER_KINDS, type TimerKind, type TimerSettings } from "./timers";
import { atLeast, can, forbiddenMessage, roleOf, type Action } from "./permissions";
import {
  type Agent,
  type EscalationLevel,
  type AuditAction,
  type Actor,
  type AuditPayload,
  type Lifecycle,
  ESCALATION_LEVELS,
  type LifecycleFields,
  type ManagerEscalation,
  type ManagerReminder,
} from "./handoff-types";
import { answerInChat, applyTicketCommand, fireTicketTimer, openTicket, type TicketCommand, type TicketEffect, type TicketNoticeKind } from "./ticket";

export const SNOOZE_MINUTES = [5, 15, 30] as const;
export type SnoozeMinutes = (typeof SNOOZE_MINUTES)[number];
/** A visitor writing this soon after a resolve reopens the same handoff. */
export const REOPEN_WINDOW_MINUTES = 30;
/** Longest note, escalation note or resolution note the machine accepts. */
export const MAX_NOTE_CHARS = 4000;

/** Commands, discriminated by `type`. Operator commands carry the acting `agent`; the rest come from the visitor or the room. */
export type HandoffCommand =
  /** The alert reached the team (the notification consumer confirmed delivery). */
  | { type: "notified" }
  | { type: "claim"; agent: Agent }
  /** The room stores the message itself; this only moves the lifecycle (claimed → active) and audits. */
  | { type: "agent_message"; agent: Agent; text: string; clientId?: string }
  | { type: "note"; agent: Agent; text: string }
  /** 5, 15 or 30 minutes; anything else is `invalid_input`. */
  | { type: "snooze"; agent: Agent; minutes: number }
  | { type: "escalate"; agent: Agent; level: EscalationLevel; note: string }
  /** The holder, or a lead/manager/admin for a conversation another agent holds (audited, the holder told). */
  | { type: "resolve"; agent: Agent; notes?: string; handBackToBot?: boolean }
  /** A lead, manager or admin takes a conversation another agent holds (audited, the previous holder told). */
  | { type: "take_over"; agent: Agent }
  /** A manager or admin acknowledges a manager escalation (any action of theirs on it counts too). */
  | { type: "acknowledge"; agent: Agent }
  /** The visitor wrote while the handoff is open (the room stores the message; this keeps the reply clock). */
  | { type: "visitor_message" }
  /** The visitor wrote again within REOPEN_WINDOW_MINUTES of a resolve (see `routeVisitorMessage`). */
  | { type: "reopen" }
  | { type: "visitor_left" }
  | { type: "visitor_returned" }
  /** The room's alarm for `kind`; a no-op unless that timer is due in the handoff's current state. */
  | { type: "timer"; kind: TimerKind }
  /** 1–5, integer; anything else is `invalid_input`. */
  | { type: "satisfaction"; score: number }
  /** Reply to, close or reopen the handoff's ticket (ticket.ts). */
  | TicketCommand;

export type NoticeKind =
  | "claimed"
  | "snoozed"
  | "snooze_end"
  | "reminder"
  | "escalated"
  | "resolved"
  | "reopened"
  | "ticket_created"
  | "abandoned"
  | "taken_over"
  | TicketNoticeKind;

/** Who a notice is for: the project's channel, the claimer, a rung of the ladder, the project's admins, the owner, or the visitor (by email). */
export type NoticeAudience = "team" | "claimer" | EscalationLevel | "admins" | "owner" | "visitor";

export type HandoffEffect =
  /** Write the decision row (D1 `decisions`) before running anything after it. */
  | { type: "audit"; handoffId: string; action: AuditAction; actor: Actor; at: string; payload: AuditPayload }
  /** The shared view of the handoff changed: upsert its D1 row and broadcast the handoff frame. */
  | { type: "sync-handoff" }
  /** Store and broadcast a visitor-visible line from "system" ("Ana has joined the chat"). */
  | { type: "system-message"; text: string }
  /** Store and broadcast a message authored by the project's bot. */
  | { type: "bot-message"; text: string }
  /** Enqueue a notification job `handoff.<kind>` for `to`, with the packet. */
  | { type: "notify"; kind: NoticeKind; to: NoticeAudience; agent?: Agent; level?: EscalationLevel; note?: string; until?: string }
  /** Send the visitor the one satisfaction question; the answer comes back as `{type: "satisfaction"}`. */
  | { type: "ask-satisfaction"; question: string }
  /** The ticket's effects: upsert its D1 row, store an agent's reply (ticket.ts). */
  | TicketEffect;

export type RejectionCode = "invalid_transition" | "already_claimed" | "not_claimer" | "invalid_input" | "reopen_window_closed" | "forbidden";

/** The HTTP status each rejection maps to. */
export const REJECTION_STATUS: Record<RejectionCode, 400 | 403 | 409> = {
  invalid_transition: 409,
  already_claimed: 409,
  not_claimer: 403,
  invalid_input: 400,
  reopen_window_closed: 409,
  forbidden: 403,
};

export interface Rejection {
  ok: false;
  code: RejectionCode;
  message: string;
  /** With `already_claimed` and `not_claimer`: who holds the handoff, and since when. */
  claimedBy?: Agent;
  claimedAt?: string;
}

export type CommandResult = { ok: true; handoff: Lifecycle; effects: HandoffEffect[] } | Rejection;

export interface LifecycleContext {
  now: Date;
  /** `Settings` satisfies this; `categories` marks the project's own manager categories for the ladder suggestion. */
  settings: TimerSettings & { businessHours: BusinessHours; categories?: readonly Pick<Category, "id" | "suggestManager">[] };
}

export const SATISFACTION_QUESTION = "How would you rate the help you got today, from 1 (poor) to 5 (excellent)?";

const MINUTE = 60_000;
const SYNC: HandoffEffect = { type: "sync-handoff" };
const TERMINAL = new Set<Lifecycle["status"]>(["resolved", "abandoned", "converted_to_ticket"]);

export function isTerminal(handoff: Lifecycle): boolean {
  return TERMINAL.has(handoff.status);
}

export function isUnclaimed(handoff: Lifecycle): boolean {
  return handoff.status === "pending" || handoff.status === "notified";
}

/**
 * One command against one handoff. Rules in short: anyone may claim an unclaimed open handoff and
 * the first claim wins; the claimer claiming again is a no-op; anyone else gets `already_claimed`.
 * Only the claimer writes to the visitor; the claimer resolves, and so may a lead, manager or admin
 * (who may also take over a conversation another agent holds, the holder told). Snooze silences the
 * alert of an unclaimed handoff. Any agent may note or escalate (never down the ladder); a manager
 * escalation starts its deadlines, and a manager's or admin's first action on it acknowledges it.
 * Terminal statuses accept notes only, plus reopen and satisfaction on "resolved". Presence, late
 * delivery receipts and timers that are not due are no-ops. Every accepted command that changes
 * something starts with an audit effect, except visitor presence and messages, which are not decisions.
 * What a role may do is domain/handoff/permissions.ts, enforced here by the role the command's agent carries.
 */
export function applyCommand(handoff: Lifecycle, command: HandoffCommand, ctx: LifecycleContext): CommandResult {
  const result = decide(handoff, command, ctx);
  if (!result.ok || !("agent" in command)) return result;
  return ladderAfter(result, command.agent, command.type, ctx.now.toISOString());
}

/**
 * What an agent's accepted command does to the manager rung and the reply clock: the first action
 * of a manager or admin acknowledges a manager escalation (audited first), a note or a reply after
 * the escalation is its update, and a reply starts the 24-hour wait for the visitor's answer.
 */
function ladderAfter(result: Extract<CommandResult, { ok: true }>, agent: Agent, type: HandoffCommand["type"], at: string): CommandResult {
  let handoff = result.handoff;
  const effects = [...result.effects];
  const manager = handoff.managerEscalation;
  if (manager) {
    const patch: Partial<ManagerEscalation> = {};
    if (!manager.acknowledgedAt && atLeast(roleOf(agent), "manager") && type !== "acknowledge") {
      patch.acknowledgedAt = at;
      patch.acknowledgedBy = person(agent);
      effects.unshift(audit(handoff, "acknowledge", agentActor(agent), at, { via: type }));
    }
    if (!manager.updatedAt && (type === "note" || type === "agent_message")) patch.updatedAt = at;
    if (Object.keys(patch).length > 0) handoff = { ...handoff, managerEscalation: { ...manager, ...patch } };
  }
  if (type === "agent_message") handoff = { ...handoff, lastAgentReplyAt: at };
  return handoff === result.handoff ? result : { ok: true, handoff, effects };
}

function decide(handoff: Lifecycle, command: HandoffCommand, ctx: LifecycleContext): CommandResult {
  const at = ctx.now.toISOString();
  switch (command.type) {
    case "notified": {
      if (handoff.status !== "pending") return accept(handoff, []);
      const next = update(handoff, { status: "notified", notifiedAt: at, alertedAt: at }, at);
      return accept(next, [audit(handoff, "notified", SYSTEM, at), SYNC]);
    }
    case "claim":
      return claim(handoff, command.agent, at);
    case "agent_message": {
      const bad = checkAgent(command.agent) ?? checkText(command.text, "message", true);
      if (bad) return bad;
      const owner = checkClaimer(handoff, command.agent, "write to the visitor of");
      if (owner) return owner;
      const entry = audit(handoff, "message", agentActor(command.agent), at, { text: command.text, clientId: command.clientId ?? null });
      if (handoff.status === "active") return accept(handoff, [entry]);
      const next = update(handoff, { status: "active", firstHumanReplyAt: handoff.firstHumanReplyAt ?? at }, at);
      return accept(next, [entry, SYNC]);
    }
    case "note": {
      const bad = checkAgent(command.agent) ?? checkText(command.text, "note", true);
      if (bad) return bad;
      return accept(handoff, [audit(handoff, "note", agentActor(command.agent), at, { text: command.text })]);
    }
    case "snooze":
      return snooze(handoff, command.agent, command.minutes, ctx.now);
    case "escalate":
      return escalate(handoff, command, at, ctx.settings.categories ?? []);
    case "resolve":
      return resolve(handoff, command, at);
    case "take_over":
      return takeOver(handoff, command.agent, at);
    case "acknowledge":
      return acknowledge(handoff, command.agent, at);
    case "visitor_message":
      if (isTerminal(handoff)) return accept(handoff, []);
      return accept({ ...handoff, lastVisitorReplyAt: at }, []);
    case "reopen":
      return reopen(handoff, ctx.now);
    case "visitor_left":
      if (isTerminal(handoff) || handoff.visitorLeftAt) return accept(handoff, []);
      return accept({ ...handoff, visitorLeftAt: at }, []);
    case "visitor_returned":
      if (isTerminal(handoff) || !handoff.visitorLeftAt) return accept(handoff, []);
      return accept(clear(handoff, ["visitorLeftAt"]), []);
    case "timer":
      return fireTimer(handoff, command.kind, ctx);
    case "ticket_reply":
    case "ticket_close":
    case "ticket_reopen":
      return applyTicketCommand(handoff, command, at);
    case "satisfaction": {
      const { score } = command;
      if (!Number.isInteger(score) || score < 1 || score > 5) return invalidInput("satisfaction is a whole number from 1 to 5");
      if (handoff.status !== "resolved") return invalidTransition(handoff, "rate");
      if (handoff.satisfaction === score) return accept(handoff, []);
      const next = update(handoff, { satisfaction: score }, at);
      return accept(next, [audit(handoff, "satisfaction", VISITOR, at, { score }), SYNC]);
    }
  }
}

/**
 * Fires every timer due at `now`, earliest first, each re-derived from the state the previous one
 * left (so a reminder fired late still gives its full grace period). For the room's alarm, and after
 * any command that may have made a held timer due (a visitor coming back).
 */
export function fireDueTimers(handoff: Lifecycle, ctx: LifecycleContext): { handoff: Lifecycle; effects: HandoffEffect[] } {
  let current = handoff;
  const effects: HandoffEffect[] = [];
  // Each firing removes its own timer or ends the handoff; the bound only guards against a bug looping.
  for (let i = 0; i < TIMER_KINDS.length * 2; i++) {
    const due = timersFor(current, ctx.settings).find((t) => Date.parse(t.at) <= ctx.now.getTime());
    if (!due) break;
    const result = applyCommand(current, { type: "timer", kind: due.kind }, ctx);
    if (!result.ok || result.handoff === current) break;
    current = result.handoff;
    effects.push(...result.effects);
  }
  return { handoff: current, effects };
}

/** Whether a visitor message at `now` may reopen this resolved handoff (window inclusive). */
export function canReopen(handoff: Lifecycle, now: Date): boolean {
  if (handoff.status !== "resolved" || !handoff.resolvedAt || !handoff.claimedBy) return false;
  const since = now.getTime() - Date.parse(handoff.resolvedAt);
  return since >= 0 && since <= REOPEN_WINDOW_MINUTES * MINUTE;
}

/**
 * What a visitor message does given the conversation's latest handoff:
 * - "handoff": one is open — the existing flow (the bot helps while unclaimed, is silent once claimed);
 * - "reopen": resolved without hand-back less than 30 minutes ago — reopen the same handoff;
 * - "store": a bare "thanks"/"ok" in that window — keep it in the transcript, page nobody;
 * - "collect_email": converted to a ticket with no email yet — take the email for the ticket;
 * - "bot": everything else (no handoff, handed back, window over, abandoned). If the bot's decision
 *   escalates while `canReopen` holds, reopen instead of opening a new handoff.
 */
export function routeVisitorMessage(handoff: Lifecycle | null, message: { text: string; now: Date }): "handoff" | "reopen" | "store" | "collect_email" | "bot" {
  if (!handoff) return "bot";
  if (!isTerminal(handoff)) return "handoff";
  if (handoff.status === "converted_to_ticket") return handoff.packet.visitor.email ? "bot" : "collect_email";
  if (handoff.handedBackToBot || !canReopen(handoff, message.now)) return "bot";
  return isCourtesy(message.text) ? "store" : "reopen";
}

/**
 * The rung of the ladder to suggest, from the runbook's L3 reasons: "manager" for high-risk language,
 * a refund over the limit, any category marked `suggestManager` (the built-ins or the project's own),
 * a visitor asking for a manager, a VIP, abusive language, or a packet without a suggested reply;
 * "lead" otherwise. Reads the packet's reason codes ("category:high_risk", "refund_over_limit:1200>500").
 */
export function suggestEscalationLevel(
  source: { reasons: readonly string[]; suggestedReply?: string } | readonly string[],
  categories: readonly Pick<Category, "id" | "suggestManager">[] = [],
): EscalationLevel {
  const reasons = "reasons" in source ? source.reasons : source;
  const missingSuggestion = "reasons" in source && source.suggestedReply !== undefined && source.suggestedReply.trim() === "";
  const managerCategories = new Set(["high_risk", "refund_over_limit", ...categories.filter((c) => c.suggestManager).map((c) => c.id)]);
  const manager = reasons.some(
    (r) =>
      r.startsWith("refund_over_limit:") ||
      r === "asks_for_manager" ||
      r === "vip" ||
      r.startsWith("frustration_abuse:") ||
      (r.startsWith("category:") && managerCategories.has(r.slice("category:".length))),
  );
  return manager || missingSuggestion ? "manager" : "lead";
}

// --- commands ----------------------------------------------------------------------------------

function claim(handoff: Lifecycle, agent: Agent, at: string): CommandResult {
  const bad = checkAgent(agent);
  if (bad) return bad;
  if (isUnclaimed(handoff)) {
    const next = update(clear(handoff, ["snoozedUntil", "snoozedBy"]), { status: "claimed", claimedBy: person(agent), claimedAt: at }, at);
    return accept(next, [
      audit(handoff, "claim", agentActor(agent), at),
      SYNC,
      { type: "system-message", text: `${displayName(agent)} has joined the chat` },
      { type: "notify", kind: "claimed", to: "team", agent },
    ]);
  }
  if (!isTerminal(handoff) && handoff.claimedBy) {
    if (handoff.claimedBy.id === agent.id) return accept(handoff, []);
    return {
      ok: false,
      code: "already_claimed",
      message: `${handoff.claimedBy.name || "Another agent"} has already claimed this handoff.`,
      ...claimer(handoff),
    };
  }
  return invalidTransition(handoff, "claim");
}

function snooze(handoff: Lifecycle, agent: Agent, minutes: number, now: Date): CommandResult {
  const bad = checkAgent(agent);
  if (bad) return bad;
  if (!isSnoozeMinutes(minutes)) return invalidInput("snooze for 5, 15 or 30 minutes");
  // Snooze silences the alert of a handoff nobody has taken; once claimed there is no alert left.
  if (!isUnclaimed(handoff)) return invalidTransition(handoff, "snooze");
  const at = now.toISOString();
  const until = new Date(now.getTime() + minutes * MINUTE).toISOString();
  const next = update(clear(handoff, ["reminderSentAt"]), { snoozedUntil: until, snoozedBy: { id: agent.id, name: agent.name } }, at);
  const effects: HandoffEffect[] = [
    audit(handoff, "snooze", agentActor(agent), at, { minutes, until }),
    SYNC,
    { type: "notify", kind: "snoozed", to: "team", agent, until },
  ];
  // A visitor waiting live is told the truth: the team has seen it and roughly when someone comes.
  if (handoff.mode === "live") {
    effects.push({
      type: "system-message",
      text: `The team has seen your request — someone should be with you in about ${minutes} minutes. You can keep writing here in the meantime.`,
    });
  }
  return accept(next, effects);
}

function escalate(
  handoff: Lifecycle,
  command: Extract<HandoffCommand, { type: "escalate" }>,
  at: string,
  categories: readonly Pick<Category, "id" | "suggestManager">[],
): CommandResult {
  const { agent, level, note } = command;
  const bad = checkAgent(agent) ?? checkText(note, "escalation note", true);
  if (bad) return bad;
  if (!ESCALATION_LEVELS.includes(level)) return invalidInput('level is "lead" or "manager"');
  if (isTerminal(handoff)) return invalidTransition(handoff, "escalate");
  if (handoff.escalationLevel === "manager" && level === "lead") {
    return { ok: false, code: "invalid_transition", message: "This handoff is already escalated to a manager." };
  }
  // Reaching the manager rung starts its deadlines once; escalating to it again does not restart them.
  const managerEscalation = level === "manager" ? (handoff.managerEscalation ?? { at }) : handoff.managerEscalation;
  const next = update(handoff, { escalationLevel: level, ...(managerEscalation ? { managerEscalation } : {}) }, at);
  const suggested = suggestEscalationLevel({ reasons: handoff.reasons, suggestedReply: handoff.packet.suggestedReply }, categories);
  return accept(next, [
    audit(handoff, "escalate", agentActor(agent), at, { level, note, suggested }),
    SYNC,
    { type: "notify", kind: "escalated", to: level, agent, level, note },
  ]);
}

function resolve(handoff: Lifecycle, command: Extract<HandoffCommand, { type: "resolve" }>, at: string): CommandResult {
  const { agent } = command;
  const bad = checkAgent(agent) ?? (command.notes !== undefined ? checkText(command.notes, "resolution note", false) : null);
  if (bad) return bad;
  const owner = checkClaimer(handoff, agent, "resolve");
  // A lead, manager or admin may close a conversation another agent holds; the holder is told.
  const holder = owner?.code === "not_claimer" && can(roleOf(agent), "resolve_others") ? handoff.claimedBy : undefined;
  if (owner && !holder) return owner;
  const handBack = command.handBackToBot === true;
  const notes = command.notes?.trim() ? command.notes : undefined;
  const base = clear(handoff, ["reopenedAt", "reminderSentAt", "visitorLeftAt", "resolutionNotes"]);
  const next = update(
    base,
    {
      status: "resolved",
      resolvedAt: at,
      resolvedBy: { id: agent.id, name: agent.name },
      handedBackToBot: handBack,
      ...(notes ? { resolutionNotes: notes } : {}),
    },
    at,
  );
  const actor = agentActor(agent);
  const name = displayName(agent);
  // A capture someone answered live: its ticket was answered at the first human reply.
  const answered = answerInChat(next, at);
  return accept(answered.handoff, [
    audit(handoff, "resolve", actor, at, { notes: notes ?? null, handBackToBot: handBack, ...(holder ? { holder: holder.id, holderName: holder.name } : {}) }),
    ...(handBack ? [audit(handoff, "hand_back", actor, at)] : []),
    SYNC,
    ...answered.effects,
    {
      type: "system-message",
      text: handBack
        ? `${name} has left the chat — the assistant is back to help, and if you need a person again, just say so.`
        : `${name} has left the chat — you can keep writing here if you need anything else.`,
    },
    { type: "ask-satisfaction", question: SATISFACTION_QUESTION },
    { type: "notify", kind: "resolved", to: "team", agent, ...(notes ? { note: notes } : {}) },
    ...(holder ? [{ type: "notify", kind: "resolved", to: "claimer", agent: holder, note: `Resolved by ${displayName(agent)}` } satisfies HandoffEffect] : []),
  ]);
}

/**
 * A lead, manager or admin takes the conversation from the agent holding it: they become the
 * holder (and may write), the visitor sees who joined, the previous holder is told. On a handoff
 * nobody holds yet this is a claim.
 */
function takeOver(handoff: Lifecycle, agent: Agent, at: string): CommandResult {
  const bad = checkAgent(agent);
  if (bad) return bad;
  if (!can(roleOf(agent), "take_over")) return forbidden("take_over");
  if (isUnclaimed(handoff)) return claim(handoff, agent, at);
  if ((handoff.status !== "claimed" && handoff.status !== "active") || !handoff.claimedBy) return invalidTransition(handoff, "take over");
  const previous = handoff.claimedBy;
  if (previous.id === agent.id) return accept(handoff, []);
  const next = update(handoff, { claimedBy: person(agent), claimedAt: at }, at);
  return accept(next, [
    audit(handoff, "take_over", agentActor(agent), at, { from: previous.id, fromName: previous.name }),
    SYNC,
    { type: "system-message", text: `${displayName(agent)} has joined the chat and will take it from here.` },
    { type: "notify", kind: "taken_over", to: "claimer", agent: previous, note: `Taken over by ${displayName(agent)}` },
  ]);
}

/** A manager or admin confirms they have seen a manager escalation: the 2-hour deadline is met. */
function acknowledge(handoff: Lifecycle, agent: Agent, at: string): CommandResult {
  const bad = checkAgent(agent);
  if (bad) return bad;
  if (!can(roleOf(agent), "acknowledge")) return forbidden("acknowledge");
  const manager = handoff.managerEscalation;
  if (!manager || isTerminal(handoff)) return invalidTransition(handoff, "acknowledge a manager escalation on");
  if (manager.acknowledgedAt) return accept(handoff, []);
  const next = update(handoff, { managerEscalation: { ...manager, acknowledgedAt: at, acknowledgedBy: person(agent) } }, at);
  return accept(next, [audit(handoff, "acknowledge", agentActor(agent), at, { escalatedAt: manager.at }), SYNC]);
}

/**
 * Reopen returns the same handoff to its claimer, as "claimed": the visitor sees who was told, the
 * bot stays silent, and the claimer's next message makes it "active" again. Until then the response
 * clock runs, so a claimer who has gone home ends in the same honest capture as an unclaimed one.
 */
function reopen(handoff: Lifecycle, now: Date): CommandResult {
  if (handoff.status !== "resolved" || !handoff.claimedBy) return invalidTransition(handoff, "reopen");
  if (!canReopen(handoff, now)) {
    return { ok: false, code: "reopen_window_closed", message: `A handoff reopens only within ${REOPEN_WINDOW_MINUTES} minutes of its resolve.` };
  }
  const at = now.toISOString();
  const base = clear(handoff, ["resolvedAt", "resolvedBy", "resolutionNotes", "handedBackToBot", "reminderSentAt", "visitorLeftAt"]);
  // The visitor's message is what reopened it: it answers the last reply too.
  const next = update(base, { status: "claimed", reopenedAt: at, reopenCount: (handoff.reopenCount ?? 0) + 1, alertedAt: at, lastVisitorReplyAt: at }, at);
  return accept(next, [
    audit(handoff, "reopen", VISITOR, at, { resolvedAt: handoff.resolvedAt ?? null }),
    SYNC,
    { type: "system-message", text: `We've let ${displayName(handoff.claimedBy)} know you wrote back.` },
    { type: "notify", kind: "reopened", to: "claimer", agent: handoff.claimedBy },
  ]);
}

function fireTimer(handoff: Lifecycle, kind: TimerKind, ctx: LifecycleContext): CommandResult {
  const { now, settings } = ctx;
  // Idempotent by construction: only a timer the current state still schedules, and that is due, fires.
  const due = timersFor(handoff, settings).some((t) => t.kind === kind && Date.parse(t.at) <= now.getTime());
  if (!due) return accept(handoff, []);
  const at = now.toISOString();
  switch (kind) {
    case "response_timeout": {
      const next = update(handoff, { reminderSentAt: at }, at);
      const to: NoticeAudience = handoff.status === "claimed" ? "claimer" : "team";
      return accept(next, [
        audit(handoff, "reminder", SYSTEM, at, { to }),
        SYNC,
        { type: "notify", kind: "reminder", to, ...(to === "claimer" && handoff.claimedBy ? { agent: handoff.claimedBy } : {}) },
      ]);
    }
    case "snooze_end": {
      const next = update(clear(handoff, ["snoozedUntil", "snoozedBy", "reminderSentAt"]), { alertedAt: at }, at);
      return accept(next, [audit(handoff, "snooze_end", SYSTEM, at), SYNC, { type: "notify", kind: "snooze_end", to: "team" }]);
    }
    case "reminder_grace": {
      const email = handoff.packet.visitor.email ?? null;
      const promise = followUpCommitment(settings.businessHours, now);
      const commitment = promise ? { by: promise.by.toISOString(), label: promise.label } : null;
      const converted = update(clear(handoff, ["snoozedUntil", "snoozedBy"]), { status: "converted_to_ticket", convertedAt: at }, at);
      const ticket = openTicket(converted, "response_timeout", commitment, at);
      return accept(ticket.handoff, [
        audit(handoff, "convert_to_ticket", SYSTEM, at, { email, commitmentBy: commitment?.by ?? null, commitment: commitment?.label ?? null }),
        SYNC,
        ...ticket.effects,
        { type: "bot-message", text: timeoutCaptureReply({ email, commitment }) },
        { type: "notify", kind: "ticket_created", to: "owner" },
      ]);
    }
    case "manager_ack":
    case "manager_update": {
      const manager = handoff.managerEscalation!;
      const deadline = kind === "manager_ack" ? "acknowledge" : "resolve_or_update";
      const step: ManagerReminder =
        kind === "manager_ack"
          ? manager.reminded?.ack_manager
            ? "ack_admins"
            : "ack_manager"
          : manager.reminded?.update_manager
            ? "update_admins"
            : "update_manager";
      const minutes = kind === "manager_ack" ? MANAGER_ACK_MINUTES : MANAGER_UPDATE_MINUTES;
      const due = new Date(Date.parse(manager.at) + minutes * MINUTE).toISOString();
      const to: NoticeAudience = step.endsWith("_admins") ? "admins" : "manager";
      const next = update(handoff, { managerEscalation: { ...manager, reminded: { ...manager.reminded, [step]: at } } }, at);
      const note =
        to === "manager"
          ? `Manager escalation: ${deadline === "acknowledge" ? "acknowledge it" : "resolve it or post an update"} by ${due}.`
          : `Manager escalation overdue: not ${deadline === "acknowledge" ? "acknowledged" : "resolved or updated"} by ${due}.`;
      return accept(next, [audit(handoff, "reminder", SYSTEM, at, { to, deadline, due }), { type: "notify", kind: "reminder", to, level: "manager", note }]);
    }
    case "reply_unanswered": {
      // An approved reply the visitor never answered goes back up the ladder: L2, or stays with the manager.
      const level: EscalationLevel = handoff.escalationLevel === "manager" ? "manager" : "lead";
      const next = update(handoff, { escalationLevel: level, unansweredEscalatedFor: handoff.lastAgentReplyAt! }, at);
      const note = "No answer from the visitor 24 hours after the last reply.";
      return accept(next, [
        audit(handoff, "escalate", SYSTEM, at, { level, note, reason: "no_visitor_answer" }),
        SYNC,
        { type: "notify", kind: "escalated", to: level, level, note },
      ]);
    }
    case "ticket_due_soon":
    case "ticket_overdue":
      return fireTicketTimer(handoff, kind, at);
    case "abandon": {
      const next = update(clear(handoff, ["snoozedUntil", "snoozedBy"]), { status: "abandoned", abandonedAt: at }, at);
      return accept(next, [
        audit(handoff, "abandon", SYSTEM, at, { visitorLeftAt: handoff.visitorLeftAt ?? null }),
        SYNC,
        { type: "notify", kind: "abandoned", to: "team" },
      ]);
    }
  }
}

// --- helpers -----------------------------------------------------------------------------------

const SYSTEM: Actor = { kind: "system" };
const VISITOR: Actor = { kind: "visitor" };

function accept(handoff: Lifecycle, effects: HandoffEffect[]): CommandResult {
  return { ok: true, handoff, effects };
}

function update(handoff: Lifecycle, patch: Partial<Lifecycle>, at: string): Lifecycle {
  return { ...handoff, ...patch, updatedAt: at };
}

function clear(handoff: Lifecycle, keys: readonly (keyof LifecycleFields)[]): Lifecycle {
  const copy: Lifecycle = { ...handoff };
  for (const key of keys) delete copy[key];
  return copy;
}

function audit(handoff: Lifecycle, action: AuditAction, actor: Actor, at: string, payload: AuditPayload = {}): HandoffEffect {
  return { type: "audit", handoffId: handoff.id, action, actor, at, payload };
}

function agentActor(agent: Agent): Actor {
  return { kind: "agent", id: agent.id, name: agent.name };
}

/** Who holds or acted, as stored on the handoff: id and name, never the role they acted with. */
function person(agent: Agent): Agent {
  return { id: agent.id, name: agent.name };
}

function forbidden(action: Action): Rejection {
  return { ok: false, code: "forbidden", message: forbiddenMessage(action) };
}

function claimer(handoff: Lifecycle): { claimedBy?: Agent; claimedAt?: string } {
  return { ...(handoff.claimedBy ? { claimedBy: handoff.claimedBy } : {}), ...(handoff.claimedAt ? { claimedAt: handoff.claimedAt } : {}) };
}

/** Claimed or active, and by this agent: null when the agent may act. */
function checkClaimer(handoff: Lifecycle, agent: Agent, verb: string): Rejection | null {
  if (handoff.status !== "claimed" && handoff.status !== "active") return invalidTransition(handoff, verb);
  if (handoff.claimedBy?.id === agent.id) return null;
  return {
    ok: false,
    code: "not_claimer",
    message: `Only ${handoff.claimedBy?.name || "the agent who claimed it"} can ${verb} this handoff.`,
    ...claimer(handoff),
  };
}

function checkAgent(agent: Agent): Rejection | null {
  return typeof agent?.id === "string" && agent.id.trim() !== "" && typeof agent.name === "string" ? null : invalidInput("an agent with an id is required");
}

function checkText(text: unknown, what: string, required: boolean): Rejection | null {
  if (typeof text !== "string") return invalidInput(`${what} must be text`);
  if (required && text.trim() === "") return invalidInput(`${what} must not be empty`);
  if (text.length > MAX_NOTE_CHARS) return invalidInput(`${what} is longer than ${MAX_NOTE_CHARS} characters`);
  return null;
}

function invalidInput(message: string): Rejection {
  return { ok: false, code: "invalid_input", message };
}

function invalidTransition(handoff: Lifecycle, verb: string): Rejection {
  const hint = isUnclaimed(handoff) && verb !== "rate" && verb !== "reopen" ? " Claim it first." : "";
  return { ok: false, code: "invalid_transition", message: `Cannot ${verb} a handoff that is ${handoff.status.replaceAll("_", " ")}.${hint}` };
}

function isSnoozeMinutes(minutes: number): minutes is SnoozeMinutes {
  return (SNOOZE_MINUTES as readonly number[]).includes(minutes);
}

/** The name the visitor sees; a blank name still reads as a person. */
function displayName(agent: Agent): string {
  return agent.name.trim() || "A team member";
}

const COURTESY =
  /^(?:(?:ok(?:ay)?|thanks?|thank you(?: (?:so|very) much)?|thx|ty|great|perfect|cool|cheers|bye|goodbye)[\s!.,]*)+[\p{Extended_Pictographic}\s]*$/iu;

/** A bare "thanks!", "ok 👍", "bye" — nothing anyone needs to answer. */
function isCourtesy(text: string): boolean {
  const t = text.trim();
  return t !== "" && t.length <= 40 && (COURTESY.test(t) || /^[\p{Extended_Pictographic}\s]+$/u.test(t));
}
