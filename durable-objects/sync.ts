// The room's writes to the outside world, executed from its durable sync outbox in commit order:
// the audit row first, then D1 rows and queue jobs; the desk's events in a lane of their own. Each
// op is idempotent, so a retry after a partial failure never writes twice.
import { insertDecision, setTicketEmail, upsertHandoff, upsertTicket } from "../adapters/db";
import type { TicketRecord } from "../domain/handoff/handoff-types";
import type { SyncOp } from "../domain/room/room-types";

type LegacySyncOp = { kind: "insert-ticket"; ticket: Omit<TicketRecord, "status" | "updatedAt"> };
import type { Env } from "../worker/env";
import type { PendingSync, RoomStorage } from "./room-storage";

const MAX_BACKOFF_MS = 60_000;

export async function performSync(env: Env, op: SyncOp | LegacySyncOp): Promise<void> {
  // Rooms may still hold an "insert-ticket" queued before tickets carried their state: the same row, older shape.
  if (op.kind === "insert-ticket") return upsertTicket(env.DB, { ...op.ticket, status: "open", updatedAt: op.ticket.createdAt } as TicketRecord);
  switch (op.kind) {
    case "audit":
      return insertDecision(env.DB, op.decision);
    case "upsert-handoff":
      return upsertHandoff(env.DB, op.handoff);
    case "upsert-ticket":
      return upsertTicket(env.DB, op.ticket);
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

/** Performs one lane's writes in order; stops at the first failure and returns its attempts so far (null: all done). */
async function flushLane(store: RoomStorage, env: Env, lane: readonly PendingSync[]): Promise<number | null> {
  for (const pending of lane) {
    try {
      await performSync(env, pending.op);
      store.syncDone(pending.id);
    } catch (error) {
      store.syncFailed(pending.id, String(error));
      return pending.attempts;
    }
  }
  return null;
}

/**
 * Performs the queued outside writes in commit order, in two lanes that do not wait on each other:
 * the desk's events (the project's inbox), and everything else (D1 rows, queue jobs). A failure
 * stops its lane (later ops may depend on it) and schedules a retry with exponential backoff as the
 * outbox's timer row; the caller re-arms the alarm. Returns whether the outbox is now empty.
 */
export async function flushSyncs(store: RoomStorage, env: Env, now: () => number): Promise<boolean> {
  const pending = store.pendingSyncs();
  const lanes = [pending.filter((p) => p.op.kind === "desk"), pending.filter((p) => p.op.kind !== "desk")];
  const failed = (await Promise.all(lanes.map((lane) => flushLane(store, env, lane)))).filter((a): a is number => a !== null);
  if (failed.length > 0) {
    store.setSyncRetry(new Date(now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(...failed))).toISOString());
    return false;
  }
  store.setSyncRetry(null);
  return true;
}
