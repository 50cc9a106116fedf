// A visitor message stored ahead of its rules turn (domain/room/inline-turns.ts turnAfterAppend):
// its first step (store and show it) is committed without the state and broadcast; then, with no
// other event let in (blockConcurrencyWhile), storage.sync() makes it durable, which is when
// workerd releases the echo and the agents' copy; once they are written the turn runs and commits. A room that died
// between the two finds the message after its state's analysedSeq (RoomStorage.unanalysed) and
// answers it when it starts, or on a resend of its clientId.
import type { RoomEvent, Transition } from "../domain/room/room-types";
import type { StoredMessage } from "../domain/transcript";
import { broadcast, type RawSockets } from "./room-sockets";
import type { RoomStorage } from "./room-storage";
import { commitUnlessResent } from "./socket-input";

/**
 * Resolves once the runtime has written the frames the sync released. workerd writes a socket's
 * frames from its event loop, on the object's one thread, so a turn run straight after the sync
 * (its detectors are most of a visitor message's CPU) would hold the agents' copy back until it
 * ends. A one-millisecond timer fires only after the loop has polled its I/O; a zero-delay one
 * fires before the frames leave (bench/README.md, fourth pass: visitor→agent p50 0.9 ms with none
 * or a zero delay, 0.66 ms with this, against the relay's 0.5). The bot's reply leaves 1 ms later.
 * It costs CPU (the eighth pass: 3.1–3.9× the relay's stored message without it, 4.1–4.2× with),
 * and buys the latency (visitor→agent p50 2.1–2.2× the relay without it, 1.4× with).
 */
const framesWritten = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export interface AheadDeps {
  store: RoomStorage;
  state: DurableObjectState;
  sockets: RawSockets;
  /** Runs the turn's answer through the room (without the owed-turn check: this turn owes no row). */
  answer: (event: RoomEvent) => Promise<unknown>;
}

export class AheadTurns {
  constructor(private readonly deps: AheadDeps) {}

  /** Stores, shows and answers `first`'s message; on a resend of its clientId, returns the stored copy instead. */
  async store(first: Transition, turn: RoomEvent, event: RoomEvent): Promise<StoredMessage | null> {
    const { store, state, sockets } = this.deps;
    const messages = first.effects.flatMap((e) => (e.type === "append" ? [e.message] : []));
    const append = () => {
      store.appendAhead(first.state, messages);
      return 0; // no outside writes
    };
    const stored = commitUnlessResent(append, store, event);
    if (typeof stored !== "number") return stored;
    for (const effect of first.effects) if (effect.type === "broadcast") broadcast(sockets, effect.to, effect.frame);
    await state.blockConcurrencyWhile(async () => {
      await state.storage.sync();
      await framesWritten();
      await this.answer(turn);
    });
    return null;
  }

  /** Answers, in order, the messages stored ahead of a turn that never committed (call with no other event running). */
  async answerUnanalysed(): Promise<void> {
    for (const m of this.deps.store.unanalysed()) await this.answer({ type: "visitor.analyzed", seq: m.seq, text: m.text, hints: null });
  }

  /**
   * A failure is logged, never thrown: inside blockConcurrencyWhile (and onStart) a throw resets
   * the object, and a message whose turn keeps failing would then reset it on every start. The
   * message stays stored and unanswered, and is tried again when the room next starts.
   */
  private async answer(turn: RoomEvent): Promise<void> {
    try {
      await this.deps.answer(turn);
    } catch (error) {
      console.error("the turn of a message stored ahead failed; it is tried again when the room next starts", error);
    }
  }
}
