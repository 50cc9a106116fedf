// Who is calling: the operator (admin token), a project (its secret key) or an agent (agent token).
// Each resolves a bearer credential by its hash and fails with 401 before any route logic runs; a
// known agent without the role an action needs gets 403 (the rule is domain/handoff/permissions.ts).
import type { Context } from "hono";
import { adminToken } from "../adapters/config";
import { sha256Hex } from "../adapters/crypto";
import { findAgentByTokenHash, findProjectById, findProjectBySecretHash, type Agent, type Project } from "../adapters/db";
import { can, forbiddenMessage, parseRole, type Action } from "../domain/handoff/permissions";
import type { Env } from "./env";
import { ApiError } from "../adapters/errors";

export type AppContext = Context<{ Bindings: Env }>;

function bearer(c: AppContext): string {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new ApiError(401, "unauthorized", "Send `Authorization: Bearer <token>`.");
  return match[1];
}

/** Constant-time comparison of two hex digests. */
function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export async function requireAdmin(c: AppContext): Promise<void> {
  const given = await sha256Hex(bearer(c));
  if (!sameDigest(given, await sha256Hex(adminToken(c.env)))) throw new ApiError(401, "unauthorized", "Invalid admin token.");
}

export async function requireProject(c: AppContext): Promise<Project> {
  const token = bearer(c);
  const project = token.startsWith("sk_") ? await findProjectBySecretHash(c.env.DB, await sha256Hex(token)) : null;
  if (!project) throw new ApiError(401, "unauthorized", "Invalid project secret key.");
  return project;
}

export async function requireAgent(c: AppContext): Promise<Agent> {
  const token = bearer(c);
  const agent = token.startsWith("at_") ? await findAgentByTokenHash(c.env.DB, await sha256Hex(token)) : null;
  if (!agent) throw new ApiError(401, "unauthorized", "Invalid agent token.");
  return agent;
}

/** Who runs a project's settings and agents: the owner with the secret key, or one of its admins. */
export type ProjectAdmin = { project: Project; by: { kind: "owner" } | { kind: "agent"; agent: Agent } };

/**
 * The project's secret key (`sk_…`, the owner's master key), or the agent token (`at_…`) of an agent
 * whose role may take `action` (today: admins). Any other agent is a 403, an unknown token a 401.
 */
export async function requireProjectAdmin(c: AppContext, action: Extract<Action, "manage_settings" | "manage_agents">): Promise<ProjectAdmin> {
  const token = bearer(c);
  if (token.startsWith("sk_")) return { project: await requireProject(c), by: { kind: "owner" } };
  const agent = await requireAgent(c);
  if (!can(parseRole(agent.role), action)) throw new ApiError(403, "forbidden", forbiddenMessage(action));
  const project = await findProjectById(c.env.DB, agent.projectId);
  if (!project) throw new ApiError(401, "unauthorized", "Invalid agent token.");
  return { project, by: { kind: "agent", agent } };
}
