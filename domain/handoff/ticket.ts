// A capture's follow-up promise as a ticket: opened with the commitment the bot made ("before
// 10:00 CET tomorrow"), a warning to the team before it falls due, overdue when it passes
// unanswered, answered (by email and in the widget), closed and reopened. Pure: the machine
// delegates its ticket commands and timers here; time is a parameter, timers are derived.
import type { JobTicket, TicketReason } from "../../protocol/jobs";
import type { Availability } from "../escalation/availability";
import type { Actor, Agent, AuditAction, AuditPayload, Lifecycle, TicketState } from "./handoff-types";

export const TICKET_TIMER_KINDS = ["ticket_due_soon", "ticket_overdue"] as const;
export type TicketTimerKind = (typeof TICKET_TIMER_KINDS)[number];

export const TICKET_NOTICE_KINDS = [
  "ticket_due_soon",
  "ticket_overdue",
  "ticket_answered",
  "ticket_closed",
  "ticket_reopened",
  "visitor_confirmation",
] as const;
export type TicketNoticeKind = (typeof TICKET_NOTICE_KINDS)[number];

/** Minutes before the deadline the team is warned, unless the project says otherwise. */
export const DEFAULT_TICKET_WARNING_MINUTES = 60;
/** Longest ticket reply or close note. */
export const MAX_TICKET_TEXT_CHARS = 4000;

/** The settings tickets read; `Settings` satisfies it. */
export interface TicketSettings {
  ticketWarningMinutes?: number;
}

export type TicketCommand =
  /** Any agent of the project answers: emailed to the visitor, stored in the transcript (their widget shows it). */
  | { type: "ticket_reply"; agent: Agent; text: string; clientId?: string }
  | { type: "ticket_close"; agent: Agent; note?: string }
  | { type: "ticket_reopen"; agent: Agent };

export type TicketEffect =
  | { type: "audit"; handoffId: string; action: AuditAction; actor: Actor; at: string; payload: AuditPayload }
  /** Upsert the ticket's D1 row from the state. */
  | { type: "sync-ticket" }
  /** Store and broadcast the agent's reply as a message of the conversation. */
  | { type: "agent-message"; agent: Agent; text: string; clientId?: string }
  | { type: "notify"; kind: TicketNoticeKind; to: "team" | "owner" | "visitor"; agent?: Agent; note?: string };

export type TicketResult =
  | { ok: true; handoff: Lifecycle; effects: TicketEffect[] }
  | { ok: false; code: "invalid_transition" | "invalid_input"; message: string };

/** One ticket per handoff, its id derived from the handoff's. */
export function ticketIdFor(handoffId: string): string {
  return `t_${handoffId.replace(/^h_/, "")}`;
}

/** Why a handoff that opened as a capture has a ticket (null for a live one). */
export function captureReason(availability: Pick<Availability, "mode" | "reason">): TicketReason | null {
  if (availability.mode === "live" || availability.reason === "open") return null;
  return availability.reason;
}

/**
 * Opens the ticket of `handoff` at `at` with the promise `commitment` (a no-op when it has one).
 * With the visitor's email already known, their confirmation is queued at once.
 */
export function openTicket(
  handoff: Lifecycle,
  reason: TicketReason,
  commitment: { by: string; label: string } | null,
  at: string,
): { handoff: Lifecycle; effects: TicketEffect[] } {
  if (handoff.ticket) return { handoff, effects: [] };
  const ticket: TicketState = { id: ticketIdFor(handoff.id), reason, status: "open", createdAt: at, updatedAt: at, commitment };
  const opened = { ...handoff, ticket };
  const confirmed = confirmTicket(opened, at);
  return { handoff: confirmed.handoff, effects: [{ type: "sync-ticket" }, ...confirmed.effects] };
}

/** Once the visitor's email is known and the ticket is open: their confirmation of what was promised, once. */
export function confirmTicket(handoff: Lifecycle, at: string): { handoff: Lifecycle; effects: TicketEffect[] } {
  const ticket = handoff.ticket;
  if (ticket?.status !== "open" || ticket.confirmedAt || !handoff.packet.visitor.email) return { handoff, effects: [] };
  return {
    handoff: { ...handoff, ticket: { ...ticket, confirmedAt: at } },
    effects: [{ type: "notify", kind: "visitor_confirmation", to: "visitor" }],
  };
}

