// The room's writes to the outside world, executed from its durable sync outbox in commit order:
// the audit row first, then D1 rows, the desk's event, then queue jobs. Each op is idempotent, so a retry after a
// partial failure never writes twice.
import { insertDecision, insertTicket, setTicketEmail, upsertHandoff } from "../adapters/db";
import type { SyncOp } from "../domain/room/room-types";
import type { Env } from "../worker/env";
import type { RoomStorage } from "./room-storage";

const MAX_BACKOFF_MS = 60_000;

export async function performSync(env: Env, op: SyncOp): Promise<void> {
  switch (op.kind) {
    case "audit":
      return insertDecision(env.DB, op.decision);
    case "upsert-handoff":
      return upsertHandoff(env.DB, op.handoff);
    case "insert-ticket":
      return insertTicket(env.DB, op.ticket);
    case "ticket-email":
      return setTicketEmail(env.DB, op.handoffId, op.email);
    case "enqueue":
      await env.NOTIFICATIONS.send(op.job);
      return;
    case "desk":
      // The inbox stores each event id once, so a retry after a lost answer does not double it.
      return env.ProjectInbox.getByName(op.projectId).publish(op.event);
  }
}

/**
 * Performs the queued outside writes in order. A failure stops the run (later ops may depend on
 * it) and schedules a retry with exponential backoff as the outbox's timer row; the caller re-arms
 * the alarm. Returns whether the outbox is now empty.
 */
export async function flushSyncs(store: RoomStorage, env: Env, now: () => number): Promise<boolean> {
  for (const pending of store.pendingSyncs()) {
    try {
      await performSync(env, pending.op);
      store.syncDone(pending.id);
    } catch (error) {
      store.syncFailed(pending.id, String(error));
      store.setSyncRetry(new Date(now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** pending.attempts)).toISOString());
      return false;
    }
  }
  store.setSyncRetry(null);
  return true;
}
