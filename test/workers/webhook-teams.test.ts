// The signed webhook and Microsoft Teams against a local receiver (the HTTP boundary): the
// signature checked by the very snippet the README documents, a delivery id that is the same on
// every retry, retries on 5xx and 429 but not on other 4xx, no transcript lines; and Teams'
// Adaptive Card, a human-facing channel on which a handoff goes live.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { verifyBatonWebhook } from "../../docs/examples/verify-webhook.mjs";
import type { RoomFrame } from "../../protocol/frames";
import { deliverJob } from "../../worker/notify/consumer";
import { call, Client, createAgent, json, say, startConversation } from "./helpers";
import {
  deliverBatch,
  deliveriesOf,
  eventually,
  expectNoSecrets,
  jobFor,
  projectWith,
  putChannel,
  received,
  RECEIVER,
  receiverFails,
  receiverPath,
} from "./channel-helpers";

type HandoffFrame = Extract<RoomFrame, { type: "handoff" }>;
const SECRET = "whsec_test_0123456789abcdef";

async function webhookProject(options: { outbox?: boolean } = {}) {
  const path = receiverPath("hook");
  const project = await projectWith({ webhook: { url: `${RECEIVER}${path}`, secret: SECRET } }, options);
  return { project, path };
}

describe("the signed webhook", () => {
  it("POSTs each handoff event as JSON, signed so the README's snippet verifies it, and never a transcript line", async () => {
    const { project, path } = await webhookProject({ outbox: true });
    const conversation = await startConversation(project, { visitor: { email: "ana@acme.test" } });
    const visitor = await Client.open(conversation.socketUrl);
    await say(visitor, "Can I talk to a person?");
    const { handoffId } = await visitor.waitFor((f) => f.find((x): x is HandoffFrame => x.type === "handoff"), "handoff");
    await say(visitor, "Still there?"); // a transcript line while the handoff is open: mirrored to Slack, never to the webhook
    const [request] = await eventually(async () => {
      const all = await received(path);
      return all.length > 0 && all;
    }, "the webhook request");
    const r = request!;
    expect(r.headers["content-type"]).toBe("application/json");
    const event = JSON.parse(r.rawBody);
    expect(event).toMatchObject({
      kind: "handoff.opened",
      handoffId,
      projectId: project.projectId,
      links: { handoff: `http://baton.test/agent/handoffs/${handoffId}` },
    });
    expect(event.packet.visitor.email).toBe("ana@acme.test");
    expect(r.headers["x-baton-delivery"]).toBe(event.id);
    expect(r.headers["x-baton-event"]).toBe("handoff.opened");
    const check = { secret: SECRET, timestamp: r.headers["x-baton-timestamp"], signature: r.headers["x-baton-signature"], rawBody: r.rawBody };
    expect(check.signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyBatonWebhook(check)).toBe(true);
    // Anything else is refused by the same snippet: another secret, a changed byte, a stale timestamp, no signature.
    expect(verifyBatonWebhook({ ...check, secret: "another-secret-0123456789" })).toBe(false);
    expect(verifyBatonWebhook({ ...check, rawBody: r.rawBody.replace("handoff.opened", "handoff.resolved") })).toBe(false);
    expect(verifyBatonWebhook({ ...check, now: (Number(check.timestamp) + 600) * 1000 })).toBe(false);
    expect(verifyBatonWebhook({ ...check, signature: undefined })).toBe(false);
    await eventually(async () => (await deliveriesOf(handoffId, "webhook")).some((d) => d.status === "delivered"), "the webhook's delivery");
    const before = (await received(path)).length;
    const line = jobFor(project, {
      kind: "handoff.message",
      handoffId,
      message: { seq: 9, prevSeq: 0, kind: "message", from: "visitor", text: "Still there?" },
    });
    await deliverBatch([line]);
    expect(await received(path)).toHaveLength(before);
    expect((await received(path)).map((x) => JSON.parse(x.rawBody).kind)).not.toContain("handoff.message");
    visitor.close();
  });

  it("5xx and 429 are retried (429 after its Retry-After) with the same X-Baton-Delivery; another 4xx is recorded and not retried", async () => {
    const { project, path } = await webhookProject();
    const job = jobFor(project);
    await receiverFails(path, { status: 500 });
    expect(await deliverJob(env as never, job, 1)).toMatchObject({ message: expect.stringContaining("Webhook answered 500"), retryAfterSeconds: undefined });
    await receiverFails(path, { status: 429, retryAfter: 9 });
    expect(await deliverJob(env as never, job, 2)).toMatchObject({ retryAfterSeconds: 9 });
    expect(await deliverJob(env as never, job, 3)).toBeNull();
    expect(await deliverJob(env as never, job, 4)).toBeNull(); // settled: not sent again
    const requests = await received(path);
    expect(requests.map((r) => r.status)).toEqual([500, 429, 200]);
    expect(new Set(requests.map((r) => r.headers["x-baton-delivery"]))).toEqual(new Set([job.id]));
    for (const r of requests)
      expect(
        verifyBatonWebhook({ secret: SECRET, timestamp: r.headers["x-baton-timestamp"], signature: r.headers["x-baton-signature"], rawBody: r.rawBody }),
      ).toBe(true);
    expect((await deliveriesOf(job.handoffId, "webhook"))[0]).toMatchObject({ status: "delivered", attempts: 3 });

    const gone = jobFor(project);
    await receiverFails(path, { status: 410 });
    const result = await deliverBatch([gone]);
    expect(result.retryMessages).toEqual([]);
    expect((await deliveriesOf(gone.handoffId, "webhook"))[0]).toMatchObject({ status: "failed", last_error: expect.stringContaining("410") });
  });

  it("settings: the secret is write-only and required the first time; only http(s) URLs", async () => {
    const { project } = await webhookProject();
    const { channels } = await json<{ channels: any[] }>(await call("/v1/channels", { token: project.secretKey }), 200);
    expect(channels.find((c) => c.kind === "webhook")).toMatchObject({
      configured: true,
      secretSet: true,
      humanFacing: false,
      config: { url: expect.stringContaining("/r/hook-") },
    });
    expectNoSecrets(channels, SECRET);
    // A new URL keeps the stored secret.
    const moved = await putChannel(project, "webhook", { url: `${RECEIVER}/r/moved` });
    expect(moved.channels.find((c: any) => c.kind === "webhook").config.url).toBe(`${RECEIVER}/r/moved`);
    const bare = await projectWith({});
    for (const [body, field] of [
      [{ url: `${RECEIVER}/r/a` }, "secret"],
      [{ url: `${RECEIVER}/r/a`, secret: "short" }, "secret"],
      [{ url: "ftp://example.com/x", secret: SECRET }, "url"],
      [{ url: "javascript:alert(1)", secret: SECRET }, "url"],
      [{ url: "https://user:pass@example.com/", secret: SECRET }, "url"],
    ] as const) {
      expect((await putChannel(bare, "webhook", body, 400)).error).toMatchObject({ code: "invalid_body", field });
    }
    expect((await call("/v1/channels/carrier-pigeon", { method: "PUT", token: project.secretKey, body: {} })).status).toBe(404);
  });
});

