// D1 access for the agent's browser: sign-in links spent once (by `jti`), the sessions they open,
// and the project's agents as an admin manages them. Every query is scoped by project.
import type { Agent } from "./db";

/** How long a browser stays signed in after following a link. */
export const SESSION_TTL_SECONDS = 14 * 24 * 3600;
/** `last_used_at` is refreshed at most this often, so reading pages does not write on every request. */
const TOUCH_EVERY_MS = 10 * 60_000;

export interface AgentSession {
  id: string;
  agentId: string;
  projectId: string;
  userAgent: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
}

export interface AgentListing extends Agent {
  createdAt: string;
  disabledAt: string | null;
  activeSessions: number;
}

/**
 * Records the first use of a sign-in link. True exactly once per `jti`: a second use (another tab,
 * a replay from history) finds the row and gets false.
 */
export async function spendSignInLink(
  db: D1Database,
  link: { jti: string; projectId: string; agentId: string; expiresAt: string; now: string },
): Promise<boolean> {
  const result = await db
    .prepare("INSERT INTO sign_in_links (jti, project_id, agent_id, used_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(jti) DO NOTHING")
    .bind(link.jti, link.projectId, link.agentId, link.now, link.expiresAt)
    .run();
  // Spent links past their own expiry can never be replayed (the signature check refuses them): prune a few.
  await db.prepare("DELETE FROM sign_in_links WHERE rowid IN (SELECT rowid FROM sign_in_links WHERE expires_at < ? LIMIT 50)").bind(link.now).run();
  return (result.meta.changes ?? 0) === 1;
}

/** An enabled agent of `projectId`, or null. */
export async function findActiveAgent(db: D1Database, projectId: string, agentId: string): Promise<Agent | null> {
  const row = await db
    .prepare("SELECT id, project_id, name, email, role FROM agents WHERE id = ? AND project_id = ? AND disabled_at IS NULL")
    .bind(agentId, projectId)
    .first<{ id: string; project_id: string; name: string; email: string; role: string }>();
  return row ? { id: row.id, projectId: row.project_id, name: row.name, email: row.email, role: row.role } : null;
}

