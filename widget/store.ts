// The visitor's view of one conversation as a plain value: stored messages ordered and
// deduplicated by seq and clientId, and the outbox of messages the room has not yet echoed.
// Pure: no DOM, no socket, no clock, no random ids; callers pass time and ids in.
import type { MessageFrame, Sender } from "../protocol/frames";

/** Kept in step with `MAX_TEXT_LENGTH` in protocol/frames.ts by the type (importing the value would pull zod in). */
export const MAX_TEXT_LENGTH: typeof import("../protocol/frames").MAX_TEXT_LENGTH = 4000;

/** A message written by the visitor that the room has not acknowledged yet. */
export interface Outgoing {
  clientId: string;
  text: string;
  at: string;
  status: "pending" | "failed";
  error?: string;
}

export interface ChatState {
  /** Stored messages, ascending by seq, unique by seq and by clientId. */
  messages: readonly MessageFrame[];
  /** Unacknowledged visitor messages, oldest first. Resent after every (re)connect. */
  outbox: readonly Outgoing[];
  /** The highest seq seen: where a reconnect resumes (`since`). */
  lastSeq: number;
}

export const emptyState: ChatState = { messages: [], outbox: [], lastSeq: 0 };

export type TextCheck = { ok: true; text: string } | { ok: false; reason: "empty" | "too_long" };

/** Applies the room's rule for visitor text (1–MAX_TEXT_LENGTH characters after trimming). */
export function checkText(raw: string): TextCheck {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, reason: "empty" };
  if (text.length > MAX_TEXT_LENGTH) return { ok: false, reason: "too_long" };
  return { ok: true, text };
}

/** Records a stored message from the room; a replay or a second echo changes nothing. */
export function receiveMessage(state: ChatState, message: MessageFrame): ChatState {
  const { seq, clientId } = message;
  const outbox = clientId ? state.outbox.filter((o) => o.clientId !== clientId) : state.outbox;
  const known = state.messages.some((m) => m.seq === seq || (clientId !== undefined && m.clientId === clientId));
  if (known) return outbox.length === state.outbox.length ? state : { ...state, outbox };

  // Frames arrive in order, so this is almost always an append; insert in place otherwise.
  const messages = state.messages.slice();
  let at = messages.length;
  while (at > 0 && messages[at - 1]!.seq > seq) at--;
  messages.splice(at, 0, message);
  return { messages, outbox, lastSeq: Math.max(state.lastSeq, seq) };
}

/** Puts a new visitor message in the outbox; the caller has already passed it through `checkText`. */
export function queueMessage(state: ChatState, message: { clientId: string; text: string; at: string }): ChatState {
  if (state.outbox.some((o) => o.clientId === message.clientId)) return state;
  return { ...state, outbox: [...state.outbox, { ...message, status: "pending" }] };
}

/** The room refused a message (an error frame naming its clientId); it stays visible for a retry. */
export function markFailed(state: ChatState, clientId: string, error: string): ChatState {
  return mapOutgoing(state, clientId, (o) => ({ ...o, status: "failed", error }));
}

/** Puts a failed message back in line to be sent. */
export function retryMessage(state: ChatState, clientId: string): ChatState {
  return mapOutgoing(state, clientId, ({ error: _error, ...o }) => ({ ...o, status: "pending" }));
}

/** What to (re)send now, oldest first. Failed messages wait for the visitor to retry them. */
export function pendingMessages(state: ChatState): Outgoing[] {
  return state.outbox.filter((o) => o.status === "pending");
}

/**
 * Moves to a brand-new conversation (the old one can no longer be opened): its history is gone,
 * but nothing the visitor wrote and the room never stored is lost.
 */
export function startOver(state: ChatState): ChatState {
  return { messages: [], lastSeq: 0, outbox: state.outbox.map(({ error: _error, ...o }) => ({ ...o, status: "pending" })) };
}

/** Bot, agent and system messages the visitor has not seen yet. */
export function countUnread(state: ChatState, readSeq: number): number {
  return state.messages.filter((m) => m.seq > readSeq && m.from !== "visitor").length;
}

/** One row of the message list, keyed so that a pending message keeps its row when it is acknowledged. */
export type ListItem =
  | { key: string; kind: "message"; from: Sender; text: string; at: string; seq: number; author?: string }
  | { key: string; kind: "outgoing"; from: "visitor"; text: string; at: string; status: Outgoing["status"]; error?: string };

/** The message list in display order: stored messages by seq, then the outbox. */
export function listItems(state: ChatState): ListItem[] {
  const items: ListItem[] = state.messages.map((m) => ({
    key: m.clientId ? `c:${m.clientId}` : `s:${m.seq}`,
    kind: "message",
    from: m.from,
    text: m.text,
    at: m.at,
    seq: m.seq,
    ...(m.author ? { author: m.author.name } : {}),
  }));
  for (const o of state.outbox) {
    items.push({ key: `c:${o.clientId}`, kind: "outgoing", from: "visitor", text: o.text, at: o.at, status: o.status, ...(o.error ? { error: o.error } : {}) });
  }
  return items;
}

function mapOutgoing(state: ChatState, clientId: string, update: (o: Outgoing) => Outgoing): ChatState {
  if (!state.outbox.some((o) => o.clientId === clientId)) return state;
  return { ...state, outbox: state.outbox.map((o) => (o.clientId === clientId ? update(o) : o)) };
}