describe("Microsoft Teams", () => {
  it("is human-facing: a handoff goes live, the card carries the packet and Open in browser, and visitor text stays text", async () => {
    const path = receiverPath("teams");
    const project = await projectWith({ teams: { webhookUrl: `${RECEIVER}${path}` } });
    const conversation = await startConversation(project, { visitor: { name: "[click me](https://evil.example)" } });
    const visitor = await Client.open(conversation.socketUrl);
    await say(visitor, "Can I talk to a person? **now**");
    const frame = await visitor.waitFor((f) => f.find((x): x is HandoffFrame => x.type === "handoff"), "handoff");
    expect(frame.mode).toBe("live");
    const [request] = await eventually(async () => {
      const all = await received(path);
      return all.length > 0 && all;
    }, "the Teams card");
    const message = JSON.parse(request!.rawBody);
    const card = message.attachments[0];
    expect(message.type).toBe("message");
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(card.content.actions).toEqual([{ type: "Action.OpenUrl", title: "Open in browser", url: `http://baton.test/agent/handoffs/${frame.handoffId}` }]);
    // Visitor text only ever sits in TextRuns (never parsed as Markdown): no TextBlock, no FactSet.
    const types = new Set<string>();
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        const t = (node as { type?: string }).type;
        if (t) types.add(t);
        Object.values(node).forEach(walk);
      }
    };
    walk(card.content.body);
    expect([...types].sort()).toEqual(["RichTextBlock", "TextRun"]);
    expect(request!.rawBody).toContain("[click me](https://evil.example)");
    // A person can see it: the handoff is notified.
    await visitor.waitFor((f) => f.find((x) => x.type === "handoff" && x.status === "notified"), "notified");
    const agent = await createAgent(project);
    const detail = await json<{ deliveries: any[] }>(await call(`/v1/handoffs/${frame.handoffId}`, { token: agent.agentToken }), 200);
    expect(detail.deliveries).toContainEqual(expect.objectContaining({ channel: "teams", kind: "handoff.opened", status: "delivered" }));
    visitor.close();
  });

  it("posts what needs someone now, not every event; the URL is a secret", async () => {
    const path = receiverPath("teams");
    const project = await projectWith({ teams: { webhookUrl: `${RECEIVER}${path}` } });
    const job = jobFor(project);
    const same = { handoffId: job.handoffId, conversationId: job.conversationId };
    await deliverBatch([
      job,
      jobFor(project, { kind: "handoff.claimed", ...same }),
      jobFor(project, { kind: "handoff.reminder", ...same }),
      jobFor(project, { kind: "handoff.message", ...same, message: { seq: 1, prevSeq: 0, kind: "message", from: "visitor", text: "hi" } }),
    ]);
    const kinds = (await received(path)).map((r) => (JSON.stringify(JSON.parse(r.rawBody)).includes("Reminder") ? "reminder" : "card"));
    expect(kinds).toEqual(["card", "reminder"]);
    const { channels } = await json<{ channels: any[] }>(await call("/v1/channels", { token: project.secretKey }), 200);
    expect(channels.find((c) => c.kind === "teams")).toMatchObject({ configured: true, humanFacing: true, secretSet: true, config: {} });
    expectNoSecrets(channels, path);
  });
});
