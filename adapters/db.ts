// D1 access for projects, agents and conversations. Every lookup that a request makes on behalf
// of a caller is scoped by that caller's project.
import type { Settings } from "../domain/settings";
import { channelRowsOfConversation, type ChannelRow } from "./channels";
import { storedSettings } from "./settings-cache";
import type { PageInfo, VisitorInfo } from "../domain/transcript";
import type { NewRoom } from "../domain/room/room-types";
import type { HandoffRecord } from "../domain/handoff/handoff-types";
import type { ContextPacket } from "../protocol/jobs";
import type { DecisionRecord, TicketRecord } from "../domain/handoff/handoff-types";
import { commitmentOutcome, type CommitmentOutcome } from "../domain/handoff/ticket";

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
    settings: storedSettings(row.settings).settings,
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

export async function findProjectById(db: D1Database, id: string): Promise<Project | null> {
  const row = await db.prepare("SELECT * FROM projects WHERE id = ?").bind(id).first<ProjectRow>();
  return row ? toProject(row) : null;
}

export async function findProjectBySecretHash(db: D1Database, secretHash: string): Promise<Project | null> {
  const row = await db.prepare("SELECT * FROM projects WHERE secret_hash = ?").bind(secretHash).first<ProjectRow>();
  return row ? toProject(row) : null;
}

