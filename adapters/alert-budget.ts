// The team-alert budget: a flood of handoffs (30 conversations asking for a person) must not page
// the team 30 times. Each project may send HANDOFF_ALERTS_PER_WINDOW alerts in any window of
// HANDOFF_ALERT_WINDOW_MINUTES; the rest are recorded (the outbox, the desk) but page nobody.
// Counted in D1 by job id in one statement, so a redelivered job spends nothing twice.
import type { NotificationJob } from "../protocol/jobs";

/** The jobs that page people: a new handoff, a reopened one, a reminder that nobody answered. */
export const ALERTING_KINDS: ReadonlySet<NotificationJob["kind"]> = new Set(["handoff.opened", "handoff.reopened", "handoff.reminder"]);

export interface AlertBudget {
  limit: number;
  windowMinutes: number;
}

/** Spends one alert of `job`'s project; false when this window's budget is already spent. */
export async function takeAlert(db: D1Database, job: Pick<NotificationJob, "id" | "projectId">, budget: AlertBudget, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - budget.windowMinutes * 60_000).toISOString();
  const inserted = await db
    .prepare(
      `INSERT INTO alert_log (job_id, project_id, at)
       SELECT ?1, ?2, ?3 WHERE (SELECT COUNT(*) FROM alert_log WHERE project_id = ?2 AND at > ?4) < ?5
       ON CONFLICT(job_id) DO NOTHING`,
    )
    .bind(job.id, job.projectId, now.toISOString(), since, budget.limit)
    .run();
  if (inserted.meta.changes > 0) return true;
  // Nothing inserted: either this job already spent its alert (a redelivery), or the budget is gone.
  return (await db.prepare("SELECT 1 AS seen FROM alert_log WHERE job_id = ?").bind(job.id).first()) !== null;
}
