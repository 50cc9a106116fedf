// The registry of where a project's handoffs reach people: which channels it has, their
// non-secret config, their (decrypted) secret and their health. Live or capture depends on it (a
// handoff is live only when a human-facing channel is configured and healthy, or an agent is
// present); the queue consumer fans out to it, in this order, email last (it is the fallback of
// the chat channels before it). Each channel comes from the project's own row, or else from the
// deployment's environment (single-tenant): Slack, Teams, HubSpot, the signed webhook, email.
import { isDevelopmentLike, type ConfigVars } from "./config";
import { seal, unseal } from "./secret-box";

export const CHANNEL_KINDS = ["outbox", "slack", "teams", "hubspot", "webhook", "email"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Channels a person reads within minutes: a handoff may go live on them. (A CRM record, a webhook or an email is not.) */
export const HUMAN_FACING: ReadonlySet<ChannelKind> = new Set(["outbox", "slack", "teams"]);

/** The team's chat channels: when none of them carries a job, email does (the fallback). */
export const CHAT_CHANNELS: ReadonlySet<ChannelKind> = new Set(["slack", "teams"]);

export const EMAIL_MODES = ["always", "fallback"] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];

export interface ResolvedChannel {
  kind: ChannelKind;
  /** Where the config comes from: the project's own row, or the deployment's environment. */
  source: "project" | "environment" | "builtin";
  config: Record<string, string>;
  secret: string | null;
  healthy: boolean;
  lastError: string | null;
}

/** A project's channel as D1 stores it (read with one of the statements below). */
export interface ChannelRow {
  kind: string;
  config: string;
  secret: string | null;
  enabled: number;
  health: string;
  last_error: string | null;
}

const CHANNEL_COLUMNS = "SELECT kind, config, secret, enabled, health, last_error FROM project_channels";

/** The project's channel rows, as a statement a caller may batch with its own (one D1 round trip). */
export function channelRowsOf(db: D1Database, projectId: string): D1PreparedStatement {
  return db.prepare(`${CHANNEL_COLUMNS} WHERE project_id = ?`).bind(projectId);
}

/** The channel rows of a conversation's project, for a caller that knows only the conversation (a room opening). */
export function channelRowsOfConversation(db: D1Database, conversationId: string): D1PreparedStatement {
  return db.prepare(`${CHANNEL_COLUMNS} WHERE project_id = (SELECT project_id FROM conversations WHERE id = ?)`).bind(conversationId);
}

async function rowsFor(db: D1Database, projectId: string): Promise<ChannelRow[]> {
  return (await channelRowsOf(db, projectId).all<ChannelRow>()).results;
}

function parseConfig(json: string): Record<string, string> {
  try {
    const value = JSON.parse(json) as unknown;
    if (!value || typeof value !== "object") return {};
    return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  } catch {
    return {};
  }
}

/** A project row is a complete channel of its kind (else the environment's, if any, is used). */
const OWN: Record<Exclude<ChannelKind, "outbox">, (config: Record<string, string>, secret: string | null) => boolean> = {
  slack: (config, secret) => Boolean(secret && config.channelId),
  teams: (_config, secret) => Boolean(secret),
  hubspot: (_config, secret) => Boolean(secret),
  webhook: (config, secret) => Boolean(secret && config.url),
  email: (config) => Boolean(config.from),
};

/** The single-tenant channel of each kind, from the deployment's variables (ConfigVars). */
const FROM_ENVIRONMENT: Record<Exclude<ChannelKind, "outbox">, (env: ConfigVars) => { config: Record<string, string>; secret: string | null } | null> = {
  slack: (env) => (env.SLACK_BOT_TOKEN && env.SLACK_CHANNEL_ID ? { config: { channelId: env.SLACK_CHANNEL_ID }, secret: env.SLACK_BOT_TOKEN } : null),
  teams: (env) => (env.TEAMS_WEBHOOK_URL ? { config: {}, secret: env.TEAMS_WEBHOOK_URL } : null),
  hubspot: (env) => (env.HUBSPOT_TOKEN ? { config: {}, secret: env.HUBSPOT_TOKEN } : null),
  webhook: (env) => (env.WEBHOOK_URL && env.WEBHOOK_SECRET ? { config: { url: env.WEBHOOK_URL }, secret: env.WEBHOOK_SECRET } : null),
  email: (env) => {
    if (!env.EMAIL_FROM) return null;
    const http = Boolean(env.EMAIL_API_URL && env.EMAIL_API_KEY);
    const mode: EmailMode = env.EMAIL_MODE === "always" ? "always" : "fallback";
    return {
      config: {
        from: env.EMAIL_FROM,
        ...(env.OWNER_EMAIL ? { ownerEmail: env.OWNER_EMAIL } : {}),
        mode,
        provider: http ? "http" : "binding",
        ...(http ? { apiUrl: env.EMAIL_API_URL! } : {}),
      },
      secret: http ? env.EMAIL_API_KEY! : null,
    };
  },
};

