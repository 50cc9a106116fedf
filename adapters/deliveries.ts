// One delivery record per (job, channel) in D1: the queue consumer writes it for channels it
// delivers to directly, and "queued" when a channel's poster (Slack) took the job; the poster
// writes the outcome. A retried job skips every channel whose record says it is done.
import type { NotificationJob } from "../protocol/jobs";

export type DeliveryStatus = "queued" | "delivered" | "retrying" | "failed";

/** Statuses after which a redelivered job is not sent to that channel again. */
export const SETTLED: ReadonlySet<string> = new Set(["queued", "delivered", "failed"]);

export async function markDelivery(
  db: D1Database,
  job: NotificationJob,
  channel: string,
  status: DeliveryStatus,
  error: string | null,
  attempts: number,
  externalRef?: string,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO deliveries (job_id, channel, project_id, handoff_id, kind, status, attempts, last_error, external_ref, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (job_id, channel) DO UPDATE SET status = excluded.status, attempts = MAX(deliveries.attempts, excluded.attempts),
         last_error = excluded.last_error, external_ref = COALESCE(excluded.external_ref, deliveries.external_ref), updated_at = excluded.updated_at`,
    )
    .bind(
      job.id,
      channel,
      job.projectId,
      job.handoffId,
      job.kind,
      status,
      attempts,
      error?.slice(0, 500) ?? null,
      externalRef ?? null,
      new Date().toISOString(),
    )
    .run();
}

/** The channels that already settled `jobId` (delivered, queued with a poster, or failed for good). */
export async function settledChannels(db: D1Database, jobId: string): Promise<Set<string>> {
  const { results } = await db.prepare("SELECT channel, status FROM deliveries WHERE job_id = ?").bind(jobId).all<{ channel: string; status: string }>();
  return new Set(results.filter((r) => SETTLED.has(r.status)).map((r) => r.channel));
}

export interface DeliveryRow {
  jobId: string;
  channel: string;
  kind: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  externalRef: string | null;
  updatedAt: string;
}

/** Every delivery of one handoff's jobs, oldest first (scoped by project). */
export async function listDeliveries(db: D1Database, projectId: string, handoffId: string): Promise<DeliveryRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM deliveries WHERE project_id = ? AND handoff_id = ? ORDER BY updated_at, job_id")
    .bind(projectId, handoffId)
    .all<{
      job_id: string;
      channel: string;
      kind: string;
      status: DeliveryStatus;
      attempts: number;
      last_error: string | null;
      external_ref: string | null;
      updated_at: string;
    }>();
  return results.map((r) => ({
    jobId: r.job_id,
    channel: r.channel,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    externalRef: r.external_ref,
    updatedAt: r.updated_at,
  }));
}
