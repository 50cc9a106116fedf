// What agents do to a handoff over HTTP (agent token, project-scoped: another project's handoff is
// a 404). Every action is a command to the conversation's room, the single writer: it decides,
// writes the audit row first, and answers; two simultaneous claims can never both win. The command
// carries the agent's role, and the room's handoff machine says what that role may do (403 forbidden).
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import * as z from "zod";
import { REJECTION_STATUS, SNOOZE_MINUTES, suggestEscalationLevel, type HandoffCommand } from "../../domain/handoff/machine";
import { parseRole } from "../../domain/handoff/permissions";
import type { Agent as Acting } from "../../domain/handoff/handoff-types";
import type { CommandOutcome } from "../../domain/room/room-types";
import { MAX_CLIENT_ID_LENGTH, MAX_TEXT_LENGTH } from "../../protocol/frames";
import { requireAgent, type AppContext } from "../auth";
import { findConversation, findHandoff, findProjectById, type Agent } from "../../adapters/db";
import type { Env } from "../env";
import { ApiError } from "../../adapters/errors";
import { parseBody } from "../errors";

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

/** The agent's handoff (404 for another project's) and the room that owns it. */
async function handoffOf(c: AppContext, agent: Agent) {
  const handoff = await findHandoff(c.env.DB, agent.projectId, c.req.param("id") ?? "");
  if (!handoff) throw new ApiError(404, "not_found", "No such handoff in your project.");
  return { handoff, room: await getServerByName(c.env.ConversationRoom, handoff.conversationId) };
}

/** The agent as the room's commands carry them: who, and the role the room enforces. */
function acting(agent: Agent): Acting {
  return { id: agent.id, name: agent.name, role: parseRole(agent.role) };
}

/** A route that validates its body, then sends the room the command built from it. */
function commandRoute<S extends z.ZodType>(schema: S | null, build: (who: Acting, body: z.output<S>) => HandoffCommand) {
  return async (c: AppContext) => {
    const agent = await requireAgent(c);
    const body = schema ? await parseBody(c, schema) : (undefined as z.output<S>);
    const { handoff, room } = await handoffOf(c, agent);
    return respond(c, await room.command(handoff.id, build(acting(agent), body)));
  };
}

export const handoffActionRoutes = new Hono<{ Bindings: Env }>()
  .post("/handoffs", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.manual);
    const conversation = await findConversation(c.env.DB, agent.projectId, body.conversationId);
    if (!conversation) throw new ApiError(404, "not_found", "No such conversation in your project.");
    const room = await getServerByName(c.env.ConversationRoom, conversation.id);
    const outcome = await room.act({ type: "open", agent: acting(agent), reason: body.reason });
    if (!outcome.ok) return respond(c, outcome);
    return c.json({ handoff: outcome.handoff }, 201);
  })
  .post(
    "/handoffs/:id/claim",
    commandRoute(null, (agent) => ({ type: "claim", agent })),
  )
  .post("/handoffs/:id/messages", async (c) => {
    const agent = await requireAgent(c);
    const body = await parseBody(c, schemas.message);
    const { handoff, room } = await handoffOf(c, agent);
    return respond(c, await room.act({ type: "message", handoffId: handoff.id, agent: acting(agent), text: body.text, clientId: body.clientId, via: "api" }));
  })
  .post(
    "/handoffs/:id/notes",
    commandRoute(schemas.note, (agent, body) => ({ type: "note", agent, text: body.text })),
  )
  .post(
    "/handoffs/:id/resolve",
    commandRoute(schemas.resolve, (agent, body) => ({ type: "resolve", agent, ...body })),
  )
  .post(
    "/handoffs/:id/snooze",
    commandRoute(schemas.snooze, (agent, body) => ({ type: "snooze", agent, minutes: body.minutes })),
  )
  .post(
    "/handoffs/:id/escalate",
    commandRoute(schemas.escalate, (agent, body) => ({ type: "escalate", agent, level: body.level, note: body.note })),
  )
  .post(
    "/handoffs/:id/take-over",
    commandRoute(null, (agent) => ({ type: "take_over", agent })),
  )
  .post(
    "/handoffs/:id/acknowledge",
    commandRoute(null, (agent) => ({ type: "acknowledge", agent })),
  )
  .get("/handoffs/:id/suggested-level", async (c) => {
    const agent = await requireAgent(c);
    const { handoff } = await handoffOf(c, agent);
    // The project's own categories marked suggestManager count, not only the built-ins.
    const categories = (await findProjectById(c.env.DB, agent.projectId))?.settings.categories ?? [];
    const packet = handoff.packet as { reasons?: string[]; suggestedReply?: string };
    const level = suggestEscalationLevel(
      { reasons: packet.reasons ?? [], ...(packet.suggestedReply !== undefined ? { suggestedReply: packet.suggestedReply } : {}) },
      categories,
    );
    return c.json({ level });
  });
