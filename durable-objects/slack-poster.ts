// One SlackPoster per Slack channel: the single writer of what Baton posts there. Slack allows
// about one message a second per channel, so posts wait in this object's SQLite outbox and leave
// one per alarm, in order, each exactly once: a 429 holds the whole channel for its Retry-After,
// a 5xx backs off and retries the same post, a permanent refusal is recorded and skipped. Thread
// lines are chained by seq (see domain/room/mirror.ts) and wait for their alert and predecessor.
// When Slack is down (a 5xx, no answer) or refuses an alert or notice the team must see, the job
// goes back on the queue marked `fallbackFor: "slack"`, and the email channel sends it instead.
import { DurableObject } from "cloudflare:workers";
import { getServerByName } from "partyserver";
import { projectChannels, recordChannelHealth } from "../adapters/channels";
import { alertMessage, claimedMessage, noticeLine, threadControls, threadLine } from "../adapters/slack/blocks";
import { callSlack, slackClient } from "../adapters/slack/client";
import { PermanentError, RetryableError } from "../adapters/errors";
import type { NotificationJob } from "../protocol/jobs";
import type { Env } from "../worker/env";
import { markDelivery } from "../adapters/deliveries";
import { slackOpsFor, type SlackOp } from "./slack-ops";
import { TEAM_EMAIL_KINDS } from "../adapters/email-content";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS posts (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  key        TEXT NOT NULL UNIQUE,
  op         TEXT NOT NULL,
  handoff_id TEXT NOT NULL,
  job        TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER NOT NULL DEFAULT 0,
  queued_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS threads (handoff_id TEXT PRIMARY KEY, ts TEXT, failed INTEGER NOT NULL DEFAULT 0, packet TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posted_lines (handoff_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (handoff_id, seq));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS done (key TEXT PRIMARY KEY, at INTEGER NOT NULL);
`;

/** A line whose predecessor never arrived is posted anyway after this long: late beats lost. */
const CHAIN_PATIENCE_MS = 2 * 60_000;
/** A thread line or notice whose alert never posted is given up after this long. */
const ALERT_PATIENCE_MS = 15 * 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const BROADCAST: ReadonlySet<NotificationJob["kind"]> = new Set([
  "handoff.snooze_end",
  "handoff.reminder",
  "handoff.ticket_due_soon",
  "handoff.ticket_overdue",
]);

interface Post extends Record<string, SqlStorageValue> {
  id: number;
  key: string;
  op: SlackOp;
  handoff_id: string;
  job: string;
  attempts: number;
  not_before: number;
  queued_at: number;
}

export class SlackPoster extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;
  /** Posts given up in this alarm whose job the email fallback should carry (sent after the alarm's work). */
  private givenUp: Post[] = [];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql.exec(SCHEMA);
  }

  /** RPC from the queue consumer: accepts a job for this channel, durably and at most once. */
  async enqueue(job: NotificationJob): Promise<"queued" | "skipped"> {
    const ops = slackOpsFor(job);
    if (ops.length === 0) return "skipped";
    for (const op of ops) {
      // The job id (and op) is the key: a job the queue delivers twice is posted once, even after the first went out.
      const key = `${job.id}:${op}`;
      if (this.sql.exec("SELECT 1 FROM done WHERE key = ?", key).toArray().length > 0) continue;
      this.sql.exec(
        "INSERT OR IGNORE INTO posts (key, op, handoff_id, job, queued_at) VALUES (?, ?, ?, ?, ?)",
        key,
        op,
        job.handoffId,
        JSON.stringify(job),
        Date.now(),
      );
    }
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Math.max(Date.now(), this.meta("next_post_at")));
    return "queued";
  }

  /** RPC for tests and operators: how many posts are waiting. */
  async pending(): Promise<number> {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM posts").one().n;
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const holdUntil = this.meta("next_post_at");
    if (holdUntil > now) return this.ctx.storage.setAlarm(holdUntil);
    const post = this.nextEligible(now);
    if (post) await this.attempt(post, now);
    for (const gone of this.givenUp.splice(0)) await this.fallback(gone);
    await this.rearm();
  }

  /** Milliseconds between two posts (SLACK_POST_INTERVAL_MS, default Slack's one a second). */
  private interval(): number {
    const configured = Number(this.env.SLACK_POST_INTERVAL_MS);
    return this.env.SLACK_POST_INTERVAL_MS !== undefined && Number.isFinite(configured) && configured >= 0 ? configured : 1000;
  }

  /** The oldest post that may go now: alerts any time; thread posts once their alert (and predecessor) did. */
  private nextEligible(now: number): Post | null {
    const posts = this.sql.exec<Post>("SELECT * FROM posts WHERE not_before <= ? ORDER BY id LIMIT 200", now).toArray();
    for (const post of posts) {
      if (post.op === "alert") return post;
      const thread = this.sql.exec<{ ts: string | null; failed: number }>("SELECT ts, failed FROM threads WHERE handoff_id = ?", post.handoff_id).toArray()[0];
      if (thread?.failed || (!thread?.ts && now - post.queued_at > ALERT_PATIENCE_MS)) {
        this.give(post, "the alert for this handoff was never posted");
        continue;
      }
      if (!thread?.ts) continue;
      if (post.op === "line") {
        const { message } = JSON.parse(post.job) as NotificationJob;
        const prev = message?.prevSeq ?? 0;
        const ready = prev === 0 || this.sql.exec("SELECT 1 FROM posted_lines WHERE handoff_id = ? AND seq = ?", post.handoff_id, prev).toArray().length > 0;
        if (!ready && now - post.queued_at < CHAIN_PATIENCE_MS) continue;
      }
      return post;
    }
    return null;
  }

  private async attempt(post: Post, now: number): Promise<void> {
    const job = JSON.parse(post.job) as NotificationJob;
    try {
      const ts = await this.post(post.op, job);
      this.finish(post, now);
      // Paced from when Slack answered, so jitter on the way there never makes two posts too close.
      this.setMeta("next_post_at", Date.now() + this.interval());
      await this.delivered(post.op, job, ts);
    } catch (error) {
      if (error instanceof RetryableError) {
        const wait = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** post.attempts);
        // A rate limit holds the whole channel; any other transient failure only this post.
        if (error.retryAfterSeconds !== undefined) this.setMeta("next_post_at", now + wait);
        this.sql.exec("UPDATE posts SET attempts = attempts + 1, not_before = ? WHERE id = ?", now + wait, post.id);
        await markDelivery(this.env.DB, job, "slack", "retrying", error.message, post.attempts + 1);
        // Down, not pacing us: whoever is waiting hears by email meanwhile (the post still goes when Slack is back).
        if (error.retryAfterSeconds === undefined && post.attempts === 0) await this.fallback(post);
        return;
      }
      const reason = error instanceof PermanentError ? error.message : String(error);
      this.give(post, reason);
      this.givenUp.pop(); // handled here, in order: the record first, then the fallback
      await markDelivery(this.env.DB, job, "slack", "failed", reason, post.attempts + 1);
      await this.fallback(post);
      if (post.op === "alert") await recordChannelHealth(this.env.DB, job.projectId, "slack", reason, new Date(now).toISOString());
    }
  }

  /** Performs one post; returns the message ts Slack gave it. */
  private async post(op: SlackOp, job: NotificationJob): Promise<string | undefined> {
    const target = (await projectChannels(this.env, this.env.DB, job.projectId)).find((c) => c.kind === "slack");
    if (!target?.secret || !target.config.channelId) throw new PermanentError("Slack is not configured for this project any more");
    const client = slackClient(this.env, target.secret);
    const channel = target.config.channelId;
    const thread = this.sql.exec<{ ts: string | null }>("SELECT ts FROM threads WHERE handoff_id = ?", job.handoffId).toArray()[0];
    switch (op) {
      case "alert": {
        const result = await callSlack("chat.postMessage", () => client.chat.postMessage({ channel, ...alertMessage(job), unfurl_links: false }));
        return result.ts;
      }
      case "update": {
        await callSlack("chat.update", () => client.chat.update({ channel, ts: thread!.ts!, ...alertMessage(job) }));
        return thread!.ts!;
      }
      case "claimed": {
        const agent = job.notice?.agent ?? { id: "", name: "an agent" };
        const slackUserId = await this.slackUserOf(job.projectId, agent.id);
        const claimed = claimedMessage(job, { name: agent.name, ...(slackUserId ? { slackUserId } : {}) }, job.at);
        await callSlack("chat.update", () => client.chat.update({ channel, ts: thread!.ts!, ...claimed }));
        return thread!.ts!;
      }
      case "controls": {
        const controls = threadControls(job.handoffId, job.notice?.agent?.name ?? "An agent");
        return (await callSlack("chat.postMessage", () => client.chat.postMessage({ channel, thread_ts: thread!.ts!, ...controls }))).ts;
      }
      case "line":
      case "notice": {
        const text = op === "line" ? threadLine(job.message!) : noticeLine(job);
        if (!text) return undefined;
        // Reminders, snooze ends and a ticket's deadline near or missed show in the channel again: that is the re-alert.
        const broadcast = BROADCAST.has(job.kind);
        const result = await callSlack("chat.postMessage", () =>
          client.chat.postMessage({ channel, thread_ts: thread!.ts!, text, reply_broadcast: broadcast, unfurl_links: false, unfurl_media: false }),
        );
        return result.ts;
      }
    }
  }

  private async delivered(op: SlackOp, job: NotificationJob, ts: string | undefined): Promise<void> {
    const now = new Date().toISOString();
    if (op === "alert" && ts) {
      this.sql.exec("INSERT OR REPLACE INTO threads (handoff_id, ts, failed, packet) VALUES (?, ?, 0, ?)", job.handoffId, ts, JSON.stringify(job.packet));
      const channelId = (await projectChannels(this.env, this.env.DB, job.projectId)).find((c) => c.kind === "slack")?.config.channelId ?? "";
      await this.env.DB.prepare("INSERT OR IGNORE INTO slack_threads (handoff_id, project_id, channel_id, ts, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(job.handoffId, job.projectId, channelId, ts, now)
        .run();
      await recordChannelHealth(this.env.DB, job.projectId, "slack", null, now);
    }
    if (op === "line" && job.message) this.sql.exec("INSERT OR IGNORE INTO posted_lines (handoff_id, seq) VALUES (?, ?)", job.handoffId, job.message.seq);
    await markDelivery(this.env.DB, job, "slack", "delivered", null, 1, ts);
    // A person can now see it: the handoff moves pending → notified (a no-op if it moved on).
    if (op === "alert") {
      const room = await getServerByName(this.env.ConversationRoom, job.conversationId);
      await room.command(job.handoffId, { type: "notified" });
    }
  }

  /** Drops a post that can never go; an alert that fails marks its thread failed so its lines do not wait. */
  private give(post: Post, _reason: string): void {
    this.finish(post, Date.now());
    this.givenUp.push(post);
    if (post.op === "alert") {
      const packet = (JSON.parse(post.job) as NotificationJob).packet;
      this.sql.exec("INSERT OR REPLACE INTO threads (handoff_id, ts, failed, packet) VALUES (?, NULL, 1, ?)", post.handoff_id, JSON.stringify(packet));
    }
  }

  /** The job of a post Slack did not take goes to the email fallback, if it is one the team must see. */
  private async fallback(post: Post): Promise<void> {
    const job = JSON.parse(post.job) as NotificationJob;
    if ((post.op !== "alert" && post.op !== "notice") || !TEAM_EMAIL_KINDS.has(job.kind) || job.fallbackFor) return;
    await this.env.NOTIFICATIONS.send({ ...job, fallbackFor: "slack" } satisfies NotificationJob);
  }

  /** A post leaves the outbox for good; its key is remembered (a week) so a redelivery is not posted again. */
  private finish(post: Post, now: number): void {
    this.sql.exec("DELETE FROM posts WHERE id = ?", post.id);
    this.sql.exec("INSERT OR REPLACE INTO done (key, at) VALUES (?, ?)", post.key, now);
    this.sql.exec("DELETE FROM done WHERE at < ?", now - 7 * 86_400_000);
  }

  private async slackUserOf(projectId: string, agentId: string): Promise<string | null> {
    const row = await this.env.DB.prepare("SELECT slack_user_id FROM agents WHERE project_id = ? AND id = ?")
      .bind(projectId, agentId)
      .first<{ slack_user_id: string | null }>();
    return row?.slack_user_id ?? null;
  }

  /** The next alarm: as soon as pacing allows when a post can go, else when the next one may (at most a second away). */
  private async rearm(): Promise<void> {
    const now = Date.now();
    if (this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM posts").one().n === 0) return this.ctx.storage.deleteAlarm();
    const hold = this.meta("next_post_at");
    const future = this.sql.exec<{ at: number | null }>("SELECT MIN(not_before) AS at FROM posts WHERE not_before > ?", now).one().at;
    const at = this.nextEligible(now) ? now : Math.min(future ?? Number.POSITIVE_INFINITY, now + 1000);
    await this.ctx.storage.setAlarm(Math.max(at, hold));
  }

  private meta(key: string): number {
    return this.sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? 0;
  }

  private setMeta(key: string, value: number): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }
}
