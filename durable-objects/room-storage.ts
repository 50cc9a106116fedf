// The room's own SQLite: its state snapshot, its transcript, its cached project settings, the
// turns it owes and its senders' message budgets. Only ConversationRoom calls this; every write
// of a commit happens inside one synchronous transaction.
import { timersFor } from "../domain/handoff/timers";
import type { Settings } from "../domain/settings";
import { isOwedTurn, OWED_TURN_GRACE_MS, type OwedTurn } from "../domain/room/owed-turns";
import type { Bucket } from "../domain/room/rate-limit";
import type { Effect, RoomState, SyncOp } from "../domain/room/room-types";
import type { StoredMessage } from "../domain/transcript";
import type { Sender } from "../protocol/frames";

/** The room's tables; name-record.ts runs the same text (one prepared statement) when partyserver writes its name record before the room has started. */
export const ROOM_SCHEMA = `
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
CREATE TABLE IF NOT EXISTS owed_turns (seq INTEGER PRIMARY KEY, turn TEXT NOT NULL, due_at TEXT NOT NULL);
`;

/** The meta table's read and upsert, shared with name-record.ts: the same text is the same prepared statement. */
export const READ_META = "SELECT value FROM meta WHERE key = ?";
export const WRITE_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/** The timer row for retrying the sync outbox; every other row is a handoff timer. */
const SYNC_RETRY = "sync_retry";

/** What a commit does to the owed turns: the one it answers (cleared), and the ones it now owes. */
export interface TurnChanges {
  answered?: number | null;
  owed?: readonly OwedTurn[];
}

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

/** The stored state with its `lastSeq` caught up to the transcript's (commits that only append do not rewrite it). */
function withLastSeq(state: RoomState | null, maxSeq: () => number): RoomState | null {
  if (!state) return null;
  const seq = maxSeq();
  return seq > state.lastSeq ? { ...state, lastSeq: seq } : state;
}

/** Whether `next` differs from `previous` only by a `lastSeq` that the appended messages carry. */
function onlyLastSeqMoved(previous: RoomState, next: RoomState, messages: readonly StoredMessage[]): boolean {
  if (next.lastSeq !== (messages.at(-1)?.seq ?? previous.lastSeq)) return false;
  for (const key of Object.keys(next) as (keyof RoomState)[]) if (key !== "lastSeq" && next[key] !== previous[key]) return false;
  return Object.keys(previous).length === Object.keys(next).length;
}

const INSERT_MESSAGES = "INSERT INTO messages (seq, kind, sender, text, at, client_id, author_key, author_id, author_name) VALUES ";
/** The meta key an erased room keeps (see RoomStorage.eraseAll). */
const ERASED = "erased";

const insertStatements: string[] = [];

