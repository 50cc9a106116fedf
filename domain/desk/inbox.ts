// The project inbox's rules: which published change a card takes (never an older one over a newer),
// how long closed cards stay on the desk, and who counts as available. Pure; ProjectInbox stores.
import type { DeskAgentPresence, DeskCard, PresenceStatus } from "../../protocol/desk";

/** Closed cards stay this long, so "resolved today" holds in every time zone. */
export const CLOSED_RETENTION_MS = 36 * 3600_000;
/** Events kept for desks that resume after a drop; an older `since` gets a snapshot instead. */
export const EVENT_RETENTION = 2000;

/** Whether `incoming` replaces `current`: rooms publish in order, so only a stale redelivery is older. */
export function takesUpdate(current: DeskCard | null, incoming: DeskCard): boolean {
  return !current || incoming.updatedAt >= current.updatedAt;
}

const CLOSED = new Set<DeskCard["status"]>(["resolved", "abandoned", "converted_to_ticket"]);

/** When a closed card leaves the inbox (null while it is open). */
export function closedSince(card: DeskCard): string | null {
  return CLOSED.has(card.status) ? (card.resolvedAt ?? card.updatedAt) : null;
}

export interface DeskSocketPresence {
  agentId: string;
  name: string;
  status: PresenceStatus;
}

/** Every agent with a desk open, available when any of their desks is; sorted by name. */
export function presenceOf(sockets: readonly DeskSocketPresence[]): { agents: DeskAgentPresence[]; available: number } {
  const byAgent = new Map<string, DeskAgentPresence>();
  for (const s of sockets) {
    const known = byAgent.get(s.agentId);
    if (!known) byAgent.set(s.agentId, { id: s.agentId, name: s.name, status: s.status });
    else if (s.status === "available") known.status = "available";
  }
  const agents = [...byAgent.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { agents, available: agents.filter((a) => a.status === "available").length };
}
