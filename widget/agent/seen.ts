// Which queue cards an agent has opened or claimed, remembered per agent in this browser across
// reloads (at most 200, the most recent): a card not in the set shows an unread dot.
const MAX = 200;
const key = (agentId: string) => `baton:desk-seen:${agentId}`;

export function loadSeen(agentId: string): string[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(key(agentId)) ?? "[]");
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === "string").slice(-MAX) : [];
  } catch {
    return [];
  }
}

/** Adds `handoffId` (most recent last) and returns the new list. */
export function markSeen(agentId: string, handoffId: string): string[] {
  const next = [...loadSeen(agentId).filter((id) => id !== handoffId), handoffId].slice(-MAX);
  try {
    localStorage.setItem(key(agentId), JSON.stringify(next));
  } catch {
    // storage full or disabled: the dot simply comes back after a reload
  }
  return next;
}
