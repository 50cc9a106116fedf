// How the queue consumer hands a job to each kind of channel. A channel either delivers at once
// over HTTP (Teams, HubSpot, the signed webhook, email, and the dev outbox's table) or hands the
// job to the channel's own poster (Slack: one SlackPoster per Slack channel paces and orders the
// posts). No channel takes a transcript line but Slack's thread; email decides for itself whether
// the team needs it (always, or only when no chat channel carried it) from the delivery records.
import { CHAT_CHANNELS, type ChannelKind, type EmailMode, type ResolvedChannel } from "../../adapters/channels";
import { isDevelopmentLike, publicUrl } from "../../adapters/config";
import type { DeliveryStatus } from "../../adapters/deliveries";
import { sendEmail, type EmailTransport, type OutgoingEmail } from "../../adapters/email";
import { TEAM_EMAIL_KINDS, teamEmail, ticketReplyEmail, VISITOR_EMAIL_KINDS, visitorConfirmationEmail } from "../../adapters/email-content";
import { PermanentError } from "../../adapters/errors";
import { HubSpotClient } from "../../adapters/hubspot/client";
import { DEFAULT_LEAD_LEVEL_PROPERTY, isHubSpotJob, syncToHubSpot } from "../../adapters/hubspot/sync";
import { signInUrl } from "../../adapters/sign-in-links";
import { postToTeams, TEAMS_KINDS } from "../../adapters/teams";
import { sendWebhook } from "../../adapters/webhook";
import { decideTeamEmail, type ChatChannelState } from "../../domain/handoff/email-fallback";
import type { NotificationJob } from "../../protocol/jobs";
import type { Env } from "../env";

/** delivered: sent (a person can see it, for human-facing channels); queued: the channel's poster holds it durably; skipped: not for this channel. */
export type DeliveryOutcome = "delivered" | "queued" | "skipped";

export interface Delivered {
  outcome: DeliveryOutcome;
  /** The provider's id for what was created (a HubSpot note, an email's message id). */
  externalRef?: string;
}

/** What a deliverer may need besides the job: the project's other channels (email's fallback rule reads them). */
export interface DeliveryContext {
  channels: readonly ResolvedChannel[];
}

export interface ChannelDeliverer {
  /** Takes the jobs a chat channel re-sent because it could not deliver them (`job.fallbackFor`). */
  takesFallback?: boolean;
  deliver(job: NotificationJob, channel: ResolvedChannel, env: Env, context: DeliveryContext): Promise<DeliveryOutcome | Delivered>;
}

/** Where a person opens the handoff: the agent room (sign-in required). */
export function handoffLink(env: Env, handoffId: string): string {
  return `${publicUrl(env)}/agent/handoffs/${encodeURIComponent(handoffId)}`;
}

/** The dev outbox: a D1 table listed by GET /v1/notifications, in development and tests only. */
const outbox: ChannelDeliverer = {
  async deliver(job, _channel, env) {
    if (job.kind === "handoff.message") return "skipped"; // the transcript is in the room; the outbox lists handoff events
    await env.DB.prepare(
      "INSERT OR IGNORE INTO notifications (id, project_id, handoff_id, kind, channel, payload, created_at) VALUES (?, ?, ?, ?, 'outbox', ?, ?)",
    )
      .bind(job.id, job.projectId, job.handoffId, job.kind, JSON.stringify(job), new Date().toISOString())
      .run();
    return "delivered";
  },
};

/** Slack: the channel's poster takes the job (idempotently) and posts it when Slack's pace allows. */
const slack: ChannelDeliverer = {
  async deliver(job, channel, env) {
    const poster = env.SlackPoster.getByName(`slack:${channel.config.channelId}`);
    return poster.enqueue(job);
  },
};

/** Teams: an Adaptive Card through the incoming webhook (the secret is its URL). */
const teams: ChannelDeliverer = {
  async deliver(job, channel, env) {
    if (!TEAMS_KINDS.has(job.kind)) return "skipped";
    if (!channel.secret) throw new PermanentError("Teams has no webhook URL");
    await postToTeams(channel.secret, job, { handoff: handoffLink(env, job.handoffId) });
    return "delivered";
  },
};

/** HubSpot: the contact, the note with the packet and its timeline, the owner's task. */
const hubspot: ChannelDeliverer = {
  async deliver(job, channel, env, context) {
    if (!isHubSpotJob(job)) return "skipped";
    if (!channel.secret) throw new PermanentError("HubSpot has no token");
    const ownerEmail = channel.config.ownerEmail || context.channels.find((c) => c.kind === "email")?.config.ownerEmail || env.OWNER_EMAIL;
    const noteId = await syncToHubSpot(env.DB, new HubSpotClient(channel.secret, env.HUBSPOT_API_URL), job, {
      handoffUrl: handoffLink(env, job.handoffId),
      ...(channel.config.ownerId ? { ownerId: channel.config.ownerId } : {}),
      ...(ownerEmail ? { ownerEmail } : {}),
      leadLevelProperty: channel.config.leadLevelProperty ?? DEFAULT_LEAD_LEVEL_PROPERTY,
    });
    return { outcome: "delivered", externalRef: noteId };
  },
};

