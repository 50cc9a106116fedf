// Secrets the worker needs, with dev defaults accepted only under `npm start` (BATON_ENV=development).
// Anywhere else a missing secret is a configuration error, never a silent default. Also the
// operator's limits (room budgets, alert caps, token lifetimes), each with a working default.
import { DEFAULT_RATE_LIMIT, type RateLimit } from "../domain/room/rate-limit";
import { ApiError } from "./errors";
import type { KeyRing } from "./signed-claims";

/** The variables (vars and secrets) Baton reads; worker/env.ts adds the bindings. */
export interface ConfigVars {
  /** "development" (npm start), "test" (vitest) or "production" (anything deployed). */
  BATON_ENV?: string;
  /** Bearer token for POST /v1/projects. Required outside development. */
  ADMIN_TOKEN?: string;
  /** HMAC key for visitor and agent socket tokens (and every other signed link). Required outside development. */
  TOKEN_SECRET?: string;
  /** The secret TOKEN_SECRET replaced: still accepted for verification while its tokens run out. */
  TOKEN_SECRET_PREVIOUS?: string;
  /** The message budget of each sender in a conversation: burst size and refill per second (domain/room/rate-limit.ts). */
  RATE_LIMIT_BURST?: string;
  RATE_LIMIT_PER_SECOND?: string;
  /** Visitor sockets one conversation may hold open at once (default 5). */
  MAX_VISITOR_SOCKETS?: string;
  /** Team alerts (new, reopened and reminded handoffs) one project may send per window (default 20 per 60 minutes). */
  HANDOFF_ALERTS_PER_WINDOW?: string;
  HANDOFF_ALERT_WINDOW_MINUTES?: string;
  /** Days an agent token stays valid after it is issued (default 90). */
  AGENT_TOKEN_TTL_DAYS?: string;
  /** With a key, the bot's words come from an OpenAI-compatible API; without, from the rules engine. */
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
  /** Milliseconds an LLM call may take before the rules engine answers instead (default 5000). */
  LLM_TIMEOUT_MS?: string;
  /** Key for secrets stored in D1 (Slack bot tokens…); TOKEN_SECRET when unset. */
  SECRETS_KEY?: string;
  /** The SECRETS_KEY it replaced: still opens secrets sealed before the rotation (until each is saved again). */
  SECRETS_KEY_PREVIOUS?: string;
  /** Single-workspace Slack from configuration (every project without its own install uses it). */
  SLACK_BOT_TOKEN?: string;
  /** Verifies /slack/interactions and /slack/events; without it both endpoints refuse. */
  SLACK_SIGNING_SECRET?: string;
  /** The channel alerts go to (single-workspace mode). */
  SLACK_CHANNEL_ID?: string;
  /** Slack's Web API base (default https://slack.com/api/): point it at a fake or a proxy. */
  SLACK_API_URL?: string;
  /** Per-project install through OAuth v2 (`GET /slack/install`). */
  SLACK_CLIENT_ID?: string;
  SLACK_CLIENT_SECRET?: string;
  /** Slack's authorize page (default https://slack.com/oauth/v2/authorize). */
  SLACK_OAUTH_URL?: string;
  /** Milliseconds between two posts to one Slack channel (default 1000: Slack's one message a second). */
  SLACK_POST_INTERVAL_MS?: string;
  /** HubSpot private-app token (single tenant): every project without its own gets contacts, notes and tasks there. */
  HUBSPOT_TOKEN?: string;
  /** HubSpot's API base (default https://api.hubapi.com): point it at a fake or a proxy. */
  HUBSPOT_API_URL?: string;
  /** Signed webhook (single tenant): every handoff event is POSTed here, signed with WEBHOOK_SECRET. */
  WEBHOOK_URL?: string;
  WEBHOOK_SECRET?: string;
  /** Email (single tenant): the sender, and who the team's emails go to. */
  EMAIL_FROM?: string;
  OWNER_EMAIL?: string;
  /** "fallback" (default): the team is emailed only when no chat channel carried the event; "always": every time. */
  EMAIL_MODE?: string;
  /** An HTTP email provider (Resend-compatible JSON) instead of the `send_email` binding. */
  EMAIL_API_URL?: string;
  EMAIL_API_KEY?: string;
  /** Microsoft Teams incoming-webhook (Workflows) URL (single tenant). */
  TEAMS_WEBHOOK_URL?: string;
  /** Where Baton is reachable (`https://baton.example.com`): the base of links in Slack, email and the desk. */
  PUBLIC_URL?: string;
  /**
   * Hybrid retrieval with any OpenAI-compatible /embeddings endpoint (else the `AI` binding, else
   * text-only): its base URL, key (default OPENAI_API_KEY) and model (default text-embedding-3-small,
   * or @cf/baai/bge-small-en-v1.5 on Workers AI).
   */
  EMBEDDINGS_BASE_URL?: string;
  EMBEDDINGS_API_KEY?: string;
  EMBEDDINGS_MODEL?: string;
  /** Milliseconds a message's embedding may take before retrieval goes on text-only (default 1500). */
  EMBEDDINGS_TIMEOUT_MS?: string;
  /** Cosine similarities mapped to 0 (at or below MIN) … 1 (at or above MAX); defaults per model family. */
  EMBEDDINGS_MIN_SIMILARITY?: string;
  EMBEDDINGS_MAX_SIMILARITY?: string;
}

