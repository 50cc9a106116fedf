// The HTTP API's budgets, counted by Cloudflare's Rate Limiting bindings (`[[ratelimits]]` in
// wrangler.toml, where the thresholds live; wrangler dev and the tests count the same way). A
// spent budget is a 429 with Retry-After. The room's own per-sender budget is domain/room/rate-limit.ts.
import { ApiError, TooManyRequestsError } from "./errors";

/** The bindings and the period each counts over (seconds; Cloudflare allows 10 or 60). Keep in step with wrangler.toml. */
export const LIMITERS = {
  /** New conversations from one client address. */
  CONVERSATIONS_PER_IP: 60,
  /** New conversations in one project, from anywhere. */
  CONVERSATIONS_PER_PROJECT: 60,
  /** Requests of one authenticated caller: an agent, a project's secret key, the admin. */
  API_PER_CALLER: 60,
  /** Requests to authenticated routes and socket upgrades from one client address, before any credential is checked. */
  API_PER_IP: 60,
} as const;

/** Cloudflare's Rate Limiting binding, as Baton uses it (declared here so Node-side tests can read LIMITERS too). */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export type LimiterName = keyof typeof LIMITERS;
export type Limiters = Record<LimiterName, RateLimiter>;

/** The address a request came from: Cloudflare sets CF-Connecting-IP (wrangler dev does too). */
export function clientAddress(headers: Headers): string {
  return headers.get("cf-connecting-ip")?.slice(0, 64) || "unknown";
}

/**
 * Takes one request from `name`'s budget for `key`; throws 429 when it is spent. A missing binding
 * is a misconfiguration (500, never a silent bypass); a binding that errs lets the request through
 * and says so in the log, since the budgets behind it (the room's, the alert cap) still hold.
 */
export async function spend(limiters: Limiters, name: LimiterName, key: string, what: string): Promise<void> {
  const limiter = limiters[name] as RateLimiter | undefined;
  if (!limiter) throw new ApiError(500, "misconfigured", `The rate limiting binding ${name} is missing; see wrangler.toml.`);
  let allowed: boolean;
  try {
    allowed = (await limiter.limit({ key: `${name}:${key}` })).success;
  } catch (error) {
    console.error("rate limiter failed", name, error);
    return;
  }
  if (!allowed) throw new TooManyRequestsError(`Too many ${what}; try again in a minute.`, LIMITERS[name]);
}
