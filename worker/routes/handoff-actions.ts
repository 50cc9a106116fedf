// What agents do to a handoff over HTTP (agent token, project-scoped: another project's handoff is
// a 404). Every action is a command to the conversation's room, the single writer: it decides,
// writes the audit row first, and answers; two simultaneous claims can never both win.
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import { z } from "zod";
import { REJECTION_STATUS, SNOOZE_MINUTES, suggestEscalationLevel, type HandoffCommand } from "../../domain/handoff-machine";
import type { CommandOutcome } from "../../domain/room-lifecycle";
import { MAX_CLIENT_ID_LENGTH, MAX_TEXT_LENGTH } from "../../protocol/frames";
import { requireAgent, type AppContext } from "../auth";
import { findConversation, findHandoff, type Agent } from "../db";
import type { Env } from "../env";
import { ApiError, parseBody } from "../errors";

const text = z.string().trim().min(1).max(MAX_TEXT_LENGTH);
const schemas = {
  manual: z.object({ conversationId: z.string().min(1).max(100), reason: z.string().trim().min(1).max(500) }).strict(),
  message: z.object({ text, clientId: z.string().min(1).max(MAX_CLIENT_ID_LENGTH) }).strict(),
  resolve: z.object({ notes: z.string().trim().max(MAX_TEXT_LENGTH).optional(), handBackToBot: z.boolean().optional() }).strict(),
  snooze: z.object({ minutes: z.union(SNOOZE_MINUTES.map((m) => z.literal(m)) as [z.ZodLiteral<5>, z.ZodLiteral<15>, z.ZodLiteral<30>]) }).strict(),
  escalate: z.object({ level: z.enum(["lead", "manager"]), note: z.string().trim().min(1).max(MAX_TEXT_LENGTH) }).strict(),
  note: z.object({ text }).strict(),
};

/** The handoff's answer as HTTP: 200 with the handoff, or the rejection's status and code. */
function respond(c: AppContext, outcome: CommandOutcome): Response {
  if (outcome.ok) return c.json({ handoff: outcome.handoff });
  if (outcome.code === "not_found") throw new ApiError(404, "not_found", outcome.message);
  const extra = {
    ...(outcome.claimedBy ? { claimedBy: outcome.claimedBy } : {}),
    ...(outcome.claimedAt ? { claimedAt: outcome.claimedAt } : {}),
  };
  throw new ApiError(REJECTION_STATUS[outcome.code], outcome.code, outcome.message, extra);
}

async function command(c: AppContext, agent: Agent, build: (who: { id: string; name: string }) => HandoffCommand): Promise<Response> {
  const handoff = await findHandoff(c.env.DB, agent.projectId, c.req.param("id") ?? "");
  if (!handoff) throw new ApiError(404, "not_found", "No such handoff in your project.");
  const room = await getServerByName(c.env.ConversationRoom, handoff.conversationId);
  return respond(c, await room.command(handoff.id, build({ id: agent.id, name: agent.name })));
}

export const handoffActionRoutes = new Hono<{ Bindings: Env }>()
  .post("/handoffs", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.manual);
    const conversation = await findConversation(c.env.DB, agent.projectId, body.conversationId);
    if (!conversation) throw new ApiError(404, "not_found", "No such conversation in your project.");
    const room = await getServerByName(c.env.ConversationRoom, conversation.id);
    const outcome = await room.openHandoff({ id: agent.id, name: agent.name }, body.reason);
    if (!outcome.ok) return respond(c, outcome);
    return c.json({ handoff: outcome.handoff }, 201);
  })
  .post("/handoffs/:id/claim", async (c) => command(c, await requireAgent(c), (agent) => ({ type: "claim", agent })))
  .post("/handoffs/:id/messages", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.message);
    const handoff = await findHandoff(c.env.DB, agent.projectId, c.req.param("id"));
    if (!handoff) throw new ApiError(404, "not_found", "No such handoff in your project.");
    const room = await getServerByName(c.env.ConversationRoom, handoff.conversationId);
    return respond(c, await room.agentMessage(handoff.id, { id: agent.id, name: agent.name }, body.text, body.clientId));
  })
  .post("/handoffs/:id/notes", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.note);
    return command(c, agent, (who) => ({ type: "note", agent: who, text: body.text }));
  })
  .post("/handoffs/:id/resolve", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.resolve);
    return command(c, agent, (who) => ({ type: "resolve", agent: who, ...body }));
  })
  .post("/handoffs/:id/snooze", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.snooze);
    return command(c, agent, (who) => ({ type: "snooze", agent: who, minutes: body.minutes }));
  })
  .post("/handoffs/:id/escalate", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.escalate);
    return command(c, agent, (who) => ({ type: "escalate", agent: who, level: body.level, note: body.note }));
  })
  .get("/handoffs/:id/suggested-level", async (c) => {
    const agent = await requireAgent(c);
    const handoff = await findHandoff(c.env.DB, agent.projectId, c.req.param("id"));
    if (!handoff) throw new ApiError(404, "not_found", "No such handoff in your project.");
    return c.json({ level: suggestEscalationLevel((handoff.packet as { reasons: string[] }).reasons ?? []) });
  });
