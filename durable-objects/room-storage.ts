// The room's own SQLite: its state snapshot, its transcript and its cached project settings.
// Only ConversationRoom calls this; every write happens inside one synchronous transaction.
import type { RoomState, SyncOp } from "../domain/room/room-types";
import type { StoredMessage } from "../domain/transcript";
import type { Sender } from "../protocol/frames";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  seq         INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  sender      TEXT NOT NULL,
  text        TEXT NOT NULL,
  at          TEXT NOT NULL,
  client_id   TEXT,
  author_key  TEXT,
  author_id   TEXT,
  author_name TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_client_id ON messages (author_key, client_id) WHERE client_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS timers (kind TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sync_outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  op         TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
`;

/** The timer row for retrying the sync outbox; every other row is a handoff timer. */
const SYNC_RETRY = "sync_retry";

/** A pending write to D1 or the queue, in commit order. */
export interface PendingSync {
  id: number;
  op: SyncOp;
  attempts: number;
}

interface MessageRow extends Record<string, SqlStorageValue> {
  seq: number;
  kind: string;
  sender: string;
  text: string;
  at: string;
  client_id: string | null;
  author_id: string | null;
  author_name: string | null;
}

function toMessage(row: MessageRow): StoredMessage {
  return {
    seq: row.seq,
    kind: row.kind === "note" ? "note" : "message",
    from: row.sender as Sender,
    text: row.text,
    at: row.at,
    ...(row.client_id !== null ? { clientId: row.client_id } : {}),
    ...(row.author_id !== null ? { author: { id: row.author_id, name: row.author_name ?? "" } } : {}),
  };
}

/** Who may not reuse a clientId: each visitor, and each agent separately. */
export function authorKey(message: Pick<StoredMessage, "from" | "author">): string {
  return message.author ? `${message.from}:${message.author.id}` : message.from;
}

export class RoomStorage {
  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(SCHEMA);
  }

  private get sql() {
    return this.storage.sql;
  }

  readMeta<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  writeMeta(key: string, value: unknown): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }

  /**
   * The state snapshot. This object is the conversation's single writer, so the last committed
   * snapshot is kept parsed in memory as a cache; after hibernation or a reset it is read again.
   */
  loadState(): RoomState | null {
    if (this.cached === undefined) this.cached = this.readMeta<RoomState>("state");
    return this.cached;
  }

  private cached: RoomState | null | undefined;

  /**
   * Saves the new state, appends its messages and queues its outside writes atomically: nothing is
   * sent before this returns, and nothing decided is lost if the object dies right after.
   */
  commit(state: RoomState, messages: readonly StoredMessage[], ops: readonly SyncOp[] = [], timers?: readonly { kind: string; at: string }[]): void {
    this.storage.transactionSync(() => {
      if (timers) {
        this.sql.exec("DELETE FROM timers WHERE kind != ?", SYNC_RETRY);
        for (const t of timers) this.sql.exec("INSERT OR REPLACE INTO timers (kind, at) VALUES (?, ?)", t.kind, t.at);
      }
      for (const op of ops) this.sql.exec("INSERT INTO sync_outbox (op) VALUES (?)", JSON.stringify(op));
      for (const m of messages) {
        this.sql.exec(
          "INSERT INTO messages (seq, kind, sender, text, at, client_id, author_key, author_id, author_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          m.seq,
          m.kind,
          m.from,
          m.text,
          m.at,
          m.clientId ?? null,
          authorKey(m),
          m.author?.id ?? null,
          m.author?.name ?? null,
        );
      }
      this.writeMeta("state", state);
    });
    this.cached = state;
  }

  /** The earliest timer, in ms since the epoch, or null. */
  nextTimer(): number | null {
    const row = this.sql.exec<{ at: string | null }>("SELECT MIN(at) AS at FROM timers").toArray()[0];
    return row?.at ? Date.parse(row.at) : null;
  }

  /** Schedules (or, with null, clears) the retry of a failed outside write. */
  setSyncRetry(at: string | null): void {
    if (at) this.sql.exec("INSERT OR REPLACE INTO timers (kind, at) VALUES (?, ?)", SYNC_RETRY, at);
    else this.sql.exec("DELETE FROM timers WHERE kind = ?", SYNC_RETRY);
  }

  pendingSyncs(): PendingSync[] {
    return this.sql
      .exec<{ id: number; op: string; attempts: number }>("SELECT id, op, attempts FROM sync_outbox ORDER BY id")
      .toArray()
      .map((row) => ({ id: row.id, op: JSON.parse(row.op) as SyncOp, attempts: row.attempts }));
  }

  syncDone(id: number): void {
    this.sql.exec("DELETE FROM sync_outbox WHERE id = ?", id);
  }

  syncFailed(id: number, error: string): void {
    this.sql.exec("UPDATE sync_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", error.slice(0, 500), id);
  }

  findByClientId(key: string, clientId: string): StoredMessage | null {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE author_key = ? AND client_id = ?", key, clientId).toArray()[0];
    return row ? toMessage(row) : null;
  }

  /** Messages after `since`, oldest first; notes only when `includeNotes`. */
  messagesSince(since: number, includeNotes: boolean): StoredMessage[] {
    const query = includeNotes ? "SELECT * FROM messages WHERE seq > ? ORDER BY seq" : "SELECT * FROM messages WHERE seq > ? AND kind = 'message' ORDER BY seq";
    return this.sql.exec<MessageRow>(query, since).toArray().map(toMessage);
  }

  /** The last `limit` visitor-visible messages, oldest first (the bot's context). */
  recentTranscript(limit: number): StoredMessage[] {
    return this.sql
      .exec<MessageRow>("SELECT * FROM (SELECT * FROM messages WHERE kind = 'message' ORDER BY seq DESC LIMIT ?) ORDER BY seq", limit)
      .toArray()
      .map(toMessage);
  }
}
