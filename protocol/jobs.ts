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
  /** A transcript line while the handoff is open, for the channels that mirror the conversation (a Slack thread). */
  "handoff.message",
] as const;

export const notificationJobSchema = z.object({
  /** Unique per job: consumers store a redelivered job once. */
  id: z.string().check(z.minLength(1)),
  kind: z.enum(JOB_KINDS),
  /** For lifecycle notices: who it is for and what happened. */
  notice: z.optional(
    z.object({
      to: z.enum(["team", "claimer", "lead", "manager", "owner"]),
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
  projectId: z.string(),
  conversationId: z.string(),
  handoffId: z.string(),
  at: z.string(),
  status: z.enum(HANDOFF_STATUSES),
  packet: contextPacketSchema,
});
export type NotificationJob = z.output<typeof notificationJobSchema>;

export type Trigger = (typeof TRIGGERS)[number];
export type Route = (typeof ROUTES)[number];
export type LeadLevel = (typeof LEAD_LEVELS)[number];
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
