// D1's side of retention and erasure: finding one person's conversations, deleting every row
// that belongs to a conversation (handoffs and their packets, tickets, notification payloads, the
// audit rows), deleting what is older than a project's cutoff, and the erasure audit log. The
// rooms' own storage is erased through their RPCs (worker/retention.ts, routes/privacy.ts).
import { sha256Hex } from "./crypto";

export type Subject = { kind: "conversation"; conversationId: string } | { kind: "email"; email: string } | { kind: "userId"; userId: string };

/** At most this many conversations are erased per request; a larger subject is erased by repeating it. */
export const MAX_ERASED_PER_REQUEST = 200;

/** The project's conversations that belong to `subject`: by id, by the site's user id, or by any email stored for them. */
export async function conversationsOf(db: D1Database, projectId: string, subject: Subject): Promise<string[]> {
  const limit = MAX_ERASED_PER_REQUEST;
  let query: D1PreparedStatement;
  if (subject.kind === "conversation") {
    query = db.prepare("SELECT id FROM conversations WHERE project_id = ? AND id = ?").bind(projectId, subject.conversationId);
  } else if (subject.kind === "userId") {
    query = db.prepare("SELECT id FROM conversations WHERE project_id = ? AND user_id = ? LIMIT ?").bind(projectId, subject.userId, limit);
  } else {
    const email = subject.email.toLowerCase();
    query = db
      .prepare(
        `SELECT id FROM conversations WHERE project_id = ?1 AND lower(json_extract(visitor, '$.email')) = ?2
         UNION SELECT conversation_id FROM handoffs WHERE project_id = ?1 AND lower(visitor_email) = ?2
         UNION SELECT conversation_id FROM tickets WHERE project_id = ?1 AND lower(email) = ?2
         LIMIT ?3`,
      )
      .bind(projectId, email, limit);
  }
  const { results } = await query.all<{ id: string }>();
  return results.map((r) => r.id);
}

/** A field of a stored job payload; a payload cut short (or never JSON) reads as NULL instead of failing the statement. */
export const field = (name: string) => `(CASE WHEN json_valid(payload) THEN json_extract(payload, '$.${name}') END)`;

export type DeletedCounts = Record<"conversations" | "handoffs" | "tickets" | "notifications" | "notificationFailures" | "decisions", number>;

const zero = (): DeletedCounts => ({ conversations: 0, handoffs: 0, tickets: 0, notifications: 0, notificationFailures: 0, decisions: 0 });

/** The handoffs of these conversations (before their rows go: the desk's inbox forgets them by id). */
export async function handoffIdsOf(db: D1Database, projectId: string, conversationIds: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const id of conversationIds) {
    const { results } = await db.prepare("SELECT id FROM handoffs WHERE project_id = ? AND conversation_id = ?").bind(projectId, id).all<{ id: string }>();
    ids.push(...results.map((r) => r.id));
  }
  return ids;
}

/** Deletes every D1 row of these conversations (scoped by project), in one batch per conversation. */
export async function deleteConversationRows(db: D1Database, projectId: string, conversationIds: readonly string[]): Promise<DeletedCounts> {
  const counts = zero();
  for (const id of conversationIds) {
    const [notifications, failures, decisions, tickets, handoffs, conversations] = await db.batch([
      db
        .prepare(
          "DELETE FROM notifications WHERE project_id = ? AND (handoff_id IN (SELECT id FROM handoffs WHERE conversation_id = ?) OR json_extract(payload, '$.conversationId') = ?)",
        )
        .bind(projectId, id, id),
      db.prepare(`DELETE FROM notification_failures WHERE ${field("conversationId")} = ? AND ${field("projectId")} = ?`).bind(id, projectId),
      db.prepare("DELETE FROM decisions WHERE project_id = ? AND conversation_id = ?").bind(projectId, id),
      db.prepare("DELETE FROM tickets WHERE project_id = ? AND conversation_id = ?").bind(projectId, id),
      db.prepare("DELETE FROM handoffs WHERE project_id = ? AND conversation_id = ?").bind(projectId, id),
      db.prepare("DELETE FROM conversations WHERE project_id = ? AND id = ?").bind(projectId, id),
    ]);
    counts.notifications += notifications?.meta.changes ?? 0;
    counts.notificationFailures += failures?.meta.changes ?? 0;
    counts.decisions += decisions?.meta.changes ?? 0;
    counts.tickets += tickets?.meta.changes ?? 0;
    counts.handoffs += handoffs?.meta.changes ?? 0;
    counts.conversations += conversations?.meta.changes ?? 0;
  }
  return counts;
}

