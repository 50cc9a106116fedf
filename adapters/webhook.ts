// The signed webhook for Zapier, Make or any CRM: each handoff event POSTed as JSON with
// X-Baton-Timestamp (Unix seconds), X-Baton-Signature: v1=<hex HMAC-SHA256 of "{timestamp}.{raw
// body}" with the project's webhook secret> and X-Baton-Delivery, the job's id: the same on every
// retry, so a receiver dedupes on it. The README has a verification snippet.
import type { NotificationJob } from "../protocol/jobs";
import { callOutbound } from "./outbound";

const encoder = new TextEncoder();

/** `v1=<hex>`: HMAC-SHA256 of `{timestamp}.{rawBody}` with `secret`. */
export async function signWebhook(secret: string, timestamp: number, rawBody: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${rawBody}`)));
  return `v1=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The body a receiver gets: the job as the queue carried it, plus where a person can open it. */
export function webhookBody(job: NotificationJob, links: { handoff: string }): string {
  const { fallbackFor: _internal, ...event } = job;
  return JSON.stringify({ ...event, links });
}

/** POSTs one event; throws RetryableError (network, 5xx, 429) or PermanentError (other 4xx). */
export async function sendWebhook(
  target: { url: string; secret: string },
  job: NotificationJob,
  links: { handoff: string },
  nowSeconds: number,
): Promise<void> {
  const body = webhookBody(job, links);
  const signature = await signWebhook(target.secret, nowSeconds, body);
  // The exact bytes signed are the bytes sent.
  await callOutbound("Webhook", target.url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-baton-timestamp": String(nowSeconds),
      "x-baton-signature": signature,
      "x-baton-delivery": job.id,
      "x-baton-event": job.kind,
      "user-agent": "Baton-Webhook/1",
    },
  });
}