/** The INSERT of `n` message rows (the text is the same for the same `n`, so the runtime's statement cache keeps one each). */
function insertStatement(n: number): string {
  insertStatements[n] ??= INSERT_MESSAGES + Array.from({ length: n }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
  return insertStatements[n];
}

/** A commit refused because one of its messages reuses its author's clientId (a resend); nothing was written. */
export class DuplicateClientId extends Error {
  constructor() {
    super("a message with this clientId is already stored");
  }
}

/** The unique (author, clientId) index is the resend check: no SELECT per message to find what is rare. */
function refusedResend(error: unknown): unknown {
  return /UNIQUE constraint failed: messages\./.test(String(error)) ? new DuplicateClientId() : error;
}

/** Who may not reuse a clientId: each visitor, and each agent separately. */
export function authorKey(message: Pick<StoredMessage, "from" | "author">): string {
  return message.author ? `${message.from}:${message.author.id}` : message.from;
}

export class RoomStorage {
  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(ROOM_SCHEMA);
  }

  private get sql() {
    return this.storage.sql;
  }

  readMeta<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>(READ_META, key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  /**
   * An upsert, not `INSERT OR REPLACE`: a replace deletes the row and inserts it again under a new
   * rowid, which rewrites the key's index entry and moves the row to the table's last page; an
   * update of the value rewrites the row where it is.
   */
  writeMeta(key: string, value: unknown): void {
    this.sql.exec(WRITE_META, key, JSON.stringify(value));
  }

  /**
   * The state snapshot. This object is the conversation's single writer, so the last committed
   * snapshot is kept parsed in memory as a cache; after hibernation or a reset it is read again.
   */
  loadState(): RoomState | null {
    if (this.cached === undefined) this.cached = withLastSeq(this.readMeta<RoomState>("state"), () => this.maxSeq());
    return this.cached;
  }

  /** Whether this room was erased (see eraseAll): it never opens again. */
  wasErased(): boolean {
    return this.readMeta<boolean>(ERASED) === true;
  }

  /**
   * Visitor messages stored ahead of their turn whose answer never committed (the object died
   * between the two steps, see appendAhead): after the state's `analysedSeq`, and owing no turn
   * (an engine's turns are owed rows of their own). No query unless the transcript runs past it.
   */
  unanalysed(): { seq: number; text: string }[] {
    const state = this.loadState();
    if (!state || state.analysedSeq === undefined || state.lastSeq <= state.analysedSeq) return [];
    return this.sql
      .exec<{ seq: number; text: string }>(
        "SELECT seq, text FROM messages WHERE seq > ? AND sender = 'visitor' AND kind = 'message' AND seq NOT IN (SELECT seq FROM owed_turns) ORDER BY seq",
        state.analysedSeq,
      )
      .toArray();
  }

  /**
   * Stores messages ahead of the state they lead to, which is kept in memory and written by the
   * next commit (the turn that answers them, right after): until then the stored state's
   * `analysedSeq` is behind them, which is how a room that died in between finds them (unanalysed).
   */
  appendAhead(state: RoomState, messages: readonly StoredMessage[]): void {
    try {
      this.insertMessages(messages);
    } catch (error) {
      throw refusedResend(error);
    }
    this.cached = state;
  }

  /** The highest seq in the transcript (0 when empty). */
  private maxSeq(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM messages").toArray()[0]?.seq ?? 0;
  }

  private cached: RoomState | null | undefined;

  /**
   * Saves the new state, appends its messages and queues its outside writes atomically: nothing is
   * sent before this returns, and nothing decided is lost if the object dies right after.
   */
  commit(
    state: RoomState,
    messages: readonly StoredMessage[],
    ops: readonly SyncOp[] = [],
    timers?: readonly { kind: string; at: string }[],
    turns: TurnChanges = {},
  ): void {
    // The messages go first, in one statement: the unique (author, clientId) index refuses a resend
    // there, before anything else of the commit is written. A commit of messages and the state row
    // alone (a bot-only visitor message, an agent's line) then needs no explicit transaction: the
    // runtime commits a turn's writes together. If its state write fails, the messages it wrote
    // would stay behind a state that does not count them (a bot reply stored while its visitor
    // message still reads as unanswered, answered again at the next start), so they are deleted
    // again. Anything more (owed turns, timers, outside writes) is written in one transaction. Either
    // way the commit is all or nothing.
    const previous = this.cached;
    const writesState = !previous || !onlyLastSeqMoved(previous, state, messages);
    const plain = ops.length === 0 && !timers && turns.answered == null && !turns.owed?.length;
    let inserted = false;
    const write = () => {
      this.insertMessages(messages);
      inserted = true;
      if (turns.answered != null) this.settleTurn(turns.answered);
      const due = new Date(Date.now() + OWED_TURN_GRACE_MS).toISOString();
      if (timers || turns.answered != null || turns.owed?.length) this.timerVersion++;
      for (const t of turns.owed ?? []) this.sql.exec("INSERT OR REPLACE INTO owed_turns (seq, turn, due_at) VALUES (?, ?, ?)", t.seq, JSON.stringify(t), due);
      if (timers) {
        this.sql.exec("DELETE FROM timers WHERE kind != ?", SYNC_RETRY);
        for (const t of timers) this.sql.exec("INSERT OR REPLACE INTO timers (kind, at) VALUES (?, ?)", t.kind, t.at);
      }
      for (const op of ops) this.sql.exec("INSERT INTO sync_outbox (op) VALUES (?)", JSON.stringify(op));
      // A commit that only appended messages (an agent's line outside a handoff, say) leaves the
      // stored state as it was: its `lastSeq` is the transcript's, read back on load.
      if (writesState) this.writeMeta("state", state);
    };
    try {
      if (plain) write();
      else this.storage.transactionSync(write);
    } catch (error) {
      if (plain && inserted && messages.length > 0) this.deleteMessages(messages);
      this.cached = undefined; // read again from what was written
      throw error;
    }
    this.cached = state;
  }

  /** Takes back the rows of a plain commit that failed after writing them (see commit). */
  private deleteMessages(messages: readonly StoredMessage[]): void {
    const seqs = messages.map((m) => m.seq);
    this.sql.exec("DELETE FROM messages WHERE seq BETWEEN ? AND ?", Math.min(...seqs), Math.max(...seqs));
  }

  /** Appends messages in one statement (one row each), so that a refused resend writes none of them. */
  private insertMessages(messages: readonly StoredMessage[]): void {
    if (messages.length === 0) return;
    const values: SqlStorageValue[] = [];
    for (const m of messages) values.push(m.seq, m.kind, m.from, m.text, m.at, m.clientId ?? null, authorKey(m), m.author?.id ?? null, m.author?.name ?? null);
    this.sql.exec(insertStatement(messages.length), ...values);
  }

  /**
   * Commits one transition from `before` to `state`. Timers are rows derived from the handoff,
   * rewritten with every commit (untouched in a room that never had one); one alarm serves them all.
   * The turns the commit owes the visitor are stored with it, and the one it answers is cleared with it.
   */
  commitTransition(before: RoomState, state: RoomState, effects: readonly Effect[], settings: Settings, answered: number | null): number {
    const timers = state.handoff ? timersFor(state.handoff, settings) : before.handoff ? [] : undefined;
    try {
      return this.commitEffects(state, effects, timers, answered);
    } catch (error) {
      throw refusedResend(error);
    }
  }

  /**
   * Commits a transition: its state, the messages and outside writes its effects carry, its timers
   * (when given), the turns it owes and the one it answers. Returns how many outside writes it queued.
   */
  commitEffects(state: RoomState, effects: readonly Effect[], timers: readonly { kind: string; at: string }[] | undefined, answered: number | null): number {
    const appended = effects.flatMap((e) => (e.type === "append" ? [e.message] : []));
    const syncs = effects.flatMap((e) => (e.type === "sync" ? [e.op] : []));
    this.commit(state, appended, syncs, timers, { answered, owed: effects.filter(isOwedTurn) });
    return syncs.length;
  }

  /** The earliest timer (an owed turn's deadline included), in ms since the epoch, or null. */
  nextTimer(): number | null {
    const row = this.sql
      .exec<{ at: string | null }>("SELECT MIN(at) AS at FROM (SELECT at FROM timers UNION ALL SELECT due_at AS at FROM owed_turns)")
      .toArray()[0];
    return row?.at ? Date.parse(row.at) : null;
  }

  /** The turn still owed to visitor message `seq`, if any. */
  owedTurn(seq: number): OwedTurn | null {
    const row = this.sql.exec<{ turn: string }>("SELECT turn FROM owed_turns WHERE seq = ?", seq).toArray()[0];
    return row ? (JSON.parse(row.turn) as OwedTurn) : null;
  }

  /** Every owed turn, oldest message first; `dueBy` keeps only those whose deadline has passed. */
  owedTurns(dueBy?: number): OwedTurn[] {
    const rows = this.sql.exec<{ turn: string; due_at: string }>("SELECT turn, due_at FROM owed_turns ORDER BY seq").toArray();
    return rows.filter((r) => dueBy === undefined || Date.parse(r.due_at) <= dueBy).map((r) => JSON.parse(r.turn) as OwedTurn);
  }

  /** Gives an owed turn another grace period before the alarm runs it (it failed, or is still running). */
  postponeTurn(seq: number): void {
    this.timerVersion++;
    this.sql.exec("UPDATE owed_turns SET due_at = ? WHERE seq = ?", new Date(Date.now() + OWED_TURN_GRACE_MS).toISOString(), seq);
  }

  /** Clears the turn owed to `seq` (answered, or nothing left to do for it). */
  settleTurn(seq: number): void {
    this.timerVersion++;
    this.sql.exec("DELETE FROM owed_turns WHERE seq = ?", seq);
  }

  /** A sender's message budget in this conversation (kept here, not in a socket, so a new socket starts from the same one). */
  /** A sender's token bucket: kept in memory, read from storage once after a wake. */
  readBudget(sender: string): Bucket | null {
    const known = this.budgets.get(sender);
    if (known) return known;
    const stored = this.readMeta<Bucket>(`budget:${sender}`);
    if (stored) this.budgets.set(sender, stored);
    return stored;
  }

  /** Updates a sender's bucket; `durable` also writes it to storage (see socket-input.ts for when). */
  writeBudget(sender: string, bucket: Bucket, durable = true): void {
    this.budgets.set(sender, bucket);
    if (durable) this.writeMeta(`budget:${sender}`, bucket);
  }

  private readonly budgets = new Map<string, Bucket>();

  /** Moves on every write to the timers or the owed turns: the alarm is re-aimed only when it did. */
  timerVersion = 0;

  /** Deletes every transcript row written before `cutoff`; returns what is left and the newest row's time. */
  purgeMessagesBefore(cutoff: string): { remaining: number; newestAt: string | null } {
    // The stored state's `lastSeq` may lag the transcript's (see commit): written first, so a purge never lowers it.
    const state = this.loadState();
    if (state) this.writeMeta("state", state);
    this.sql.exec("DELETE FROM messages WHERE at < ?", cutoff);
    const row = this.sql.exec<{ n: number; newest: string | null }>("SELECT COUNT(*) AS n, MAX(at) AS newest FROM messages").toArray()[0];
    return { remaining: row?.n ?? 0, newestAt: row?.newest ?? null };
  }

  /**
   * Forgets everything (erasure): every table, the alarm, the cached state. The tables are recreated
   * empty, with one row that says the room was erased: its D1 row goes after it, and a room woken
   * in between (a new instance, a reconnecting socket) must not open again from that row.
   */
  async eraseAll(): Promise<void> {
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    this.storage.sql.exec(ROOM_SCHEMA);
    this.writeMeta(ERASED, true);
    this.cached = null;
    this.budgets.clear();
    this.timerVersion++;
  }

  /** Schedules (or, with null, clears) the retry of a failed outside write. */
  setSyncRetry(at: string | null): void {
    this.timerVersion++;
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
    // One statement for both audiences: the runtime keeps each distinct statement prepared, about 2.5 KB a room each (bench/README.md, sixth pass).
    return this.sql
      .exec<MessageRow>("SELECT * FROM messages WHERE seq > ? AND (? OR kind = 'message') ORDER BY seq", since, includeNotes ? 1 : 0)
      .toArray()
      .map(toMessage);
  }

  /** The last `limit` visitor-visible messages, oldest first (the bot's context). */
  recentTranscript(limit: number): StoredMessage[] {
    return this.sql
      .exec<MessageRow>("SELECT * FROM (SELECT * FROM messages WHERE kind = 'message' ORDER BY seq DESC LIMIT ?) ORDER BY seq", limit)
      .toArray()
      .map(toMessage);
  }
}
