// Secrets the worker needs, with dev defaults accepted only under `npm start` (BATON_ENV=development).
// Anywhere else a missing secret is a configuration error, never a silent default.
import { DEFAULT_RATE_LIMIT, type RateLimit } from "../domain/room/rate-limit";
import { ApiError } from "./errors";

/** The variables (vars and secrets) Baton reads; worker/env.ts adds the bindings. */
export interface ConfigVars {
  /** "development" (npm start), "test" (vitest) or "production" (anything deployed). */
  BATON_ENV?: string;
  /** Bearer token for POST /v1/projects. Required outside development. */
  ADMIN_TOKEN?: string;
  /** HMAC key for visitor and agent socket tokens. Required outside development. */
  TOKEN_SECRET?: string;
  /** Per-socket rate limit: burst size and refill per second (defaults in domain/room/rate-limit.ts). */
  RATE_LIMIT_BURST?: string;
  RATE_LIMIT_PER_SECOND?: string;
  /** With a key, the bot's words come from an OpenAI-compatible API; without, from the rules engine. */
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
  /** Milliseconds an LLM call may take before the rules engine answers instead (default 5000). */
  LLM_TIMEOUT_MS?: string;
  /** Key for secrets stored in D1 (Slack bot tokens…); TOKEN_SECRET when unset. */
  SECRETS_KEY?: string;
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
}

export const DEV_ADMIN_TOKEN = "dev-admin";
const DEV_TOKEN_SECRET = "baton-dev-token-secret-not-for-production";

export function isDevelopment(env: ConfigVars): boolean {
  return env.BATON_ENV === "development";
}

/** Anywhere but a deployment: `npm start` and the test runs. The dev outbox exists only here. */
export function isDevelopmentLike(env: ConfigVars): boolean {
  return env.BATON_ENV === "development" || env.BATON_ENV === "test";
}

function required(env: ConfigVars, value: string | undefined, devDefault: string, name: string): string {
  if (value) return value;
  if (isDevelopment(env)) return devDefault;
  throw new ApiError(500, "misconfigured", `${name} is not set; run \`wrangler secret put ${name}\`.`);
}

export const adminToken = (env: ConfigVars) => required(env, env.ADMIN_TOKEN, DEV_ADMIN_TOKEN, "ADMIN_TOKEN");
export const tokenSecret = (env: ConfigVars) => required(env, env.TOKEN_SECRET, DEV_TOKEN_SECRET, "TOKEN_SECRET");

/** How long a socket token stays valid. A visitor keeps theirs in localStorage across visits. */
export const VISITOR_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
export const AGENT_TOKEN_TTL_SECONDS = 12 * 3600;

/** The per-socket token bucket: the defaults, or RATE_LIMIT_BURST / RATE_LIMIT_PER_SECOND when set. */
export function rateLimitFor(env: ConfigVars): RateLimit {
  const burst = Number(env.RATE_LIMIT_BURST);
  const perSecond = Number(env.RATE_LIMIT_PER_SECOND);
  return { ...DEFAULT_RATE_LIMIT, ...(burst > 0 ? { burst } : {}), ...(perSecond > 0 ? { perSecond } : {}) };
}

/** The base URL for links that leave Baton (Slack, email), without a trailing slash; `fallback` is the request's origin. */
export function publicUrl(env: ConfigVars, fallback?: string): string {
  const base = env.PUBLIC_URL || fallback || (isDevelopment(env) ? "http://127.0.0.1:8787" : "");
  if (!base) throw new ApiError(500, "misconfigured", "PUBLIC_URL is not set; links to Baton cannot be built.");
  return base.replace(/\/+$/, "");
}
