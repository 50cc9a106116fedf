// The errors every adapter and route shares. ApiError is an answer to an HTTP caller (mapped once
// in `app.onError`); RetryableError and PermanentError tell the queue consumer what a failed
// delivery to an outside service deserves.
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** 429: the caller spent a budget; `Retry-After` tells it when to come back. */
export class TooManyRequestsError extends ApiError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, "rate_limited", message, { retryAfter: retryAfterSeconds });
  }
}

/** Worth retrying: network failure, 429 (with its Retry-After) or 5xx. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Retrying cannot help: a 4xx, a job that does not validate, a channel misconfiguration. */
export class PermanentError extends Error {}
