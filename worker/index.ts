// The only entry of the worker: the Hono app for /v1/* (static assets such as /widget.js and the
// demo page are served by the assets binding before the worker runs), the queue consumers, the
// daily retention sweep, and the Durable Object export.
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Env } from "./env";
import { ApiError } from "../adapters/errors";
import { errorResponse, limitBodies } from "./errors";
import { consumeDeadLetters, consumeNotifications } from "./notify/consumer";
import { conversationRoutes } from "./routes/conversations";
import { auditRoutes } from "./routes/audit";
import { handoffActionRoutes } from "./routes/handoff-actions";
import { handoffRoutes } from "./routes/handoffs";
import { settingsRoutes } from "./routes/settings";
import { projectRoutes } from "./routes/projects";
import { agentRoutes } from "./routes/agents";
import { agentPageRoutes } from "./routes/agent-pages";
import { deskRoutes } from "./routes/desk";
import { channelRoutes } from "./routes/channels";
import { ticketRoutes } from "./routes/tickets";
import { slackRoutes } from "./routes/slack";
import { slackApiRoutes } from "./routes/slack-install";
import { accessRoutes } from "./routes/access";
import { privacyRoutes } from "./routes/privacy";
import { sweepRetention } from "./retention";

export { ConversationRoom } from "../durable-objects/conversation-room";
export { SlackPoster } from "../durable-objects/slack-poster";
export { ProjectInbox } from "../durable-objects/project-inbox";

export const app = new Hono<{ Bindings: Env }>();

// The widget runs on customers' sites, and agents' tools elsewhere: credentials are bearer tokens,
// never cookies, so reflecting the origin is safe; per-project origin rules are enforced by route.
app.use("/v1/*", cors({ origin: (origin) => origin, allowHeaders: ["Content-Type", "Authorization"], exposeHeaders: ["Retry-After"], maxAge: 86400 }));
app.use("/v1/*", limitBodies);
// Slack's callbacks and the agent pages' forms are bounded too (the default limit).
app.use("/slack/*", limitBodies);
app.use("/agent/*", limitBodies);
app.get("/v1/health", (c) => c.json({ ok: true }));
app.route("/v1", projectRoutes);
app.route("/v1", conversationRoutes);
app.route("/v1", settingsRoutes);
app.route("/v1", handoffRoutes);
app.route("/v1", handoffActionRoutes);
app.route("/v1", auditRoutes);
app.route("/v1", agentRoutes);
app.route("/v1", deskRoutes);
app.route("/", agentPageRoutes);
app.route("/v1", ticketRoutes);
app.route("/v1", channelRoutes);
app.route("/v1", slackApiRoutes);
// Slack calls these itself (signed, not CORS): events, interactivity, and the OAuth install.
app.route("/", slackRoutes);
app.route("/v1", accessRoutes);
app.route("/v1", privacyRoutes);
app.notFound((c) => errorResponse(c, new ApiError(404, "not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)));
app.onError((error, c) => errorResponse(c, error));

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else await consumeNotifications(batch, env);
  },
  async scheduled(controller, env) {
    console.log("retention sweep", JSON.stringify(await sweepRetention(env, new Date(controller.scheduledTime))));
  },
} satisfies ExportedHandler<Env>;
