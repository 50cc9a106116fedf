// The team desk over HTTP and WebSocket (agent token or session cookie, scoped to the agent's
// project): the live socket of the project's inbox, the queue as JSON, and what the agent's pages
// need from the settings (reply templates, SLA targets) without being a project admin.
import { Hono } from "hono";
import { ApiError } from "../../adapters/errors";
import { DESK_CLAIMS_HEADER } from "../../durable-objects/project-inbox";
import { requireAgent } from "../auth";
import { findProjectById } from "../../adapters/db";
import type { Env } from "../env";

export const deskRoutes = new Hono<{ Bindings: Env }>()
  .get("/desk/socket", async (c) => {
    const agent = await requireAgent(c);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only.");
    const since = c.req.query("since");
    if (since !== undefined && !/^\d{1,15}$/.test(since)) throw new ApiError(400, "invalid_since", "since must be a non-negative integer.");
    const status = c.req.query("status");
    if (status !== undefined && status !== "available" && status !== "away") throw new ApiError(400, "invalid_status", 'status is "available" or "away".');
    const headers = new Headers(c.req.raw.headers);
    headers.set(DESK_CLAIMS_HEADER, JSON.stringify({ agentId: agent.id, agentName: agent.name }));
    return c.env.ProjectInbox.getByName(agent.projectId).fetch(new Request(c.req.raw, { headers }));
  })
  .get("/desk", async (c) => {
    const agent = await requireAgent(c);
    return c.json(await c.env.ProjectInbox.getByName(agent.projectId).snapshot());
  })
  .get("/desk/config", async (c) => {
    const agent = await requireAgent(c);
    const project = await findProjectById(c.env.DB, agent.projectId);
    if (!project) throw new ApiError(404, "not_found", "Unknown project.");
    const { replyTemplates, slaMinutes, botName } = project.settings;
    return c.json({
      agent: { id: agent.id, name: agent.name, role: agent.role },
      project: { id: project.id, name: project.name },
      botName,
      replyTemplates,
      slaMinutes,
    });
  });
