// A visitor message stored ahead of its rules turn (domain/room/inline-turns.ts turnAfterAppend):
// its first step (store and show it) is written without the state and broadcast, and the event
// ends there, so the runtime commits it as it does any event's writes and then releases the echo
// and the agents' copy (its output gate holds a frame until the writes before it are durable).
// The turn runs 1 ms later, once those frames are written; until it has, no later event of the
// room reaches a transition (`pending`: the room waits for it), so turns are answered in order,
// each before anything else happens. A room that died in between finds the message after its
// state's analysedSeq (RoomStorage.unanalysed) and answers it when it starts, or on a resend of
// its clientId.
import type { RoomEvent, Transition } from "../domain/room/room-types";
import type { Settings } from "../domain/settings";
import type { StoredMessage } from "../domain/transcript";
import { broadcast, type RawSockets } from "./room-sockets";
import type { RoomStorage } from "./room-storage";
import { commitUnlessResent } from "./socket-input";

/**
 * Resolves once the runtime has written the frames the first step's commit released. workerd writes
 * a socket's frames from its event loop, on the object's one thread, so a turn run straight after it
 * (its detectors are most of a visitor message's CPU) would hold the agents' copy back until it
 * ends. A one-millisecond timer fires only after the loop has polled its I/O; a zero-delay one
 * fires before the frames leave (bench/README.md, fourth pass: visitor→agent p50 0.9 ms with none
 * or a zero delay, 0.66 ms with this, against the relay's 0.5). The bot's reply leaves 1 ms later.
 * It costs CPU and buys the latency (the eighth pass, measured with the first step's old explicit
 * sync: CPU per visitor message 3.1–3.9× the relay's without it, 4.1–4.2× with; visitor→agent p50
 * 2.1–2.2× the relay's without it, 1.4× with).
 */
const framesWritten = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export interface AheadDeps {
  store: RoomStorage;
  sockets: RawSockets;
  /** Runs the turn's answer through the room (without the owed-turn check: this turn owes no row), with its message's settings when known. */
  answer: (event: RoomEvent, settings?: Settings) => Promise<unknown>;
}

export class AheadTurns {
  /** The turn of the last message stored ahead, until it has run (its failure is logged, never thrown). */
  pending: Promise<void> | null = null;

  constructor(private readonly deps: AheadDeps) {}

  /** Resolves once no turn of a message stored ahead is left to run (each later one waits too). */
  async settled(): Promise<void> {
    while (this.pending) await this.pending;
  }

  /**
   * Stores and shows `first`'s message and schedules its turn, decided on the same `settings` (a
   * refresh that lands in between serves the next message); on a resend of its clientId, returns the stored copy instead.
   */
  store(first: Transition, turn: RoomEvent, event: RoomEvent, settings: Settings): StoredMessage | null {
    const { store, sockets } = this.deps;
    const messages = first.effects.flatMap((e) => (e.type === "append" ? [e.message] : []));
    const append = () => {
      store.appendAhead(first.state, messages);
      return 0; // no outside writes
    };
    const stored = commitUnlessResent(append, store, event);
    if (typeof stored !== "number") return stored;
    for (const effect of first.effects) if (effect.type === "broadcast") broadcast(sockets, effect.to, effect.frame);
    const answered: Promise<void> = framesWritten()
      .then(() => this.answer(turn, settings))
      .finally(() => {
        if (this.pending === answered) this.pending = null;
      });
    this.pending = answered;
    return null;
  }

  /** Answers, in order, the messages stored ahead of a turn that never committed (call with no other event running). */
  async answerUnanalysed(): Promise<void> {
    for (const m of this.deps.store.unanalysed()) await this.answer({ type: "visitor.analyzed", seq: m.seq, text: m.text, hints: null });
  }

  /**
   * A failure is logged, never thrown: in onStart (and in a resend's blockConcurrencyWhile) a throw
   * resets the object, so a message whose turn keeps failing would reset it on every start, and
   * from the timer nothing is left to catch it. The message stays stored and unanswered, and is
   * tried again when the room next starts.
   */
  private async answer(turn: RoomEvent, settings?: Settings): Promise<void> {
    try {
      await this.deps.answer(turn, settings);
    } catch (error) {
      console.error("the turn of a message stored ahead failed; it is tried again when the room next starts", error);
    }
  }
}
