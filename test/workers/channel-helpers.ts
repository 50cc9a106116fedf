// The CRM, webhook, Teams and email channels from a test's side: projects set up through the
// channels API, the fakes' records (HubSpot portals by token, the receiver's requests by path),
// failures on demand, queue batches delivered by hand, and polling without sleeping blind.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { expect } from "vitest";
import type { NotificationJob } from "../../protocol/jobs";
import worker from "../../worker/index";
import { ALWAYS_OPEN, call, createProject, json, type TestProject } from "./helpers";

const FAKES = env as unknown as { FAKE_HUBSPOT_URL: string; FAKE_RECEIVER_URL: string };
export const HUBSPOT = FAKES.FAKE_HUBSPOT_URL;
export const RECEIVER = FAKES.FAKE_RECEIVER_URL;

/** A fresh path on the receiver (one per test: nothing is shared). */
export const receiverPath = (label: string) => `/r/${label}-${crypto.randomUUID()}`;
/** A fresh HubSpot portal (the fake keeps one per token). */
export const hubspotToken = () => `pat-na1-${crypto.randomUUID()}`;

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  rawBody: string;
  status: number;
  at: number;
}

export async function received(path: string): Promise<Received[]> {
  return ((await (await fetch(`${RECEIVER}/_admin/requests?path=${encodeURIComponent(path)}`)).json()) as { requests: Received[] }).requests;
}

export async function receiverFails(path: string, failure: { status: number; times?: number; retryAfter?: number }) {
  await fetch(`${RECEIVER}/_admin/fail`, { method: "POST", body: JSON.stringify({ path, ...failure }) });
}

export interface HubObject {
  id: string;
  properties: Record<string, string>;
  associations: string[];
}

export async function hubspotState(token: string) {
  return (await (await fetch(`${HUBSPOT}/_admin/state?token=${encodeURIComponent(token)}`)).json()) as {
    contacts: HubObject[];
    notes: HubObject[];
    tasks: HubObject[];
    calls: Array<{ method: string; path: string; status: number; body: any }>;
  };
}

export async function hubspotFails(failure: {
  token: string;
  method: string;
  path: string;
  status: number;
  times?: number;
  afterCommit?: boolean;
  retryAfter?: number;
}) {
  await fetch(`${HUBSPOT}/_admin/fail`, { method: "POST", body: JSON.stringify(failure) });
}

export async function hubspotDropsProperty(token: string, name: string) {
  await fetch(`${HUBSPOT}/_admin/drop-property`, { method: "POST", body: JSON.stringify({ token, name }) });
}

/** Polls `probe` until it returns something truthy (every 50 ms, failing after `timeoutMs`). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const found = await probe();
    if (found) return found;
    last = found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function putChannel(project: TestProject, kind: string, body: unknown, status = 200) {
  return json<any>(await call(`/v1/channels/${kind}`, { method: "PUT", token: project.secretKey, body }), status);
}

/**
 * A project open around the clock whose handoffs reach only the channels a test gives it (the dev
 * outbox off unless `outbox`): with no human-facing channel, every handoff is a capture.
 */
export async function projectWith(
  channels: Record<string, unknown>,
  options: { outbox?: boolean; settings?: Record<string, unknown> } = {},
): Promise<TestProject> {
  const project = await createProject({ name: "Acme Consulting", settings: { businessHours: ALWAYS_OPEN, ...options.settings } });
  if (!options.outbox) await putChannel(project, "outbox", { enabled: false });
  for (const [kind, body] of Object.entries(channels)) await putChannel(project, kind, body);
  return project;
}

/** The deliveries of a handoff (D1), optionally for one channel. */
export async function deliveriesOf(handoffId: string, channel?: string) {
  const { results } = await env.DB.prepare(
    `SELECT job_id, channel, kind, status, attempts, last_error, external_ref FROM deliveries WHERE handoff_id = ? ${channel ? "AND channel = ?" : ""} ORDER BY updated_at`,
  )
    .bind(...(channel ? [handoffId, channel] : [handoffId]))
    .all<{ job_id: string; channel: string; kind: string; status: string; attempts: number; last_error: string | null; external_ref: string | null }>();
  return results;
}

/** The emails the dev outbox recorded for a project (newest first). */
export async function emailsOf(project: TestProject) {
  const { notifications } = await json<{ notifications: Array<{ kind: string; handoffId: string; email: any }> }>(
    await call("/v1/notifications?channel=email", { token: project.secretKey }),
    200,
  );
  return notifications;
}

/** Runs one batch through the worker's queue handler, as the queue would, and says what it acked and retried. */
export async function deliverBatch(jobs: unknown[], attempts = 1) {
  const batch = createMessageBatch(
    "baton-notifications",
    jobs.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env as never);
  return getQueueResult(batch, ctx);
}

const dim = { confidence: 0, evidence: [] };

/** A job as the room would queue it, for `project`, with its own handoff (override anything). */
export function jobFor(
  project: TestProject,
  overrides: Omit<Partial<NotificationJob>, "packet"> & { packet?: Partial<NotificationJob["packet"]> } = {},
): NotificationJob {
  const now = new Date().toISOString();
  const { packet, ...rest } = overrides;
  return {
    id: `job_${crypto.randomUUID()}`,
    kind: "handoff.opened",
    projectId: project.projectId,
    conversationId: `c_${crypto.randomUUID()}`,
    handoffId: `h_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`,
    at: now,
    status: "pending",
    ...rest,
    packet: {
      summary: "Ana leads platform at Acme and wants to migrate 40 services this quarter.",
      botTried: ["Answered: pricing overview"],
      trigger: "hot_lead",
      reasons: ["qualification:hot"],
      route: "sales",
      priority: "high",
      qualification: {
        problemFit: { confidence: 0.9, evidence: [] },
        authorityFit: { confidence: 0.8, evidence: [] },
        companyFit: dim,
        timingFit: dim,
        persona: null,
      },
      leadLevel: "hot",
      sentiment: { negativity: 0, label: "neutral" },
      suggestedReply: "Hi Ana, happy to walk you through a migration plan.",
      visitor: { email: "ana.lima@acme.test", name: "Ana Lima", company: "Acme", role: "Head of Platform" },
      page: { url: "https://acme.test/pricing", title: "Pricing" },
      mode: "live",
      commitment: { by: new Date(Date.now() + 3 * 3600_000).toISOString(), label: "before 18:00 CET today" },
      timestamps: { conversationStartedAt: now, handoffAt: now, lastVisitorMessageAt: now },
      messageCount: 6,
      durationSeconds: 240,
      ...packet,
    },
  };
}

export function expectNoSecrets(channels: unknown, ...secrets: string[]) {
  const text = JSON.stringify(channels);
  for (const secret of secrets) expect(text).not.toContain(secret);
}
