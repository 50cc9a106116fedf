// A project's settings, read and replaced by the owner (secret key) or an admin (agent token or the
// desk's session; any other role is a 403). PUT replaces the whole document: fields left out take their defaults;
// unknown fields and out-of-range values are a 400 that names the field, and so is a document
// heavier than storage takes (MAX_SETTINGS_BYTES, naming its heaviest field). New conversations
// see a change at once in this isolate and within 5 s in others (adapters/project-cache.ts); open
// rooms within a minute (room-settings.ts).
import { Hono } from "hono";
import { forgetProject } from "../../adapters/project-cache";
import { settingsSchema } from "../../domain/settings";
import { requireProjectAdmin } from "../auth";
import type { Env } from "../env";
import { parseBody, requireStorableSettings } from "../errors";

export const settingsRoutes = new Hono<{ Bindings: Env }>()
  .get("/settings", async (c) => {
    const { project } = await requireProjectAdmin(c, "manage_settings");
    return c.json({ settings: project.settings });
  })
  .put("/settings", async (c) => {
    const { project } = await requireProjectAdmin(c, "manage_settings");
    const settings = await parseBody(c, settingsSchema);
    requireStorableSettings(settings);
    // settings_rev moves with the text: open rooms re-read the text only when it did (room-settings.ts).
    await c.env.DB.prepare("UPDATE projects SET settings = ?, settings_rev = settings_rev + 1 WHERE id = ?").bind(JSON.stringify(settings), project.id).run();
    forgetProject(project.id);
    return c.json({ settings });
  });
