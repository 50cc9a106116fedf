// What the room sends to its sockets outside a transition: the replay a socket gets when it
// connects (welcome, the transcript since its last seq, the handoff and, for agents, the packet),
// typing indicators (relayed, never stored) and the close every socket gets when the conversation
// is erased. Sockets are tagged by role ("visitor", "agent"), so each send picks its audience.
import type { Connection } from "partyserver";
import { frameOf, handoffFrame, packetFrame, welcomeFrame } from "../domain/room/room-messages";
import type { RoomState } from "../domain/room/room-types";
import { typingRelay } from "../domain/room/typing";
import type { Settings } from "../domain/settings";
import { CloseCode, type Role } from "../protocol/frames";
import type { RoomStorage } from "./room-storage";
import type { SocketState } from "./socket-claims";
import { sendFrame } from "./socket-input";

/** The room's sockets, by role tag (what partyserver's `getConnections` gives). */
export type Sockets = (tag?: Role) => Iterable<Connection>;

/** Everything a socket connecting with `?since=N` must see before any live frame, in order. */
export function replay(connection: Connection, state: RoomState, role: Role, since: number, store: RoomStorage, settings: Settings): void {
  sendFrame(connection, welcomeFrame(state, role, settings));
  for (const message of store.messagesSince(since, role === "agent")) sendFrame(connection, frameOf(message));
  if (state.handoff) sendFrame(connection, handoffFrame(state.handoff));
  if (state.handoff && role === "agent") sendFrame(connection, packetFrame(state.handoff));
}

/** The `since` a connecting socket asks for: the last seq it saw (0, a fresh socket, replays all). */
export function sinceOf(request: Request): number {
  return Math.max(0, Number(new URL(request.url).searchParams.get("since") ?? 0) || 0);
}

/** Relays a typing frame to the other side, if it goes anywhere (see domain/room/typing.ts). */
export function relayTyping(sockets: Sockets, state: RoomState | null, from: SocketState, typing: boolean): void {
  const relay = typingRelay(state, from.role, typing, from.agent);
  if (!relay) return;
  for (const c of sockets(relay.to === "visitor" ? "visitor" : "agent")) sendFrame(c, relay.frame);
}

/** The runtime's own sockets of the room, by tag (`ctx.getWebSockets`). */
export type RawSockets = (tag?: Role) => WebSocket[];

/**
 * The open sockets of a role, counted on the runtime's list: partyserver's iterator, and its entry
 * for every incoming frame, read each socket's attachment back (a structured-clone copy) only to
 * check the socket is one of its own; the room skips both on its hot paths.
 */
export function openCount(sockets: RawSockets, tag: Role): number {
  let open = 0;
  for (const ws of sockets(tag)) if (ws.readyState === WebSocket.READY_STATE_OPEN) open++;
  return open;
}

/**
 * Sends one frame to everyone, or to the agents only; serialized once. It goes to the runtime's
 * sockets directly: partyserver's connection wrappers deserialize each socket's attachment on every
 * iteration, which a broadcast (twice per visitor message) does not need. No `readyState` check
 * either (sampled, it was a third of the broadcast's own time): a send to a socket that is closing
 * throws, and is dropped here, as the relay does.
 */
export function broadcast(sockets: RawSockets, to: "everyone" | "agents", frame: unknown): void {
  const payload = JSON.stringify(frame);
  for (const ws of to === "everyone" ? sockets() : sockets("agent")) {
    try {
      ws.send(payload);
    } catch {
      // closed or closing: it resumes by seq
    }
  }
}

/** Closes every socket of an erased conversation: nothing of it is left to resume. */
export function closeAll(sockets: Sockets): void {
  for (const c of sockets()) c.close(CloseCode.unauthorized, "conversation erased");
}
