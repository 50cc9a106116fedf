// What an agent does to a conversation from outside its sockets (the REST API, the ticket desk,
// a Slack thread or modal), as one RPC: `ConversationRoom.act()`. Each act becomes one room event,
// after the checks every surface shares: the handoff named must be this conversation's, and a
// resend of a clientId already stored answers with the handoff and stores nothing.
import type { Agent } from "../domain/handoff/handoff-types";
import type { AgentSurface, CommandOutcome, RoomEvent } from "../domain/room/room-types";
import { authorKey, type RoomStorage } from "./room-storage";

export type AgentAct =
  /** A message to the visitor. `handoffId`: the REST API's, which must hold the handoff (no claim on the way). */
  | { type: "message"; agent: Agent; text: string; clientId: string; handoffId?: string; via?: AgentSurface }
  /** A note for the team, never the visitor. */
  | { type: "note"; agent: Agent; text: string; clientId?: string; via?: AgentSurface }
  /** An answer to the handoff's ticket (emailed to the visitor, stored in the transcript). */
  | { type: "ticket_reply"; agent: Agent; text: string; clientId: string; handoffId: string }
  /** A handoff opened by hand. */
  | { type: "open"; agent: Agent; reason: string };

/** `otherwise` answers an event the room did not take (a resend is answered with the handoff, by the room). */
export type ActPlan = { event: RoomEvent; otherwise: CommandOutcome } | { answer: CommandOutcome };

const NOT_HERE: CommandOutcome = { ok: false, code: "not_found", message: "No such handoff in this conversation." };
const NO_CONVERSATION: CommandOutcome = { ok: false, code: "not_found", message: "No such conversation." };
const CLOSED: CommandOutcome = { ok: false, code: "invalid_transition", message: "This handoff is closed." };

/** The room event an act becomes, or the answer it gets without one. */
export function planAct(store: RoomStorage, act: AgentAct): ActPlan {
  if (act.type === "open") return { event: { type: "handoff.manual", agent: act.agent, reason: act.reason }, otherwise: NO_CONVERSATION };
  const via = "via" in act && act.via ? { via: act.via } : {};
  if (act.type === "note") {
    const clientId = act.clientId ? { clientId: act.clientId } : {};
    return { event: { type: "agent.note", text: act.text, agent: act.agent, ...clientId, ...via }, otherwise: NO_CONVERSATION };
  }
  if (act.handoffId !== undefined) {
    const handoff = store.loadState()?.handoff;
    if (!handoff || handoff.id !== act.handoffId) return { answer: NOT_HERE };
    if (store.findByClientId(authorKey({ from: "agent", author: act.agent }), act.clientId)) return { answer: { ok: true, handoff } };
  }
  if (act.type === "ticket_reply") {
    const command = { type: "ticket_reply", agent: act.agent, text: act.text, clientId: act.clientId } as const;
    return { event: { type: "handoff.command", handoffId: act.handoffId, command }, otherwise: NO_CONVERSATION };
  }
  const requireClaim = act.handoffId !== undefined ? { requireClaim: true } : {};
  return { event: { type: "agent.message", clientId: act.clientId, text: act.text, agent: act.agent, ...requireClaim, ...via }, otherwise: CLOSED };
}
