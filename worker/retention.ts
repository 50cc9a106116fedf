// The daily retention sweep (the `scheduled` handler, `[triggers] crons` in wrangler.toml): for
// each project, transcripts older than its `retentionDays` are purged in their rooms (a room with
// nothing recent left is erased whole, with its D1 rows), then packets, tickets, notification
// payloads and audit rows older than the cutoff are deleted from D1, and the desk's inbox drops its
// events and closed cards older than it. Bounded per run; a backlog drains over the following days.
import { getServerByName } from "partyserver";
import { conversationsToSweep, deleteConversationRows, deleteRowsBefore, field, sweepAgainAfter } from "../adapters/privacy";
import { DEFAULT_RETENTION_DAYS } from "../domain/security-settings";
import { parseStoredSettings } from "../domain/settings";
import type { Env } from "./env";

/** Conversations looked at per project per run. */
const ROOMS_PER_RUN = 500;
const DAY_MS = 86_400_000;

export interface SweepReport {
  projects: number;
  roomsErased: number;
  roomsKept: number;
  rowsDeleted: number;
}

export async function sweepRetention(env: Env, now: Date): Promise<SweepReport> {
  const report: SweepReport = { projects: 0, roomsErased: 0, roomsKept: 0, rowsDeleted: 0 };
  const { results: projects } = await env.DB.prepare("SELECT id, settings FROM projects").all<{ id: string; settings: string }>();
  for (const project of projects) {
    report.projects++;
    const days = parseStoredSettings(project.settings).retentionDays;
    const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
    for (const conversationId of await conversationsToSweep(env.DB, project.id, cutoff, now.toISOString(), ROOMS_PER_RUN)) {
      const room = await getServerByName(env.ConversationRoom, conversationId);
      const outcome = await room.purgeBefore(cutoff);
      if (outcome.erased) {
        const deleted = await deleteConversationRows(env.DB, project.id, [conversationId]);
        report.rowsDeleted += Object.values(deleted).reduce((a, b) => a + b, 0);
        report.roomsErased++;
      } else {
        const again = new Date(Date.parse(outcome.newestAt ?? now.toISOString()) + days * DAY_MS).toISOString();
        await sweepAgainAfter(env.DB, project.id, conversationId, again);
        report.roomsKept++;
      }
    }
    const deleted = await deleteRowsBefore(env.DB, project.id, cutoff);
    report.rowsDeleted += Object.values(deleted).reduce((a, b) => a + b, 0);
    // The desk's inbox keeps its own copy of recent cards and events.
    await env.ProjectInbox.getByName(project.id).purgeBefore(cutoff);
  }
  // The alert budget only looks back one window; failures of jobs that never named a project age out at the default.
  await env.DB.batch([
    env.DB.prepare("DELETE FROM alert_log WHERE at < ?").bind(new Date(now.getTime() - DAY_MS).toISOString()),
    env.DB.prepare(`DELETE FROM notification_failures WHERE ${field("projectId")} IS NULL AND created_at < ?`).bind(
      new Date(now.getTime() - DEFAULT_RETENTION_DAYS * DAY_MS).toISOString(),
    ),
  ]);
  return report;
}
