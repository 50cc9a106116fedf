// The notifications Queue consumer: validates every job again (the queue is an edge too), then
// fans it out to each of the project's channels, exactly once per (job, channel): a delivery
// record in D1 says which channels are done, so a job retried because one channel failed never
// reaches the others twice. A job re-sent by a chat channel that failed (`fallbackFor`) reaches
// the fallback channel (email) only, under the same id. Retryable failures go back with backoff (429: Slack's Retry-After),
// permanent ones are recorded, poison jobs are recorded and dropped, and the dead-letter queue's
// consumer records what ran out of retries.
import { getServerByName } from "partyserver";
import { HUMAN_FACING, projectChannels, recordChannelHealth } from "../../adapters/channels";
import { markDelivery, settledChannels } from "../../adapters/deliveries";
import { PermanentError, RetryableError } from "../../adapters/errors";
import { notificationJobSchema, type NotificationJob } from "../../protocol/jobs";
import type { Env } from "../env";
import { DELIVERERS } from "./channels";
import { ALERTING_KINDS, takeAlert } from "../../adapters/alert-budget";
import { alertBudget } from "../../adapters/config";

async function markNotified(env: Env, job: NotificationJob): Promise<void> {
  const room = await getServerByName(env.ConversationRoom, job.conversationId);
  await room.command(job.handoffId, { type: "notified" });
}

async function recordFailure(env: Env, jobId: string | null, channel: string, error: string, payload: unknown): Promise<void> {
  await env.DB.prepare("INSERT INTO notification_failures (job_id, channel, error, payload, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(jobId, channel, error.slice(0, 1000), JSON.stringify(payload ?? null).slice(0, 100_000), new Date().toISOString())
    .run();
}

/** A job over the alert budget: kept in the outbox table (marked throttled) for the record, sent nowhere. */
async function recordThrottled(env: Env, job: NotificationJob): Promise<void> {
  await env.DB.prepare(
    "INSERT OR IGNORE INTO notifications (id, project_id, handoff_id, kind, channel, payload, created_at) VALUES (?, ?, ?, ?, 'outbox', ?, ?)",
  )
    .bind(job.id, job.projectId, job.handoffId, job.kind, JSON.stringify({ ...job, throttled: true }), new Date().toISOString())
    .run();
}

/** Backoff for attempt n (1-based): 2, 4, 8… seconds, capped at 5 minutes. */
export const backoffSeconds = (attempts: number) => Math.min(300, 2 ** Math.max(1, attempts));

/** Delivers one job to every channel not yet done with it; returns the retry it still needs, if any. */
export async function deliverJob(env: Env, job: NotificationJob, attempt: number): Promise<RetryableError | null> {
  const done = await settledChannels(env.DB, job.id);
  let retry: RetryableError | null = null;
  let reachedPerson = false;
  const channels = await projectChannels(env, env.DB, job.projectId);
  for (const channel of channels) {
    if (done.has(channel.kind)) continue;
    const deliverer = DELIVERERS[channel.kind];
    // A job a chat channel re-sent because it could not deliver it goes to the fallback (email) only.
    if (job.fallbackFor && !deliverer.takesFallback) continue;
    const now = new Date().toISOString();
    try {
      const result = await deliverer.deliver(job, channel, env, { channels });
      const { outcome, externalRef } = typeof result === "string" ? { outcome: result, externalRef: undefined } : result;
      if (outcome === "skipped") continue;
      await markDelivery(env.DB, job, channel.kind, outcome, null, attempt, externalRef);
      if (outcome === "delivered" && HUMAN_FACING.has(channel.kind)) reachedPerson = true;
      // A channel marked failing that delivers again is healthy again (Slack's poster says so for Slack).
      if (outcome === "delivered" && !channel.healthy && channel.kind !== "outbox") await recordChannelHealth(env.DB, job.projectId, channel.kind, null, now);
    } catch (error) {
      if (error instanceof PermanentError) {
        await markDelivery(env.DB, job, channel.kind, "failed", error.message, attempt);
        await recordChannelHealth(env.DB, job.projectId, channel.kind, error.message, now);
        await recordFailure(env, job.id, channel.kind, error.message, job);
        continue;
      }
      const retryable = error instanceof RetryableError ? error : new RetryableError(String(error));
      await markDelivery(env.DB, job, channel.kind, "retrying", retryable.message, attempt);
      if (!retry || (retryable.retryAfterSeconds ?? 0) > (retry.retryAfterSeconds ?? 0)) retry = retryable;
    }
  }
  // A person can see the alert: the room moves the handoff pending → notified (a no-op if it moved on).
  // Channels with a poster (Slack) say so themselves once the post is out.
  if (reachedPerson && job.kind === "handoff.opened") await markNotified(env, job);
  return retry;
}

export async function consumeNotifications(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = notificationJobSchema.safeParse(message.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      await recordFailure(env, null, "consumer", `invalid job: ${issue?.path.join(".") || "job"}: ${issue?.message}`, message.body);
      message.ack();
      continue;
    }
    const job = parsed.data;
    // Over the project's alert budget, a flood is recorded but pages nobody (and nobody was notified).
    if (ALERTING_KINDS.has(job.kind) && !(await takeAlert(env.DB, job, alertBudget(env), new Date()))) {
      await recordThrottled(env, job);
      message.ack();
      continue;
    }
    try {
      const retry = await deliverJob(env, job, message.attempts);
      if (retry) message.retry({ delaySeconds: retry.retryAfterSeconds ?? backoffSeconds(message.attempts) });
      else message.ack();
    } catch (error) {
      // D1 or the room unreachable: the whole job goes back; settled channels are skipped next time.
      console.error("notification delivery failed", error);
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
}

/** Dead-lettered jobs: record them so an operator can see what was never delivered. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const id = typeof message.body === "object" && message.body && "id" in message.body ? String(message.body.id) : null;
    await recordFailure(env, id, "dead-letter", `gave up after ${message.attempts} attempts`, message.body);
    message.ack();
  }
}