export async function insertSession(
  db: D1Database,
  s: { id: string; projectId: string; agentId: string; tokenHash: string; userAgent: string | null; now: Date },
): Promise<AgentSession> {
  const createdAt = s.now.toISOString();
  const expiresAt = new Date(s.now.getTime() + SESSION_TTL_SECONDS * 1000).toISOString();
  await db
    .prepare(
      "INSERT INTO agent_sessions (id, project_id, agent_id, token_hash, user_agent, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(s.id, s.projectId, s.agentId, s.tokenHash, s.userAgent, createdAt, createdAt, expiresAt)
    .run();
  return { id: s.id, agentId: s.agentId, projectId: s.projectId, userAgent: s.userAgent, createdAt, lastUsedAt: createdAt, expiresAt };
}

interface SessionRow {
  id: string;
  project_id: string;
  agent_id: string;
  user_agent: string | null;
  created_at: string;
  last_used_at: string;
  expires_at: string;
}

const toSession = (r: SessionRow): AgentSession => ({
  id: r.id,
  agentId: r.agent_id,
  projectId: r.project_id,
  userAgent: r.user_agent,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
});

/** The live session with this token hash and its (enabled) agent; null when unknown, revoked, expired or the agent is disabled. */
export async function findSession(db: D1Database, tokenHash: string, now: Date): Promise<{ session: AgentSession; agent: Agent } | null> {
  const row = await db
    .prepare(
      `SELECT s.id, s.project_id, s.agent_id, s.user_agent, s.created_at, s.last_used_at, s.expires_at, a.name, a.email, a.role
         FROM agent_sessions s JOIN agents a ON a.id = s.agent_id AND a.project_id = s.project_id
        WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND a.disabled_at IS NULL`,
    )
    .bind(tokenHash, now.toISOString())
    .first<SessionRow & { name: string; email: string; role: string }>();
  if (!row) return null;
  if (now.getTime() - Date.parse(row.last_used_at) > TOUCH_EVERY_MS) {
    await db.prepare("UPDATE agent_sessions SET last_used_at = ? WHERE id = ?").bind(now.toISOString(), row.id).run();
    row.last_used_at = now.toISOString();
  }
  return {
    session: toSession(row),
    agent: { id: row.agent_id, projectId: row.project_id, name: row.name, email: row.email, role: row.role },
  };
}

/** The agent's sessions that are still live, newest first. */
export async function listSessions(db: D1Database, projectId: string, agentId: string, now: Date): Promise<AgentSession[]> {
  const { results } = await db
    .prepare("SELECT * FROM agent_sessions WHERE project_id = ? AND agent_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC LIMIT 100")
    .bind(projectId, agentId, now.toISOString())
    .all<SessionRow>();
  return results.map(toSession);
}

/** Revokes one session of the project (optionally only if it is `agentId`'s). True when a live one was revoked. */
export async function revokeSession(db: D1Database, projectId: string, sessionId: string, now: Date, agentId?: string): Promise<boolean> {
  const result = await db
    .prepare(`UPDATE agent_sessions SET revoked_at = ? WHERE id = ? AND project_id = ? AND revoked_at IS NULL ${agentId ? "AND agent_id = ?" : ""}`)
    .bind(now.toISOString(), sessionId, projectId, ...(agentId ? [agentId] : []))
    .run();
  return (result.meta.changes ?? 0) > 0;
}

export async function revokeAgentSessions(db: D1Database, projectId: string, agentId: string, now: Date): Promise<number> {
  const result = await db
    .prepare("UPDATE agent_sessions SET revoked_at = ? WHERE project_id = ? AND agent_id = ? AND revoked_at IS NULL")
    .bind(now.toISOString(), projectId, agentId)
    .run();
  return result.meta.changes ?? 0;
}

/** The project's agents, enabled first, with how many browsers each has signed in. */
export async function listAgents(db: D1Database, projectId: string, now: Date): Promise<AgentListing[]> {
  const { results } = await db
    .prepare(
      `SELECT a.id, a.project_id, a.name, a.email, a.role, a.created_at, a.disabled_at,
              (SELECT COUNT(*) FROM agent_sessions s WHERE s.agent_id = a.id AND s.revoked_at IS NULL AND s.expires_at > ?) AS active_sessions
         FROM agents a WHERE a.project_id = ? ORDER BY a.disabled_at IS NOT NULL, a.name COLLATE NOCASE LIMIT 500`,
    )
    .bind(now.toISOString(), projectId)
    .all<{
      id: string;
      project_id: string;
      name: string;
      email: string;
      role: string;
      created_at: string;
      disabled_at: string | null;
      active_sessions: number;
    }>();
  return results.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    email: r.email,
    role: r.role,
    createdAt: r.created_at,
    disabledAt: r.disabled_at,
    activeSessions: Number(r.active_sessions),
  }));
}

export async function setAgentRole(db: D1Database, projectId: string, agentId: string, role: string): Promise<boolean> {
  const result = await db.prepare("UPDATE agents SET role = ? WHERE id = ? AND project_id = ? AND disabled_at IS NULL").bind(role, agentId, projectId).run();
  return (result.meta.changes ?? 0) > 0;
}

/** Disables the agent (its token and sessions stop working at once); its history stays. */
export async function disableAgent(db: D1Database, projectId: string, agentId: string, now: Date): Promise<boolean> {
  const result = await db
    // disabled_at ends the desk's sessions, revoked_at the agent token and its socket tokens: one act.
    .prepare("UPDATE agents SET disabled_at = ?, revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND project_id = ? AND disabled_at IS NULL")
    .bind(now.toISOString(), now.toISOString(), agentId, projectId)
    .run();
  if ((result.meta.changes ?? 0) === 0) return false;
  await revokeAgentSessions(db, projectId, agentId, now);
  return true;
}
