// Agent credentials over their lifetime: a token expires (AGENT_TOKEN_TTL_DAYS), can be rotated
// (the old one stops working at once) and revoked (every credential of that agent stops working,
// sockets included at their next upgrade). Scoped by project like every other query.
import { randomToken, sha256Hex } from "./crypto";

const NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** The expiry of a token issued at `now`. */
export const expiryFrom = (now: Date, ttlDays: number) => new Date(now.getTime() + ttlDays * 86_400_000).toISOString();

/** Whether the agent may still act: not revoked, token not expired. */
export async function isAgentActive(db: D1Database, projectId: string, agentId: string): Promise<boolean> {
  const row = await db
    .prepare(`SELECT 1 AS ok FROM agents WHERE id = ? AND project_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${NOW_SQL})`)
    .bind(agentId, projectId)
    .first<{ ok: number }>();
  return row !== null;
}

/** Revokes the agent; false when the project has no such agent (or it was already revoked). */
export async function revokeAgent(db: D1Database, projectId: string, agentId: string, now: Date): Promise<boolean> {
  const result = await db
    .prepare("UPDATE agents SET revoked_at = ? WHERE id = ? AND project_id = ? AND revoked_at IS NULL")
    .bind(now.toISOString(), agentId, projectId)
    .run();
  return result.meta.changes > 0;
}

/** A fresh token for an active agent, shown once; the previous token stops working. Null when there is no such agent. */
export async function rotateAgentToken(
  db: D1Database,
  projectId: string,
  agentId: string,
  now: Date,
  ttlDays: number,
): Promise<{ agentToken: string; expiresAt: string } | null> {
  const agentToken = randomToken("at_", 32);
  const expiresAt = expiryFrom(now, ttlDays);
  const result = await db
    .prepare("UPDATE agents SET token_hash = ?, expires_at = ? WHERE id = ? AND project_id = ? AND revoked_at IS NULL")
    .bind(await sha256Hex(agentToken), expiresAt, agentId, projectId)
    .run();
  return result.meta.changes > 0 ? { agentToken, expiresAt } : null;
}