/** Every channel the project has now, in delivery order, with secrets decrypted (never returned by any route). */
export async function projectChannels(env: ConfigVars, db: D1Database, projectId: string): Promise<ResolvedChannel[]> {
  return resolveChannels(env, await rowsFor(db, projectId));
}

/** The channels `stored` (the project's rows) and the environment make, in delivery order. */
async function resolveChannels(env: ConfigVars, stored: readonly ChannelRow[]): Promise<ResolvedChannel[]> {
  const rows = new Map(stored.map((r) => [r.kind, r]));
  const channels: ResolvedChannel[] = [];
  // The dev outbox is a channel in development and tests only: a deployment never "notifies" a table.
  if (isDevelopmentLike(env) && rows.get("outbox")?.enabled !== 0) {
    channels.push({ kind: "outbox", source: "builtin", config: {}, secret: null, healthy: true, lastError: null });
  }
  for (const kind of CHANNEL_KINDS) {
    if (kind === "outbox") continue;
    const row = rows.get(kind);
    if (row?.enabled === 0) continue;
    const health = { healthy: (row?.health ?? "ok") === "ok", lastError: row?.last_error ?? null };
    const config = row ? parseConfig(row.config) : {};
    const own = row?.secret ? await unseal(env, row.secret) : null;
    if (OWN[kind](config, own)) {
      channels.push({ kind, source: "project", config, secret: own, ...health });
      continue;
    }
    const fallback = FROM_ENVIRONMENT[kind](env);
    if (fallback) channels.push({ kind, source: "environment", ...fallback, ...health });
  }
  return channels;
}

/**
 * Whether a handoff opened now can reach a person through a channel (agents present count
 * separately), from the project's rows (read by the caller in its own batch: channelRowsOf).
 */
export async function humanChannelIn(env: ConfigVars, rows: readonly ChannelRow[]): Promise<boolean> {
  return (await resolveChannels(env, rows)).some((c) => HUMAN_FACING.has(c.kind) && c.healthy);
}

/** Saves a channel's config and (sealed) secret; a missing secret keeps the stored one. */
export async function saveChannel(
  env: ConfigVars,
  db: D1Database,
  input: { projectId: string; kind: ChannelKind; config: Record<string, string>; secret?: string; enabled: boolean; now: string },
): Promise<void> {
  const sealed = input.secret ? await seal(env, input.secret) : null;
  await db
    .prepare(
      `INSERT INTO project_channels (project_id, kind, config, secret, enabled, health, last_error, updated_at) VALUES (?, ?, ?, ?, ?, 'ok', NULL, ?)
       ON CONFLICT (project_id, kind) DO UPDATE SET config = excluded.config, secret = COALESCE(excluded.secret, project_channels.secret),
         enabled = excluded.enabled, health = 'ok', last_error = NULL, updated_at = excluded.updated_at`,
    )
    .bind(input.projectId, input.kind, JSON.stringify(input.config), sealed, input.enabled ? 1 : 0, input.now)
    .run();
}

export async function deleteChannel(db: D1Database, projectId: string, kind: ChannelKind): Promise<boolean> {
  const result = await db.prepare("DELETE FROM project_channels WHERE project_id = ? AND kind = ?").bind(projectId, kind).run();
  return (result.meta.changes ?? 0) > 0;
}

/** Records the outcome of a delivery on the channel's health: a permanent failure marks it failing. */
export async function recordChannelHealth(db: D1Database, projectId: string, kind: ChannelKind, error: string | null, now: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO project_channels (project_id, kind, config, secret, enabled, health, last_error, updated_at) VALUES (?, ?, '{}', NULL, 1, ?, ?, ?)
       ON CONFLICT (project_id, kind) DO UPDATE SET health = excluded.health, last_error = excluded.last_error, updated_at = excluded.updated_at`,
    )
    .bind(projectId, kind, error ? "failing" : "ok", error?.slice(0, 500) ?? null, now)
    .run();
}

/** The channels as the settings API shows them: config and health, secrets only as set / not set. */
export async function describeChannels(env: ConfigVars, db: D1Database, projectId: string) {
  const rows = new Map((await rowsFor(db, projectId)).map((r) => [r.kind, r]));
  const resolved = new Map((await projectChannels(env, db, projectId)).map((c) => [c.kind, c]));
  return CHANNEL_KINDS.map((kind) => {
    const row = rows.get(kind);
    const live = resolved.get(kind);
    return {
      kind,
      configured: Boolean(live),
      source: live?.source ?? null,
      enabled: row ? row.enabled === 1 : kind === "outbox" ? isDevelopmentLike(env) : Boolean(live),
      humanFacing: HUMAN_FACING.has(kind),
      health: live ? (live.healthy ? "ok" : "failing") : null,
      lastError: row?.last_error ?? null,
      config: live?.config ?? (row ? parseConfig(row.config) : {}),
      secretSet: Boolean(row?.secret) || live?.source === "environment",
    };
  });
}