/** The signed webhook: every handoff event but transcript lines. */
const webhook: ChannelDeliverer = {
  async deliver(job, channel, env) {
    if (job.kind === "handoff.message") return "skipped";
    if (!channel.secret || !channel.config.url) throw new PermanentError("the webhook has no URL or secret");
    await sendWebhook({ url: channel.config.url, secret: channel.secret }, job, { handoff: handoffLink(env, job.handoffId) }, Math.floor(Date.now() / 1000));
    return "delivered";
  },
};

/** The state of each chat channel for this job and its handoff, from the delivery records. */
async function chatStates(env: Env, job: NotificationJob, channels: readonly ResolvedChannel[]): Promise<ChatChannelState[]> {
  const chats = channels.filter((c) => CHAT_CHANNELS.has(c.kind));
  if (chats.length === 0) return [];
  const { results } = await env.DB.prepare(
    "SELECT job_id, channel, kind, status FROM deliveries WHERE project_id = ? AND handoff_id = ? AND (job_id = ? OR kind = 'handoff.opened')",
  )
    .bind(job.projectId, job.handoffId, job.id)
    .all<{ job_id: string; channel: string; kind: string; status: DeliveryStatus }>();
  return chats.map((c) => ({
    kind: c.kind,
    healthy: c.healthy,
    delivery: results.find((r) => r.job_id === job.id && r.channel === c.kind)?.status ?? null,
    alert: job.kind === "handoff.opened" ? null : (results.find((r) => r.kind === "handoff.opened" && r.channel === c.kind)?.status ?? null),
    paced: c.kind === "slack",
  }));
}

/** The agent whose address this is gets a personal sign-in link; anyone else the plain page. */
async function signInFor(env: Env, job: NotificationJob, email: string): Promise<string | null> {
  const agent = await env.DB.prepare("SELECT id FROM agents WHERE project_id = ? AND lower(email) = lower(?)")
    .bind(job.projectId, email)
    .first<{ id: string }>();
  if (!agent) return null;
  // An email is read later than a Slack click: the link lasts a day (and still works once).
  return signInUrl(
    env,
    { agentId: agent.id, projectId: job.projectId, next: `/agent/handoffs/${job.handoffId}`, ttlSeconds: 24 * 3600 },
    Math.floor(Date.now() / 1000),
  );
}

function transportOf(channel: ResolvedChannel, env: Env): EmailTransport {
  if (channel.config.provider === "http") {
    if (!channel.config.apiUrl || !channel.secret) throw new PermanentError("the email provider has no URL or API key");
    return { kind: "http", url: channel.config.apiUrl, apiKey: channel.secret };
  }
  if (!env.EMAIL) throw new PermanentError("no send_email binding (EMAIL) in wrangler.toml, and no HTTP provider configured");
  return { kind: "binding", binding: env.EMAIL };
}

/**
 * Email: the team (the owner's address) for new handoffs, reminders and tickets — always, or only
 * when no chat channel carried them — and the visitor for the promise and the answer to their ticket.
 */
const email: ChannelDeliverer = {
  takesFallback: true,
  async deliver(job, channel, env, context) {
    const ownerEmail = channel.config.ownerEmail || env.OWNER_EMAIL || "";
    const project = await env.DB.prepare("SELECT name FROM projects WHERE id = ?").bind(job.projectId).first<{ name: string }>();
    const projectName = project?.name ?? "Baton";
    let message: OutgoingEmail;
    if (TEAM_EMAIL_KINDS.has(job.kind)) {
      if (!ownerEmail) return "skipped";
      const mode: EmailMode = channel.config.mode === "always" ? "always" : "fallback";
      const decision = decideTeamEmail({
        mode,
        chats: await chatStates(env, job, context.channels),
        ...(job.fallbackFor ? { fallbackFor: job.fallbackFor } : {}),
      });
      if (!decision.send) return "skipped";
      const body = teamEmail(job, {
        projectName,
        handoffUrl: handoffLink(env, job.handoffId),
        signInUrl: await signInFor(env, job, ownerEmail),
        why: decision.why,
      });
      message = { from: channel.config.from!, to: ownerEmail, ...body };
    } else if (VISITOR_EMAIL_KINDS.has(job.kind)) {
      const to = job.packet.visitor.email;
      if (!to) return "skipped";
      const body = job.kind === "handoff.ticket_answered" ? ticketReplyEmail(job, { projectName }) : visitorConfirmationEmail(job, { projectName });
      message = { from: channel.config.from!, to, ...body, ...(ownerEmail ? { replyTo: ownerEmail } : {}) };
    } else return "skipped";
    const transport = transportOf(channel, env);
    const { messageId } = await sendEmail(transport, message);
    // Locally every sent email is in the dev outbox too, so a newcomer sees what would have gone out.
    if (isDevelopmentLike(env)) {
      await env.DB.prepare(
        "INSERT OR IGNORE INTO notifications (id, project_id, handoff_id, kind, channel, payload, created_at) VALUES (?, ?, ?, ?, 'email', ?, ?)",
      )
        .bind(
          `${job.id}:email`,
          job.projectId,
          job.handoffId,
          job.kind,
          JSON.stringify({ ...message, transport: transport.kind, messageId }),
          new Date().toISOString(),
        )
        .run();
    }
    return { outcome: "delivered", ...(messageId ? { externalRef: messageId } : {}) };
  },
};

export const DELIVERERS: Record<ChannelKind, ChannelDeliverer> = { outbox, slack, teams, hubspot, webhook, email };
