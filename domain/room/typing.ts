// Typing indicators between the visitor and the agent who owns the conversation: relayed at once,
// never stored. The visitor's go to the agents' sockets; an agent's reach the visitor only while
// that agent holds the handoff (anyone else could not write to them anyway). Pure.
import type { TypingFrame } from "../../protocol/frames";
import type { Author } from "../transcript";
import type { RoomState } from "./room-types";

export interface TypingRelay {
  to: "visitor" | "agents";
  frame: TypingFrame;
}

/** Where a typing frame from this socket goes, or null when it goes nowhere. */
export function typingRelay(state: RoomState | null, from: "visitor" | "agent", typing: boolean, agent?: Author): TypingRelay | null {
  if (!state) return null;
  if (from === "visitor") return { to: "agents", frame: { type: "typing", from: "visitor", typing } };
  const handoff = state.handoff;
  const owns = handoff && (handoff.status === "claimed" || handoff.status === "active") && handoff.claimedBy?.id === agent?.id;
  if (!owns || !agent) return null;
  return { to: "visitor", frame: { type: "typing", from: "agent", typing, author: { id: agent.id, name: agent.name } } };
}
