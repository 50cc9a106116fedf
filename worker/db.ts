// D1 access for projects, agents and conversations. Every lookup that a request makes on behalf
// of a caller is scoped by that caller's project.
import type { Settings } from "../domain/settings";
import { parseStoredSettings } from "../domain/settings";
import type { PageInfo, VisitorInfo } from "../domain/conversation";
import type { HandoffRecord } from "../domain/handoff-flow";

export interface Project {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  settings: Settings;
}

export interface Agent {
  id: string;
  projectId: string;
  name: string;
  email: string;
  role: string;
}

interface ProjectRow {
  id: string;
  name: string;
  public_key: string;
  allowed_origins: string;
  settings: string;
}

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    publicKey: row.public_key,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    settings: parseStoredSettings(row.settings),
  };
}

export async function insertProject(
  db: D1Database,
  p: { id: string; name: string; publicKey: string; secretHash: string; allowedOrigins: string[]; settings: Settings; now: string },
): Promise<void> {
  await db
    .prepare("INSERT INTO projects (id, name, public_key, secret_hash, allowed_origins, settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(p.id, p.name, p.publicKey, p.secretHash, JSON.stringify(p.allowedOrigins), JSON.stringify(p.settings), p.now)
    .run();
}

export async function findProjectByPublicKey(db: D1Database, publicKey: string): Promise<Project | null> {
  const row = await db.prepare("SELECT * FROM projects WHERE public_key = ?").bind(publicKey).first<ProjectRow>();
  return row ? toProject(row) : null;
}

export async function findProjectBySecretHash(db: D1Database, secretHash: string): Promise<Project | null> {
  const row = await db.prepare("SELECT * FROM projects WHERE secret_hash = ?").bind(secretHash).first<ProjectRow>();
  return row ? toProject(row) : null;
}

export async function insertAgent(db: D1Database, a: Agent & { tokenHash: string; now: string }): Promise<void> {
  await db
    .prepare("INSERT INTO agents (id, project_id, name, email, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(a.id, a.projectId, a.name, a.email, a.role, a.tokenHash, a.now)
    .run();
}

export async function findAgentByTokenHash(db: D1Database, tokenHash: string): Promise<Agent | null> {
  const row = await db
    .prepare("SELECT id, project_id, name, email, role FROM agents WHERE token_hash = ?")
    .bind(tokenHash)
    .first<{ id: string; project_id: string; name: string; email: string; role: string }>();
  return row ? { id: row.id, projectId: row.project_id, name: row.name, email: row.email, role: row.role } : null;
}

export async function insertConversation(
  db: D1Database,
  c: { id: string; projectId: string; visitor: VisitorInfo; page: PageInfo; userAgent: string | null; now: string },
): Promise<void> {
  await db
    .prepare("INSERT INTO conversations (id, project_id, visitor, page, user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(c.id, c.projectId, JSON.stringify(c.visitor), JSON.stringify(c.page), c.userAgent, c.now)
    .run();
}

/** The conversation, only if it belongs to `projectId`. */
export async function findConversation(db: D1Database, projectId: string, id: string): Promise<{ id: string; projectId: string } | null> {
  const row = await db
    .prepare("SELECT id, project_id FROM conversations WHERE id = ? AND project_id = ?")
    .bind(id, projectId)
    .first<{ id: string; project_id: string }>();
  return row ? { id: row.id, projectId: row.project_id } : null;
}

/** Writes the room's view of a handoff; an older update never overwrites a newer one. */
export async function upsertHandoff(db: D1Database, h: HandoffRecord): Promise<void> {
  await db
    .prepare(
      `INSERT INTO handoffs (id, project_id, conversation_id, status, mode, trigger, route, priority, lead_level, visitor_email, packet, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, mode = excluded.mode, route = excluded.route, priority = excluded.priority,
         lead_level = excluded.lead_level, visitor_email = excluded.visitor_email, packet = excluded.packet, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= handoffs.updated_at`,
    )
    .bind(h.id, h.projectId, h.conversationId, h.status, h.mode, h.trigger, h.route, h.priority, h.leadLevel, h.visitorEmail, JSON.stringify(h.packet), h.createdAt, h.updatedAt)
    .run();
}

export interface HandoffRow {
  id: string;
  conversationId: string;
  status: string;
  mode: string;
  trigger: string;
  route: string | null;
  priority: string;
  leadLevel: string;
  visitorEmail: string | null;
  packet: unknown;
  createdAt: string;
  updatedAt: string;
}

function toHandoff(r: Record<string, unknown>): HandoffRow {
  return {
    id: String(r.id),
    conversationId: String(r.conversation_id),
    status: String(r.status),
    mode: String(r.mode),
    trigger: String(r.trigger),
    route: (r.route as string | null) ?? null,
    priority: String(r.priority),
    leadLevel: String(r.lead_level),
    visitorEmail: (r.visitor_email as string | null) ?? null,
    packet: JSON.parse(String(r.packet)),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

/** A handoff, only if it belongs to `projectId`. */
export async function findHandoff(db: D1Database, projectId: string, id: string): Promise<HandoffRow | null> {
  const row = await db.prepare("SELECT * FROM handoffs WHERE id = ? AND project_id = ?").bind(id, projectId).first<Record<string, unknown>>();
  return row ? toHandoff(row) : null;
}

export async function listHandoffs(db: D1Database, projectId: string, status: string | undefined, limit: number): Promise<HandoffRow[]> {
  const query = status
    ? db.prepare("SELECT * FROM handoffs WHERE project_id = ? AND status = ? ORDER BY created_at DESC LIMIT ?").bind(projectId, status, limit)
    : db.prepare("SELECT * FROM handoffs WHERE project_id = ? ORDER BY created_at DESC LIMIT ?").bind(projectId, limit);
  const { results } = await query.all<Record<string, unknown>>();
  return results.map(toHandoff);
}

export async function listNotifications(db: D1Database, projectId: string, limit: number): Promise<Array<{ id: string; kind: string; channel: string; handoffId: string | null; job: unknown; createdAt: string }>> {
  const { results } = await db
    .prepare("SELECT * FROM notifications WHERE project_id = ? ORDER BY created_at DESC, id LIMIT ?")
    .bind(projectId, limit)
    .all<Record<string, string | null>>();
  return results.map((r) => ({
    id: String(r.id),
    kind: String(r.kind),
    channel: String(r.channel),
    handoffId: r.handoff_id ?? null,
    job: JSON.parse(String(r.payload)),
    createdAt: String(r.created_at),
  }));
}