/**
 * The ticket's deadlines, while it is open and unanswered and has a promise:
 * - `ticket_due_soon` at deadline − `ticketWarningMinutes` (60), if that is after the ticket opened;
 * - `ticket_overdue` at the deadline.
 */
export function ticketTimers(handoff: Lifecycle, settings: TicketSettings): Array<{ kind: TicketTimerKind; at: string }> {
  const ticket = handoff.ticket;
  if (ticket?.status !== "open" || ticket.answeredAt || !ticket.commitment || ticket.overdueAt) return [];
  const due = Date.parse(ticket.commitment.by);
  if (!Number.isFinite(due)) return [];
  const timers: Array<{ kind: TicketTimerKind; at: string }> = [];
  const warnAt = due - (settings.ticketWarningMinutes ?? DEFAULT_TICKET_WARNING_MINUTES) * 60_000;
  if (!ticket.warnedAt && warnAt > Date.parse(ticket.createdAt)) timers.push({ kind: "ticket_due_soon", at: new Date(warnAt).toISOString() });
  timers.push({ kind: "ticket_overdue", at: ticket.commitment.by });
  return timers;
}

/** A due ticket timer fires (the machine checked that it is due in this state). */
export function fireTicketTimer(handoff: Lifecycle, kind: TicketTimerKind, at: string): TicketResult {
  const ticket = handoff.ticket!;
  const dueAt = ticket.commitment?.by ?? null;
  if (kind === "ticket_due_soon") {
    return accept(withTicket(handoff, { warnedAt: at }, at), [
      audit(handoff, "ticket_due_soon", SYSTEM, at, { ticketId: ticket.id, dueAt }),
      SYNC_TICKET,
      { type: "notify", kind: "ticket_due_soon", to: "owner" },
    ]);
  }
  return accept(withTicket(handoff, { overdueAt: at }, at), [
    audit(handoff, "ticket_overdue", SYSTEM, at, { ticketId: ticket.id, dueAt }),
    SYNC_TICKET,
    { type: "notify", kind: "ticket_overdue", to: "owner" },
  ]);
}

/**
 * Reply, close, reopen. Any agent of the project may act on a ticket; a reply needs the ticket open
 * or answered (a closed one is reopened first), closing needs it not closed, reopening needs it not
 * open. Kept or missed is judged on the first answer, so a reopen never changes it.
 */
export function applyTicketCommand(handoff: Lifecycle, command: TicketCommand, at: string): TicketResult {
  const ticket = handoff.ticket;
  if (!ticket) return { ok: false, code: "invalid_transition", message: "This handoff has no ticket." };
  const actor: Actor = { kind: "agent", id: command.agent.id, name: command.agent.name };
  const agent = { id: command.agent.id, name: command.agent.name };
  if (typeof agent.id !== "string" || agent.id.trim() === "") return invalidInput("an agent with an id is required");
  switch (command.type) {
    case "ticket_reply": {
      const bad = checkText(command.text, "reply", true);
      if (bad) return bad;
      if (ticket.status === "closed") return invalidTransition("reply to", ticket, " Reopen it first.");
      const next = withTicket(
        handoff,
        { status: "answered", answeredAt: ticket.answeredAt ?? at, answeredBy: ticket.answeredBy ?? agent, replyCount: (ticket.replyCount ?? 0) + 1 },
        at,
      );
      return accept(next, [
        audit(handoff, "ticket_reply", actor, at, { ticketId: ticket.id, text: command.text, clientId: command.clientId ?? null }),
        { type: "agent-message", agent, text: command.text, ...(command.clientId ? { clientId: command.clientId } : {}) },
        SYNC_TICKET,
        { type: "notify", kind: "ticket_answered", to: "visitor", agent, note: command.text },
      ]);
    }
    case "ticket_close": {
      if (command.note !== undefined) {
        const bad = checkText(command.note, "note", false);
        if (bad) return bad;
      }
      if (ticket.status === "closed") return invalidTransition("close", ticket, "");
      const note = command.note?.trim() ? command.note : undefined;
      return accept(withTicket(handoff, { status: "closed", closedAt: at, closedBy: agent }, at), [
        audit(handoff, "ticket_close", actor, at, { ticketId: ticket.id, note: note ?? null }),
        SYNC_TICKET,
        { type: "notify", kind: "ticket_closed", to: "team", agent, ...(note ? { note } : {}) },
      ]);
    }
    case "ticket_reopen": {
      if (ticket.status === "open") return invalidTransition("reopen", ticket, "");
      const { closedAt: _closedAt, closedBy: _closedBy, ...rest } = ticket;
      const next: Lifecycle = { ...handoff, updatedAt: at, ticket: { ...rest, status: "open", updatedAt: at } };
      return accept(next, [
        audit(handoff, "ticket_reopen", actor, at, { ticketId: ticket.id, was: ticket.status }),
        SYNC_TICKET,
        { type: "notify", kind: "ticket_reopened", to: "team", agent },
      ]);
    }
  }
}

