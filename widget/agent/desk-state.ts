// The desk's view of its project's inbox as a plain value: the cards by handoff id, the last event
// seq applied, and who is available. Pure: the socket feeds frames in, the page reads the value.
// An event at or below the last seq is a repeat and changes nothing; one past a gap asks to resume.
import type { DeskCard, DeskEventFrame, DeskPresenceFrame, DeskServerFrame } from "../../protocol/desk";
import { takesUpdate } from "../../domain/desk/inbox";

export interface DeskState {
  /** False until the first snapshot or replay: the queue is not known yet. */
  loaded: boolean;
  lastSeq: number;
  cards: Readonly<Record<string, DeskCard>>;
  presence: Omit<DeskPresenceFrame, "type"> | null;
}

export const emptyDesk: DeskState = { loaded: false, lastSeq: 0, cards: {}, presence: null };

export interface Applied {
  state: DeskState;
  /** A handoff that just arrived live (to announce and slide in). */
  arrived?: DeskEventFrame;
  /** Events went missing (a seq was skipped): reconnect from `state.lastSeq` to have them replayed. */
  gap?: boolean;
}

export function applyDeskFrame(state: DeskState, frame: DeskServerFrame): Applied {
  switch (frame.type) {
    case "desk.welcome":
      // Resumed: the replay follows and `lastSeq` stands. Otherwise a snapshot replaces everything.
      return { state: frame.resumed ? { ...state, loaded: true } : state };
    case "desk.snapshot":
      return { state: { ...state, loaded: true, lastSeq: frame.seq, cards: Object.fromEntries(frame.cards.map((c) => [c.handoffId, c])) } };
    case "desk.event": {
      if (frame.seq <= state.lastSeq) return { state };
      if (state.loaded && state.lastSeq > 0 && frame.seq > state.lastSeq + 1) return { state, gap: true };
      const current = state.cards[frame.card.handoffId] ?? null;
      const cards = takesUpdate(current, frame.card) ? { ...state.cards, [frame.card.handoffId]: frame.card } : state.cards;
      const next = { ...state, loaded: true, lastSeq: frame.seq, cards };
      return frame.kind === "created" && !current ? { state: next, arrived: frame } : { state: next };
    }
    case "desk.presence":
      return { state: { ...state, presence: { agents: frame.agents, available: frame.available } } };
    default:
      return { state };
  }
}

/** Reads one socket message as a desk frame; null for garbage and unknown types. */
export function readDeskFrame(data: unknown): DeskServerFrame | null {
  if (typeof data !== "string") return null;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const f = v as Record<string, unknown>;
  const seq = (x: unknown) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
  const isCard = (c: unknown) =>
    typeof c === "object" && c !== null && typeof (c as DeskCard).handoffId === "string" && typeof (c as DeskCard).status === "string";
  switch (f.type) {
    case "desk.welcome":
      return seq(f.lastSeq) && typeof f.resumed === "boolean" ? (f as unknown as DeskServerFrame) : null;
    case "desk.snapshot":
      return seq(f.seq) && Array.isArray(f.cards) && f.cards.every(isCard) ? (f as unknown as DeskServerFrame) : null;
    case "desk.event":
      return seq(f.seq) && typeof f.kind === "string" && isCard(f.card) ? (f as unknown as DeskServerFrame) : null;
    case "desk.presence":
      return Array.isArray(f.agents) && typeof f.available === "number" ? (f as unknown as DeskServerFrame) : null;
    case "error":
    case "pong":
      return f as unknown as DeskServerFrame;
    default:
      return null;
  }
}
