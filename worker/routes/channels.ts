// The project's channels through the settings API (secret key, or an admin's session): what is configured, its health,
// secrets only as set / not set (write-only, stored encrypted: a bot token, a HubSpot token, a
// webhook's signing secret, Teams' webhook URL, an email provider's key). One PUT per kind.
import { Hono } from "hono";
import * as z from "zod";
import { CHANNEL_KINDS, deleteChannel, describeChannels, EMAIL_MODES, saveChannel, type ChannelKind } from "../../adapters/channels";
import { isDevelopmentLike } from "../../adapters/config";
import { ApiError } from "../../adapters/errors";
import { isAllowedUrl } from "../../adapters/outbound";
import { requireProjectAdmin, type AppContext } from "../auth";
import type { Env } from "../env";
import { parseBody } from "../errors";

/** An https URL (http too in development and tests, for local fakes), no credentials in it. */
const webUrl = (allowHttp: boolean) =>
  z
    .string()
    .max(2000)
    .refine((v) => isAllowedUrl(v, allowHttp), allowHttp ? "must be an http(s) URL" : "must be an https URL");
const email = z.email().max(254);

function bodies(allowHttp: boolean) {
  return {
    slack: z.strictObject({
      /** Write-only: never returned. Omit to keep the stored one. */
      botToken: z
        .string()
        .regex(/^xox[bp]-[\w-]{10,250}$/, "must be a Slack bot token (xoxb-…)")
        .optional(),
      channelId: z.string().regex(/^[CGD][A-Z0-9]{6,20}$/, "must be a Slack channel id such as C0123ABCD"),
      enabled: z.boolean().default(true),
    }),
    outbox: z.strictObject({ enabled: z.boolean() }),
    teams: z.strictObject({
      /** The Workflows (or connector) webhook URL: it alone authorizes posting, so it is kept as a secret. */
      webhookUrl: webUrl(allowHttp).optional(),
      enabled: z.boolean().default(true),
    }),
    hubspot: z.strictObject({
      /** A private app's access token (pat-…), write-only. */
      token: z
        .string()
        .regex(/^pat-[\w-]{10,200}$/, "must be a HubSpot private app token (pat-…)")
        .optional(),
      /** The HubSpot owner the follow-up task is assigned to; else found by the owner's email. */
      ownerId: z
        .string()
        .regex(/^\d{1,20}$/, "must be a HubSpot owner id (digits)")
        .optional(),
      ownerEmail: email.optional(),
      /** The contact property the lead level goes to ("" leaves it out); dropped if the portal lacks it. */
      leadLevelProperty: z
        .string()
        .regex(/^([a-z][a-z0-9_]{0,99})?$/, "must be a HubSpot property's internal name")
        .optional(),
      enabled: z.boolean().default(true),
    }),
    webhook: z.strictObject({
      url: webUrl(allowHttp),
      /** Signs every request (X-Baton-Signature), write-only. Required the first time. */
      secret: z.string().min(16, "must be at least 16 characters").max(256).optional(),
      enabled: z.boolean().default(true),
    }),
    email: z
      .strictObject({
        from: email,
        /** Who the team's emails go to (OWNER_EMAIL when omitted). */
        ownerEmail: email.optional(),
        /** always: every new handoff and ticket; fallback (default): only when no chat channel carried it. */
        mode: z.enum(EMAIL_MODES).default("fallback"),
        /** binding: Cloudflare's send_email; http: a provider taking {from, to, subject, text, html} with a bearer key. */
        provider: z.enum(["binding", "http"]).default("binding"),
        apiUrl: webUrl(allowHttp).optional(),
        apiKey: z.string().min(8).max(500).optional(),
        enabled: z.boolean().default(true),
      })
      .refine((b) => b.provider !== "http" || b.apiUrl, { message: "apiUrl: required with the http provider", path: ["apiUrl"] }),
  };
}