export async function insertAgent(db: D1Database, a: Agent & { tokenHash: string; now: string; expiresAt?: string }): Promise<void> {
  await db
    .prepare("INSERT INTO agents (id, project_id, name, email, role, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    .bind(a.id, a.projectId, a.name, a.email, a.role, a.tokenHash, a.now, a.expiresAt ?? null)
    .run();
}

/** The agent holding this token, unless it was revoked or has expired. */
export async function findAgentByTokenHash(db: D1Database, tokenHash: string): Promise<Agent | null> {
  const row = await db
    .prepare(
      "SELECT id, project_id, name, email, role FROM agents WHERE token_hash = ? AND revoked_at IS NULL AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    )
    .bind(tokenHash)
    .first<{ id: string; project_id: string; name: string; email: string; role: string }>();
  return row ? { id: row.id, projectId: row.project_id, name: row.name, email: row.email, role: row.role } : null;
}

/** The project's agents, oldest first (never their token hashes). */
export async function listAgents(db: D1Database, projectId: string): Promise<Array<Agent & { createdAt: string }>> {
  const { results } = await db
    .prepare("SELECT id, project_id, name, email, role, created_at FROM agents WHERE project_id = ? ORDER BY created_at, id")
    .bind(projectId)
    .all<{ id: string; project_id: string; name: string; email: string; role: string; created_at: string }>();
  return results.map((r) => ({ id: r.id, projectId: r.project_id, name: r.name, email: r.email, role: r.role, createdAt: r.created_at }));
}

/** Changes an agent's name or role, only within `projectId`; null when no such agent. */
export async function updateAgent(db: D1Database, projectId: string, id: string, patch: { name?: string; role?: string }): Promise<Agent | null> {
  const row = await db
    .prepare("UPDATE agents SET name = COALESCE(?, name), role = COALESCE(?, role) WHERE id = ? AND project_id = ? RETURNING id, project_id, name, email, role")
    .bind(patch.name ?? null, patch.role ?? null, id, projectId)
    .first<{ id: string; project_id: string; name: string; email: string; role: string }>();
  return row ? { id: row.id, projectId: row.project_id, name: row.name, email: row.email, role: row.role } : null;
}

export async function insertConversation(
  db: D1Database,
  c: {
    id: string;
    projectId: string;
    visitor: VisitorInfo;
    page: PageInfo;
    userAgent: string | null;
    now: string;
    identity?: { userId: string; verified: boolean };
  },
): Promise<void> {
  await db
    .prepare("INSERT INTO conversations (id, project_id, visitor, page, user_agent, created_at, user_id, user_verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    .bind(c.id, c.projectId, JSON.stringify(c.visitor), JSON.stringify(c.page), c.userAgent, c.now, c.identity?.userId ?? null, c.identity?.verified ? 1 : 0)
    .run();
}

/** A conversation as its room opens it: what POST /v1/conversations stored, its project's settings row and channels. */
export interface ConversationToOpen {
  room: NewRoom;
  createdAt: string;
  /** The project's settings as D1 stores them (the room parses them once per version). */
  settings: string | null;
  /** The number D1 moves with every write of those settings (a refresh reads only it while it stays). */
  settingsRev: number | null;
  /** The project's channel rows: whether a handoff can reach a person is known before the first message. */
  channels: ChannelRow[];
}

const jsonObject = <T>(text: string | null): T => {
  try {
    const value: unknown = JSON.parse(text ?? "{}");
    return (value && typeof value === "object" ? value : {}) as T;
  } catch {
    return {} as T;
  }
};

interface OpeningRow {
  project_id: string;
  visitor: string | null;
  page: string | null;
  user_agent: string | null;
  created_at: string;
  user_id: string | null;
  user_verified: number | null;
  settings: string | null;
  settings_rev: number | null;
}

/**
 * Read by the conversation's room the first time anything reaches it: one round trip (a batch of
 * the conversation with its project's settings joined, and the project's channels).
 */
export async function conversationToOpen(db: D1Database, id: string): Promise<ConversationToOpen | null> {
  const [opening, channels] = await db.batch<unknown>([
    db
      .prepare(
        `SELECT c.project_id, c.visitor, c.page, c.user_agent, c.created_at, c.user_id, c.user_verified, p.settings, p.settings_rev
         FROM conversations c JOIN projects p ON p.id = c.project_id WHERE c.id = ?`,
      )
      .bind(id),
    channelRowsOfConversation(db, id),
  ]);
  const row = (opening?.results[0] ?? null) as OpeningRow | null;
  if (!row) return null;
  const room: NewRoom = {
    conversationId: id,
    projectId: row.project_id,
    visitor: jsonObject<VisitorInfo>(row.visitor),
    page: jsonObject<PageInfo>(row.page),
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
    ...(row.user_id ? { identity: { userId: row.user_id, verified: row.user_verified === 1 } } : {}),
  };
  return { room, createdAt: row.created_at, settings: row.settings, settingsRev: row.settings_rev, channels: (channels?.results ?? []) as ChannelRow[] };
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
      `INSERT INTO handoffs (id, project_id, conversation_id, status, mode, trigger, route, priority, lead_level, visitor_email, packet,
         claimed_by, claimed_by_name, claimed_at, first_human_reply_at, resolved_at, escalation_level, snoozed_until, satisfaction,
         reopen_count, abandoned_at, converted_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, mode = excluded.mode, route = excluded.route, priority = excluded.priority,
         lead_level = excluded.lead_level, visitor_email = excluded.visitor_email, packet = excluded.packet,
         claimed_by = excluded.claimed_by, claimed_by_name = excluded.claimed_by_name, claimed_at = excluded.claimed_at,
         first_human_reply_at = excluded.first_human_reply_at, resolved_at = excluded.resolved_at, escalation_level = excluded.escalation_level,
         snoozed_until = excluded.snoozed_until, satisfaction = excluded.satisfaction, reopen_count = excluded.reopen_count,
         abandoned_at = excluded.abandoned_at, converted_at = excluded.converted_at, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= handoffs.updated_at`,
    )
    .bind(
      h.id,
      h.projectId,
      h.conversationId,
      h.status,
      h.mode,
      h.trigger,
      h.route,
      h.priority,
      h.leadLevel,
      h.visitorEmail,
      JSON.stringify(h.packet),
      h.claimedBy?.id ?? null,
      h.claimedBy?.name ?? null,
      h.claimedAt,
      h.firstHumanReplyAt,
      h.resolvedAt,
      h.escalationLevel,
      h.snoozedUntil,
      h.satisfaction,
      h.reopenCount,
      h.abandonedAt,
      h.convertedAt,
      h.createdAt,
      h.updatedAt,
    )
    .run();
}

export interface HandoffRow {
  id: string;
  conversationId: string;
  status: string;
  claimedBy: { id: string; name: string } | null;
  claimedAt: string | null;
  firstHumanReplyAt: string | null;
  resolvedAt: string | null;
  escalationLevel: string | null;
  satisfaction: number | null;
  mode: string;
  trigger: string;
  route: string | null;
  priority: string;
  leadLevel: string;
  visitorEmail: string | null;
  packet: ContextPacket;
  createdAt: string;
  updatedAt: string;
}

function toHandoff(r: Record<string, unknown>): HandoffRow {
  return {
    id: String(r.id),
    conversationId: String(r.conversation_id),
    status: String(r.status),
    claimedBy: r.claimed_by ? { id: String(r.claimed_by), name: String(r.claimed_by_name ?? "") } : null,
    claimedAt: (r.claimed_at as string | null) ?? null,
    firstHumanReplyAt: (r.first_human_reply_at as string | null) ?? null,
    resolvedAt: (r.resolved_at as string | null) ?? null,
    escalationLevel: (r.escalation_level as string | null) ?? null,
    satisfaction: (r.satisfaction as number | null) ?? null,
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

/** The project's handoffs, newest first; with `statuses`, only those in one of them. */
export async function listHandoffs(db: D1Database, projectId: string, statuses: readonly string[] | undefined, limit: number): Promise<HandoffRow[]> {
  const query = statuses?.length
    ? db
        .prepare(`SELECT * FROM handoffs WHERE project_id = ? AND status IN (${statuses.map(() => "?").join(", ")}) ORDER BY created_at DESC LIMIT ?`)
        .bind(projectId, ...statuses, limit)
    : db.prepare("SELECT * FROM handoffs WHERE project_id = ? ORDER BY created_at DESC LIMIT ?").bind(projectId, limit);
  const { results } = await query.all<Record<string, unknown>>();
  return results.map(toHandoff);
}

/** The dev outbox, newest first: handoff events (`job`) and, with channel "email", every email sent (`email`). */
export async function listNotifications(
  db: D1Database,
  projectId: string,
  limit: number,
  channel?: "outbox" | "email",
): Promise<Array<{ id: string; kind: string; channel: string; handoffId: string | null; job?: unknown; email?: unknown; createdAt: string }>> {
  const query = channel
    ? db.prepare("SELECT * FROM notifications WHERE project_id = ? AND channel = ? ORDER BY created_at DESC, id LIMIT ?").bind(projectId, channel, limit)
    : db.prepare("SELECT * FROM notifications WHERE project_id = ? ORDER BY created_at DESC, id LIMIT ?").bind(projectId, limit);
  const { results } = await query.all<Record<string, string | null>>();
  return results.map((r) => {
    const payload = JSON.parse(String(r.payload)) as unknown;
    return {
      id: String(r.id),
      kind: String(r.kind),
      channel: String(r.channel),
      handoffId: r.handoff_id ?? null,
      ...(r.channel === "email" ? { email: payload } : { job: payload }),
      createdAt: String(r.created_at),
    };
  });
}

export async function insertDecision(db: D1Database, d: DecisionRecord): Promise<void> {
  await db
    .prepare(
      "INSERT OR IGNORE INTO decisions (id, project_id, conversation_id, handoff_id, action, actor_kind, actor_id, actor_name, payload, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(
      d.id,
      d.projectId,
      d.conversationId,
      d.handoffId,
      d.action,
      d.actor.kind,
      "id" in d.actor ? d.actor.id : null,
      "name" in d.actor ? d.actor.name : null,
      JSON.stringify(d.payload),
      d.at,
    )
    .run();
}

/** Writes the room's view of a ticket (insert or update); an older state never overwrites a newer one. */
export async function upsertTicket(db: D1Database, t: TicketRecord): Promise<void> {
  const updatedAt = t.updatedAt ?? t.createdAt; // rows queued before tickets carried their state
  await db
    .prepare(
      `INSERT INTO tickets (id, project_id, conversation_id, handoff_id, reason, email, commitment, packet, status, created_at,
         due_at, warned_at, overdue_at, answered_at, answered_by, reply_count, closed_at, closed_by, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (handoff_id) DO UPDATE SET email = COALESCE(excluded.email, tickets.email), packet = excluded.packet, status = excluded.status,
         warned_at = excluded.warned_at, overdue_at = excluded.overdue_at, answered_at = excluded.answered_at, answered_by = excluded.answered_by,
         reply_count = excluded.reply_count, closed_at = excluded.closed_at, closed_by = excluded.closed_by, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= COALESCE(tickets.updated_at, '')`,
    )
    .bind(
      t.id,
      t.projectId,
      t.conversationId,
      t.handoffId,
      t.reason,
      t.email,
      t.commitment ? JSON.stringify(t.commitment) : null,
      JSON.stringify(t.packet),
      t.status ?? "open",
      t.createdAt,
      t.commitment?.by ?? null,
      t.warnedAt ?? null,
      t.overdueAt ?? null,
      t.answeredAt ?? null,
      t.answeredBy ? JSON.stringify(t.answeredBy) : null,
      t.replyCount ?? 0,
      t.closedAt ?? null,
      t.closedBy ? JSON.stringify(t.closedBy) : null,
      updatedAt,
    )
    .run();
}

export async function setTicketEmail(db: D1Database, handoffId: string, email: string): Promise<void> {
  await db.prepare("UPDATE tickets SET email = ? WHERE handoff_id = ? AND email IS NULL").bind(email, handoffId).run();
}

export interface DecisionRow {
  id: string;
  handoffId: string;
  conversationId: string;
  action: string;
  actor: { kind: string; id: string | null; name: string | null };
  payload: unknown;
  at: string;
}

/** The project's audit log from `since` (inclusive), oldest first. */
export async function listDecisions(db: D1Database, projectId: string, since: string, limit: number): Promise<DecisionRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM decisions WHERE project_id = ? AND at >= ? ORDER BY at, rowid LIMIT ?")
    .bind(projectId, since, limit)
    .all<Record<string, string | null>>();
  return results.map((r) => ({
    id: String(r.id),
    handoffId: String(r.handoff_id),
    conversationId: String(r.conversation_id),
    action: String(r.action),
    actor: { kind: String(r.actor_kind), id: r.actor_id ?? null, name: r.actor_name ?? null },
    payload: JSON.parse(String(r.payload)),
    at: String(r.at),
  }));
}

export interface TicketRow {
  id: string;
  handoffId: string;
  conversationId: string;
  reason: string;
  /** open | answered | closed, as stored. */
  status: string;
  /** open and past its deadline (or marked overdue by the room): what the desk shows in red. */
  overdue: boolean;
  /** kept | missed | pending | dismissed | none, judged now (domain/handoff/ticket.ts). */
  commitmentOutcome: CommitmentOutcome;
  email: string | null;
  commitment: { by: string; label: string } | null;
  dueAt: string | null;
  warnedAt: string | null;
  overdueAt: string | null;
  answeredAt: string | null;
  answeredBy: { id: string; name: string } | null;
  replyCount: number;
  closedAt: string | null;
  closedBy: { id: string; name: string } | null;
  packet: ContextPacket;
  createdAt: string;
  updatedAt: string;
}

const json = <T>(text: string | null | undefined): T | null => (text ? (JSON.parse(text) as T) : null);

function toTicket(r: Record<string, string | number | null>, now: Date): TicketRow {
  const str = (key: string) => (r[key] === null || r[key] === undefined ? null : String(r[key]));
  const commitment = json<{ by: string; label: string }>(str("commitment"));
  const status = String(r.status);
  const answeredAt = str("answered_at");
  const closedAt = str("closed_at");
  const dueAt = str("due_at") ?? commitment?.by ?? null;
  return {
    id: String(r.id),
    handoffId: String(r.handoff_id),
    conversationId: String(r.conversation_id),
    reason: String(r.reason),
    status,
    overdue: status === "open" && !answeredAt && (Boolean(str("overdue_at")) || (dueAt !== null && Date.parse(dueAt) < now.getTime())),
    commitmentOutcome: commitmentOutcome({ commitment, answeredAt, closedAt, overdueAt: str("overdue_at"), status }, now),
    email: str("email"),
    commitment,
    dueAt,
    warnedAt: str("warned_at"),
    overdueAt: str("overdue_at"),
    answeredAt,
    answeredBy: json(str("answered_by")),
    replyCount: Number(r.reply_count ?? 0),
    closedAt,
    closedBy: json(str("closed_by")),
    packet: JSON.parse(String(r.packet)),
    createdAt: String(r.created_at),
    updatedAt: str("updated_at") ?? String(r.created_at),
  };
}

export type TicketFilter = "open" | "overdue" | "answered" | "closed";

/** The project's tickets, newest first; `overdue` is open and past its deadline, `open` every open one. */
export async function listTickets(db: D1Database, projectId: string, filter: TicketFilter | undefined, limit: number, now: Date): Promise<TicketRow[]> {
  const nowIso = now.toISOString();
  const where =
    filter === "overdue"
      ? "AND status = 'open' AND answered_at IS NULL AND (overdue_at IS NOT NULL OR (due_at IS NOT NULL AND due_at < ?))"
      : filter
        ? "AND status = ?"
        : "";
  const params: (string | number)[] = [projectId, ...(filter === "overdue" ? [nowIso] : filter ? [filter] : []), limit];
  const { results } = await db
    .prepare(`SELECT * FROM tickets WHERE project_id = ? ${where} ORDER BY created_at DESC LIMIT ?`)
    .bind(...params)
    .all<Record<string, string | number | null>>();
  return results.map((r) => toTicket(r, now));
}

/** A ticket, only if it belongs to `projectId`. */
export async function findTicket(db: D1Database, projectId: string, id: string, now: Date): Promise<TicketRow | null> {
  const row = await db.prepare("SELECT * FROM tickets WHERE id = ? AND project_id = ?").bind(id, projectId).first<Record<string, string | number | null>>();
  return row ? toTicket(row, now) : null;
}

/** Tickets created in [from, to), for the commitments kept and missed. */
export async function ticketMetricRows(db: D1Database, projectId: string, from: string, to: string) {
  const { results } = await db
    .prepare(
      "SELECT created_at, status, commitment, answered_at, closed_at, overdue_at FROM tickets WHERE project_id = ? AND created_at >= ? AND created_at < ?",
    )
    .bind(projectId, from, to)
    .all<{ created_at: string; status: string; commitment: string | null; answered_at: string | null; closed_at: string | null; overdue_at: string | null }>();
  return results.map((r) => ({
    createdAt: r.created_at,
    status: r.status,
    commitment: json<{ by: string; label: string }>(r.commitment),
    answeredAt: r.answered_at,
    closedAt: r.closed_at,
    overdueAt: r.overdue_at,
  }));
}

/** Rows for metrics over [from, to): conversations and handoffs created in the window. */
export async function metricRows(db: D1Database, projectId: string, from: string, to: string) {
  const conversations = await db
    .prepare("SELECT created_at FROM conversations WHERE project_id = ? AND created_at >= ? AND created_at < ?")
    .bind(projectId, from, to)
    .all<{ created_at: string }>();
  const handoffs = await db
    .prepare(
      "SELECT created_at, status, claimed_at, first_human_reply_at, resolved_at, satisfaction FROM handoffs WHERE project_id = ? AND created_at >= ? AND created_at < ?",
    )
    .bind(projectId, from, to)
    .all<{
      created_at: string;
      status: string;
      claimed_at: string | null;
      first_human_reply_at: string | null;
      resolved_at: string | null;
      satisfaction: number | null;
    }>();
  return {
    conversations: conversations.results.map((r) => ({ createdAt: r.created_at })),
    handoffs: handoffs.results.map((r) => ({
      createdAt: r.created_at,
      status: r.status,
      ...(r.claimed_at ? { claimedAt: r.claimed_at } : {}),
      ...(r.first_human_reply_at ? { firstHumanReplyAt: r.first_human_reply_at } : {}),
      ...(r.resolved_at ? { resolvedAt: r.resolved_at } : {}),
      ...(r.satisfaction !== null ? { satisfaction: r.satisfaction } : {}),
    })),
  };
}
