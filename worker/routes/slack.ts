// Slack's side of Baton: the Events API (thread replies reach the visitor), interactivity (Take
// Over, View Full, Snooze, Open in browser, Resolve, Back to bot, Internal note) and the OAuth
// install. Every request is checked against Slack's signature before anything else, answered at
// once (Slack gives us 3 seconds), and the work continues in waitUntil.
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import { projectChannels } from "../../adapters/channels";
import { findHandoff } from "../../adapters/db";
import { agentForSlackUser, type SlackAgent } from "../../adapters/slack/agents";
import { ACTIONS, NOTE_MODAL, mrkdwn, noteModal, packetModal, threadLine } from "../../adapters/slack/blocks";
import { callSlack, slackClient } from "../../adapters/slack/client";
import { interactionPayload, slackEventSchema, slackInteractionSchema, type SlackInteraction } from "../../adapters/slack/payloads";
import { verifySlackSignature } from "../../adapters/slack/verify";
import { signInUrl } from "../../adapters/sign-in-links";
import { ApiError } from "../../adapters/errors";
import { SNOOZE_MINUTES, type HandoffCommand } from "../../domain/handoff/machine";
import type { CommandOutcome } from "../../domain/room/room-types";
import type { Env } from "../env";
import { slackInstallRoutes } from "./slack-install";

const MAX_BODY_BYTES = 256 * 1024;

type Ctx = { Bindings: Env; Variables: { rawBody: string } };

/** A handoff as Slack reaches it: its project, conversation, the thread, and a client for that workspace. */
interface SlackTarget {
  handoffId: string;
  projectId: string;
  conversationId: string;
  channelId: string;
  threadTs: string;
  client: ReturnType<typeof slackClient>;
}

async function targetFor(env: Env, handoffId: string): Promise<SlackTarget | null> {
  const thread = await env.DB.prepare("SELECT project_id, channel_id, ts FROM slack_threads WHERE handoff_id = ?")
    .bind(handoffId)
    .first<{ project_id: string; channel_id: string; ts: string }>();
  if (!thread) return null;
  const handoff = await findHandoff(env.DB, thread.project_id, handoffId);
  const slack = (await projectChannels(env, env.DB, thread.project_id)).find((c) => c.kind === "slack");
  if (!handoff || !slack?.secret) return null;
  return {
    handoffId,
    projectId: thread.project_id,
    conversationId: handoff.conversationId,
    channelId: thread.channel_id,
    threadTs: thread.ts,
    client: slackClient(env, slack.secret),
  };
}

