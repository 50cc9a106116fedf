// Runs the turns a room owes its visitor (domain/room/owed-turns.ts): live, right after the commit
// that owes them; again after a crash, when the room starts or its alarm finds one overdue; and on
// a resend of the message's clientId. One instance never runs the same turn twice at once, and the
// room drops an answer to a turn no longer owed, so each visitor message is answered exactly once.
import type { OwedTurn } from "../domain/room/owed-turns";
import type { RoomEvent } from "../domain/room/room-types";
import type { Connection } from "partyserver";
import { frameOf } from "../domain/room/room-messages";
import type { StoredMessage } from "../domain/transcript";
import type { RoomStorage } from "./room-storage";
import { sendFrame } from "./socket-input";

export interface TurnDeps {
  store: RoomStorage;
  /** Asks the engine for the turn's answer, as the event that carries it back. */
  ask: (turn: OwedTurn) => Promise<RoomEvent>;
  dispatch: (event: RoomEvent) => Promise<unknown>;
}

const keyOf = (turn: OwedTurn) => `${turn.type}:${turn.seq}`;

export class TurnRunner {
  private readonly running = new Set<string>();

  constructor(private readonly deps: TurnDeps) {}

  /** Runs one owed turn unless this instance is already running it; a failure leaves it owed, postponed. */
  async run(turn: OwedTurn): Promise<void> {
    const key = keyOf(turn);
    if (this.running.has(key)) return;
    this.running.add(key);
    try {
      await this.deps.dispatch(await this.deps.ask(turn));
    } catch (error) {
      this.deps.store.postponeTurn(turn.seq);
      throw error;
    } finally {
      this.running.delete(key);
    }
  }

  /** A resend: the sender gets the stored copy, and a visitor's message its owed turn, if a crash left one (the reply reaches everyone). */
  async resent(stored: StoredMessage, sender: Connection | undefined): Promise<void> {
    if (sender) sendFrame(sender, frameOf(stored));
    if (stored.from === "visitor") await this.resume(stored.seq);
  }

  /** The turn still owed to visitor message `seq` (a resend after a crash), if any, run now. */
  resume(seq: number): Promise<void> {
    const turn = this.deps.store.owedTurn(seq);
    return turn ? this.recoverOne(turn) : Promise.resolve();
  }

  /**
   * Every owed turn, or with `dueBy` only the overdue ones: the work a previous instance died
   * before finishing. A turn this instance is still running (a slow engine) is only postponed.
   */
  async recover(dueBy?: number): Promise<void> {
    for (const turn of this.deps.store.owedTurns(dueBy)) await this.recoverOne(turn);
  }

  private async recoverOne(turn: OwedTurn): Promise<void> {
    if (this.running.has(keyOf(turn))) return this.deps.store.postponeTurn(turn.seq);
    try {
      await this.run(turn);
    } catch (error) {
      console.error("owed turn failed; the alarm retries it", turn.seq, error);
    }
  }
}
