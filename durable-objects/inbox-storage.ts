// The project inbox's own SQLite: the cards on the desk (open handoffs and recently closed ones) and
// the numbered events that changed them, kept for desks resuming after a drop. Only ProjectInbox
// calls this; every change is one synchronous transaction.
import type { DeskCard, DeskEvent, DeskEventFrame } from "../protocol/desk";
import { CLOSED_RETENTION_MS, closedSince, EVENT_RETENTION, takesUpdate } from "../domain/desk/inbox";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards (handoff_id TEXT PRIMARY KEY, card TEXT NOT NULL, updated_at TEXT NOT NULL, closed_at TEXT);
CREATE TABLE IF NOT EXISTS events (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id  TEXT NOT NULL UNIQUE,
  at        TEXT NOT NULL,
  kind      TEXT NOT NULL,
  card      TEXT NOT NULL
);
`;

type EventRow = { seq: number; at: string; kind: string; card: string };

const toFrame = (row: EventRow): DeskEventFrame => ({
  type: "desk.event",
  seq: row.seq,
  at: row.at,
  kind: row.kind as DeskEventFrame["kind"],
  card: JSON.parse(row.card) as DeskCard,
});

export class InboxStorage {
  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(SCHEMA);
  }

  private get sql() {
    return this.storage.sql;
  }

  isHydrated(): boolean {
    return this.sql.exec("SELECT 1 FROM meta WHERE key = 'hydrated'").toArray().length > 0;
  }

  /** Fills the desk from D1's rows when the inbox starts empty; cards already here win. */
  hydrate(cards: readonly DeskCard[]): void {
    this.storage.transactionSync(() => {
      for (const card of cards) {
        this.sql.exec(
          "INSERT OR IGNORE INTO cards (handoff_id, card, updated_at, closed_at) VALUES (?, ?, ?, ?)",
          card.handoffId,
          JSON.stringify(card),
          card.updatedAt,
          closedSince(card),
        );
      }
      this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('hydrated', ?)", new Date().toISOString());
    });
  }

  /**
   * Applies one published event: stored once per event id, skipped when the card already holds a
   * newer change, numbered otherwise. Returns the frame to push, or null for nothing new.
   */
  apply(event: DeskEvent, now: Date): DeskEventFrame | null {
    let frame: DeskEventFrame | null = null;
    this.storage.transactionSync(() => {
      if (this.sql.exec("SELECT 1 FROM events WHERE event_id = ?", event.id).toArray().length > 0) return;
      const row = this.sql.exec<{ card: string }>("SELECT card FROM cards WHERE handoff_id = ?", event.card.handoffId).toArray()[0];
      if (!takesUpdate(row ? (JSON.parse(row.card) as DeskCard) : null, event.card)) return;
      const card = JSON.stringify(event.card);
      this.sql.exec(
        "INSERT OR REPLACE INTO cards (handoff_id, card, updated_at, closed_at) VALUES (?, ?, ?, ?)",
        event.card.handoffId,
        card,
        event.card.updatedAt,
        closedSince(event.card),
      );
      const at = now.toISOString();
      const inserted = this.sql
        .exec<EventRow>("INSERT INTO events (event_id, at, kind, card) VALUES (?, ?, ?, ?) RETURNING seq, at, kind, card", event.id, at, event.kind, card)
        .toArray()[0]!;
      frame = toFrame(inserted);
      this.sql.exec("DELETE FROM events WHERE seq <= ?", inserted.seq - EVENT_RETENTION);
      this.sql.exec("DELETE FROM cards WHERE closed_at IS NOT NULL AND closed_at < ?", new Date(now.getTime() - CLOSED_RETENTION_MS).toISOString());
    });
    return frame;
  }

  /** The highest event seq (0 before the first). */
  lastSeq(): number {
    // Pruning keeps the latest events, so the maximum is always the last number given.
    return Number(this.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM events").toArray()[0]?.seq ?? 0);
  }

  /** The events after `since`, oldest first, or null when some of them were already pruned (the desk needs a snapshot). */
  eventsSince(since: number): DeskEventFrame[] | null {
    const first = this.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM events").toArray()[0]?.seq ?? null;
    const last = this.lastSeq();
    if (since > last) return null;
    if (since < last && (first === null || first > since + 1)) return null;
    return this.sql.exec<EventRow>("SELECT seq, at, kind, card FROM events WHERE seq > ? ORDER BY seq", since).toArray().map(toFrame);
  }

  /** Erasure: forgets these handoffs entirely, their cards and every event that carried them. Returns how many cards went. */
  forget(handoffIds: readonly string[]): number {
    let gone = 0;
    this.storage.transactionSync(() => {
      for (const id of handoffIds) {
        gone += this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM cards WHERE handoff_id = ?", id).one().n;
        this.sql.exec("DELETE FROM cards WHERE handoff_id = ?", id);
        this.sql.exec("DELETE FROM events WHERE json_extract(card, '$.handoffId') = ?", id);
      }
    });
    return gone;
  }

  /** Retention: events older than `cutoff`, and cards closed before it, go (an open card stays while it is worked on). */
  purgeBefore(cutoff: string): void {
    this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM events WHERE at < ?", cutoff);
      this.sql.exec("DELETE FROM cards WHERE closed_at IS NOT NULL AND closed_at < ?", cutoff);
    });
  }

  cards(): DeskCard[] {
    return this.sql
      .exec<{ card: string }>("SELECT card FROM cards ORDER BY updated_at DESC")
      .toArray()
      .map((r) => JSON.parse(r.card) as DeskCard);
  }
}
