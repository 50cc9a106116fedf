// Notification jobs: what the room puts on the notifications Queue when a handoff opens or
// changes, and what the consumer validates again before delivering to Slack, CRM, email or the
// dev outbox. The context packet travels whole, so no consumer has to ask the room for context.
import * as z from "zod/mini";

export const TRIGGERS = ["hot_lead", "explicit_request", "out_of_scope", "sensitive", "frustration", "stall", "bot_failure", "manual"] as const;
export const ROUTES = ["sales", "account_management", "legal", "support"] as const;
export const LEAD_LEVELS = ["hot", "warm", "cold"] as const;
export const HANDOFF_STATUSES = ["pending", "notified", "claimed", "active", "resolved", "abandoned", "converted_to_ticket"] as const;
export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;

const dimension = z.object({
  confidence: z.number().check(z.gte(0), z.lte(1)),
  evidence: z.array(z.object({ seq: z.number(), quote: z.string() })),
});

export const contextPacketSchema = z.object({
  summary: z.string(),
  botTried: z.array(z.string()),
  trigger: z.enum(TRIGGERS),
  reasons: z.array(z.string()),
  route: z.nullable(z.enum(ROUTES)),
  priority: z.enum(PRIORITIES),
  qualification: z.object({
    problemFit: dimension,
    authorityFit: dimension,
    companyFit: dimension,
    timingFit: dimension,
    persona: z.nullable(z.enum(["N1", "N2"])),
  }),
  leadLevel: z.enum(LEAD_LEVELS),
  sentiment: z.object({ negativity: z.number(), label: z.string() }),
  suggestedReply: z.string(),
  visitor: z.object({
    email: z.optional(z.string()),
    name: z.optional(z.string()),
    company: z.optional(z.string()),
    role: z.optional(z.string()),
    /** The customer site's user id for a logged-in visitor. */
    userId: z.optional(z.string()),
    /** True only when the site proved `userId` (identity verification); optional so older jobs still validate. */
    verified: z.optional(z.boolean()),
  }),
  page: z.object({ url: z.optional(z.string()), title: z.optional(z.string()), referrer: z.optional(z.string()) }),
  userAgent: z.optional(z.string()),
  mode: z.enum(["live", "capture"]),
  commitment: z.optional(z.object({ by: z.string(), label: z.string() })),
  calendlyUrl: z.optional(z.string()),
  timestamps: z.object({ conversationStartedAt: z.string(), handoffAt: z.string(), lastVisitorMessageAt: z.string() }),
  messageCount: z.number(),
  durationSeconds: z.number(),
});
export type ContextPacket = z.output<typeof contextPacketSchema>;

export const JOB_KINDS = [
  "handoff.opened",
  "handoff.updated",
  "handoff.claimed",
  "handoff.snoozed",
  "handoff.snooze_end",
  "handoff.reminder",
  "handoff.escalated",
  "handoff.resolved",
  "handoff.reopened",
  "handoff.ticket_created",
  "handoff.abandoned",
  "handoff.taken_over",
  /** Tickets (a capture's follow-up promise): the deadline is near, it passed unanswered, a reply, close, reopen. */
  "handoff.ticket_due_soon",
  "handoff.ticket_overdue",
  "handoff.ticket_answered",
  "handoff.ticket_closed",
  "handoff.ticket_reopened",
  /** To the visitor, by email: what we promised and by when. */
  "handoff.visitor_confirmation",
  /** A transcript line while the handoff is open, for the channels that mirror the conversation (a Slack thread). */
  "handoff.message",
] as const;

export const TICKET_STATUSES = ["open", "answered", "closed"] as const;
export const TICKET_REASONS = ["outside_hours", "no_channel", "capture_only", "response_timeout"] as const;

/** The ticket of a captured handoff as every job carries it: its promise and where it stands. */
export const jobTicketSchema = z.object({
  id: z.string(),
  status: z.enum(TICKET_STATUSES),
  reason: z.enum(TICKET_REASONS),
  createdAt: z.string(),
  /** The promise made to the visitor ("before 10:00 CET tomorrow") and the instant it falls due; null when none could be made. */
  commitment: z.nullable(z.object({ by: z.string(), label: z.string() })),
  warnedAt: z.optional(z.string()),
  overdueAt: z.optional(z.string()),
  answeredAt: z.optional(z.string()),
  closedAt: z.optional(z.string()),
});
export type JobTicket = z.output<typeof jobTicketSchema>;

export const notificationJobSchema = z.object({
  /** Unique per job: consumers store a redelivered job once. */
  id: z.string().check(z.minLength(1)),
  kind: z.enum(JOB_KINDS),
  /** For lifecycle notices: who it is for and what happened. */
  notice: z.optional(
    z.object({
      to: z.enum(["team", "claimer", "lead", "manager", "admins", "owner", "visitor"]),
      agent: z.optional(z.object({ id: z.string(), name: z.string() })),
      level: z.optional(z.enum(["lead", "manager"])),
      note: z.optional(z.string()),
      until: z.optional(z.string()),
    }),
  ),
  /**
   * With `handoff.message`: the line, and the seq of the line mirrored before it in this handoff
   * (0 for the first), so a mirroring channel posts them in order whatever order the queue delivers.
   */
  message: z.optional(
    z.object({
      seq: z.number(),
      prevSeq: z.number(),
      kind: z.enum(["message", "note"]),
      from: z.enum(["visitor", "agent", "bot", "system"]),
      text: z.string(),
      author: z.optional(z.object({ id: z.string(), name: z.string() })),
    }),
  ),
  /** Set while the handoff has a ticket (every capture does). */
  ticket: z.optional(jobTicketSchema),
  /**
   * Re-sent by a chat channel that could not deliver this job (the Slack poster after a 5xx or a
   * refusal): only the fallback channels (email) take it, under the same id, so it is sent once.
   */
  fallbackFor: z.optional(z.enum(["slack", "teams"])),
  projectId: z.string(),
  conversationId: z.string(),
  handoffId: z.string(),
  at: z.string(),
  status: z.enum(HANDOFF_STATUSES),
  packet: contextPacketSchema,
  /** Set by the consumer when the project's alert budget was spent: recorded (outbox, desk), paged to nobody. */
  throttled: z.optional(z.boolean()),
});
export type NotificationJob = z.output<typeof notificationJobSchema>;

export type Trigger = (typeof TRIGGERS)[number];
export type Route = (typeof ROUTES)[number];
export type LeadLevel = (typeof LEAD_LEVELS)[number];
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketReason = (typeof TICKET_REASONS)[number];
