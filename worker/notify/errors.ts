// How a channel adapter tells the queue consumer what to do with a failed delivery.

/** Worth retrying: network failure, 429 (with its Retry-After) or 5xx. */
export class RetryableError extends Error {
  constructor(message: string, readonly retryAfterSeconds?: number) {
    super(message);
  }
}

/** Retrying cannot help: a 4xx, a job that does not validate, a channel misconfiguration. */
export class PermanentError extends Error {}
