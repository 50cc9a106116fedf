// Slack's Web API through @slack/web-api, made to run in workerd (its fetch with redirect:
// "manual") and to fail the way our delivery code expects: a rate limit or a 5xx is a
// RetryableError (with Slack's Retry-After), anything Slack refuses for good is a PermanentError.
// The SDK never retries on its own: the room's and the channel poster's outboxes decide when.
import { WebClient, type FetchFunction, type WebAPICallResult } from "@slack/web-api";
import type { ConfigVars } from "../config";
import { PermanentError, RetryableError } from "../errors";

export const DEFAULT_SLACK_API_URL = "https://slack.com/api/";

/** Slack error codes that say "try again later" rather than "this will never work". */
const TRANSIENT = new Set(["ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"]);

export function slackApiUrl(env: ConfigVars): string {
  const base = env.SLACK_API_URL || DEFAULT_SLACK_API_URL;
  return base.endsWith("/") ? base : `${base}/`;
}

/** workerd refuses the redirect mode the SDK's default fetch would use; Slack's API never redirects us anyway. */
const manualRedirects: FetchFunction = (url, init) => fetch(url, { ...(init as RequestInit), redirect: "manual" }) as ReturnType<FetchFunction>;

export function slackClient(env: ConfigVars, token: string): WebClient {
  return new WebClient(token, {
    slackApiUrl: slackApiUrl(env),
    fetch: manualRedirects,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    allowAbsoluteUrls: false,
    timeout: 10_000,
  });
}

interface SdkError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  headers?: Record<string, string>;
  data?: { error?: string };
  message?: string;
}

/** Runs one Web API call and maps its failure to RetryableError or PermanentError. */
export async function callSlack<T extends WebAPICallResult>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (raw) {
    const error = raw as SdkError;
    switch (error.code) {
      case "slack_webapi_rate_limited_error":
        throw new RetryableError(`${what}: rate limited`, error.retryAfter ?? 1);
      case "slack_webapi_http_error": {
        const status = error.statusCode ?? 0;
        const retryAfter = Number(error.headers?.["retry-after"]);
        if (status === 429 || status >= 500)
          throw new RetryableError(`${what}: HTTP ${status}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
        throw new PermanentError(`${what}: HTTP ${status}`);
      }
      case "slack_webapi_platform_error": {
        const code = error.data?.error ?? "unknown_error";
        if (TRANSIENT.has(code)) throw new RetryableError(`${what}: ${code}`);
        throw new PermanentError(`${what}: ${code}`);
      }
      default:
        // Network failure, timeout, or anything the SDK did not classify.
        throw new RetryableError(`${what}: ${error.message ?? String(raw)}`);
    }
  }
}
