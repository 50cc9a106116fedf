// Credentials the project owner manages (secret key): rotate the secret key itself (the old one
// stops at once), revoke an agent (its token, socket tokens and open sockets stop working), rotate
// an agent's token, and rotate the project's identity secret (the one the customer's server signs
// logged-in visitors' ids with; the old one verifies for one more day).
import { Hono } from "hono";
import { requireProject } from "../auth";
import { rotateAgentToken } from "../../adapters/access";
import { agentTokenTtlDays } from "../../adapters/config";
import { randomToken, sha256Hex } from "../../adapters/crypto";
import { PREVIOUS_SECRET_GRACE_MS, rotateIdentitySecret } from "../../adapters/identity";
import { ApiError } from "../../adapters/errors";
import type { Env } from "../env";

export const accessRoutes = new Hono<{ Bindings: Env }>()
  .post("/secret-key", async (c) => {
    const project = await requireProject(c);
    const secretKey = randomToken("sk_", 32);
    await c.env.DB.prepare("UPDATE projects SET secret_hash = ? WHERE id = ?")
      .bind(await sha256Hex(secretKey), project.id)
      .run();
    return c.json({ secretKey }, 201);
  })
  .post("/agents/:id/token", async (c) => {
    const project = await requireProject(c);
    const rotated = await rotateAgentToken(c.env.DB, project.id, c.req.param("id"), new Date(), agentTokenTtlDays(c.env));
    if (!rotated) throw new ApiError(404, "not_found", "No such active agent in your project.");
    return c.json({ agentId: c.req.param("id"), ...rotated });
  })
  .post("/identity-secret", async (c) => {
    const project = await requireProject(c);
    const now = new Date();
    const identitySecret = await rotateIdentitySecret(c.env.DB, project.id, now);
    return c.json({ identitySecret, previousValidUntil: new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS).toISOString() }, 201);
  });
