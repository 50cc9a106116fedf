// Handoff metrics over plain rows for a time window: the numbers the owner and the audit care about,
// computed from stored timestamps only. Pure: the caller selects the rows (D1) and passes the window.
// A metric with nothing to measure is null, never NaN or a made-up zero.
import { HANDOFF_STATUSES, type HandoffStatus } from "../../protocol/jobs";
import { commitmentOutcome } from "./ticket";

export interface ConversationRow {
  createdAt: string;
}

export interface HandoffRow {
  createdAt: string;
  status: HandoffStatus;
  claimedAt?: string | null;
  firstHumanReplyAt?: string | null;
  resolvedAt?: string | null;
  satisfaction?: number | null;
}

/** Rows count when `from <= createdAt < to`. */
export interface MetricsWindow {
  from: Date;
  to: Date;
}

export interface HandoffMetrics {
  from: string;
  to: string;
  conversations: number;
  handoffs: number;
  /** Handoffs opened / conversations started in the window (can exceed 1: a handoff may belong to an older conversation). */
  escalationRate: number | null;
  /** Seconds from handoff to the first human reply, over the handoffs that got one. */
  firstReplySeconds: { count: number; median: number | null; p90: number | null };
  /** Seconds from the claim to the claimer's first action (a reply or the resolve), over claimed handoffs that had one. */
  firstActionSeconds: { count: number; median: number | null; p90: number | null };
  /** Share of the window's handoffs now in each outcome; open ones stay in the denominator. */
  resolutionRate: number | null;
  abandonmentRate: number | null;
  ticketConversionRate: number | null;
  satisfaction: { count: number; average: number | null };
}

/** The metrics for handoffs and conversations created inside `window`. Rows with unreadable timestamps are left out. */
export function computeMetrics(rows: { conversations: readonly ConversationRow[]; handoffs: readonly HandoffRow[] }, window: MetricsWindow): HandoffMetrics {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const inWindow = (iso: string): boolean => {
    const t = Date.parse(iso);
    return Number.isFinite(t) && t >= from && t < to;
  };
  const conversations = rows.conversations.filter((c) => inWindow(c.createdAt)).length;
  const handoffs = rows.handoffs.filter((h) => inWindow(h.createdAt) && (HANDOFF_STATUSES as readonly string[]).includes(h.status));
  const count = (status: HandoffStatus) => handoffs.filter((h) => h.status === status).length;
  const waits = handoffs
    .flatMap((h) => {
      if (!h.firstHumanReplyAt) return [];
      const seconds = (Date.parse(h.firstHumanReplyAt) - Date.parse(h.createdAt)) / 1000;
      return Number.isFinite(seconds) && seconds >= 0 ? [seconds] : [];
    })
    .sort((a, b) => a - b);
  const actions = handoffs
    .flatMap((h) => {
      if (!h.claimedAt) return [];
      const claimed = Date.parse(h.claimedAt);
      const firsts = [h.firstHumanReplyAt, h.resolvedAt].map((t) => Date.parse(t ?? "")).filter((t) => Number.isFinite(t) && t >= claimed);
      return firsts.length ? [(Math.min(...firsts) - claimed) / 1000] : [];
    })
    .sort((a, b) => a - b);
  const scores = handoffs.flatMap((h) =>
    typeof h.satisfaction === "number" && Number.isInteger(h.satisfaction) && h.satisfaction >= 1 && h.satisfaction <= 5 ? [h.satisfaction] : [],
  );
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    conversations,
    handoffs: handoffs.length,
    escalationRate: ratio(handoffs.length, conversations),
    firstReplySeconds: { count: waits.length, median: percentile(waits, 50), p90: percentile(waits, 90) },
    firstActionSeconds: { count: actions.length, median: percentile(actions, 50), p90: percentile(actions, 90) },
    resolutionRate: ratio(count("resolved"), handoffs.length),
    abandonmentRate: ratio(count("abandoned"), handoffs.length),
    ticketConversionRate: ratio(count("converted_to_ticket"), handoffs.length),
    satisfaction: { count: scores.length, average: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null },
  };
}

export interface TicketMetricRow {
  createdAt: string;
  status: string;
  commitment: { by: string } | null;
  answeredAt?: string | null;
  closedAt?: string | null;
  overdueAt?: string | null;
}

export interface CommitmentMetrics {
  /** Tickets created in the window. */
  tickets: number;
  /** Of those with a promise: answered by the deadline, answered late or not at all, not yet due, closed unanswered before it fell due. */
  kept: number;
  missed: number;
  pending: number;
  dismissed: number;
  /** kept / (kept + missed): the promises that could be judged, and how many were kept. */
  keptRate: number | null;
}

/** Commitments kept and missed, for tickets created inside `window`, judged at `now`. */
export function commitmentMetrics(rows: readonly TicketMetricRow[], window: MetricsWindow, now: Date): CommitmentMetrics {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const tickets = rows.filter((r) => {
    const t = Date.parse(r.createdAt);
    return Number.isFinite(t) && t >= from && t < to;
  });
  const counts = { kept: 0, missed: 0, pending: 0, dismissed: 0, none: 0 };
  for (const t of tickets) counts[commitmentOutcome(t, now)]++;
  return {
    tickets: tickets.length,
    kept: counts.kept,
    missed: counts.missed,
    pending: counts.pending,
    dismissed: counts.dismissed,
    keptRate: ratio(counts.kept, counts.kept + counts.missed),
  };
}

/**
 * The p-th percentile of ascending `sorted` by linear interpolation between closest ranks (as
 * Postgres `percentile_cont`, numpy and Excel PERCENTILE.INC do): the median of an even count is
 * the mean of the middle two. Rounded to the millisecond; null for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = ((sorted.length - 1) * Math.min(100, Math.max(0, p))) / 100;
  const low = Math.floor(rank);
  const lower = sorted[low]!;
  const upper = sorted[Math.min(low + 1, sorted.length - 1)]!;
  return Math.round((lower + (upper - lower) * (rank - low)) * 1000) / 1000;
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export type MetricsBucket = "hour" | "day";

/** One point of the time series: the metrics of the rows created in [from, from + bucket). */
export interface MetricsPoint {
  from: string;
  conversations: number;
  handoffs: number;
  escalationRate: number | null;
  firstReplyMedian: number | null;
  satisfaction: number | null;
}

/** Hours for a window of two days or less, days otherwise. */
export function bucketFor(window: MetricsWindow): MetricsBucket {
  return window.to.getTime() - window.from.getTime() <= 2 * 86_400_000 ? "hour" : "day";
}

/** The window cut into UTC hours or days (at most 400 points), each with its own metrics. */
export function metricSeries(
  rows: { conversations: readonly ConversationRow[]; handoffs: readonly HandoffRow[] },
  window: MetricsWindow,
  bucket: MetricsBucket = bucketFor(window),
): MetricsPoint[] {
  const step = bucket === "hour" ? 3_600_000 : 86_400_000;
  const start = Math.floor(window.from.getTime() / step) * step;
  const points: MetricsPoint[] = [];
  for (let t = start; t < window.to.getTime() && points.length < 400; t += step) {
    const slice = { from: new Date(Math.max(t, window.from.getTime())), to: new Date(Math.min(t + step, window.to.getTime())) };
    const m = computeMetrics(rows, slice);
    points.push({
      from: new Date(t).toISOString(),
      conversations: m.conversations,
      handoffs: m.handoffs,
      escalationRate: m.escalationRate,
      firstReplyMedian: m.firstReplySeconds.median,
      satisfaction: m.satisfaction.average,
    });
  }
  return points;
}
