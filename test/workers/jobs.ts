// Notification jobs for tests that drive the queue consumer directly: a valid job with a complete
// packet, and a batch delivered through the worker's own queue handler.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import type { NotificationJob } from "../../protocol/jobs";
import worker from "../../worker/index";

const dim = { confidence: 0, evidence: [] };

/** A valid `handoff.opened` job; override any field. */
export function sampleJob(overrides: Partial<NotificationJob> & { summary?: string; visitorName?: string } = {}): NotificationJob {
  const { summary, visitorName, ...fields } = overrides;
  return {
    id: "job_sample",
    kind: "handoff.opened",
    projectId: "prj_queue",
    conversationId: "c_q",
    handoffId: "h_q",
    at: "2026-03-04T10:00:00.000Z",
    status: "pending",
    packet: {
      summary: summary ?? "The visitor asked for a person.",
      botTried: [],
      trigger: "explicit_request",
      reasons: ["explicit_phrase:talk to a person"],
      route: "sales",
      priority: "high",
      qualification: { problemFit: dim, authorityFit: dim, companyFit: dim, timingFit: dim, persona: null },
      leadLevel: "cold",
      sentiment: { negativity: 0, label: "neutral" },
      suggestedReply: "Hi there",
      visitor: visitorName ? { name: visitorName } : {},
      page: {},
      mode: "live",
      timestamps: {
        conversationStartedAt: "2026-03-04T09:58:00.000Z",
        handoffAt: "2026-03-04T10:00:00.000Z",
        lastVisitorMessageAt: "2026-03-04T10:00:00.000Z",
      },
      messageCount: 2,
      durationSeconds: 120,
    },
    ...fields,
  };
}

/** Delivers `bodies` as one batch of `queue` through the worker's queue handler. */
export async function deliverBatch(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env as never);
  return getQueueResult(batch, ctx);
}
