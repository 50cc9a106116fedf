// Who is calling: the operator (admin token), a project (its secret key) or an agent (agent token,
// or the session cookie of the agent's browser).
// Each resolves a bearer credential by its hash and fails with 401 before any route logic runs;
// every attempt spends the caller address's budget first, every success the caller's own; a known
// agent without the role an action needs gets 403 (the rule is domain/handoff/permissions.ts). The
// demo project's published keys work only in development.
import type { Context } from "hono";
import { adminToken, isRefusedDevKey } from "../adapters/config";
import { sameSecret, sha256Hex } from "../adapters/crypto";
import { findAgentByTokenHash, findProjectById, findProjectBySecretHash, type Agent, type Project } from "../adapters/db";
import { clientAddress, spend } from "../adapters/rate-limits";
import { can, forbiddenMessage, parseRole, type Action } from "../domain/handoff/permissions";
import type { Env } from "./env";
import { ApiError } from "../adapters/errors";
import { checkSameOrigin, sessionOf } from "./session";

export type AppContext = Context<{ Bindings: Env }>;

function bearer(c: AppContext): string {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
  if (!match?.[1]) throw new ApiError(401, "unauthorized", "Send `Authorization: Bearer <token>`.");
  return match[1];
}

/** Spends the caller address's budget: every authenticated route and socket upgrade pays it, credential or not. */
export const spendAddressBudget = (c: AppContext) => spend(c.env, "API_PER_IP", clientAddress(c.req.raw.headers), "requests from this address");

export async function requireAdmin(c: AppContext): Promise<void> {
  await spendAddressBudget(c);
  const expected = await sha256Hex(adminToken(c.env));
  if (!sameSecret(await sha256Hex(bearer(c)), expected)) throw new ApiError(401, "unauthorized", "Invalid admin token.");
  // The operator has one token; counted per address so that a leaked one is bounded where it is used.
  await spend(c.env, "API_PER_CALLER", `admin:${clientAddress(c.req.raw.headers)}`, "admin requests");
}

export async function requireProject(c: AppContext): Promise<Project> {
  await spendAddressBudget(c);
  const token = bearer(c);
  const project = token.startsWith("sk_") && !isRefusedDevKey(c.env, token) ? await findProjectBySecretHash(c.env.DB, await sha256Hex(token)) : null;
  if (!project) throw new ApiError(401, "unauthorized", "Invalid project secret key.");
  await spend(c.env, "API_PER_CALLER", `project:${project.id}`, "requests with this secret key");
  return project;
}

/** An agent token (`Authorization: Bearer at_…`) or, without one, the signed-in browser's session cookie. */
export async function requireAgent(c: AppContext): Promise<Agent> {
  await spendAddressBudget(c);
  if (!c.req.header("authorization")) {
    const signedIn = await sessionOf(c);
    if (signedIn) {
      checkSameOrigin(c);
      await spend(c.env, "API_PER_CALLER", `agent:${signedIn.agent.id}`, "requests from this agent");
      return signedIn.agent;
    }
  }
  const token = bearer(c);
  const agent = token.startsWith("at_") && !isRefusedDevKey(c.env, token) ? await findAgentByTokenHash(c.env.DB, await sha256Hex(token)) : null;
  if (!agent) throw new ApiError(401, "unauthorized", "Invalid, revoked or expired agent token.");
  await spend(c.env, "API_PER_CALLER", `agent:${agent.id}`, "requests with this agent token");
  return agent;
}

/** Who runs a project's settings and agents: the owner with the secret key, or one of its admins. */
export type ProjectAdmin = { project: Project; by: { kind: "owner" } | { kind: "agent"; agent: Agent }; agent: Agent | null };

/**
 * The project's secret key (`sk_…`, the owner's master key), or an agent (token `at_…` or the
 * desk's session) whose role may take `action` (today: admins). Any other agent is a 403, an
 * unknown credential a 401.
 */
export async function requireProjectAdmin(
  c: AppContext,
  action: Extract<Action, "manage_settings" | "manage_agents"> = "manage_settings",
): Promise<ProjectAdmin> {
  if (/^Bearer\s+sk_/i.test(c.req.header("authorization") ?? "")) return { project: await requireProject(c), by: { kind: "owner" }, agent: null };
  const agent = await requireAgent(c);
  if (!can(parseRole(agent.role), action)) throw new ApiError(403, "forbidden", forbiddenMessage(action));
  const project = await findProjectById(c.env.DB, agent.projectId);
  if (!project) throw new ApiError(401, "unauthorized", "Invalid agent token.");
  return { project, by: { kind: "agent", agent }, agent };
}