/** Deletes the project's rows older than `cutoff` that carry conversation content: packets, tickets, notification payloads, audit rows. */
export async function deleteRowsBefore(db: D1Database, projectId: string, cutoff: string): Promise<Omit<DeletedCounts, "conversations">> {
  const [handoffs, tickets, notifications, failures, decisions] = await db.batch([
    // An open handoff is still being worked on (its room keeps it too); a closed one goes with its packet.
    db
      .prepare("DELETE FROM handoffs WHERE project_id = ? AND updated_at < ? AND status IN ('resolved', 'abandoned', 'converted_to_ticket')")
      .bind(projectId, cutoff),
    db.prepare("DELETE FROM tickets WHERE project_id = ? AND created_at < ?").bind(projectId, cutoff),
    db.prepare("DELETE FROM notifications WHERE project_id = ? AND created_at < ?").bind(projectId, cutoff),
    db.prepare(`DELETE FROM notification_failures WHERE ${field("projectId")} = ? AND created_at < ?`).bind(projectId, cutoff),
    db.prepare("DELETE FROM decisions WHERE project_id = ? AND at < ?").bind(projectId, cutoff),
  ]);
  return {
    handoffs: handoffs?.meta.changes ?? 0,
    tickets: tickets?.meta.changes ?? 0,
    notifications: notifications?.meta.changes ?? 0,
    notificationFailures: failures?.meta.changes ?? 0,
    decisions: decisions?.meta.changes ?? 0,
  };
}

/** Conversations older than `cutoff` the sweep has not yet found still active past it. */
export async function conversationsToSweep(db: D1Database, projectId: string, cutoff: string, now: string, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM conversations WHERE project_id = ? AND created_at < ? AND (purge_after IS NULL OR purge_after < ?) ORDER BY created_at LIMIT ?")
    .bind(projectId, cutoff, now, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** A conversation still active at the cutoff is looked at again once its newest message ages out. */
export async function sweepAgainAfter(db: D1Database, projectId: string, conversationId: string, at: string): Promise<void> {
  await db.prepare("UPDATE conversations SET purge_after = ? WHERE project_id = ? AND id = ?").bind(at, projectId, conversationId).run();
}

/** Writes the erasure's audit row; the subject itself is kept only as a hash. */
export async function recordErasure(
  db: D1Database,
  e: { id: string; projectId: string; subject: Subject; conversations: number; deleted: DeletedCounts & { deskCards?: number }; at: string },
): Promise<void> {
  const value = e.subject.kind === "conversation" ? e.subject.conversationId : e.subject.kind === "email" ? e.subject.email.toLowerCase() : e.subject.userId;
  await db
    .prepare(
      "INSERT INTO erasures (id, project_id, subject_kind, subject_hash, conversations, deleted, requested_by, at) VALUES (?, ?, ?, ?, ?, ?, 'secret-key', ?)",
    )
    .bind(e.id, e.projectId, e.subject.kind, await sha256Hex(value), e.conversations, JSON.stringify(e.deleted), e.at)
    .run();
}

export async function listErasures(db: D1Database, projectId: string, limit: number) {
  const { results } = await db
    .prepare("SELECT * FROM erasures WHERE project_id = ? ORDER BY at DESC LIMIT ?")
    .bind(projectId, limit)
    .all<Record<string, string | number>>();
  return results.map((r) => ({
    id: String(r.id),
    subjectKind: String(r.subject_kind),
    subjectHash: String(r.subject_hash),
    conversations: Number(r.conversations),
    deleted: JSON.parse(String(r.deleted)) as DeletedCounts,
    requestedBy: String(r.requested_by),
    at: String(r.at),
  }));
}
