// The handoff as every layer sees it: the state the room keeps, the D1 rows it mirrors, who acts
// on it and what the audit log records. Types and constants only, below the machine and the room.
import type { ContextPacket, HandoffStatus, LeadLevel, Priority, Route, TicketReason, TicketStatus, Trigger } from "../../protocol/jobs";
import type { Availability, HandoffMode } from "../escalation/availability";

export const ESCALATION_LEVELS = ["lead", "manager"] as const;

export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** The human ladder, lowest first: L1 agent, L2 lead, L3 manager; an admin also runs the project. */
export const ROLES = ["agent", "lead", "manager", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Agent {
  id: string;
  name: string;
  /** What the acting agent may do (domain/handoff/permissions.ts). A command without one acts as `agent`. */
  role?: Role;
}

/** The steps of a manager escalation's deadlines that send a reminder, each at most once. */
export const MANAGER_REMINDERS = ["ack_manager", "ack_admins", "update_manager", "update_admins"] as const;
export type ManagerReminder = (typeof MANAGER_REMINDERS)[number];

/**
 * A handoff on the manager rung (L3) and its two deadlines (the runbook's SOP-CX-003): acknowledged
 * by a manager within 2 hours, resolved or updated within 24 hours.
 */
export interface ManagerEscalation {
  /** When the handoff reached the manager rung. */
  at: string;
  acknowledgedAt?: string;
  acknowledgedBy?: Agent;
  /** The first note or reply to the visitor after the escalation. */
  updatedAt?: string;
  /** Reminders already sent, by step (so an alarm that rings twice sends each once). */
  reminded?: Partial<Record<ManagerReminder, string>>;
}

/**
 * What the lifecycle adds to `HandoffState`. All optional: absent means "has not happened", so
 * snapshots stored before these fields existed, and a handoff just opened, are valid as they are.
 */
export interface LifecycleFields {
  /** First delivery of the alert confirmed (pending → notified). */
  notifiedAt?: string;
  /** When the team was last alerted (delivery, snooze end, reopen): the response clock runs from here, else from `openedAt`. */
  alertedAt?: string;
  claimedBy?: Agent;
  claimedAt?: string;
  /** While set, the alert is snoozed: no reminder; at this instant the team is alerted again. */
  snoozedUntil?: string;
  snoozedBy?: Agent;
  /** The reminder for the current response window went out; the grace period runs from here. */
  reminderSentAt?: string;
  /** The claimer's first message; kept across reopens (the metric is handoff → first human reply). */
  firstHumanReplyAt?: string;
  escalationLevel?: EscalationLevel;
  resolvedAt?: string;
  resolvedBy?: Agent;
  resolutionNotes?: string;
  handedBackToBot?: boolean;
  /** Set by a reopen; while the status is "claimed" after it, the claimer owes a reply (timers run). */
  reopenedAt?: string;
  reopenCount?: number;
  /** The visitor's socket went away while the handoff was open, and has not come back. */
  visitorLeftAt?: string;
  abandonedAt?: string;
  convertedAt?: string;
  /** The visitor's answer to the one question asked after a resolve (1–5); the latest answer wins. */
  satisfaction?: number;
  /** Until then a model may still replace the rules' summary (the desk shows it as being written); cleared when it answers. */
  summaryPendingUntil?: string;
  /** The seq of the last transcript line queued for mirroring channels (a Slack thread). */
  mirroredSeq?: number;
  /** Present once the handoff reached the manager rung: its deadlines run from here. */
  managerEscalation?: ManagerEscalation;
  /** The holder's latest message to the visitor, and the visitor's latest message while it is held. */
  lastAgentReplyAt?: string;
  lastVisitorReplyAt?: string;
  /** The agent reply a "no answer in 24 hours" re-escalation already fired for (at most once per reply). */
  unansweredEscalatedFor?: string;
  /** A capture's follow-up promise, tracked until it is answered or closed (domain/handoff/ticket.ts). */
  ticket?: TicketState;
}

/** The ticket a capture becomes: the promise made to the visitor, its deadline and what became of it. */
export interface TicketState {
  /** `t_` + the handoff id's suffix: one ticket per handoff, derived, so no id generator is needed. */
  id: string;
  reason: TicketReason;
  status: TicketStatus;
  createdAt: string;
  updatedAt: string;
  /** What the visitor was promised; null when the business hours allowed no honest promise. */
  commitment: { by: string; label: string } | null;
  /** The team was warned that the deadline is near. */
  warnedAt?: string;
  /** The deadline passed with no answer. */
  overdueAt?: string;
  /** The first answer (a reply, or a human reply in the chat before a resolve): kept or missed is judged on it. */
  answeredAt?: string;
  answeredBy?: Agent;
  replyCount?: number;
  closedAt?: string;
  closedBy?: Agent;
  /** The visitor's confirmation email was queued (once, as soon as we have their address). */
  confirmedAt?: string;
}

export type Lifecycle = HandoffState & LifecycleFields;

export type Actor = { kind: "agent"; id: string; name: string } | { kind: "visitor" } | { kind: "system" };

export type AuditAction =
  | "notified"
  | "claim"
  | "message"
  | "note"
  | "snooze"
  | "escalate"
  | "resolve"
  | "hand_back"
  | "reopen"
  | "reminder"
  | "snooze_end"
  | "convert_to_ticket"
  | "abandon"
  | "satisfaction"
  | "take_over"
  | "acknowledge"
  | "ticket_reply"
  | "ticket_close"
  | "ticket_reopen"
  | "ticket_due_soon"
  | "ticket_overdue";

export type AuditPayload = Record<string, string | number | boolean | null>;

/** The ticket row written to D1 (by the room's sync outbox): its state, the visitor's email and the packet. */
export interface TicketRecord extends Omit<TicketState, "answeredBy" | "closedBy"> {
  projectId: string;
  conversationId: string;
  handoffId: string;
  email: string | null;
  packet: ContextPacket;
  answeredBy: Agent | null;
  closedBy: Agent | null;
}

/** The handoff as the room remembers it (the D1 row mirrors it). */
export interface HandoffState {
  id: string;
  status: HandoffStatus;
  mode: HandoffMode;
  trigger: Trigger;
  reasons: string[];
  route: Route | null;
  priority: Priority;
  leadLevel: LeadLevel;
  openedAt: string;
  updatedAt: string;
  availability: Availability;
  packet: ContextPacket;
}

/** The handoff row written to D1 (by the room's sync outbox). */
export interface HandoffRecord {
  id: string;
  projectId: string;
  conversationId: string;
  status: HandoffStatus;
  mode: HandoffMode;
  trigger: Trigger;
  route: Route | null;
  priority: Priority;
  leadLevel: LeadLevel;
  visitorEmail: string | null;
  packet: ContextPacket;
  claimedBy: { id: string; name: string } | null;
  claimedAt: string | null;
  firstHumanReplyAt: string | null;
  resolvedAt: string | null;
  escalationLevel: string | null;
  snoozedUntil: string | null;
  satisfaction: number | null;
  reopenCount: number;
  abandonedAt: string | null;
  convertedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A row of the audit log (D1 `decisions`), written before any external sync of the same step. */
export interface DecisionRecord {
  id: string;
  projectId: string;
  conversationId: string;
  handoffId: string;
  action: AuditAction;
  actor: Actor;
  payload: AuditPayload;
  at: string;
}
