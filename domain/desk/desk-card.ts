// A handoff as the team desk shows it: the card the rooms publish to their project's inbox, and
// which kind of change each publish is. Pure; the room decides when, the inbox stores and relays.
import type { DeskCard, DeskEventKind } from "../../protocol/desk";
import type { HandoffRecord, Lifecycle } from "../handoff/handoff-types";

/** The card for a handoff row (the room's, or D1's when an inbox rebuilds itself). */
export function deskCard(record: HandoffRecord, summaryPendingUntil?: string | null): DeskCard {
  const { packet } = record;
  const { name, email, company, role } = packet.visitor;
  const { url, title } = packet.page;
  return {
    handoffId: record.id,
    conversationId: record.conversationId,
    status: record.status,
    mode: record.mode,
    trigger: record.trigger,
    priority: record.priority,
    leadLevel: record.leadLevel,
    route: record.route,
    summary: packet.summary,
    summaryPendingUntil: summaryPendingUntil ?? null,
    visitor: { ...(name ? { name } : {}), ...(email ? { email } : {}), ...(company ? { company } : {}), ...(role ? { role } : {}) },
    page: { ...(url ? { url } : {}), ...(title ? { title } : {}) },
    claimedBy: record.claimedBy,
    claimedAt: record.claimedAt,
    openedAt: record.createdAt,
    updatedAt: record.updatedAt,
    firstHumanReplyAt: record.firstHumanReplyAt,
    resolvedAt: record.resolvedAt,
    snoozedUntil: record.snoozedUntil,
    escalationLevel: record.escalationLevel === "lead" || record.escalationLevel === "manager" ? record.escalationLevel : null,
    commitmentBy: record.mode === "capture" ? (packet.commitment?.by ?? null) : null,
  };
}

/**
 * What kind of change `after` is to the desk: a new handoff, a claim, a resolve, a better summary,
 * or any other update (delivery, snooze, escalation, reply, email, reopen, rating…).
 */
export function deskEventKind(before: Lifecycle | null, after: Lifecycle): DeskEventKind {
  if (!before || before.id !== after.id) return "created";
  const unclaimed = (h: Lifecycle) => h.status === "pending" || h.status === "notified";
  if (unclaimed(before) && after.status === "claimed") return "claimed";
  if (before.status !== "resolved" && after.status === "resolved") return "resolved";
  if (before.packet.summary !== after.packet.summary) return "packet-ready";
  return "updated";
}
