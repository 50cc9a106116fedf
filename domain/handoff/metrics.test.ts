// Metrics over a seeded set of conversations and handoffs: counts, rates, first-reply percentiles
// and satisfaction, with empty windows and odd rows giving null rather than NaN.
import { describe, expect, it } from "vitest";
import type { HandoffStatus } from "../../protocol/jobs";
import { bucketFor, computeMetrics, metricSeries, percentile, type HandoffRow } from "./metrics";

const window = { from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-08T00:00:00Z") };
const at = (day: number, seconds = 0) => new Date(Date.UTC(2026, 2, day, 10, 0, seconds)).toISOString();

function handoff(day: number, status: HandoffStatus, extra: { replyAfter?: number; satisfaction?: number | null; resolvedAfter?: number } = {}): HandoffRow {
  return {
    createdAt: at(day),
    status,
    ...(extra.replyAfter !== undefined ? { firstHumanReplyAt: at(day, extra.replyAfter) } : {}),
    ...(extra.resolvedAfter !== undefined ? { resolvedAt: at(day, extra.resolvedAfter) } : {}),
    ...(extra.satisfaction !== undefined ? { satisfaction: extra.satisfaction } : {}),
  };
}

const seeded = {
  conversations: [
    ...[1, 1, 2, 2, 3, 4, 5, 6, 7, 7].map((d) => ({ createdAt: at(d) })),
    { createdAt: "2026-03-01T00:00:00.000Z" }, // exactly `from`: inside
    { createdAt: "2026-03-08T00:00:00.000Z" }, // exactly `to`: outside
    { createdAt: at(20) },
    { createdAt: "yesterday-ish" },
  ],
  handoffs: [
    handoff(1, "resolved", { replyAfter: 30, resolvedAfter: 600, satisfaction: 5 }),
    handoff(2, "resolved", { replyAfter: 90, resolvedAfter: 900, satisfaction: 4 }),
    handoff(3, "abandoned"),
    handoff(4, "converted_to_ticket"),
    handoff(5, "active", { replyAfter: 600, satisfaction: null }),
    handoff(28, "resolved", { replyAfter: 10, satisfaction: 1 }), // outside the window
    { createdAt: "not a date", status: "resolved", satisfaction: 1 },
    { createdAt: at(6), status: "escalated_somewhere" as HandoffStatus },
  ] satisfies HandoffRow[],
};

function hasNoNaN(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (value && typeof value === "object") return Object.values(value).every(hasNoNaN);
  return true;
}

describe("a seeded week", () => {
  const metrics = computeMetrics(seeded, window);

  it("counts what was created inside [from, to)", () => {
    expect(metrics).toMatchObject({ from: "2026-03-01T00:00:00.000Z", to: "2026-03-08T00:00:00.000Z", conversations: 11, handoffs: 5 });
  });

  it("computes every rate over the window's handoffs (open ones included)", () => {
    expect(metrics.escalationRate).toBeCloseTo(5 / 11);
    expect(metrics.resolutionRate).toBe(0.4);
    expect(metrics.abandonmentRate).toBe(0.2);
    expect(metrics.ticketConversionRate).toBe(0.2);
  });

  it("gives the median and p90 seconds from handoff to first human reply", () => {
    // Waits 30, 90, 600 s: the median is 90; p90 interpolates 80% of the way from 90 to 600.
    expect(metrics.firstReplySeconds).toEqual({ count: 3, median: 90, p90: 498 });
  });

  it("averages the satisfaction answers given", () => {
    expect(metrics.satisfaction).toEqual({ count: 2, average: 4.5 });
  });

  it("never produces NaN", () => {
    expect(hasNoNaN(metrics)).toBe(true);
  });
});

describe("windows with little or nothing in them", () => {
  it("an empty window has zero counts and null everywhere else", () => {
    expect(computeMetrics({ conversations: [], handoffs: [] }, window)).toEqual({
      from: "2026-03-01T00:00:00.000Z",
      to: "2026-03-08T00:00:00.000Z",
      conversations: 0,
      handoffs: 0,
      escalationRate: null,
      firstReplySeconds: { count: 0, median: null, p90: null },
      firstActionSeconds: { count: 0, median: null, p90: null },
      resolutionRate: null,
      abandonmentRate: null,
      ticketConversionRate: null,
      satisfaction: { count: 0, average: null },
    });
  });

  it("conversations without handoffs: an escalation rate of 0, handoff rates null", () => {
    const m = computeMetrics({ conversations: [{ createdAt: at(2) }], handoffs: [] }, window);
    expect(m).toMatchObject({ escalationRate: 0, resolutionRate: null, abandonmentRate: null });
  });

  it("handoffs with no conversation started in the window: counts, but no escalation rate", () => {
    const m = computeMetrics({ conversations: [], handoffs: [handoff(2, "abandoned")] }, window);
    expect(m).toMatchObject({ handoffs: 1, escalationRate: null, abandonmentRate: 1, firstReplySeconds: { count: 0, median: null, p90: null } });
  });

  it("a window that ends before it starts contains nothing", () => {
    const m = computeMetrics(seeded, { from: window.to, to: window.from });
    expect(m).toMatchObject({ conversations: 0, handoffs: 0, escalationRate: null });
    expect(hasNoNaN(m)).toBe(true);
  });

  it.each([
    ["a reply before the handoff (clock skew)", { firstHumanReplyAt: at(2, -5) }],
    ["an unreadable reply time", { firstHumanReplyAt: "soon" }],
    ["a null reply time", { firstHumanReplyAt: null }],
  ])("%s is left out of the reply times", (_name, extra) => {
    const m = computeMetrics({ conversations: [], handoffs: [{ ...handoff(2, "active"), ...extra }] }, window);
    expect(m.firstReplySeconds).toEqual({ count: 0, median: null, p90: null });
  });

  it.each([0, 6, 4.5, -1, Number.NaN, null])("a satisfaction of %s is not an answer", (satisfaction) => {
    const m = computeMetrics({ conversations: [], handoffs: [{ ...handoff(2, "resolved"), satisfaction }] }, window);
    expect(m.satisfaction).toEqual({ count: 0, average: null });
  });
});

describe("percentiles", () => {
  it.each([
    ["no values", [], 50, null],
    ["one value, median", [42], 50, 42],
    ["one value, p90", [42], 90, 42],
    ["two values, median is their mean", [10, 20], 50, 15],
    ["two values, p90", [10, 20], 90, 19],
    ["1..10, median", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5.5],
    ["1..10, p90", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9.1],
    ["odd count, median is the middle", [3, 8, 100], 50, 8],
    ["all equal", [7, 7, 7, 7], 90, 7],
    ["p0 is the minimum", [4, 9, 12], 0, 4],
    ["p100 is the maximum", [4, 9, 12], 100, 12],
    ["p above 100 is clamped", [4, 9, 12], 150, 12],
    ["fractional seconds keep millisecond precision", [12.5, 13.25], 50, 12.875],
  ] as const)("%s", (_name, values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe("time to the first action after the claim, and the series", () => {
  const claimed = (day: number, claimAfter: number, replyAfter?: number, resolvedAfter?: number): HandoffRow => ({
    createdAt: at(day),
    status: "resolved",
    claimedAt: at(day, claimAfter),
    ...(replyAfter !== undefined ? { firstHumanReplyAt: at(day, replyAfter) } : {}),
    ...(resolvedAfter !== undefined ? { resolvedAt: at(day, resolvedAfter) } : {}),
  });

  it("runs from the claim to the first reply or the resolve, whichever came first", () => {
    const m = computeMetrics(
      { conversations: [], handoffs: [claimed(1, 10, 40), claimed(2, 10, undefined, 30), claimed(3, 10, 50, 20), { createdAt: at(4), status: "pending" }] },
      window,
    );
    expect(m.firstActionSeconds).toEqual({ count: 3, median: 20, p90: 28 });
  });

  it("cuts the window into days (hours for two days or less), each with its own figures", () => {
    expect(bucketFor(window)).toBe("day");
    expect(bucketFor({ from: window.from, to: new Date(window.from.getTime() + 86_400_000) })).toBe("hour");
    const series = metricSeries(seeded, window);
    expect(series).toHaveLength(7);
    expect(series[0]).toMatchObject({ from: "2026-03-01T00:00:00.000Z", handoffs: 1, firstReplyMedian: 30, satisfaction: 5 });
    expect(series.reduce((n, p) => n + p.handoffs, 0)).toBe(computeMetrics(seeded, window).handoffs);
    expect(series.every((p) => hasNoNaN(p))).toBe(true);
  });
});
