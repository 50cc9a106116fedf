// Per-project Slack install through OAuth v2: an admin asks for an install link (secret key), the
// browser goes to Slack's authorize page with a signed `state` naming the project, and the
// callback exchanges the code (oauth.v2.access at SLACK_API_URL), then stores the bot token
// (encrypted at rest) and the channel the installer picked.
import { Hono } from "hono";
import { saveChannel } from "../../adapters/channels";
import { publicUrl, tokenSecret } from "../../adapters/config";
import { callSlack, slackClient } from "../../adapters/slack/client";
import { signClaims, verifyClaims } from "../../adapters/signed-claims";
import { requireProjectAdmin } from "../auth";
import type { Env } from "../env";

export const SLACK_SCOPES = ["chat:write", "chat:write.public", "channels:history", "groups:history", "users:read", "users:read.email", "incoming-webhook"];
const STATE_TTL_SECONDS = 15 * 60;
const DEFAULT_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize";

function page(title: string, body: string, status: 200 | 400 | 503 = 200): Response {
  const text = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const html = `<!doctype html><meta charset="utf-8"><title>${text(title)}</title><body style="font:16px system-ui;max-width:36rem;margin:4rem auto"><h1>${text(title)}</h1><p>${text(body)}</p></body>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

const redirectUri = (env: Env, origin: string) => `${publicUrl(env, origin)}/slack/oauth/callback`;

/** Mounted under /v1: the install link for the calling project (secret key). */
export const slackApiRoutes = new Hono<{ Bindings: Env }>().post("/slack/install-link", async (c) => {
  const { project } = await requireProjectAdmin(c);
  const state = await signClaims(
    tokenSecret(c.env),
    "slack-oauth-state",
    { sub: project.id, prj: project.id },
    STATE_TTL_SECONDS,
    Math.floor(Date.now() / 1000),
  );
  return c.json({
    url: `${publicUrl(c.env, new URL(c.req.url).origin)}/slack/install?state=${encodeURIComponent(state)}`,
    expiresInSeconds: STATE_TTL_SECONDS,
  });
});

export const slackInstallRoutes = new Hono<{ Bindings: Env }>()
  .get("/slack/install", async (c) => {
    const state = c.req.query("state") ?? "";
    if (!c.env.SLACK_CLIENT_ID || !c.env.SLACK_CLIENT_SECRET)
      return page("Slack is not set up", "Set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (see the README).", 503);
    if (!(await verifyClaims(tokenSecret(c.env), "slack-oauth-state", state, Math.floor(Date.now() / 1000)))) {
      return page("This install link has expired", "Ask for a new one from the settings page.", 400);
    }
    const authorize = new URL(c.env.SLACK_OAUTH_URL || DEFAULT_AUTHORIZE_URL);
    authorize.searchParams.set("client_id", c.env.SLACK_CLIENT_ID);
    authorize.searchParams.set("scope", SLACK_SCOPES.join(","));
    authorize.searchParams.set("redirect_uri", redirectUri(c.env, new URL(c.req.url).origin));
    authorize.searchParams.set("state", state);
    return c.redirect(authorize.toString(), 302);
  })
  .get("/slack/oauth/callback", async (c) => {
    const claims = await verifyClaims(tokenSecret(c.env), "slack-oauth-state", c.req.query("state") ?? "", Math.floor(Date.now() / 1000));
    if (!claims) return page("This install link has expired", "Start again from the settings page.", 400);
    if (c.req.query("error")) return page("Slack was not connected", `Slack said: ${c.req.query("error")}.`, 400);
    const code = c.req.query("code");
    if (!code || !c.env.SLACK_CLIENT_ID || !c.env.SLACK_CLIENT_SECRET) return page("Slack was not connected", "The callback had no code.", 400);
    let access: Awaited<ReturnType<ReturnType<typeof slackClient>["oauth"]["v2"]["access"]>>;
    try {
      access = await callSlack("oauth.v2.access", () =>
        slackClient(c.env, "").oauth.v2.access({
          client_id: c.env.SLACK_CLIENT_ID!,
          client_secret: c.env.SLACK_CLIENT_SECRET!,
          code,
          redirect_uri: redirectUri(c.env, new URL(c.req.url).origin),
        }),
      );
    } catch (error) {
      return page("Slack was not connected", `Slack refused the install (${error instanceof Error ? error.message : "unknown error"}).`, 400);
    }
    const channelId = access.incoming_webhook?.channel_id;
    if (!access.access_token || !channelId) return page("Slack was not connected", "Pick a channel for the alerts when Slack asks.", 400);
    await saveChannel(c.env, c.env.DB, {
      projectId: claims.prj,
      kind: "slack",
      config: {
        channelId,
        channelName: access.incoming_webhook?.channel ?? "",
        teamId: access.team?.id ?? "",
        teamName: access.team?.name ?? "",
        botUserId: access.bot_user_id ?? "",
      },
      secret: access.access_token,
      enabled: true,
      now: new Date().toISOString(),
    });
    return page(
      "Slack is connected",
      `Handoffs will be posted to ${access.incoming_webhook?.channel ?? "the channel you picked"} in ${access.team?.name ?? "your workspace"}.`,
    );
  });
