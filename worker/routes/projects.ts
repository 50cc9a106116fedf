// Creating projects (operator) and agents (project owner). Secrets are returned once, stored hashed.
import { Hono } from "hono";
import * as z from "zod";
import { settingsSchema } from "../../domain/settings";
import { requireAdmin, requireProjectAdmin } from "../auth";
import { randomToken, sha256Hex } from "../../adapters/crypto";
import { insertAgent, insertProject } from "../../adapters/db";
import type { Env } from "../env";
import { ApiError } from "../../adapters/errors";
import { parseBody } from "../errors";

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
    role: z.enum(["agent", "lead", "manager", "admin"]).default("agent"),
  })
  .strict();

export const projectRoutes = new Hono<{ Bindings: Env }>()
  .post("/projects", async (c) => {
    await requireAdmin(c);
    const body = await parseBody(c, newProject);
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
  .post("/agents", async (c) => {
    const { project } = await requireProjectAdmin(c);
    const body = await parseBody(c, newAgent);
    const agentId = randomToken("agt_", 12);
    const agentToken = randomToken("at_", 32);
    try {
      await insertAgent(c.env.DB, { id: agentId, projectId: project.id, ...body, tokenHash: await sha256Hex(agentToken), now: new Date().toISOString() });
    } catch (error) {
      if (String(error).includes("UNIQUE")) throw new ApiError(409, "agent_exists", `An agent with email ${body.email} already exists.`);
      throw error;
    }
    return c.json({ agentId, agentToken }, 201);
  });