/** A resolve after a human replied in the chat: the ticket was answered there, at that reply. */
export function answerInChat(handoff: Lifecycle, at: string): { handoff: Lifecycle; effects: TicketEffect[] } {
  const ticket = handoff.ticket;
  if (ticket?.status !== "open" || ticket.answeredAt || !handoff.firstHumanReplyAt) return { handoff, effects: [] };
  const answeredBy = handoff.claimedBy ? { answeredBy: handoff.claimedBy } : {};
  return { handoff: withTicket(handoff, { status: "answered", answeredAt: handoff.firstHumanReplyAt, ...answeredBy }, at), effects: [SYNC_TICKET] };
}

/** What a ticket as the jobs carry it looks like (no agents, only the promise and where it stands). */
export function jobTicket(ticket: TicketState): JobTicket {
  return {
    id: ticket.id,
    status: ticket.status,
    reason: ticket.reason,
    createdAt: ticket.createdAt,
    commitment: ticket.commitment,
    ...(ticket.warnedAt ? { warnedAt: ticket.warnedAt } : {}),
    ...(ticket.overdueAt ? { overdueAt: ticket.overdueAt } : {}),
    ...(ticket.answeredAt ? { answeredAt: ticket.answeredAt } : {}),
    ...(ticket.closedAt ? { closedAt: ticket.closedAt } : {}),
  };
}

export type CommitmentOutcome = "kept" | "missed" | "pending" | "dismissed" | "none";

/**
 * Whether the promise was kept, judged at `now`: kept when first answered by the deadline; missed
 * when answered late, or not answered by then; dismissed when closed unanswered before it fell
 * due (spam, a duplicate); pending until then; none when no promise was made.
 */
export function commitmentOutcome(
  ticket: { commitment: { by: string } | null; answeredAt?: string | null; closedAt?: string | null; overdueAt?: string | null; status: string },
  now: Date,
): CommitmentOutcome {
  if (!ticket.commitment) return "none";
  const due = Date.parse(ticket.commitment.by);
  if (!Number.isFinite(due)) return "none";
  if (ticket.answeredAt) return Date.parse(ticket.answeredAt) <= due ? "kept" : "missed";
  if (ticket.status === "closed" && ticket.closedAt) return Date.parse(ticket.closedAt) <= due ? "dismissed" : "missed";
  // The room's alarm marked it overdue: missed, whatever this caller's clock says.
  return ticket.overdueAt || now.getTime() > due ? "missed" : "pending";
}

// --- helpers -----------------------------------------------------------------------------------

const SYSTEM: Actor = { kind: "system" };
const SYNC_TICKET: TicketEffect = { type: "sync-ticket" };

function accept(handoff: Lifecycle, effects: TicketEffect[]): TicketResult {
  return { ok: true, handoff, effects };
}

function withTicket(handoff: Lifecycle, patch: Partial<TicketState>, at: string): Lifecycle {
  return { ...handoff, updatedAt: at, ticket: { ...handoff.ticket!, ...patch, updatedAt: at } };
}

function audit(handoff: Lifecycle, action: AuditAction, actor: Actor, at: string, payload: AuditPayload): TicketEffect {
  return { type: "audit", handoffId: handoff.id, action, actor, at, payload };
}

function checkText(text: unknown, what: string, required: boolean): TicketResult | null {
  if (typeof text !== "string") return invalidInput(`${what} must be text`);
  if (required && text.trim() === "") return invalidInput(`${what} must not be empty`);
  if (text.length > MAX_TICKET_TEXT_CHARS) return invalidInput(`${what} is longer than ${MAX_TICKET_TEXT_CHARS} characters`);
  return null;
}

function invalidInput(message: string): TicketResult {
  return { ok: false, code: "invalid_input", message };
}

function invalidTransition(verb: string, ticket: TicketState, hint: string): TicketResult {
  return { ok: false, code: "invalid_transition", message: `Cannot ${verb} a ticket that is ${ticket.status}.${hint}` };
}
