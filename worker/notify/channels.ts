// How the queue consumer hands a job to each kind of channel. A channel either delivers at once
// (the dev outbox; later the CRM, webhook, email and Teams over HTTP) or hands the job to the
// channel's own poster (Slack: one SlackPoster per Slack channel paces and orders the posts).
import type { ChannelKind, ResolvedChannel } from "../../adapters/channels";
import type { NotificationJob } from "../../protocol/jobs";
import type { Env } from "../env";

/** delivered: a person can see it now; queued: the channel's poster holds it durably; skipped: not for this channel. */
export type DeliveryOutcome = "delivered" | "queued" | "skipped";

export interface ChannelDeliverer {
  deliver(job: NotificationJob, channel: ResolvedChannel, env: Env): Promise<DeliveryOutcome>;
}

/** The dev outbox: a D1 table listed by GET /v1/notifications, in development and tests only. */
const outbox: ChannelDeliverer = {
  async deliver(job, _channel, env) {
    if (job.kind === "handoff.message") return "skipped"; // the transcript is in the room; the outbox lists handoff events
    await env.DB.prepare(
      "INSERT OR IGNORE INTO notifications (id, project_id, handoff_id, kind, channel, payload, created_at) VALUES (?, ?, ?, ?, 'outbox', ?, ?)",
    )
      .bind(job.id, job.projectId, job.handoffId, job.kind, JSON.stringify(job), new Date().toISOString())
      .run();
    return "delivered";
  },
};

/** Slack: the channel's poster takes the job (idempotently) and posts it when Slack's pace allows. */
const slack: ChannelDeliverer = {
  async deliver(job, channel, env) {
    const poster = env.SlackPoster.getByName(`slack:${channel.config.channelId}`);
    return poster.enqueue(job);
  },
};

export const DELIVERERS: Record<ChannelKind, ChannelDeliverer> = { outbox, slack };
