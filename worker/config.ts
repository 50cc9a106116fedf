// Secrets the worker needs, with dev defaults accepted only under `npm start` (BATON_ENV=development).
// Anywhere else a missing secret is a configuration error, never a silent default.
import { DEFAULT_RATE_LIMIT, type RateLimit } from "../domain/rate-limit";
import type { Env } from "./env";
import { ApiError } from "./errors";

export const DEV_ADMIN_TOKEN = "dev-admin";
const DEV_TOKEN_SECRET = "baton-dev-token-secret-not-for-production";

export function isDevelopment(env: Env): boolean {
  return env.BATON_ENV === "development";
}

function required(env: Env, value: string | undefined, devDefault: string, name: string): string {
  if (value) return value;
  if (isDevelopment(env)) return devDefault;
  throw new ApiError(500, "misconfigured", `${name} is not set; run \`wrangler secret put ${name}\`.`);
}

export const adminToken = (env: Env) => required(env, env.ADMIN_TOKEN, DEV_ADMIN_TOKEN, "ADMIN_TOKEN");
export const tokenSecret = (env: Env) => required(env, env.TOKEN_SECRET, DEV_TOKEN_SECRET, "TOKEN_SECRET");

/** How long a socket token stays valid. A visitor keeps theirs in localStorage across visits. */
export const VISITOR_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
export const AGENT_TOKEN_TTL_SECONDS = 12 * 3600;

/** The per-socket token bucket: the defaults, or RATE_LIMIT_BURST / RATE_LIMIT_PER_SECOND when set. */
export function rateLimitFor(env: Env): RateLimit {
  const burst = Number(env.RATE_LIMIT_BURST);
  const perSecond = Number(env.RATE_LIMIT_PER_SECOND);
  return { ...DEFAULT_RATE_LIMIT, ...(burst > 0 ? { burst } : {}), ...(perSecond > 0 ? { perSecond } : {}) };
}
