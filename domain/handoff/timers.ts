// When a room must wake up for its handoff. Timers are rows derived from the handoff itself (never
// setTimeout), so they survive object resets, and a timer whose row is gone is simply not due.
// What happens when one fires lives in machine.ts; here: when, and the honest words.
import * as z from "zod";
import type { Lifecycle } from "./handoff-types";
import { TICKET_TIMER_KINDS, ticketTimers, type TicketSettings } from "./ticket";

export const TIMER_KINDS = [
  "response_timeout",
  "reminder_grace",
  "snooze_end",
  "abandon",
  "manager_ack",
  "manager_update",
  "reply_unanswered",
  ...TICKET_TIMER_KINDS,
] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** One deadline of a handoff: at `at` (ISO) the room fires `{type: "timer", kind}`. */
export interface Timer {
  kind: TimerKind;
  at: string;
}

/** The settings the timers read. `Settings` satisfies it; `abandonAfterMinutes` is optional until it exists there. */
export interface TimerSettings extends TicketSettings {
  responseTimeoutMinutes: number;
  reminderGraceMinutes: number;
  abandonAfterMinutes?: number;
}

/** The runbook's manager deadlines (SOP-CX-003): acknowledged within 2 hours, resolved or updated within 24. */
export const MANAGER_ACK_MINUTES = 120;
export const MANAGER_UPDATE_MINUTES = 24 * 60;
/** An agent's reply the visitor has not answered in this long goes back up to the lead (L2). */
export const UNANSWERED_REPLY_MINUTES = 24 * 60;

/** Minutes a visitor may be away from a handoff still waiting for a human before it counts as abandoned. */
export const DEFAULT_ABANDON_AFTER_MINUTES = 10;

/** For `escalationSettingsSchema`: `abandonAfterMinutes: abandonAfterMinutesSchema`. */
export const abandonAfterMinutesSchema = z.int().min(1).max(60).default(DEFAULT_ABANDON_AFTER_MINUTES);

const MINUTE = 60_000;

/**
 * A human reply is owed and the clock is running: a live handoff nobody has claimed yet, or a
 * reopened one whose claimer has not written since (status "claimed" after a reopen). A capture
 * handoff already carries its follow-up promise, so it has no response clock until reopened.
 */
export function isAwaitingHuman(handoff: Lifecycle): boolean {
  const unclaimed = handoff.status === "pending" || handoff.status === "notified";
  return (unclaimed && handoff.mode === "live") || (handoff.status === "claimed" && handoff.reopenedAt !== undefined);
}

/**
 * The handoff's deadlines, earliest first:
 * - `snooze_end` at `snoozedUntil` while an unclaimed handoff is snoozed (the response clock is paused);
 * - `response_timeout` at (last alert ?? opening) + `responseTimeoutMinutes` → reminder;
 * - `reminder_grace` at reminder + `reminderGraceMinutes` → capture ticket, held while the visitor
 *   is away (the honest message and the email question need someone to read them);
 * - `abandon` at `visitorLeftAt` + `abandonAfterMinutes` while a human reply is owed;
 * - the ticket's `ticket_due_soon` and `ticket_overdue` while it is open (ticket.ts), whatever the
 *   handoff's status: a promise outlives the conversation.
 */
export function timersFor(handoff: Lifecycle, settings: TimerSettings): Timer[] {
  const timers: Timer[] = [];
  const unclaimed = handoff.status === "pending" || handoff.status === "notified";
  if (unclaimed && handoff.snoozedUntil) timers.push({ kind: "snooze_end", at: handoff.snoozedUntil });
  if (isAwaitingHuman(handoff)) {
    if (!handoff.snoozedUntil) {
      if (!handoff.reminderSentAt) {
        timers.push({ kind: "response_timeout", at: plusMinutes(handoff.alertedAt ?? handoff.openedAt, settings.responseTimeoutMinutes) });
      } else if (!handoff.visitorLeftAt) {
        timers.push({ kind: "reminder_grace", at: plusMinutes(handoff.reminderSentAt, settings.reminderGraceMinutes) });
      }
    }
    if (handoff.visitorLeftAt) {
      timers.push({ kind: "abandon", at: plusMinutes(handoff.visitorLeftAt, settings.abandonAfterMinutes ?? DEFAULT_ABANDON_AFTER_MINUTES) });
    }
  }
  const open = !["resolved", "abandoned", "converted_to_ticket"].includes(handoff.status);
  const manager = handoff.managerEscalation;
  if (open && manager) {
    const ack = ladderStep(manager.at, MANAGER_ACK_MINUTES, manager.acknowledgedAt, manager.reminded?.ack_manager, manager.reminded?.ack_admins);
    if (ack) timers.push({ kind: "manager_ack", at: ack });
    const update = ladderStep(manager.at, MANAGER_UPDATE_MINUTES, manager.updatedAt, manager.reminded?.update_manager, manager.reminded?.update_admins);
    if (update) timers.push({ kind: "manager_update", at: update });
  }
  if (open && awaitsVisitor(handoff)) timers.push({ kind: "reply_unanswered", at: plusMinutes(handoff.lastAgentReplyAt!, UNANSWERED_REPLY_MINUTES) });
  timers.push(...ticketTimers(handoff, settings));
  return timers.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/**
 * A deadline of the manager rung: the manager is reminded halfway through the window, the admins
 * when it has passed; nothing once it is met (or both reminders went out).
 */
function ladderStep(
  from: string,
  minutes: number,
  met: string | undefined,
  managerReminded: string | undefined,
  adminsReminded: string | undefined,
): string | null {
  if (met) return null;
  if (!managerReminded) return plusMinutes(from, minutes / 2);
  if (!adminsReminded) return plusMinutes(from, minutes);
  return null;
}

/** The holder replied and the visitor has not answered since (and the re-escalation for that reply has not fired). */
export function awaitsVisitor(handoff: Lifecycle): boolean {
  const replied = handoff.lastAgentReplyAt;
  if (!replied || handoff.unansweredEscalatedFor === replied) return false;
  if (handoff.status !== "active" && handoff.status !== "claimed") return false;
  return !handoff.lastVisitorReplyAt || Date.parse(handoff.lastVisitorReplyAt) < Date.parse(replied);
}

/** The earliest deadline (ISO), for the room's single alarm; null when nothing is scheduled. */
export function nextDeadline(timers: readonly Timer[]): string | null {
  let best: Timer | null = null;
  for (const t of timers) if (!best || Date.parse(t.at) < Date.parse(best.at)) best = t;
  return best?.at ?? null;
}

/** The timers due at `now` (at or before it), earliest first. */
export function dueTimers(handoff: Lifecycle, settings: TimerSettings, now: Date): Timer[] {
  return timersFor(handoff, settings).filter((t) => Date.parse(t.at) <= now.getTime());
}

/**
 * What the visitor reads when nobody answered in time: the truth, a concrete promise (from
 * `followUpCommitment` at that moment) and, when we have no email yet, the one question we need.
 */
export function timeoutCaptureReply(input: { email: string | null; commitment: { label: string } | null }): string {
  const when = input.commitment ? input.commitment.label : "as soon as someone is free";
  if (input.email) {
    return `Sorry for the wait — our team is busy helping others right now. We'll email you at ${input.email} ${when}, with the context of our conversation, so you won't need to repeat anything.`;
  }
  return `Sorry for the wait — our team is busy helping others right now. If you leave your email, we'll get back to you ${when}, with the context of our conversation, so you won't need to repeat anything. What's the best email to reach you?`;
}

function plusMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * MINUTE).toISOString();
}
