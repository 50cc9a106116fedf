// Who the caller is, and the project's agents as an admin manages them (the project secret key, or
// a signed-in agent with role "admin"): list, change a role, revoke, and mint a sign-in link.
// Any agent lists and revokes its own browser sessions.
import { Hono } from "hono";
import * as z from "zod";
import { disableAgent, findActiveAgent, listAgents, listSessions, revokeAgentSessions, revokeSession } from "../../adapters/agent-sessions";
import { ApiError } from "../../adapters/errors";
import { isSafeNext, SIGN_IN_TTL_SECONDS, signInUrl } from "../../adapters/sign-in-links";
import { requireAgent, requireProjectAdmin } from "../auth";
import { findProjectById } from "../../adapters/db";
import type { Env } from "../env";
import { parseBody } from "../errors";
import { sessionOf } from "../session";

export const AGENT_ROLES = ["agent", "lead", "manager", "admin"] as const;
/** The longest a minted link may live: a week (an invitation by email), 15 minutes by default. */
const MAX_LINK_TTL_SECONDS = 7 * 24 * 3600;

const linkBody = z
  .object({
    next: z.string().max(200).refine(isSafeNext, "must be /desk, /settings or /agent/handoffs/<id>").default("/desk"),
    ttlSeconds: z.int().min(60).max(MAX_LINK_TTL_SECONDS).default(SIGN_IN_TTL_SECONDS),
  })
  .strict();

const _agentPatch = z.object({ role: z.enum(AGENT_ROLES) }).strict();
const agentId = (id: string | undefined) => id ?? "";

export const agentRoutes = new Hono<{ Bindings: Env }>()
  .get("/me", async (c) => {
    const agent = await requireAgent(c);
    const project = await findProjectById(c.env.DB, agent.projectId);
    return c.json({
      agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role },
      project: { id: agent.projectId, name: project?.name ?? "" },
    });
  })
  .get("/agents", async (c) => {
    const { project } = await requireProjectAdmin(c);
    return c.json({ agents: await listAgents(c.env.DB, project.id, new Date()) });
  })
  .delete("/agents/:id", async (c) => {
    const { project, agent: caller } = await requireProjectAdmin(c);
    const id = agentId(c.req.param("id"));
    if (caller?.id === id) throw new ApiError(409, "self_revoke", "You cannot revoke yourself.");
    const now = new Date();
    if (!(await disableAgent(c.env.DB, project.id, id, now))) throw new ApiError(404, "not_found", "No such active agent in your project.");
    return c.json({ revoked: true, agentId: id, revokedAt: now.toISOString() });
  })
  .post("/agents/:id/sign-in-link", async (c) => {
    const { project } = await requireProjectAdmin(c);
    const body = await parseBody(c, linkBody);
    const agent = await findActiveAgent(c.env.DB, project.id, agentId(c.req.param("id")));
    if (!agent) throw new ApiError(404, "not_found", "No such agent in your project.");
    const now = Math.floor(Date.now() / 1000);
    const url = await signInUrl(
      c.env,
      { agentId: agent.id, projectId: project.id, next: body.next, ttlSeconds: body.ttlSeconds },
      now,
      new URL(c.req.url).origin,
    );
    return c.json({ url, expiresAt: new Date((now + body.ttlSeconds) * 1000).toISOString() }, 201);
  })
  .get("/agents/:id/sessions", async (c) => {
    const { project } = await requireProjectAdmin(c);
    return c.json({ sessions: await listSessions(c.env.DB, project.id, agentId(c.req.param("id")), new Date()) });
  })
  .delete("/agents/:id/sessions", async (c) => {
    const { project } = await requireProjectAdmin(c);
    return c.json({ revoked: await revokeAgentSessions(c.env.DB, project.id, agentId(c.req.param("id")), new Date()) });
  })
  .get("/sessions", async (c) => {
    const agent = await requireAgent(c);
    const current = await sessionOf(c);
    const sessions = await listSessions(c.env.DB, agent.projectId, agent.id, new Date());
    return c.json({ sessions: sessions.map((s) => ({ ...s, current: s.id === current?.session.id })) });
  })
  .delete("/sessions/:id", async (c) => {
    const agent = await requireAgent(c);
    if (!(await revokeSession(c.env.DB, agent.projectId, c.req.param("id"), new Date(), agent.id))) {
      throw new ApiError(404, "not_found", "No such live session of yours.");
    }
    return c.json({ revoked: true });
  });
