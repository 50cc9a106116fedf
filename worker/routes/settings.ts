// A project's settings, read and replaced with the project secret key or an admin's session. PUT
// replaces the whole document: fields left out take their defaults; unknown fields and out-of-range
// values are a 400 that names the field. Rooms pick up changes within 30 seconds.
import { Hono } from "hono";
import { settingsSchema } from "../../domain/settings";
import { requireProjectAdmin } from "../auth";
import type { Env } from "../env";
import { parseBody } from "../errors";

export const settingsRoutes = new Hono<{ Bindings: Env }>()
  .get("/settings", async (c) => {
    const { project } = await requireProjectAdmin(c);
    return c.json({ settings: project.settings });
  })
  .put("/settings", async (c) => {
    const { project } = await requireProjectAdmin(c);
    const settings = await parseBody(c, settingsSchema);
    await c.env.DB.prepare("UPDATE projects SET settings = ? WHERE id = ?").bind(JSON.stringify(settings), project.id).run();
    return c.json({ settings });
  });
