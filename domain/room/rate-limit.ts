// A token bucket per sender and conversation (the visitor, each agent), kept in the room's storage
// so that neither a new socket nor a reconnect resets it. Pure: the caller passes the time and
// stores the returned bucket.

export interface Bucket {
  tokens: number;
  /** Milliseconds since the epoch of the last refill. */
  at: number;
  /** Consecutive refused frames; the room closes the socket when this reaches `maxStrikes`. */
  strikes: number;
}

export interface RateLimit {
  burst: number;
  perSecond: number;
  maxStrikes: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 20, perSecond: 5, maxStrikes: 10 };

export type TakeResult = { allowed: true; bucket: Bucket } | { allowed: false; bucket: Bucket; abusive: boolean };

/** Takes one token for a frame arriving at `now`. */
export function takeToken(previous: Bucket | null | undefined, now: number, limit: RateLimit): TakeResult {
  const start = previous ?? { tokens: limit.burst, at: now, strikes: 0 };
  const elapsed = Math.max(0, now - start.at) / 1000;
  const tokens = Math.min(limit.burst, start.tokens + elapsed * limit.perSecond);
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at: now, strikes: 0 } };
  const strikes = start.strikes + 1;
  return { allowed: false, bucket: { tokens, at: now, strikes }, abusive: strikes >= limit.maxStrikes };
}

/**
 * Whether a bucket must be written to storage now: once the sender has been refused or has spent
 * into the second half of the burst. Until then an eviction could at most refill a half-full
 * bucket, and a sender at human speed, whose bucket stays near full, costs no write per message.
 */
export function worthSaving(result: TakeResult, limit: RateLimit): boolean {
  return !result.allowed || result.bucket.strikes > 0 || result.bucket.tokens < limit.burst / 2;
}