export const DEV_ADMIN_TOKEN = "dev-admin";
const DEV_TOKEN_SECRET = "baton-dev-token-secret-not-for-production";

/** The demo project `npm start` seeds (scripts/seed-demo.mjs): public by design, so refused anywhere else. */
export const DEMO_PROJECT_ID = "prj_demo";
export const DEV_KEYS: ReadonlySet<string> = new Set(["pk_demo", "sk_demo", "at_demo"]);

export function isDevelopment(env: ConfigVars): boolean {
  return env.BATON_ENV === "development";
}

/** Anywhere but a deployment: `npm start` and the test runs. The dev outbox exists only here. */
export function isDevelopmentLike(env: ConfigVars): boolean {
  return env.BATON_ENV === "development" || env.BATON_ENV === "test";
}

/** Whether a credential is one of the demo project's published keys, and this is not development. */
export function isRefusedDevKey(env: ConfigVars, key: string): boolean {
  return !isDevelopment(env) && DEV_KEYS.has(key);
}

function required(env: ConfigVars, value: string | undefined, devDefault: string, name: string): string {
  if (value) return value;
  if (isDevelopment(env)) return devDefault;
  throw new ApiError(500, "misconfigured", `${name} is not set; run \`wrangler secret put ${name}\`.`);
}

export const adminToken = (env: ConfigVars) => required(env, env.ADMIN_TOKEN, DEV_ADMIN_TOKEN, "ADMIN_TOKEN");
export const tokenSecret = (env: ConfigVars) => required(env, env.TOKEN_SECRET, DEV_TOKEN_SECRET, "TOKEN_SECRET");

/** The signing ring: TOKEN_SECRET signs, TOKEN_SECRET_PREVIOUS (when set) still verifies. */
export function tokenKeys(env: ConfigVars): KeyRing {
  const current = tokenSecret(env);
  return env.TOKEN_SECRET_PREVIOUS ? { current, previous: env.TOKEN_SECRET_PREVIOUS } : { current };
}

/** How long a socket token stays valid. A visitor keeps theirs in localStorage across visits. */
export const VISITOR_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
export const AGENT_TOKEN_TTL_SECONDS = 12 * 3600;

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** The per-sender token bucket of a room: the defaults, or RATE_LIMIT_BURST / RATE_LIMIT_PER_SECOND when set. */
export function rateLimitFor(env: ConfigVars): RateLimit {
  return {
    ...DEFAULT_RATE_LIMIT,
    burst: positive(env.RATE_LIMIT_BURST, DEFAULT_RATE_LIMIT.burst),
    perSecond: positive(env.RATE_LIMIT_PER_SECOND, DEFAULT_RATE_LIMIT.perSecond),
  };
}

/** The base URL for links that leave Baton (Slack, email), without a trailing slash; `fallback` is the request's origin. */
export function publicUrl(env: ConfigVars, fallback?: string): string {
  const base = env.PUBLIC_URL || fallback || (isDevelopment(env) ? "http://127.0.0.1:8787" : "");
  if (!base) throw new ApiError(500, "misconfigured", "PUBLIC_URL is not set; links to Baton cannot be built.");
  return base.replace(/\/+$/, "");
}
export const maxVisitorSockets = (env: ConfigVars) => Math.floor(positive(env.MAX_VISITOR_SOCKETS, 5));

/** At most `limit` team alerts per project in any window of `windowMinutes`. */
export function alertBudget(env: ConfigVars): { limit: number; windowMinutes: number } {
  return { limit: Math.floor(positive(env.HANDOFF_ALERTS_PER_WINDOW, 20)), windowMinutes: positive(env.HANDOFF_ALERT_WINDOW_MINUTES, 60) };
}

export const agentTokenTtlDays = (env: ConfigVars) => positive(env.AGENT_TOKEN_TTL_DAYS, 90);
