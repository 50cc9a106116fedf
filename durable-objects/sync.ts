// The room's writes to the outside world, executed from its durable sync outbox in commit order:
// the audit row first, then D1 rows, then queue jobs. Each op is idempotent, so a retry after a
// partial failure never writes twice.
import { insertDecision, setTicketEmail, upsertHandoff, upsertTicket } from "../adapters/db";
import type { TicketRecord } from "../domain/handoff/handoff-types";
import type { SyncOp } from "../domain/room/room-types";

type LegacySyncOp = { kind: "insert-ticket"; ticket: Omit<TicketRecord, "status" | "updatedAt"> };
import type { Env } from "../worker/env";
import type { RoomStorage } from "./room-storage";

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
