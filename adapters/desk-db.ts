// What a project's inbox reads from D1 when it starts without state (a new deployment, a reset):
// the open handoffs and those closed recently, as the room last wrote them.
import type { HandoffRecord } from "../domain/handoff/handoff-types";

const OPEN = ["pending", "notified", "claimed", "active"];

/** The project's open handoffs, and those closed since `closedSince`, newest first (at most `limit`). */
export async function deskHandoffs(db: D1Database, projectId: string, closedSince: string, limit = 500): Promise<HandoffRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM handoffs WHERE project_id = ? AND (status IN (${OPEN.map(() => "?").join(", ")}) OR updated_at >= ?)
        ORDER BY created_at DESC LIMIT ?`,
    )
    .bind(projectId, ...OPEN, closedSince, limit)
    .all<Record<string, string | number | null>>();
  const text = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));
  return results.map((r) => ({
    id: String(r.id),
    projectId: String(r.project_id),
    conversationId: String(r.conversation_id),
    status: String(r.status) as HandoffRecord["status"],
    mode: String(r.mode) as HandoffRecord["mode"],
    trigger: String(r.trigger) as HandoffRecord["trigger"],
    route: text(r.route) as HandoffRecord["route"],
    priority: String(r.priority) as HandoffRecord["priority"],
    leadLevel: String(r.lead_level) as HandoffRecord["leadLevel"],
    visitorEmail: text(r.visitor_email),
    packet: JSON.parse(String(r.packet)) as HandoffRecord["packet"],
    claimedBy: r.claimed_by ? { id: String(r.claimed_by), name: String(r.claimed_by_name ?? "") } : null,
    claimedAt: text(r.claimed_at),
    firstHumanReplyAt: text(r.first_human_reply_at),
    resolvedAt: text(r.resolved_at),
    escalationLevel: text(r.escalation_level),
    snoozedUntil: text(r.snoozed_until),
    satisfaction: r.satisfaction === null || r.satisfaction === undefined ? null : Number(r.satisfaction),
    reopenCount: Number(r.reopen_count ?? 0),
    abandonedAt: text(r.abandoned_at),
    convertedAt: text(r.converted_at),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  }));
}
