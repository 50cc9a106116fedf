// The room's writes to the outside world, executed from its durable sync outbox in commit order:
// the audit row first, then D1 rows, then queue jobs. Each op is idempotent, so a retry after a
// partial failure never writes twice.
import type { SyncOp } from "../domain/room/room-types";
import { insertDecision, insertTicket, setTicketEmail, upsertHandoff } from "../adapters/db";
import type { Env } from "../worker/env";

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
  }
}
