// The queue's order and the runbook's SLA ladder: how long each visitor has waited for a first
// human reply against the target for its priority, and the tabs an agent filters by. Pure (no
// zod, no clock): the desk in the browser and the tests share it.
import type { DeskCard } from "../../protocol/desk";
import type { Priority } from "../../protocol/jobs";

/** Minutes to a first human reply, per priority. */
export type SlaMinutes = Record<Priority, number>;

export const DEFAULT_SLA_MINUTES: SlaMinutes = { urgent: 5, high: 10, normal: 15, low: 30 };

/** The runbook's triage: P1 breached over 2 h, P2 breached, P3 within SLA; "met" once a human replied; "closed" when over. */
export type SlaTier = "P1" | "P2" | "P3" | "met" | "closed";

export interface SlaState {
  tier: SlaTier;
  /** Seconds the visitor has waited for a person (until the first reply, if there was one). */
  waitingSeconds: number;
  /** When the target is (or was) due: the reply-by promise for an offline capture. */
  dueAt: string;
}

const PRIORITY_ORDER: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const TIER_ORDER: Record<SlaTier, number> = { P1: 0, P2: 1, P3: 2, met: 3, closed: 4 };
const TWO_HOURS_MS = 2 * 3600_000;
const OPEN = new Set<DeskCard["status"]>(["pending", "notified", "claimed", "active"]);

export function isOpen(card: DeskCard): boolean {
  return OPEN.has(card.status);
}

export function isUnclaimed(card: DeskCard): boolean {
  return card.status === "pending" || card.status === "notified";
}

/** Where `card` stands against its SLA at `now`. */
export function slaOf(card: DeskCard, targets: SlaMinutes, now: Date): SlaState {
  const opened = Date.parse(card.openedAt);
  const target = targets[card.priority] ?? DEFAULT_SLA_MINUTES[card.priority];
  // An offline capture promised a reply by a given time: that promise is its SLA.
  const due = card.commitmentBy ? Date.parse(card.commitmentBy) : opened + target * 60_000;
  const until = card.firstHumanReplyAt ? Date.parse(card.firstHumanReplyAt) : now.getTime();
  const waitingSeconds = Math.max(0, Math.round((until - opened) / 1000));
  const dueAt = new Date(due).toISOString();
  if (!isOpen(card)) return { tier: "closed", waitingSeconds, dueAt };
  if (card.firstHumanReplyAt) return { tier: "met", waitingSeconds, dueAt };
  const late = now.getTime() - due;
  return { tier: late > TWO_HOURS_MS ? "P1" : late > 0 ? "P2" : "P3", waitingSeconds, dueAt };
}

/**
 * The queue, most urgent first: breached over 2 h, breached, within SLA, answered; within a tier by
 * priority, then the longest wait. Closed cards follow, latest first. A new array; `cards` is untouched.
 */
export function sortQueue(cards: readonly DeskCard[], targets: SlaMinutes, now: Date): DeskCard[] {
  const keyed = cards.map((card) => ({ card, sla: slaOf(card, targets, now) }));
  keyed.sort((a, b) => {
    const tier = TIER_ORDER[a.sla.tier] - TIER_ORDER[b.sla.tier];
    if (tier !== 0) return tier;
    if (a.sla.tier === "closed") return (b.card.resolvedAt ?? b.card.updatedAt).localeCompare(a.card.resolvedAt ?? a.card.updatedAt);
    const priority = PRIORITY_ORDER[a.card.priority] - PRIORITY_ORDER[b.card.priority];
    if (priority !== 0) return priority;
    return a.card.openedAt.localeCompare(b.card.openedAt) || a.card.handoffId.localeCompare(b.card.handoffId);
  });
  return keyed.map((k) => k.card);
}

export const QUEUE_TABS = ["mine", "unclaimed", "open", "resolved"] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

/**
 * The cards of one tab: mine (open, claimed by `agentId`), unclaimed (open, nobody's), all open, and
 * resolved today (closed since `startOfToday`, the agent's local midnight).
 */
export function filterQueue(cards: readonly DeskCard[], tab: QueueTab, agentId: string, startOfToday: Date): DeskCard[] {
  switch (tab) {
    case "mine":
      return cards.filter((c) => isOpen(c) && c.claimedBy?.id === agentId);
    case "unclaimed":
      return cards.filter((c) => isOpen(c) && isUnclaimed(c));
    case "open":
      return cards.filter(isOpen);
    case "resolved": {
      const since = startOfToday.getTime();
      return cards.filter((c) => c.status === "resolved" && Date.parse(c.resolvedAt ?? "") >= since);
    }
  }
}

/** "45 s", "3 min", "2 h 05", "3 d": a wait as an agent reads it at a glance. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")}`;
  return `${Math.floor(hours / 24)} d`;
}
