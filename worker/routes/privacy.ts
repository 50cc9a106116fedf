// Data protection for the project owner (secret key): erase one visitor's data everywhere (a GDPR
// request), by conversation id, email or the site's user id, and read the erasure log. Each
// conversation's room forgets it first (transcript, state, timers), then D1 does, then the team
// desk's inbox (its cards); the log keeps only a hash of who was erased.
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import * as z from "zod";
import { requireProject } from "../auth";
import { randomToken } from "../../adapters/crypto";
import { conversationsOf, deleteConversationRows, handoffIdsOf, listErasures, recordErasure, type Subject } from "../../adapters/privacy";
import type { Env } from "../env";
import { parseBody, parseQuery } from "../errors";

const subjectSchema = z.union([
  z.object({ conversationId: z.string().min(1).max(100) }).strict(),
  z.object({ email: z.string().trim().email().max(254) }).strict(),
  z.object({ userId: z.string().trim().min(1).max(200) }).strict(),
]);

function subjectOf(body: z.output<typeof subjectSchema>): Subject {
  if ("conversationId" in body) return { kind: "conversation", conversationId: body.conversationId };
  if ("email" in body) return { kind: "email", email: body.email };
  return { kind: "userId", userId: body.userId };
}

export const privacyRoutes = new Hono<{ Bindings: Env }>()
  .post("/erasures", async (c) => {
    const project = await requireProject(c);
    const subject = subjectOf(await parseBody(c, subjectSchema));
    const conversationIds = await conversationsOf(c.env.DB, project.id, subject);
    for (const id of conversationIds) await (await getServerByName(c.env.ConversationRoom, id)).erase();
    const handoffIds = await handoffIdsOf(c.env.DB, project.id, conversationIds);
    const rows = await deleteConversationRows(c.env.DB, project.id, conversationIds);
    // The team desk's live queue holds the handoffs' cards (who, why, what they said): they go last, once D1 cannot refill them.
    const deskCards = handoffIds.length > 0 ? await c.env.ProjectInbox.getByName(project.id).forget(handoffIds) : 0;
    const deleted = { ...rows, deskCards };
    const erasure = {
      id: randomToken("er_", 12),
      projectId: project.id,
      subject,
      conversations: conversationIds.length,
      deleted,
      at: new Date().toISOString(),
    };
    await recordErasure(c.env.DB, erasure);
    return c.json({ erasureId: erasure.id, conversations: conversationIds.length, deleted, at: erasure.at });
  })
  .get("/erasures", async (c) => {
    const project = await requireProject(c);
    const { limit } = parseQuery(z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }), c.req.query());
    return c.json({ erasures: await listErasures(c.env.DB, project.id, limit) });
  });
