// The project's channels through the settings API (secret key, or an admin's session): what is configured, its health,
// secrets only as set / not set. Slack here; the CRM, email and Teams join the same routes.
import { Hono } from "hono";
import * as z from "zod";
import { deleteChannel, describeChannels, saveChannel } from "../../adapters/channels";
import { ApiError } from "../../adapters/errors";
import { requireProjectAdmin } from "../auth";
import type { Env } from "../env";
import { parseBody } from "../errors";

const slackBody = z.strictObject({
  /** Write-only: never returned. Omit to keep the stored one. */
  botToken: z
    .string()
    .regex(/^xox[bp]-[\w-]{10,250}$/, "must be a Slack bot token (xoxb-…)")
    .optional(),
  channelId: z.string().regex(/^[CGD][A-Z0-9]{6,20}$/, "must be a Slack channel id such as C0123ABCD"),
  enabled: z.boolean().default(true),
});
const outboxBody = z.strictObject({ enabled: z.boolean() });

export const channelRoutes = new Hono<{ Bindings: Env }>()
  .get("/channels", async (c) => {
    const { project } = await requireProjectAdmin(c);
    return c.json({ channels: await describeChannels(c.env, c.env.DB, project.id) });
  })
  .put("/channels/:kind", async (c) => {
    const { project } = await requireProjectAdmin(c);
    const now = new Date().toISOString();
    switch (c.req.param("kind")) {
      case "slack": {
        const body = await parseBody(c, slackBody);
        const existing = await c.env.DB.prepare("SELECT secret FROM project_channels WHERE project_id = ? AND kind = 'slack'")
          .bind(project.id)
          .first<{ secret: string | null }>();
        if (!body.botToken && !existing?.secret)
          throw new ApiError(400, "invalid_body", "botToken: required the first time Slack is set up", { field: "botToken" });
        await saveChannel(c.env, c.env.DB, {
          projectId: project.id,
          kind: "slack",
          config: { channelId: body.channelId },
          ...(body.botToken ? { secret: body.botToken } : {}),
          enabled: body.enabled,
          now,
        });
        break;
      }
      case "outbox": {
        const body = await parseBody(c, outboxBody);
        await saveChannel(c.env, c.env.DB, { projectId: project.id, kind: "outbox", config: {}, enabled: body.enabled, now });
        break;
      }
      default:
        throw new ApiError(404, "not_found", "No such channel kind (slack, outbox).");
    }
    return c.json({ channels: await describeChannels(c.env, c.env.DB, project.id) });
  })
  .delete("/channels/:kind", async (c) => {
    const { project } = await requireProjectAdmin(c);
    const kind = c.req.param("kind");
    if (kind !== "slack" && kind !== "outbox") throw new ApiError(404, "not_found", "No such channel kind (slack, outbox).");
    await deleteChannel(c.env.DB, project.id, kind);
    return c.json({ channels: await describeChannels(c.env, c.env.DB, project.id) });
  });
