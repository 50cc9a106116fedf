// The notifications Queue consumer: validates every job again (the queue is an edge too), then
// delivers it to each of the project's channels. Retryable failures go back on the queue with
// backoff (then to the dead-letter queue); permanent ones are acknowledged and recorded.
import { getServerByName } from "partyserver";
import { notificationJobSchema, type NotificationJob } from "../../protocol/jobs";
import type { Env } from "../env";
import { PermanentError, RetryableError } from "../../adapters/errors";
import { ALERTING_KINDS, takeAlert } from "../../adapters/alert-budget";
import { alertBudget } from "../../adapters/config";

export interface Channel {
  readonly name: string;
  deliver(job: NotificationJob, env: Env): Promise<void>;
}

/** The dev outbox: always on, zero configuration, listed by GET /v1/notifications. */
export const outboxChannel: Channel = {
  name: "outbox",
  async deliver(job, env) {
    await env.DB.prepare(
      "INSERT OR IGNORE INTO notifications (id, project_id, handoff_id, kind, channel, payload, created_at) VALUES (?, ?, ?, ?, 'outbox', ?, ?)",
    )
      .bind(job.id, job.projectId, job.handoffId, job.kind, JSON.stringify(job), new Date().toISOString())
      .run();
  },
};

async function markNotified(env: Env, job: NotificationJob): Promise<void> {
  const room = await getServerByName(env.ConversationRoom, job.conversationId);
  await room.command(job.handoffId, { type: "notified" });
}

export function channelsFor(_job: NotificationJob): Channel[] {
  return [outboxChannel];
}

async function recordFailure(env: Env, jobId: string | null, channel: string, error: string, payload: unknown): Promise<void> {
  await env.DB.prepare("INSERT INTO notification_failures (job_id, channel, error, payload, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(jobId, channel, error.slice(0, 1000), JSON.stringify(payload ?? null).slice(0, 100_000), new Date().toISOString())
    .run();
}

/** Backoff for attempt n (1-based): 2, 4, 8… seconds, capped at 5 minutes. */
export const backoffSeconds = (attempts: number) => Math.min(300, 2 ** Math.max(1, attempts));

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
      await outboxChannel.deliver({ ...job, throttled: true }, env);
      message.ack();
      continue;
    }
    let retry: RetryableError | null = null;
    for (const channel of channelsFor(job)) {
      try {
        await channel.deliver(job, env);
      } catch (error) {
        if (error instanceof PermanentError) await recordFailure(env, job.id, channel.name, error.message, job);
        else retry = error instanceof RetryableError ? error : new RetryableError(String(error));
      }
    }
    if (retry) {
      message.retry({ delaySeconds: retry.retryAfterSeconds ?? backoffSeconds(message.attempts) });
      continue;
    }
    // The alert reached the team: the room moves the handoff pending → notified (a no-op if it moved on).
    if (job.kind === "handoff.opened") await markNotified(env, job);
    message.ack();
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
