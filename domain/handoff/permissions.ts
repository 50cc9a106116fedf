// Who may do what, in one place: the roles of the human ladder (agent, lead, manager, admin) and
// the actions each one may take. The handoff machine enforces it on every command by the role the
// command's agent carries, so REST, agent sockets, Slack and the desk all get the same answer.
import { ROLES, type Agent, type Role } from "./handoff-types";

/**
 * - claim, reply (as the holder), note, snooze, escalate, open a handoff by hand: every role;
 * - take over, or resolve, a conversation another agent holds: lead, manager, admin;
 * - acknowledge a manager escalation: manager, admin;
 * - change the project's settings and its agents: admin only.
 */
export type Action =
  | "claim"
  | "reply"
  | "note"
  | "snooze"
  | "escalate"
  | "open"
  | "take_over"
  | "resolve_others"
  | "acknowledge"
  | "manage_settings"
  | "manage_agents";

const RANK: Record<Role, number> = { agent: 0, lead: 1, manager: 2, admin: 3 };

/** The lowest role that may take each action. */
const LOWEST: Record<Action, Role> = {
  claim: "agent",
  reply: "agent",
  note: "agent",
  snooze: "agent",
  escalate: "agent",
  open: "agent",
  take_over: "lead",
  resolve_others: "lead",
  acknowledge: "manager",
  manage_settings: "admin",
  manage_agents: "admin",
};

/** A stored or claimed role as one of the four; anything else (missing, misspelt, tampered) is the least: `agent`. */
export function parseRole(value: unknown): Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value) ? (value as Role) : "agent";
}

/** The role a command's agent acts with: commands without a role behave as `agent`. */
export function roleOf(agent: Pick<Agent, "role"> | undefined): Role {
  return parseRole(agent?.role);
}

/** Whether `role` may take `action`. */
export function can(role: Role, action: Action): boolean {
  return RANK[role] >= RANK[LOWEST[action]];
}

/** Whether `role` is at least `other` on the ladder. */
export function atLeast(role: Role, other: Role): boolean {
  return RANK[role] >= RANK[other];
}

/** The words of a refusal: who may do it instead. */
export function forbiddenMessage(action: Action): string {
  const lowest = LOWEST[action];
  const who = lowest === "admin" ? "an admin" : lowest === "manager" ? "a manager or an admin" : "a lead, a manager or an admin";
  const what: Record<Action, string> = {
    claim: "claim",
    reply: "reply",
    note: "add notes",
    snooze: "snooze",
    escalate: "escalate",
    open: "open a handoff",
    take_over: "take over a conversation another agent holds",
    resolve_others: "resolve a conversation another agent holds",
    acknowledge: "acknowledge a manager escalation",
    manage_settings: "change the project's settings",
    manage_agents: "add or change agents",
  };
  return `Only ${who} can ${what[action]}.`;
}
