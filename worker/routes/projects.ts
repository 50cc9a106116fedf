// Creating projects (operator), and the project's agents and their roles (the owner with the secret
// key, or an admin with their agent token). Secrets are returned once, stored hashed.
import { Hono } from "hono";
import * as z from "zod";
import { settingsSchema } from "../../domain/settings";
import { ROLES } from "../../domain/handoff/handoff-types";
import { requireAdmin, requireProjectAdmin } from "../auth";
import { expiryFrom } from "../../adapters/access";
import { agentTokenTtlDays } from "../../adapters/config";
import { randomToken, sha256Hex } from "../../adapters/crypto";
import { insertAgent, insertProject, updateAgent } from "../../adapters/db";
import type { Env } from "../env";
import { ApiError } from "../../adapters/errors";
import { parseBody, requireStorableSettings } from "../errors";

const origin = z
  .string()
  .url()
  .transform((u) => new URL(u).origin);

const newProject = z
  .object({
    name: z.string().trim().min(1).max(120),
    allowedOrigins: z.array(origin).max(50).default([]),
    settings: settingsSchema.default(settingsSchema.parse({})),
  })
  .strict();

const newAgent = z
  .object({
    name: z.string().trim().min(1).max(120),
    email: z.string().trim().toLowerCase().email().max(254),
    role: z.enum(ROLES).default("agent"),
  })
  .strict();

const agentPatch = z
  .object({ name: z.string().trim().min(1).max(120).optional(), role: z.enum(ROLES).optional() })
  .strict()
  .refine((p) => p.name !== undefined || p.role !== undefined, { message: "send a name or a role", path: ["role"] });

export const projectRoutes = new Hono<{ Bindings: Env }>()
  .post("/projects", async (c) => {
    await requireAdmin(c);
    const body = await parseBody(c, newProject);
    requireStorableSettings(body.settings, "settings.");
    const projectId = randomToken("prj_", 12);
    const projectKey = randomToken("pk_", 18);
    const secretKey = randomToken("sk_", 32);
    await insertProject(c.env.DB, {
      id: projectId,
      name: body.name,
      publicKey: projectKey,
      secretHash: await sha256Hex(secretKey),
      allowedOrigins: body.allowedOrigins,
      settings: body.settings,
      now: new Date().toISOString(),
    });
    return c.json({ projectId, projectKey, secretKey }, 201);
  })
  .patch("/agents/:id", async (c) => {
    const { project, by } = await requireProjectAdmin(c, "manage_agents");
    const body = await parseBody(c, agentPatch);
    const id = c.req.param("id");
    // An admin cannot demote themselves by accident; the owner's key or another admin can.
    if (by.kind === "agent" && by.agent.id === id && body.role !== undefined && body.role !== by.agent.role) {
      throw new ApiError(409, "own_role", "You cannot change your own role; ask another admin or the project owner.");
    }
    const agent = await updateAgent(c.env.DB, project.id, id, body);
    if (!agent) throw new ApiError(404, "not_found", "No such agent in your project.");
    return c.json({ agent });
  })
  .post("/agents", async (c) => {
    const { project } = await requireProjectAdmin(c, "manage_agents");
    const body = await parseBody(c, newAgent);
    const agentId = randomToken("agt_", 12);
    const agentToken = randomToken("at_", 32);
    const now = new Date();
    const expiresAt = expiryFrom(now, agentTokenTtlDays(c.env));
    try {
      await insertAgent(c.env.DB, { id: agentId, projectId: project.id, ...body, tokenHash: await sha256Hex(agentToken), now: now.toISOString(), expiresAt });
    } catch (error) {
      if (String(error).includes("UNIQUE")) throw new ApiError(409, "agent_exists", `An agent with email ${body.email} already exists.`);
      throw error;
    }
    return c.json({ agentId, agentToken, expiresAt }, 201);
  });
