// What a socket's raw frame becomes before the room acts on it: admitted by its sender's budget
// (one token bucket per sender and conversation, kept in the room, shared by all of that sender's
// sockets) and decoded, then turned into a room event; and a rejected outcome back into an error frame.
import type { RoomEvent } from "../domain/room/room-types";
import type { CommandOutcome } from "../domain/room/room-types";
import type { Agent } from "../domain/handoff/handoff-types";
import type { StoredMessage } from "../domain/transcript";
import type { Connection, WSMessage } from "partyserver";
import { takeToken, worthSaving, type Bucket, type RateLimit } from "../domain/room/rate-limit";
import { CloseCode, decodeClientFrame, type ClientFrame, type ErrorFrame, type RoomFrame } from "../protocol/frames";
import type { SocketState } from "./socket-claims";
import { authorKey, DuplicateClientId, type RoomStorage } from "./room-storage";

export type MessageFrameIn = Exclude<ClientFrame, { type: "ping" | "visitor.typing" | "agent.typing" }>;

/**
 * A raw frame, admitted and decoded: a refusal (rate limit, bad frame) is answered here, a ping is
 * ponged, a typing frame goes to `relay`; what is left is a message the room must act on, or null.
 */
export function receiveFrame(
  connection: Connection,
  socket: SocketState,
  raw: WSMessage,
  room: { store: RoomStorage; limit: RateLimit; relay: (typing: boolean) => void },
): MessageFrameIn | null {
  // The budget is the sender's in this conversation, shared by all their sockets: a new socket does not reset it.
  const admitted = admitFrame(room.store, socket, raw, Date.now(), room.limit);
  if (!admitted.ok) {
    sendFrame(connection, admitted.error);
    if (admitted.close) connection.close(admitted.close.code, admitted.close.reason);
    return null;
  }
  const frame = admitted.frame;
  if (frame.type === "ping") sendFrame(connection, { type: "pong" });
  else if (frame.type === "visitor.typing" || frame.type === "agent.typing")
    room.relay(frame.typing); // relayed, never stored
  else return frame;
  return null;
}

/** The room event for a visitor or agent frame (`agent` is the socket's verified agent). */
export function eventForFrame(frame: MessageFrameIn, agent: Agent | undefined): RoomEvent {
  switch (frame.type) {
    case "visitor.message":
      return { type: "visitor.message", clientId: frame.clientId, text: frame.text };
    case "agent.message":
      return { type: "agent.message", clientId: frame.clientId, text: frame.text, agent: agent ?? { id: "", name: "" } };
    case "agent.note":
      return { type: "agent.note", text: frame.text, agent: agent ?? { id: "", name: "" }, ...(frame.clientId ? { clientId: frame.clientId } : {}) };
  }
}

/** The error frame that answers a rejected command, or null when it was accepted. */
export function rejectionFrame(outcome: CommandOutcome | undefined, clientId: string | undefined): ErrorFrame | null {
  if (!outcome || outcome.ok) return null;
  const code = outcome.code === "not_claimer" || outcome.code === "already_claimed" || outcome.code === "forbidden" ? outcome.code : "invalid_transition";
  return { type: "error", code, message: outcome.message, ...(clientId ? { clientId } : {}) };
}

export type Admission =
  | { ok: true; bucket: Bucket; frame: ClientFrame }
  | { ok: false; bucket: Bucket; error: ErrorFrame; close?: { code: number; reason: string } };

/** Whose budget a socket's frames spend: the visitor's (all their sockets together), or one agent's. */
export function senderOf(socket: SocketState): string {
  return socket.role === "agent" ? `agent:${socket.agent?.id ?? ""}` : "visitor";
}

/**
 * The sender's token bucket (read from and written back to the room's storage), then the frame's
 * decoding: what a raw frame from `socket` becomes.
 */
export function admitFrame(store: RoomStorage, socket: SocketState, raw: WSMessage, now: number, limit: RateLimit): Admission {
  const sender = senderOf(socket);
  const taken = takeToken(store.readBudget(sender), now, limit);
  store.writeBudget(sender, taken.bucket, worthSaving(taken, limit));
  if (!taken.allowed) {
    const error: ErrorFrame = { type: "error", code: "rate_limited", message: "Too many messages; slow down." };
    return { ok: false, bucket: taken.bucket, error, ...(taken.abusive ? { close: { code: CloseCode.abusive, reason: "rate limit exceeded" } } : {}) };
  }
  const decoded = decodeClientFrame(socket.role, raw);
  if (decoded.ok) return { ok: true, bucket: taken.bucket, frame: decoded.frame };
  const { code, message, clientId } = decoded;
  return { ok: false, bucket: taken.bucket, error: { type: "error", code, message, ...(clientId ? { clientId } : {}) } };
}

/** Sends to one socket; a socket that closed meanwhile just misses it (it resumes by seq). */
export function sendFrame(connection: Connection, frame: RoomFrame | string): void {
  try {
    connection.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  } catch {
    // closed between our read of the connection list and this send
  }
}

/** Refuses a visitor socket beyond the conversation's cap with an error frame and a close; true when it did. */
export function refuseExtraSocket(connection: Connection, openVisitorSockets: number, max: number): boolean {
  if (openVisitorSockets <= max) return false;
  sendFrame(connection, { type: "error", code: "too_many_sockets", message: `A conversation holds at most ${max} visitor sockets at once.` });
  connection.close(CloseCode.tooManySockets, "too many sockets");
  return true;
}

/** The answer to a valid frame the room failed to process: the client may resend it (same clientId). */
export function internalError(clientId: string | undefined): ErrorFrame {
  return { type: "error", code: "internal", message: "The message could not be processed; please resend it.", ...(clientId ? { clientId } : {}) };
}

/** The message already stored under this event's clientId (a resend), if any. */
export function storedCopy(store: RoomStorage, event: RoomEvent): StoredMessage | null {
  if (event.type !== "visitor.message" && event.type !== "agent.message" && event.type !== "agent.note") return null;
  if (event.clientId === undefined) return null;
  const author = event.type === "visitor.message" ? {} : { author: event.agent };
  return store.findByClientId(authorKey({ from: event.type === "visitor.message" ? "visitor" : "agent", ...author }), event.clientId);
}

/**
 * Runs `commit`, or, when the transcript's unique (author, clientId) index refuses one of its
 * messages (a resend; the commit rolled back whole), returns the stored copy it collided with.
 */
export function commitUnlessResent(commit: () => number, store: RoomStorage, event: RoomEvent): number | StoredMessage {
  try {
    return commit();
  } catch (error) {
    const stored = error instanceof DuplicateClientId ? storedCopy(store, event) : null;
    if (!stored) throw error;
    return stored;
  }
}
