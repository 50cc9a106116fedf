// Who is on the other end of a room socket. The worker verifies the signed token before the
// upgrade and hands the claims over in one internal header; the room reads them here, once, and
// keeps them in the socket's attachment (so they survive hibernation) and tags.
import type { Agent } from "../domain/handoff/handoff-types";
import { parseRole } from "../domain/handoff/permissions";
import type { Role } from "../protocol/frames";

/** Set by the worker on the upgrade request it forwards; the room is reachable only through the worker. */
export const CLAIMS_HEADER = "x-baton-claims";

export interface ForwardedClaims {
  role: Role;
  agentId?: string;
  agentName?: string;
  /** The agent's place on the ladder when the token was issued (what the room lets them do). */
  agentRole?: Agent["role"];
}

/** What a socket carries across hibernation: its role and its agent. (Budgets are the room's, per sender.) */
export interface SocketState {
  role: Role;
  agent?: Agent;
}

/** The claims the worker forwarded, or null when the header is missing or not for a known role. */
export function readClaims(request: Request): ForwardedClaims | null {
  try {
    const claims = JSON.parse(request.headers.get(CLAIMS_HEADER) ?? "null") as Partial<ForwardedClaims> | null;
    if (claims?.role !== "visitor" && claims?.role !== "agent") return null;
    return {
      role: claims.role,
      ...(claims.agentId ? { agentId: claims.agentId } : {}),
      ...(claims.agentName ? { agentName: claims.agentName } : {}),
      ...(claims.role === "agent" ? { agentRole: parseRole(claims.agentRole) } : {}),
    };
  } catch {
    return null;
  }
}

/** The socket's tags: its role, and `agent:<id>` for an agent (so the room can find one agent's sockets). */
export function tagsFor(claims: ForwardedClaims | null): string[] {
  return [claims?.role ?? "visitor", ...(claims?.agentId ? [`agent:${claims.agentId}`] : [])];
}

/** The attachment a newly connected socket starts with. */
export function socketStateFor(claims: ForwardedClaims): SocketState {
  if (claims.role !== "agent") return { role: claims.role };
  return { role: claims.role, agent: { id: claims.agentId ?? "", name: claims.agentName ?? "", role: parseRole(claims.agentRole) } };
}
