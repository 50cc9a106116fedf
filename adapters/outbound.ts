// One way to call an outside HTTP service (HubSpot, a webhook receiver, an email provider, Teams):
// bounded in time, never following redirects, and every failure classified for the queue consumer:
// network errors, timeouts, 429 (with its Retry-After) and 5xx are RetryableError; any other
// non-2xx is PermanentError. The message names the service and the status, never a secret.
import { PermanentError, RetryableError } from "./errors";

/** An outside call slower than this is treated as a network failure and retried. */
export const OUTBOUND_TIMEOUT_MS = 10_000;

/** Seconds to wait from a Retry-After header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(3600, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.min(3600, Math.max(0, Math.ceil((at - now) / 1000))) : undefined;
}

/** Throws the error a non-2xx answer deserves (reads a little of the body for the message). */
export async function throwFor(service: string, response: Response): Promise<never> {
  const detail = (await response.text().catch(() => "")).replace(/\s+/g, " ").slice(0, 300);
  const message = `${service} answered ${response.status}${detail ? `: ${detail}` : ""}`;
  if (response.status === 429) throw new RetryableError(message, retryAfterSeconds(response.headers.get("retry-after")) ?? 30);
  if (response.status >= 500) throw new RetryableError(message);
  throw new PermanentError(message);
}

/** Fetches `url`; a 2xx answer is returned, anything else thrown as Retryable/PermanentError. */
export async function callOutbound(service: string, url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(OUTBOUND_TIMEOUT_MS) });
  } catch (error) {
    throw new RetryableError(`${service} unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status >= 200 && response.status < 300) return response;
  return throwFor(service, response);
}

/** POSTs `body` as JSON; returns the 2xx response. */
export function postJson(service: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return callOutbound(service, url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** A URL an outside service may be reached at: https, or http in development and tests (local fakes). */
export function isAllowedUrl(value: string, allowHttp: boolean): boolean {
  try {
    const url = new URL(value);
    if (url.username || url.password) return false;
    return url.protocol === "https:" || (allowHttp && url.protocol === "http:");
  } catch {
    return false;
  }
}
