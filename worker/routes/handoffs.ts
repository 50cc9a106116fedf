// Handoffs as agents read them (agent token, scoped to the agent's project: another project's
// handoff is a 404), and the dev outbox of notifications (project secret key).
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import * as z from "zod";
import { HANDOFF_STATUSES } from "../../protocol/jobs";
import { requireAgent, requireProject } from "../auth";
import { findHandoff, listHandoffs, listNotifications } from "../../adapters/db";
import { listDeliveries } from "../../adapters/deliveries";
import type { Env } from "../env";
import { ApiError } from "../../adapters/errors";
import { parseQuery } from "../errors";

/** Besides one status: "unclaimed" (pending or notified: a handoff is notified about a second after it opens) and "open". */
const STATUS_GROUPS: Record<string, readonly string[]> = {
  unclaimed: ["pending", "notified"],
  open: ["pending", "notified", "claimed", "active"],
};

const listQuery = z.object({
  status: z.enum([...HANDOFF_STATUSES, "unclaimed", "open"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const handoffRoutes = new Hono<{ Bindings: Env }>()
  .get("/handoffs", async (c) => {
    const agent = await requireAgent(c);
    const { status, limit } = parseQuery(listQuery, c.req.query());
    return c.json({ handoffs: await listHandoffs(c.env.DB, agent.projectId, status ? (STATUS_GROUPS[status] ?? [status]) : undefined, limit) });
  })
  .get("/handoffs/:id", async (c) => {
    const agent = await requireAgent(c);
    const handoff = await findHandoff(c.env.DB, agent.projectId, c.req.param("id"));
    if (!handoff) throw new ApiError(404, "not_found", "No such handoff in your project.");
    const room = await getServerByName(c.env.ConversationRoom, handoff.conversationId);
    const [transcript, deliveries] = await Promise.all([room.transcript(), listDeliveries(c.env.DB, agent.projectId, handoff.id)]);
    return c.json({ handoff, transcript, deliveries });
  })
  .get("/notifications", async (c) => {
    const project = await requireProject(c);
    const { limit, channel } = parseQuery(listQuery.pick({ limit: true }).extend({ channel: z.enum(["outbox", "email"]).optional() }), c.req.query());
    return c.json({ notifications: await listNotifications(c.env.DB, project.id, limit, channel) });
  });
