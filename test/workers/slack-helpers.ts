// Slack from a test's side: a project with its own Slack channel (so tests never share a poster),
// requests signed as Slack signs them, and the fake Web API's record of what Baton called.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { signSlackRequest } from "../../adapters/slack/verify";
import { ALWAYS_OPEN, call, createProject, json, type TestProject } from "./helpers";

const FAKE = (env as unknown as { FAKE_SLACK_URL: string }).FAKE_SLACK_URL;
export const SIGNING_SECRET = "test-slack-signing-secret";

export interface SlackCall {
  method: string;
  args: Record<string, any>;
  status: number;
  ok: boolean;
  at: number;
}

export const channelId = () => `C${crypto.randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`;

/** A project, open around the clock, whose handoffs go to its own Slack channel (and not the dev outbox). */
export async function slackProject(settings: Record<string, unknown> = {}, channel = channelId()): Promise<TestProject & { channel: string }> {
  const project = await createProject({ settings: { businessHours: ALWAYS_OPEN, ...settings } });
  await json(
    await call("/v1/channels/slack", { method: "PUT", token: project.secretKey, body: { botToken: "xoxb-test-token-0123456789", channelId: channel } }),
    200,
  );
  await json(await call("/v1/channels/outbox", { method: "PUT", token: project.secretKey, body: { enabled: false } }), 200);
  return { ...project, channel };
}

export async function slackCalls(channel?: string): Promise<SlackCall[]> {
  const response = await fetch(`${FAKE}/_admin/calls${channel ? `?channel=${channel}` : ""}`);
  return ((await response.json()) as { calls: SlackCall[] }).calls;
}

/** Waits (polling the fake) until `predicate` finds something in the calls made to `channel`. */
export async function waitForSlack<T>(
  channel: string | undefined,
  predicate: (calls: SlackCall[]) => T | undefined | false,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const calls = await slackCalls(channel);
    const found = predicate(calls);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for Slack ${what}; calls: ${JSON.stringify(calls.map((c) => [c.method, c.status, c.args.text]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function failNext(failure: { method: string; channel?: string; status: number; error?: string; retryAfter?: number; times?: number }) {
  await fetch(`${FAKE}/_admin/fail`, { method: "POST", body: JSON.stringify(failure) });
}

export async function limitPosts(minIntervalMs: number) {
  await fetch(`${FAKE}/_admin/limit`, { method: "POST", body: JSON.stringify({ minIntervalMs }) });
}

/** A request to /slack/* signed with the test signing secret (or `sign: false` / a stale timestamp). */
export async function slackRequest(path: string, body: string, contentType: string, options: { sign?: boolean; timestamp?: number; secret?: string } = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { "content-type": contentType };
  if (options.sign !== false) {
    headers["x-slack-request-timestamp"] = String(timestamp);
    headers["x-slack-signature"] = await signSlackRequest(options.secret ?? SIGNING_SECRET, timestamp, body);
  }
  return call(path, { method: "POST", body, headers });
}

export function interact(payload: unknown, options?: Parameters<typeof slackRequest>[3]) {
  return slackRequest(
    "/slack/interactions",
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    "application/x-www-form-urlencoded",
    options,
  );
}

export function slackEvent(body: unknown, options?: Parameters<typeof slackRequest>[3]) {
  return slackRequest("/slack/events", JSON.stringify(body), "application/json", options);
}

/** A click on a button of the alert (or thread) by Slack user `user`. */
export function click(channel: string, user: string, actionId: string, value: string, extra: Record<string, unknown> = {}) {
  return interact({
    type: "block_actions",
    user: { id: user, name: user.toLowerCase() },
    team: { id: "T123" },
    channel: { id: channel },
    trigger_id: `trigger-${crypto.randomUUID()}`,
    actions: [actionId === "baton.snooze" ? { action_id: actionId, selected_option: { value } } : { action_id: actionId, value }],
    ...extra,
  });
}

export function expectOk(response: Response) {
  expect(response.status).toBe(200);
}

/** The alert Baton posted for a handoff in `channel` (its ts is the thread). */
export async function alertIn(channel: string): Promise<SlackCall & { ts: string }> {
  const alert = await waitForSlack(channel, (calls) => calls.find((c) => c.method === "chat.postMessage" && c.ok && !c.args.thread_ts), "alert");
  for (let i = 0; i < 100; i++) {
    const row = await env.DB.prepare("SELECT ts FROM slack_threads WHERE channel_id = ?").bind(channel).first<{ ts: string }>();
    if (row) return { ...alert, ts: row.ts };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the alert's thread was never recorded");
}
