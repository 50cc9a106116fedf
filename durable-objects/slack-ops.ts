// Which Slack posts a notification job becomes: the alert, edits of it, or replies in its thread.
import type { NotificationJob } from "../protocol/jobs";

/** alert: the channel message; update/claimed: edits of it; controls, line, notice: thread replies. */
export type SlackOp = "alert" | "update" | "claimed" | "controls" | "line" | "notice";

/** The posts a job becomes in Slack, in order (none: the job means nothing there). */
export function slackOpsFor(job: NotificationJob): SlackOp[] {
  switch (job.kind) {
    case "handoff.opened":
      return ["alert"];
    case "handoff.updated":
      // A better summary or the visitor's email: refresh the alert while nobody has it yet.
      return job.status === "pending" || job.status === "notified" ? ["update"] : [];
    case "handoff.claimed":
      return ["claimed", "controls"];
    case "handoff.message":
      return job.message ? ["line"] : [];
    case "handoff.visitor_confirmation":
      return []; // an email to the visitor; the thread has nothing to add
    case "handoff.ticket_answered":
      return []; // the reply itself reaches the thread as a transcript line
    default:
      return ["notice"];
  }
}