/** "2 min ago", "just now", "3 h ago". */
export function ago(iso: string | undefined, now: number): string {
  const minutes = iso ? Math.max(0, Math.round((now - Date.parse(iso)) / 60_000)) : 0;
  if (minutes < 1) return "just now";
  return minutes < 90 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

async function tell(target: SlackTarget, user: string, text: string): Promise<void> {
  await callSlack("chat.postEphemeral", () => target.client.chat.postEphemeral({ channel: target.channelId, user, text, thread_ts: target.threadTs }));
}

/** What the refusal of a command means to the person who clicked. */
async function explain(env: Env, target: SlackTarget, agent: SlackAgent, outcome: CommandOutcome): Promise<void> {
  if (outcome.ok) return;
  if ((outcome.code === "already_claimed" || outcome.code === "not_claimer") && "claimedBy" in outcome && outcome.claimedBy) {
    const holder = await env.DB.prepare("SELECT slack_user_id FROM agents WHERE id = ?").bind(outcome.claimedBy.id).first<{ slack_user_id: string | null }>();
    const who = holder?.slack_user_id ? `<@${holder.slack_user_id}>` : mrkdwn(outcome.claimedBy.name);
    const verb = outcome.code === "already_claimed" ? "Already claimed by" : "Only the person holding this conversation can do that:";
    return tell(target, agent.slackUserId, `${verb} ${who}, ${ago(outcome.claimedAt, Date.now())}.`);
  }
  return tell(target, agent.slackUserId, `That did not work: ${mrkdwn(outcome.message)}`);
}

async function roomOf(env: Env, target: SlackTarget) {
  return getServerByName(env.ConversationRoom, target.conversationId);
}

async function command(env: Env, target: SlackTarget, agent: SlackAgent, cmd: HandoffCommand): Promise<void> {
  const outcome = await (await roomOf(env, target)).command(target.handoffId, cmd);
  await explain(env, target, agent, outcome);
}

/** One click in an alert or a thread. */
async function onAction(env: Env, payload: Extract<SlackInteraction, { type: "block_actions" }>): Promise<void> {
  const action = payload.actions[0]!;
  const raw = action.selected_option?.value ?? action.value ?? "";
  const [handoffId = "", minutes] = raw.split(":");
  const target = await targetFor(env, handoffId);
  // The click must come from the channel the alert was posted in.
  if (!target || (payload.channel && payload.channel.id !== target.channelId)) return;
  const agent = await agentForSlackUser(env.DB, target.client, target.projectId, payload.user.id, new Date().toISOString());
  const who = { id: agent.id, name: agent.name };
  switch (action.action_id) {
    case ACTIONS.takeOver:
      return command(env, target, agent, { type: "claim", agent: who });
    case ACTIONS.snooze: {
      const m = Number(minutes);
      if (!(SNOOZE_MINUTES as readonly number[]).includes(m)) return tell(target, agent.slackUserId, "Snooze for 5, 15 or 30 minutes.");
      return command(env, target, agent, { type: "snooze", agent: who, minutes: m });
    }
    case ACTIONS.resolve:
      return command(env, target, agent, { type: "resolve", agent: who });
    case ACTIONS.backToBot:
      return command(env, target, agent, { type: "resolve", agent: who, handBackToBot: true });
    case ACTIONS.viewFull: {
      if (!payload.trigger_id) return;
      const [handoff, transcript] = await Promise.all([findHandoff(env.DB, target.projectId, handoffId), (await roomOf(env, target)).transcript()]);
      if (!handoff) return;
      await callSlack("views.open", () =>
        target.client.views.open({ trigger_id: payload.trigger_id!, view: packetModal(handoff.packet, transcript) as never }),
      );
      return;
    }
    case ACTIONS.note:
      if (!payload.trigger_id) return;
      await callSlack("views.open", () => target.client.views.open({ trigger_id: payload.trigger_id!, view: noteModal(handoffId) as never }));
      return;
    case ACTIONS.openBrowser: {
      const url = await signInUrl(
        env,
        { agentId: agent.id, projectId: target.projectId, next: `/agent/handoffs/${handoffId}`, ttlSeconds: 600 },
        Math.floor(Date.now() / 1000),
      );
      return tell(target, agent.slackUserId, `<${url}|Open this handoff in your browser> — a link for you only, valid 10 minutes, usable once.`);
    }
  }
}

/** The Internal note modal was submitted: a note for the team, never the visitor. */
async function onNote(env: Env, payload: Extract<SlackInteraction, { type: "view_submission" }>): Promise<void> {
  if (payload.view.callback_id !== NOTE_MODAL) return;
  const text = (payload.view.state.values.note?.text?.value ?? "").trim().slice(0, 3000);
  const target = await targetFor(env, payload.view.private_metadata);
  if (!target || !text) return;
  const agent = await agentForSlackUser(env.DB, target.client, target.projectId, payload.user.id, new Date().toISOString());
  await (await roomOf(env, target)).act({ type: "note", text, agent: { id: agent.id, name: agent.name }, via: "slack" });
  const line = threadLine({ from: "agent", kind: "note", text, author: { name: agent.name } });
  await callSlack("chat.postMessage", () => target.client.chat.postMessage({ channel: target.channelId, thread_ts: target.threadTs, text: line }));
}

/** A reply in an alert's thread: to the visitor from the holder (claiming first if nobody has it); internal from anyone else. */
async function onThreadReply(env: Env, event: { channel: string; user: string; text: string; ts: string; thread_ts: string }): Promise<void> {
  const thread = await env.DB.prepare("SELECT handoff_id FROM slack_threads WHERE channel_id = ? AND ts = ?")
    .bind(event.channel, event.thread_ts)
    .first<{ handoff_id: string }>();
  const target = thread ? await targetFor(env, thread.handoff_id) : null;
  if (!target) return;
  const agent = await agentForSlackUser(env.DB, target.client, target.projectId, event.user, new Date().toISOString());
  const text = event.text.trim().slice(0, 4000);
  if (!text) return;
  const room = await roomOf(env, target);
  const outcome = await room.act({
    type: "message",
    clientId: `slack:${event.ts}`,
    text,
    agent: { id: agent.id, name: agent.name },
    via: "slack",
  });
  if (!outcome || outcome.ok) return;
  if (outcome.code === "not_claimer" && outcome.claimedBy) {
    // The thread says which is which: this reply stayed inside the team.
    const holder = mrkdwn(outcome.claimedBy.name);
    await callSlack("chat.postMessage", () =>
      target.client.chat.postMessage({
        channel: target.channelId,
        thread_ts: target.threadTs,
        text: `🔒 Kept internal: <@${event.user}>'s reply was not sent to the visitor — ${holder} has this conversation.`,
      }),
    );
    return tell(target, event.user, `Your reply was kept as an internal note: ${holder} holds this conversation, so it did not go to the visitor.`);
  }
  return explain(env, target, agent, outcome);
}

/** Work that continues after Slack got its answer; a failure is logged, never thrown at Slack. */
function later(c: { executionCtx: { waitUntil(promise: Promise<unknown>): void } }, work: Promise<void>): void {
  c.executionCtx.waitUntil(work.catch((error) => console.error("slack work failed", error)));
}

export const slackRoutes = new Hono<Ctx>()
  // Signature first, on the raw body, before anything is parsed or looked up.
  .use("/slack/events", verified)
  .use("/slack/interactions", verified)
  .post("/slack/events", async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(c.get("rawBody"));
    } catch {
      throw new ApiError(400, "bad_json", "Request body must be valid JSON.");
    }
    const parsed = slackEventSchema.safeParse(body);
    if (!parsed.success) return c.json({ ok: true, ignored: "unsupported payload" });
    const payload = parsed.data;
    if (payload.type === "url_verification") return c.json({ challenge: payload.challenge });
    // Slack retries an event it thinks we missed, with the same event_id: handle each once.
    const fresh = await c.env.DB.prepare("INSERT OR IGNORE INTO slack_events (event_id, received_at) VALUES (?, ?)")
      .bind(payload.event_id, new Date().toISOString())
      .run();
    if ((fresh.meta.changes ?? 0) === 0) return c.json({ ok: true, duplicate: true });
    const e = payload.event;
    // Only people's replies in a thread: no bot messages (ours included), edits, joins or other subtypes.
    if (e.type === "message" && !e.subtype && !e.bot_id && e.user && e.channel && e.text && e.ts && e.thread_ts && e.thread_ts !== e.ts) {
      later(c, onThreadReply(c.env, { channel: e.channel, user: e.user, text: e.text, ts: e.ts, thread_ts: e.thread_ts }));
    }
    return c.json({ ok: true });
  })
  .post("/slack/interactions", async (c) => {
    const parsed = slackInteractionSchema.safeParse(interactionPayload(c.get("rawBody")));
    if (!parsed.success) return c.body(null, 200); // acknowledged, ignored
    const payload = parsed.data;
    if (payload.type === "block_actions") later(c, onAction(c.env, payload));
    else later(c, onNote(c.env, payload));
    return c.body(null, 200);
  })
  .route("/", slackInstallRoutes);

async function verified(c: import("hono").Context<Ctx>, next: () => Promise<void>): Promise<Response | undefined> {
  const length = Number(c.req.header("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) throw new ApiError(413, "too_large", "Request body is too large.");
  const raw = await c.req.text();
  if (raw.length > MAX_BODY_BYTES) throw new ApiError(413, "too_large", "Request body is too large.");
  const check = await verifySlackSignature(
    c.env.SLACK_SIGNING_SECRET,
    { timestamp: c.req.header("x-slack-request-timestamp"), signature: c.req.header("x-slack-signature") },
    raw,
    Math.floor(Date.now() / 1000),
  );
  if (!check.ok) {
    if (check.reason === "not_configured") throw new ApiError(503, "slack_not_configured", "SLACK_SIGNING_SECRET is not set: Slack requests are refused.");
    throw new ApiError(401, "bad_signature", `Slack signature ${check.reason}.`);
  }
  c.set("rawBody", raw);
  await next();
  return undefined;
}
