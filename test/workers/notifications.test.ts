// The notifications queue consumer: every job is validated again, stored once in the dev outbox,
// and anything refused or dead-lettered is recorded for an operator.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { NotificationJob } from "../../protocol/jobs";
import type { RoomFrame } from "../../protocol/frames";
import { ALWAYS_OPEN, call, Client, createAgent, createProject, json, say, startConversation } from "./helpers";
import { deliverBatch, sampleJob } from "./jobs";

const job = (id: string): NotificationJob => sampleJob({ id });
const deliver = deliverBatch;

describe("the notifications consumer", () => {
  it("stores a valid job in the outbox once, even when the queue redelivers it", async () => {
    const id = `job_${crypto.randomUUID()}`;
    const result = await deliver("baton-notifications", [job(id), job(id)]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
    const rows = await env.DB.prepare("SELECT * FROM notifications WHERE id = ?").bind(id).all();
    expect(rows.results).toHaveLength(1);
  });

  it.each([
    ["garbage", "not a job"],
    ["a job with no packet", { ...job("job_x"), packet: undefined }],
    ["a job of an unknown kind", { ...job("job_y"), kind: "handoff.exploded" }],
  ])("acknowledges %s and records why it was refused", async (_name, body) => {
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM notification_failures").first<{ n: number }>();
    const result = await deliver("baton-notifications", [body]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages).toEqual([]);
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM notification_failures").first<{ n: number }>();
    expect(after!.n).toBe(before!.n + 1);
  });

  it("records dead-lettered jobs", async () => {
    const id = `job_${crypto.randomUUID()}`;
    await deliver("baton-notifications-dlq", [job(id)]);
    const row = await env.DB.prepare("SELECT * FROM notification_failures WHERE job_id = ?").bind(id).first<{ channel: string }>();
    expect(row?.channel).toBe("dead-letter");
  });
});

describe("the notified step, on a real conversation", () => {
  it("a live handoff moves from pending to notified once the queue has delivered its alert", async () => {
    const project = await createProject({ settings: { businessHours: ALWAYS_OPEN } });
    const agent = await createAgent(project);
    const conversation = await startConversation(project);
    const visitor = await Client.open(conversation.socketUrl);
    await say(visitor, "Can I talk to a person?");
    const handoffs = (frames: RoomFrame[]) => frames.filter((f): f is Extract<RoomFrame, { type: "handoff" }> => f.type === "handoff");
    const opened = await visitor.waitFor((f) => handoffs(f)[0], "the handoff frame");
    expect(opened.status).toBe("pending");
    // The consumer runs on the queue's own batch schedule; the room tells every socket when it did.
    const notified = await visitor.waitFor((f) => handoffs(f).find((h) => h.status === "notified"), "the notified frame");
    expect(notified).toMatchObject({ handoffId: opened.handoffId, trigger: "explicit_request" });
    const { handoff } = await json<{ handoff: { status: string } }>(await call(`/v1/handoffs/${opened.handoffId}`, { token: agent.agentToken }), 200);
    expect(handoff.status).toBe("notified");
    const audit = await env.DB.prepare("SELECT action FROM decisions WHERE handoff_id = ? ORDER BY at").bind(opened.handoffId).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toContain("notified");
    visitor.close();
  });
});
