// What a socket's raw frame becomes before the room acts on it: admitted by the socket's token
// bucket and decoded, then turned into a room event; and a rejected outcome back into an error frame.
import type { RoomEvent } from "../domain/room/room-types";
import type { CommandOutcome } from "../domain/room/room-types";
import type { Author } from "../domain/transcript";
import type { WSMessage } from "partyserver";
import { takeToken, type Bucket, type RateLimit } from "../domain/room/rate-limit";
import { CloseCode, decodeClientFrame, type ClientFrame, type ErrorFrame } from "../protocol/frames";
import { authorKey, type RoomStorage } from "./room-storage";
import type { SocketState } from "./socket-claims";
import type { StoredMessage } from "../domain/transcript";

type MessageFrameIn = Exclude<ClientFrame, { type: "ping" | "visitor.typing" | "agent.typing" }>;

/** The room event for a visitor or agent frame (`agent` is the socket's verified agent). */
export function eventForFrame(frame: MessageFrameIn, agent: Author | undefined): RoomEvent {
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
  const code = outcome.code === "not_claimer" || outcome.code === "already_claimed" ? outcome.code : "invalid_transition";
  return { type: "error", code, message: outcome.message, ...(clientId ? { clientId } : {}) };
}

export type Admission =
  | { ok: true; bucket: Bucket; frame: ClientFrame }
  | { ok: false; bucket: Bucket; error: ErrorFrame; close?: { code: number; reason: string } };

/** The socket's token bucket, then the frame's decoding: what a raw frame from `socket` becomes. */
export function admitFrame(socket: SocketState, raw: WSMessage, now: number, limit: RateLimit): Admission {
  const taken = takeToken(socket.bucket, now, limit);
  if (!taken.allowed) {
    const error: ErrorFrame = { type: "error", code: "rate_limited", message: "Too many messages; slow down." };
    return { ok: false, bucket: taken.bucket, error, ...(taken.abusive ? { close: { code: CloseCode.abusive, reason: "rate limit exceeded" } } : {}) };
  }
  const decoded = decodeClientFrame(socket.role, raw);
  if (decoded.ok) return { ok: true, bucket: taken.bucket, frame: decoded.frame };
  const { code, message, clientId } = decoded;
  return { ok: false, bucket: taken.bucket, error: { type: "error", code, message, ...(clientId ? { clientId } : {}) } };
}

/** The message already stored under this event's clientId (a resend), or null. */
export function storedCopy(store: RoomStorage, event: RoomEvent): StoredMessage | null {
  if (event.type !== "visitor.message" && event.type !== "agent.message" && event.type !== "agent.note") return null;
  if (event.clientId === undefined) return null;
  const author = event.type === "visitor.message" ? {} : { author: event.agent };
  return store.findByClientId(authorKey({ from: event.type === "visitor.message" ? "visitor" : "agent", ...author }), event.clientId);
}
