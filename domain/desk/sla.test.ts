// The desk's queue order and SLA ladder (the runbook's P1/P2/P3), and its tabs.
import { describe, expect, it } from "vitest";
import type { DeskCard } from "../../protocol/desk";
import { DEFAULT_SLA_MINUTES, filterQueue, formatWait, slaOf, sortQueue } from "./sla";

const NOW = new Date("2026-03-04T12:00:00.000Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

function card(id: string, over: Partial<DeskCard> = {}): DeskCard {
  return {
    handoffId: id,
    conversationId: `c_${id}`,
    status: "notified",
    mode: "live",
    trigger: "explicit_request",
    priority: "normal",
    leadLevel: "cold",
    route: null,
    summary: "A visitor asked for a person.",
    summaryPendingUntil: null,
    visitor: {},
    page: {},
    claimedBy: null,
    claimedAt: null,
    openedAt: ago(1),
    updatedAt: ago(1),
    firstHumanReplyAt: null,
    resolvedAt: null,
    snoozedUntil: null,
    escalationLevel: null,
    commitmentBy: null,
    ...over,
  };
}

describe("the SLA of a card", () => {
  it.each([
    ["within the normal target (15 min)", card("a", { openedAt: ago(14) }), "P3"],
    ["past it", card("a", { openedAt: ago(16) }), "P2"],
    ["past it by more than two hours", card("a", { openedAt: ago(15 + 121) }), "P1"],
    ["an urgent one after 6 minutes", card("a", { priority: "urgent", openedAt: ago(6) }), "P2"],
    ["a low one after 20 minutes", card("a", { priority: "low", openedAt: ago(20) }), "P3"],
    ["claimed but not answered is still waiting", card("a", { status: "claimed", openedAt: ago(20) }), "P2"],
    ["answered", card("a", { status: "active", openedAt: ago(200), firstHumanReplyAt: ago(190) }), "met"],
    ["resolved", card("a", { status: "resolved", resolvedAt: ago(1) }), "closed"],
    ["an offline capture before its promise", card("a", { mode: "capture", openedAt: ago(600), commitmentBy: ago(-60) }), "P3"],
    ["an offline capture past its promise", card("a", { mode: "capture", openedAt: ago(600), commitmentBy: ago(30) }), "P2"],
  ] as const)("%s: %s", (_, c, tier) => {
    expect(slaOf(c, DEFAULT_SLA_MINUTES, NOW).tier).toBe(tier);
  });

  it("counts the wait until the first human reply, then stops", () => {
    expect(slaOf(card("a", { openedAt: ago(3) }), DEFAULT_SLA_MINUTES, NOW).waitingSeconds).toBe(180);
    expect(slaOf(card("a", { status: "active", openedAt: ago(10), firstHumanReplyAt: ago(8) }), DEFAULT_SLA_MINUTES, NOW).waitingSeconds).toBe(120);
  });

  it("follows the project's targets", () => {
    expect(slaOf(card("a", { openedAt: ago(6) }), { ...DEFAULT_SLA_MINUTES, normal: 5 }, NOW).tier).toBe("P2");
  });
});

describe("the queue order", () => {
  it("puts breached over 2 h first, then breached, then within SLA; by priority, then the longest wait", () => {
    const cards = [
      card("within-normal", { openedAt: ago(2) }),
      card("within-urgent", { priority: "urgent", openedAt: ago(1) }),
      card("answered", { status: "active", openedAt: ago(500), firstHumanReplyAt: ago(499) }),
      card("breached-low", { priority: "low", openedAt: ago(40) }),
      card("p1", { openedAt: ago(300) }),
      card("breached-high", { priority: "high", openedAt: ago(11) }),
      card("within-normal-older", { openedAt: ago(5) }),
      card("resolved-earlier", { status: "resolved", resolvedAt: ago(30) }),
      card("resolved-later", { status: "resolved", resolvedAt: ago(3) }),
    ];
    expect(sortQueue(cards, DEFAULT_SLA_MINUTES, NOW).map((c) => c.handoffId)).toEqual([
      "p1",
      "breached-high",
      "breached-low",
      "within-urgent",
      "within-normal-older",
      "within-normal",
      "answered",
      "resolved-later",
      "resolved-earlier",
    ]);
    expect(cards[0]!.handoffId).toBe("within-normal"); // the input is untouched
  });
});

describe("the tabs", () => {
  const me = "agt_me";
  const cards = [
    card("unclaimed"),
    card("mine", { status: "claimed", claimedBy: { id: me, name: "Me" } }),
    card("mine-active", { status: "active", claimedBy: { id: me, name: "Me" } }),
    card("theirs", { status: "active", claimedBy: { id: "agt_other", name: "Other" } }),
    card("resolved-today", { status: "resolved", claimedBy: { id: me, name: "Me" }, resolvedAt: ago(60) }),
    card("resolved-yesterday", { status: "resolved", resolvedAt: ago(60 * 20) }),
    card("abandoned", { status: "abandoned" }),
  ];
  const midnight = new Date("2026-03-04T00:00:00.000Z");
  it.each([
    ["mine", ["mine", "mine-active"]],
    ["unclaimed", ["unclaimed"]],
    ["open", ["unclaimed", "mine", "mine-active", "theirs"]],
    ["resolved", ["resolved-today"]],
  ] as const)("%s shows %j", (tab, ids) => {
    expect(filterQueue(cards, tab, me, midnight).map((c) => c.handoffId)).toEqual(ids);
  });
});

describe("a wait, at a glance", () => {
  it.each([
    [0, "0 s"],
    [59, "59 s"],
    [60, "1 min"],
    [3599, "59 min"],
    [3600 + 5 * 60, "1 h 05"],
    [3 * 86400, "3 d"],
  ])("%d s reads %s", (seconds, text) => {
    expect(formatWait(seconds)).toBe(text);
  });
});
