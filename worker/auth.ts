// Who is calling: the operator (admin token), a project (its secret key) or an agent (agent token,
// or the session cookie of the agent's browser). Each resolves a credential by its hash and fails
// with 401 before any route logic runs.
import type { Context } from "hono";
import { findProjectById } from "../adapters/agent-sessions";
import { adminToken } from "../adapters/config";
import { sha256Hex } from "../adapters/crypto";
import { findAgentByTokenHash, findProjectBySecretHash, type Agent, type Project } from "../adapters/db";
import type { Env } from "./env";
import { ApiError } from "../adapters/errors";
import { checkSameOrigin, sessionOf } from "./session";

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

/** An agent token (`Authorization: Bearer at_…`) or, without one, the signed-in browser's session cookie. */
export async function requireAgent(c: AppContext): Promise<Agent> {
  if (!c.req.header("authorization")) {
    const signedIn = await sessionOf(c);
    if (signedIn) {
      checkSameOrigin(c);
      return signedIn.agent;
    }
  }
  const token = bearer(c);
  const agent = token.startsWith("at_") ? await findAgentByTokenHash(c.env.DB, await sha256Hex(token)) : null;
  if (!agent) throw new ApiError(401, "unauthorized", "Invalid agent token.");
  return agent;
}

/**
 * Whoever may manage the project: its secret key, or a signed-in agent whose role is "admin" (the
 * settings page). Any other agent gets 403.
 */
export async function requireProjectAdmin(c: AppContext): Promise<{ project: Project; agent: Agent | null }> {
  if (c.req.header("authorization")) return { project: await requireProject(c), agent: null };
  const agent = await requireAgent(c);
  if (agent.role !== "admin") throw new ApiError(403, "forbidden", "Only a project admin may do this.");
  const project = await findProjectById(c.env.DB, agent.projectId);
  if (!project) throw new ApiError(401, "unauthorized", "Unknown project.");
  return { project, agent };
}
