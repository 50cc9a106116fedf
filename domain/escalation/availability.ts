// Live or capture: whether a handoff can reach a person now, and if not, what the bot may
// honestly promise. Pure: the caller says whether a channel is configured and who is online.
import { describeHours, followUpCommitment, isOpen } from "./business-hours";
import type { BusinessHours } from "./escalation-settings";

export type HandoffMode = "live" | "capture";

export interface AvailabilityInput {
  hours: BusinessHours;
  now: Date;
  /** A human-facing channel is configured and healthy (Slack — or the dev outbox locally). */
  hasChannel: boolean;
  /** Agents currently connected. */
  agentsOnline: number;
  /** Handoff disabled for the project: an explicit request is still captured, never live. */
  captureOnly?: boolean;
}

export interface Availability {
  mode: HandoffMode;
  /** Why: "open" | "closed" | "holiday_or_closed_day" | "no_channel" | "capture_only". */
  reason: "open" | "outside_hours" | "no_channel" | "capture_only";
  /** "Mon–Fri 9:00–18:00 CET" — said to the visitor when the team is offline. */
  hoursLabel: string;
  /** The reply-by promise for a capture (also computed for live, as the fallback if nobody answers). */
  commitment: { by: string; label: string } | null;
}

export function decideAvailability(input: AvailabilityInput): Availability {
  const hoursLabel = describeHours(input.hours);
  const promise = followUpCommitment(input.hours, input.now);
  const commitment = promise ? { by: promise.by.toISOString(), label: promise.label } : null;
  const reachable = input.hasChannel || input.agentsOnline > 0;
  if (input.captureOnly) return { mode: "capture", reason: "capture_only", hoursLabel, commitment };
  if (!isOpen(input.hours, input.now)) return { mode: "capture", reason: "outside_hours", hoursLabel, commitment };
  if (!reachable) return { mode: "capture", reason: "no_channel", hoursLabel, commitment };
  return { mode: "live", reason: "open", hoursLabel, commitment };
}
