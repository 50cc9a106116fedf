// Tickets: the follow-up promises of captured handoffs. Listed and read by the project owner
// (secret key) or any agent of the project (agent token; the desk); answered, closed and reopened
// by an agent. Every action is a command to the conversation's room, which owns the ticket's
// state and its deadline timers; the answer is emailed to the visitor and stored in the transcript.
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import * as z from "zod";
import { findHandoff, findTicket, listTickets, type Agent } from "../../adapters/db";
import { listDeliveries } from "../../adapters/deliveries";
import { ApiError } from "../../adapters/errors";
import { REJECTION_STATUS } from "../../domain/handoff/machine";
import type { CommandOutcome } from "../../domain/room/room-types";
import { MAX_CLIENT_ID_LENGTH, MAX_TEXT_LENGTH } from "../../protocol/frames";
import { requireAgent, requireProject, type AppContext } from "../auth";
import type { Env } from "../env";
import { parseBody, parseQuery } from "../errors";

const schemas = {
  list: z.object({
    status: z.enum(["open", "overdue", "answered", "closed"]).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  reply: z.object({ text: z.string().trim().min(1).max(MAX_TEXT_LENGTH), clientId: z.string().min(1).max(MAX_CLIENT_ID_LENGTH) }).strict(),
  close: z.object({ note: z.string().trim().max(MAX_TEXT_LENGTH).optional() }).strict(),
};

/** The owner (secret key) or an agent (agent token, or whatever session `requireAgent` accepts). */
async function projectOf(c: AppContext): Promise<string> {
  if (/^Bearer\s+sk_/i.test(c.req.header("authorization") ?? "")) return (await requireProject(c)).id;
  return (await requireAgent(c)).projectId;
}

async function ticketOf(c: AppContext, projectId: string) {
  const ticket = await findTicket(c.env.DB, projectId, c.req.param("id") ?? "", new Date());
  if (!ticket) throw new ApiError(404, "not_found", "No such ticket in your project.");
  return { ticket, room: await getServerByName(c.env.ConversationRoom, ticket.conversationId) };
}

/** The room's answer as HTTP: the ticket as stored after the command, or the rejection's status and code. */
async function respond(c: AppContext, agent: Agent, outcome: CommandOutcome) {
  if (!outcome.ok) {
    if (outcome.code === "not_found") throw new ApiError(404, "not_found", outcome.message);
    throw new ApiError(REJECTION_STATUS[outcome.code], outcome.code, outcome.message);
  }
  const ticket = await findTicket(c.env.DB, agent.projectId, c.req.param("id") ?? "", new Date());
  return c.json({ ticket });
}

export const ticketRoutes = new Hono<{ Bindings: Env }>()
  .get("/tickets", async (c) => {
    const projectId = await projectOf(c);
    const { status, limit } = parseQuery(schemas.list, c.req.query());
    return c.json({ tickets: await listTickets(c.env.DB, projectId, status, limit, new Date()) });
  })
  .get("/tickets/:id", async (c) => {
    const projectId = await projectOf(c);
    const { ticket, room } = await ticketOf(c, projectId);
    const [handoff, transcript, deliveries] = await Promise.all([
      findHandoff(c.env.DB, projectId, ticket.handoffId),
      room.transcript(),
      listDeliveries(c.env.DB, projectId, ticket.handoffId),
    ]);
    return c.json({ ticket, handoff, transcript, deliveries });
  })
  .post("/tickets/:id/reply", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.reply);
    const { ticket, room } = await ticketOf(c, agent.projectId);
    return respond(
      c,
      agent,
      await room.act({
        type: "ticket_reply",
        handoffId: ticket.handoffId,
        agent: { id: agent.id, name: agent.name },
        text: body.text,
        clientId: body.clientId,
      }),
    );
  })
  .post("/tickets/:id/close", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.close);
    const { ticket, room } = await ticketOf(c, agent.projectId);
    const note = body.note ? { note: body.note } : {};
    return respond(c, agent, await room.command(ticket.handoffId, { type: "ticket_close", agent: { id: agent.id, name: agent.name }, ...note }));
  })
  .post("/tickets/:id/reopen", async (c) => {
    const agent = await requireAgent(c);
    const { ticket, room } = await ticketOf(c, agent.projectId);
    return respond(c, agent, await room.command(ticket.handoffId, { type: "ticket_reopen", agent: { id: agent.id, name: agent.name } }));
  });
