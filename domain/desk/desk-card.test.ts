// The desk's cards and the kind of each change, and who counts as available.
import { describe, expect, it } from "vitest";
import { ana, inStatus, opened, walk } from "../handoff/fixtures";
import { presenceOf, takesUpdate } from "./inbox";
import { deskCard, deskEventKind } from "./desk-card";
import type { HandoffRecord } from "../handoff/handoff-types";

const record = (over: Partial<HandoffRecord> = {}): HandoffRecord => {
  const h = opened();
  return {
    id: h.id,
    projectId: "prj_1",
    conversationId: "c_1",
    status: h.status,
    mode: h.mode,
    trigger: h.trigger,
    route: h.route,
    priority: h.priority,
    leadLevel: h.leadLevel,
    visitorEmail: null,
    packet: h.packet,
    claimedBy: null,
    claimedAt: null,
    firstHumanReplyAt: null,
    resolvedAt: null,
    escalationLevel: null,
    snoozedUntil: null,
    satisfaction: null,
    reopenCount: 0,
    abandonedAt: null,
    convertedAt: null,
    createdAt: h.openedAt,
    updatedAt: h.updatedAt,
    ...over,
  };
};

describe("a desk card", () => {
  it("carries who, what and where from the packet, and nothing internal beyond the queue's needs", () => {
    const card = deskCard(record());
    expect(card).toMatchObject({
      handoffId: "h_1",
      conversationId: "c_1",
      status: "pending",
      priority: "high",
      visitor: { name: "Ana" },
      page: { url: "https://acme.test/billing" },
    });
    expect(card).not.toHaveProperty("reasons");
    expect(card.commitmentBy).toBeNull();
  });

  it("of an offline capture carries its reply-by promise", () => {
    const capture = opened({ mode: "capture" });
    const card = deskCard(
      record({ mode: "capture", packet: { ...capture.packet, commitment: { by: "2026-03-05T09:00:00.000Z", label: "before 10:00 CET tomorrow" } } }),
    );
    expect(card.commitmentBy).toBe("2026-03-05T09:00:00.000Z");
  });
});

describe("the kind of a change", () => {
  it.each([
    ["a new handoff", null, inStatus.pending(), "created"],
    ["another handoff of the conversation", inStatus.resolved(), { ...opened(), id: "h_2" }, "created"],
    ["delivered", inStatus.pending(), inStatus.notified(), "updated"],
    ["claimed", inStatus.notified(), inStatus.claimed(), "claimed"],
    ["claimed straight from pending", inStatus.pending(), walk(opened(), [[1, { type: "claim", agent: ana }]]), "claimed"],
    ["first reply", inStatus.claimed(), inStatus.active(), "updated"],
    ["resolved", inStatus.active(), inStatus.resolved(), "resolved"],
    ["a better summary", inStatus.notified(), { ...inStatus.notified(), packet: { ...inStatus.notified().packet, summary: "Better." } }, "packet-ready"],
    ["abandoned", inStatus.notified(), inStatus.abandoned(), "updated"],
  ] as const)("%s → %s", (_, before, after, kind) => {
    expect(deskEventKind(before, after)).toBe(kind);
  });
});

describe("the inbox", () => {
  it("never lets an older change overwrite a newer one", () => {
    const newer = deskCard(record({ updatedAt: "2026-03-04T10:05:00.000Z" }));
    const older = deskCard(record({ updatedAt: "2026-03-04T10:01:00.000Z" }));
    expect(takesUpdate(null, older)).toBe(true);
    expect(takesUpdate(newer, older)).toBe(false);
    expect(takesUpdate(older, newer)).toBe(true);
    expect(takesUpdate(newer, newer)).toBe(true);
  });

  it("counts an agent once, available when any of their desks is", () => {
    const presence = presenceOf([
      { agentId: "b", name: "Bea", status: "away" },
      { agentId: "a", name: "Ana", status: "away" },
      { agentId: "b", name: "Bea", status: "available" },
      { agentId: "c", name: "Cy", status: "available" },
    ]);
    expect(presence).toEqual({
      agents: [
        { id: "a", name: "Ana", status: "away" },
        { id: "b", name: "Bea", status: "available" },
        { id: "c", name: "Cy", status: "available" },
      ],
      available: 2,
    });
    expect(presenceOf([])).toEqual({ agents: [], available: 0 });
  });
});