async function storedSecret(c: AppContext, projectId: string, kind: ChannelKind): Promise<boolean> {
  const row = await c.env.DB.prepare("SELECT secret FROM project_channels WHERE project_id = ? AND kind = ?")
    .bind(projectId, kind)
    .first<{ secret: string | null }>();
  return Boolean(row?.secret);
}

function requiredFirstTime(field: string): never {
  throw new ApiError(400, "invalid_body", `${field}: required the first time this channel is set up`, { field });
}

const isKind = (kind: string): kind is ChannelKind => (CHANNEL_KINDS as readonly string[]).includes(kind);
const notFound = () => new ApiError(404, "not_found", `No such channel kind (${CHANNEL_KINDS.join(", ")}).`);
/** Omitted fields are left out ("" is kept: a lead-level property of "" means none). */
const compact = (config: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(config).filter((e): e is [string, string] => e[1] !== undefined));

export const channelRoutes = new Hono<{ Bindings: Env }>()
  .get("/channels", async (c) => {
    const { project } = await requireProjectAdmin(c);
    return c.json({ channels: await describeChannels(c.env, c.env.DB, project.id) });
  })
  .put("/channels/:kind", async (c) => {
    const { project } = await requireProjectAdmin(c);
    const kind = c.req.param("kind");
    if (!isKind(kind)) throw notFound();
    const schemas = bodies(isDevelopmentLike(c.env));
    const save = (config: Record<string, string | undefined>, secret: string | undefined, enabled: boolean) =>
      saveChannel(c.env, c.env.DB, {
        projectId: project.id,
        kind,
        config: compact(config),
        ...(secret ? { secret } : {}),
        enabled,
        now: new Date().toISOString(),
      });
    const hasSecret = () => storedSecret(c, project.id, kind);
    switch (kind) {
      case "slack": {
        const body = await parseBody(c, schemas.slack);
        if (!body.botToken && !(await hasSecret())) requiredFirstTime("botToken");
        await save({ channelId: body.channelId }, body.botToken, body.enabled);
        break;
      }
      case "outbox": {
        const body = await parseBody(c, schemas.outbox);
        await save({}, undefined, body.enabled);
        break;
      }
      case "teams": {
        const body = await parseBody(c, schemas.teams);
        if (!body.webhookUrl && !(await hasSecret())) requiredFirstTime("webhookUrl");
        await save({}, body.webhookUrl, body.enabled);
        break;
      }
      case "hubspot": {
        const body = await parseBody(c, schemas.hubspot);
        if (!body.token && !(await hasSecret())) requiredFirstTime("token");
        await save({ ownerId: body.ownerId, ownerEmail: body.ownerEmail, leadLevelProperty: body.leadLevelProperty }, body.token, body.enabled);
        break;
      }
      case "webhook": {
        const body = await parseBody(c, schemas.webhook);
        if (!body.secret && !(await hasSecret())) requiredFirstTime("secret");
        await save({ url: body.url }, body.secret, body.enabled);
        break;
      }
      case "email": {
        const body = await parseBody(c, schemas.email);
        if (body.provider === "http" && !body.apiKey && !(await hasSecret())) requiredFirstTime("apiKey");
        const http = body.provider === "http";
        await save(
          { from: body.from, ownerEmail: body.ownerEmail, mode: body.mode, provider: body.provider, apiUrl: http ? body.apiUrl : undefined },
          http ? body.apiKey : undefined,
          body.enabled,
        );
        break;
      }
    }
    return c.json({ channels: await describeChannels(c.env, c.env.DB, project.id) });
  })
  .delete("/channels/:kind", async (c) => {
    const { project } = await requireProjectAdmin(c);
    const kind = c.req.param("kind");
    if (!isKind(kind)) throw notFound();
    await deleteChannel(c.env.DB, project.id, kind);
    return c.json({ channels: await describeChannels(c.env, c.env.DB, project.id) });
  });
