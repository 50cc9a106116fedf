// Starting a conversation (public, by project key), opening an agent session on one (agent token),
// and the socket upgrade itself, admitted only with a signed token for that very conversation.
// The public route spends the caller's and the project's budgets and checks every secret before
// it writes anything.
import { Hono } from "hono";
import * as z from "zod";
import { CLAIMS_HEADER } from "../../durable-objects/socket-claims";
import { parseRole } from "../../domain/handoff/permissions";
import { requireAgent, spendAddressBudget } from "../auth";
import { AGENT_TOKEN_TTL_SECONDS, isRefusedDevKey, tokenKeys, VISITOR_TOKEN_TTL_SECONDS } from "../../adapters/config";
import { isAgentActive } from "../../adapters/access";
import { randomToken, signSocketToken, verifySocketToken } from "../../adapters/crypto";
import { findConversation, insertConversation } from "../../adapters/db";
import { projectByPublicKey } from "../../adapters/project-cache";
import { checkIdentity } from "../../adapters/identity";
import { clientAddress, spend } from "../../adapters/rate-limits";
import type { Env } from "../env";
import { ApiError } from "../../adapters/errors";
import { parseBody } from "../errors";

const optionalText = (max: number) => z.string().trim().max(max).optional();

/** A URL a visitor's page reported: http(s) only (never `javascript:` or `data:`), or empty for none. */
const pageUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => value === "" || isHttpUrl(value), "must be an http(s) URL")
  .transform((value) => value || undefined)
  .optional();

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

const newConversation = z
  .object({
    projectKey: z.string().min(1).max(200),
    visitor: z
      .object({
        name: optionalText(120),
        email: z.string().trim().email().max(254).optional(),
        /** The site's id for a logged-in visitor, and its HMAC-SHA256 under the project's identity secret. */
        userId: z.string().trim().min(1).max(200).optional(),
        userHash: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/, "must be the hex HMAC-SHA256 of userId")
          .optional(),
      })
      .strict()
      .refine((v) => !v.userHash || v.userId, { message: "userHash needs a userId", path: ["userHash"] })
      .optional(),
    page: z
      .object({ url: pageUrl, title: optionalText(300), referrer: pageUrl })
      .strict()
      .optional(),
  })
  .strict();

/** Drops the keys whose value is undefined (a page without a referrer stores no referrer). */
const defined = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const socketPath = (conversationId: string, token: string) =>
  `/v1/conversations/${encodeURIComponent(conversationId)}/socket?token=${encodeURIComponent(token)}`;

export const conversationRoutes = new Hono<{ Bindings: Env }>()
  .post("/conversations", async (c) => {
    const keys = tokenKeys(c.env); // every secret resolved before anything is written
    await spend(c.env, "CONVERSATIONS_PER_IP", clientAddress(c.req.raw.headers), "new conversations from this address");
    const body = await parseBody(c, newConversation);
    const project = isRefusedDevKey(c.env, body.projectKey) ? null : await projectByPublicKey(c.env.DB, body.projectKey, Date.now());
    if (!project) throw new ApiError(401, "unknown_project", "Unknown project key.");
    const origin = c.req.header("origin");
    if (project.allowedOrigins.length > 0 && !(origin && project.allowedOrigins.includes(origin))) {
      const message = origin ? `Origin ${origin} is not allowed for this project.` : "This project only accepts conversations from its allowed origins.";
      throw new ApiError(403, "origin_not_allowed", message);
    }
    await spend(c.env, "CONVERSATIONS_PER_PROJECT", project.id, "new conversations for this project");
    const { userId, userHash, ...visitor } = body.visitor ?? {};
    const checked = await checkIdentity(c.env.DB, project.id, { userId, userHash }, project.settings.identityVerification, new Date());
    if (!checked.ok) throw new ApiError(401, "identity_unverified", checked.message);
    const identity = checked.identity;
    const page = defined(body.page ?? {});
    const conversationId = randomToken("c_", 16);
    const now = new Date().toISOString();
    const userAgent = c.req.header("user-agent")?.slice(0, 500) ?? null;
    // The row is the conversation: its room opens from it when its first socket (or agent) arrives.
    await insertConversation(c.env.DB, {
      id: conversationId,
      projectId: project.id,
      visitor: defined(visitor),
      page,
      userAgent,
      now,
      ...(identity ? { identity } : {}),
    });
    const visitorToken = await signSocketToken(keys, { role: "visitor", conversationId, projectId: project.id }, VISITOR_TOKEN_TTL_SECONDS, nowSeconds());
    return c.json(
      { conversationId, visitorToken, socketUrl: socketPath(conversationId, visitorToken), ...(identity ? { verified: identity.verified } : {}) },
      201,
    );
  })
  .post("/conversations/:id/agent-session", async (c) => {
    const keys = tokenKeys(c.env);
    const agent = await requireAgent(c);
    const conversation = await findConversation(c.env.DB, agent.projectId, c.req.param("id"));
    if (!conversation) throw new ApiError(404, "not_found", "No such conversation in your project.");
    const claims = {
      role: "agent" as const,
      conversationId: conversation.id,
      projectId: agent.projectId,
      agentId: agent.id,
      agentName: agent.name,
      agentRole: parseRole(agent.role),
    };
    const token = await signSocketToken(keys, claims, AGENT_TOKEN_TTL_SECONDS, nowSeconds());
    return c.json({ socketUrl: socketPath(conversation.id, token), expiresIn: AGENT_TOKEN_TTL_SECONDS });
  })
  .get("/conversations/:id/socket", async (c) => {
    const keys = tokenKeys(c.env);
    await spendAddressBudget(c);
    const conversationId = c.req.param("id");
    const claims = await verifySocketToken(keys, c.req.query("token") ?? "", nowSeconds());
    if (!claims || claims.conversationId !== conversationId) {
      throw new ApiError(401, "unauthorized", "Missing, invalid or expired socket token for this conversation.");
    }
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only.");
    }
    const since = c.req.query("since");
    if (since !== undefined && !/^\d{1,15}$/.test(since)) throw new ApiError(400, "invalid_since", "since must be a non-negative integer.");
    // A revoked agent's socket token dies with the agent, not 12 hours later.
    if (claims.role === "agent" && !(await isAgentActive(c.env.DB, claims.projectId, claims.agentId ?? ""))) {
      throw new ApiError(401, "unauthorized", "This agent's access was revoked or has expired.");
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set(CLAIMS_HEADER, JSON.stringify(claims));
    return c.env.ConversationRoom.getByName(conversationId).fetch(new Request(c.req.raw, { headers }));
  });
