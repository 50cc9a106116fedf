// Starting a conversation (public, by project key), opening an agent session on one (agent token),
// and the socket upgrade itself, admitted only with a signed token for that very conversation.
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import * as z from "zod";
import { CLAIMS_HEADER } from "../../durable-objects/socket-claims";
import { requireAgent } from "../auth";
import { AGENT_TOKEN_TTL_SECONDS, tokenSecret, VISITOR_TOKEN_TTL_SECONDS } from "../../adapters/config";
import { randomToken, signToken, verifyToken, type SocketClaims } from "../../adapters/crypto";
import { findConversation, findProjectByPublicKey, insertConversation } from "../../adapters/db";
import type { Env } from "../env";
import { ApiError } from "../../adapters/errors";
import { parseBody } from "../errors";

const optionalText = (max: number) => z.string().trim().max(max).optional();

const newConversation = z
  .object({
    projectKey: z.string().min(1).max(200),
    visitor: z
      .object({ name: optionalText(120), email: z.string().trim().email().max(254).optional() })
      .strict()
      .optional(),
    page: z
      .object({ url: optionalText(2000), title: optionalText(300), referrer: optionalText(2000) })
      .strict()
      .optional(),
  })
  .strict();

const nowSeconds = () => Math.floor(Date.now() / 1000);
const socketPath = (conversationId: string, token: string) =>
  `/v1/conversations/${encodeURIComponent(conversationId)}/socket?token=${encodeURIComponent(token)}`;

export const conversationRoutes = new Hono<{ Bindings: Env }>()
  .post("/conversations", async (c) => {
    const body = await parseBody(c, newConversation);
    const project = await findProjectByPublicKey(c.env.DB, body.projectKey);
    if (!project) throw new ApiError(401, "unknown_project", "Unknown project key.");
    const origin = c.req.header("origin");
    if (origin && project.allowedOrigins.length > 0 && !project.allowedOrigins.includes(origin)) {
      throw new ApiError(403, "origin_not_allowed", `Origin ${origin} is not allowed for this project.`);
    }
    const conversationId = randomToken("c_", 16);
    const now = new Date().toISOString();
    const room = await getServerByName(c.env.ConversationRoom, conversationId);
    const userAgent = c.req.header("user-agent")?.slice(0, 500) ?? null;
    await room.init({
      conversationId,
      projectId: project.id,
      visitor: body.visitor ?? {},
      page: body.page ?? {},
      ...(userAgent ? { userAgent } : {}),
      settings: project.settings,
    });
    await insertConversation(c.env.DB, { id: conversationId, projectId: project.id, visitor: body.visitor ?? {}, page: body.page ?? {}, userAgent, now });
    const visitorToken = await signToken(tokenSecret(c.env), {
      role: "visitor",
      conversationId,
      projectId: project.id,
      exp: nowSeconds() + VISITOR_TOKEN_TTL_SECONDS,
    });
    return c.json({ conversationId, visitorToken, socketUrl: socketPath(conversationId, visitorToken) }, 201);
  })
  .post("/conversations/:id/agent-session", async (c) => {
    const agent = await requireAgent(c);
    const conversation = await findConversation(c.env.DB, agent.projectId, c.req.param("id"));
    if (!conversation) throw new ApiError(404, "not_found", "No such conversation in your project.");
    const token = await signToken(tokenSecret(c.env), {
      role: "agent",
      conversationId: conversation.id,
      projectId: agent.projectId,
      agentId: agent.id,
      agentName: agent.name,
      exp: nowSeconds() + AGENT_TOKEN_TTL_SECONDS,
    });
    return c.json({ socketUrl: socketPath(conversation.id, token), expiresIn: AGENT_TOKEN_TTL_SECONDS });
  })
  .get("/conversations/:id/socket", async (c) => {
    const conversationId = c.req.param("id");
    const claims: SocketClaims | null = await verifyToken(tokenSecret(c.env), c.req.query("token") ?? "", nowSeconds());
    if (!claims || claims.conversationId !== conversationId) {
      throw new ApiError(401, "unauthorized", "Missing, invalid or expired socket token for this conversation.");
    }
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only.");
    }
    const since = c.req.query("since");
    if (since !== undefined && !/^\d{1,15}$/.test(since)) throw new ApiError(400, "invalid_since", "since must be a non-negative integer.");
    const headers = new Headers(c.req.raw.headers);
    headers.set(CLAIMS_HEADER, JSON.stringify(claims));
    return c.env.ConversationRoom.getByName(conversationId).fetch(new Request(c.req.raw, { headers }));
  });
