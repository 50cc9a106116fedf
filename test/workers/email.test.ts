// Email through Cloudflare's send_email binding (simulated in workerd: the mail is logged and
// written to a file) and through an HTTP provider (a local fake), to the team — always, or as the
// fallback when Slack is down or absent — and to the visitor. Every email sent locally is also in
// the dev outbox (GET /v1/notifications?channel=email), which is how these tests read them.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readSignInToken } from "../../adapters/sign-in-links";
import type { RoomFrame } from "../../protocol/frames";
import { deliverJob } from "../../worker/notify/consumer";
import { call, Client, json, say, startConversation } from "./helpers";
import {
  deliverBatch,
  deliveriesOf,
  emailsOf,
  eventually,
  jobFor,
  projectWith,
  putChannel,
  received,
  RECEIVER,
  receiverFails,
  receiverPath,
} from "./channel-helpers";
import { failNext, waitForSlack } from "./slack-helpers";

type HandoffFrame = Extract<RoomFrame, { type: "handoff" }>;
const handoffOf = (frames: RoomFrame[]) => frames.find((f): f is HandoffFrame => f.type === "handoff");
const channelId = () => `C${crypto.randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`;

const nonEmpty = <T>(list: T[]) => list.length > 0 && list;
const emailChannel = (extra: Record<string, unknown> = {}) => ({ from: "baton@acme.test", ownerEmail: "owner@acme.test", ...extra });

async function ownerAgent(project: { secretKey: string }) {
  return json<{ agentId: string; agentToken: string }>(
    await call("/v1/agents", { token: project.secretKey, body: { name: "Olive Owner", email: "owner@acme.test", role: "admin" } }),
    201,
  );
}

describe("the send_email binding, in workerd", () => {
  it("a new handoff reaches the owner: packet in text and HTML, a personal sign-in link, the provider's message id on the delivery", async () => {
    const project = await projectWith({ email: emailChannel({ mode: "always" }) }, { outbox: true });
    const owner = await ownerAgent(project);
    const conversation = await startConversation(project, { visitor: { name: "Ana <b>Lima</b>", email: "ana@acme.test" } });
    const visitor = await Client.open(conversation.socketUrl);
    await say(visitor, "Can I talk to a person? <script>alert(1)</script>");
    const { handoffId } = await visitor.waitFor(handoffOf, "handoff");
    const [mail] = await eventually(async () => nonEmpty((await emailsOf(project)).filter((e) => e.kind === "handoff.opened")), "the owner's email");
    const email = mail!.email;
    expect(email).toMatchObject({
      from: "baton@acme.test",
      to: "owner@acme.test",
      transport: "binding",
      messageId: expect.stringMatching(/^<.+@acme\.test>$/),
    });
    expect(email.subject).toBe("[Acme Consulting] Asked for a person — Ana <b>Lima</b>"); // a subject is text, shown as typed
    expect(email.text).toContain("Asked for a person");
    expect(email.text).toContain("Email: ana@acme.test");
    expect(email.html).toContain("Ana &lt;b&gt;Lima&lt;/b&gt;");
    expect(email.html).not.toContain("<script>");
    expect(email.text).toContain("email mode: always");
    const link = /Open the handoff \(signs you in; the link works once\): (\S+)/.exec(email.text)?.[1];
    const claims = await readSignInToken(env as never, new URL(link!).searchParams.get("token")!, Math.floor(Date.now() / 1000));
    expect(claims).toMatchObject({ sub: owner.agentId, prj: project.projectId, next: `/agent/handoffs/${handoffId}` });
    const [delivery] = await deliveriesOf(handoffId, "email");
    expect(delivery).toMatchObject({ kind: "handoff.opened", status: "delivered", external_ref: email.messageId });
    visitor.close();
  });
});

describe("email as the fallback", () => {
  it("Slack answers 500: the team is emailed at once, and the alert still posts once Slack is back", async () => {
    const channel = channelId();
    const project = await projectWith({ slack: { botToken: "xoxb-test-token-0123456789", channelId: channel }, email: emailChannel() });
    await failNext({ method: "chat.postMessage", channel, status: 500, times: 1 });
    const conversation = await startConversation(project, { visitor: { email: "ana@acme.test", name: "Ana" } });
    const visitor = await Client.open(conversation.socketUrl);
    await say(visitor, "Can I talk to a person?");
    const { handoffId } = await visitor.waitFor(handoffOf, "handoff");
    const [mail] = await eventually(async () => nonEmpty((await emailsOf(project)).filter((e) => e.kind === "handoff.opened")), "the fallback email");
    expect(mail!.email.text).toContain("Slack could not deliver this, so it reached you by email");
    await waitForSlack(channel, (calls) => calls.find((c) => c.method === "chat.postMessage" && c.ok && !c.args.thread_ts), "the alert after the 500", 12_000);
    const slack = await eventually(
      async () => (await deliveriesOf(handoffId, "slack")).find((d) => d.kind === "handoff.opened" && d.status === "delivered"),
      "slack delivered",
    );
    expect(slack).toBeTruthy();
    expect((await emailsOf(project)).filter((e) => e.kind === "handoff.opened")).toHaveLength(1);
    visitor.close();
  }, 20_000);

  it("Slack refuses the alert for good: the email goes out, once, with the refusal on record", async () => {
    const channel = channelId();
    const project = await projectWith({ slack: { botToken: "xoxb-test-token-0123456789", channelId: channel }, email: emailChannel() });
    await failNext({ method: "chat.postMessage", channel, status: 200, error: "channel_not_found" });
    const job = jobFor(project);
    await deliverBatch([job]);
    await eventually(async () => (await emailsOf(project)).some((e) => e.handoffId === job.handoffId), "the fallback email");
    expect(await deliveriesOf(job.handoffId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: "slack", status: "failed", last_error: expect.stringContaining("channel_not_found") }),
        expect.objectContaining({ channel: "email", status: "delivered" }),
      ]),
    );
    // The fallback job and any redelivery of the original are deduped on the delivery record.
    await deliverBatch([job, { ...job, fallbackFor: "slack" }], 2);
    expect((await emailsOf(project)).filter((e) => e.handoffId === job.handoffId)).toHaveLength(1);
  });

  it("Slack healthy and delivering: no email (the person was reached in chat)", async () => {
    const channel = channelId();
    const project = await projectWith({ slack: { botToken: "xoxb-test-token-0123456789", channelId: channel }, email: emailChannel() });
    const job = jobFor(project);
    await deliverBatch([job]);
    await eventually(async () => (await deliveriesOf(job.handoffId, "slack")).some((d) => d.status === "delivered"), "the Slack alert");
    expect(await deliveriesOf(job.handoffId, "email")).toEqual([]);
    expect(await emailsOf(project)).toEqual([]);
  });

  it("no chat channel at all: every new handoff, ticket and reminder is emailed", async () => {
    const project = await projectWith({ email: emailChannel() });
    const job = jobFor(project);
    await deliverBatch([job, jobFor(project, { kind: "handoff.reminder", handoffId: job.handoffId })]);
    const mails = await emailsOf(project);
    expect(mails.map((m) => m.kind).sort()).toEqual(["handoff.opened", "handoff.reminder"]);
    expect(mails[0]!.email.text).toContain("no chat channel (Slack or Teams) is set up");
    // Lines of the transcript and bookkeeping are never emailed.
    await deliverBatch([
      jobFor(project, { kind: "handoff.message", handoffId: job.handoffId, message: { seq: 1, prevSeq: 0, kind: "message", from: "visitor", text: "hi" } }),
      jobFor(project, { kind: "handoff.claimed", handoffId: job.handoffId }),
    ]);
    expect(await emailsOf(project)).toHaveLength(2);
  });

  it("Teams down (500) and no Slack: the email carries it; Teams up: it does not", async () => {
    const path = receiverPath("teams");
    const project = await projectWith({ teams: { webhookUrl: `${RECEIVER}${path}` }, email: emailChannel() });
    await receiverFails(path, { status: 500 });
    const down = jobFor(project);
    await deliverBatch([down]);
    expect((await emailsOf(project)).map((m) => m.handoffId)).toEqual([down.handoffId]);
    const up = jobFor(project);
    await deliverBatch([up]);
    expect((await emailsOf(project)).map((m) => m.handoffId)).toEqual([down.handoffId]);
  });
});

describe("an HTTP email provider", () => {
  it("gets {from, to, subject, text, html} with the bearer key; a 5xx is retried, a 4xx is not", async () => {
    const path = receiverPath("email");
    const project = await projectWith({ email: emailChannel({ mode: "always", provider: "http", apiUrl: `${RECEIVER}${path}`, apiKey: "re_test_key_123" }) });
    const job = jobFor(project);
    await receiverFails(path, { status: 503 });
    expect(await deliverJob(env as never, job, 1)).toMatchObject({ message: expect.stringContaining("Email provider answered 503") });
    expect(await deliverJob(env as never, job, 2)).toBeNull();
    const requests = await received(path);
    expect(requests.map((r) => r.status)).toEqual([503, 200]);
    const body = JSON.parse(requests[1]!.rawBody);
    expect(requests[1]!.headers.authorization).toBe("Bearer re_test_key_123");
    expect(body).toMatchObject({ from: "baton@acme.test", to: ["owner@acme.test"], subject: expect.stringContaining("Hot lead — Ana Lima") });
    expect(body.html).toContain("wants to migrate 40 services");
    expect((await deliveriesOf(job.handoffId, "email"))[0]).toMatchObject({ status: "delivered", external_ref: expect.stringMatching(/^msg_/) });

    await receiverFails(path, { status: 422 });
    const refused = jobFor(project);
    expect(await deliverJob(env as never, refused, 1)).toBeNull();
    expect((await deliveriesOf(refused.handoffId, "email"))[0]).toMatchObject({ status: "failed" });
  });

  it("settings: the key is write-only, the http provider needs its URL, addresses are validated", async () => {
    const project = await projectWith({});
    const { channels } = await putChannel(project, "email", emailChannel({ provider: "http", apiUrl: `${RECEIVER}/r/x`, apiKey: "re_secret_value_1" }));
    expect(channels.find((c: any) => c.kind === "email")).toMatchObject({
      configured: true,
      humanFacing: false,
      secretSet: true,
      config: { from: "baton@acme.test", ownerEmail: "owner@acme.test", mode: "fallback", provider: "http" },
    });
    expect(JSON.stringify(channels)).not.toContain("re_secret_value_1");
    for (const [body, field] of [
      [{ from: "nope" }, "from"],
      [{ from: "a@b.test", ownerEmail: "x" }, "ownerEmail"],
      [{ from: "a@b.test", mode: "sometimes" }, "mode"],
      [{ from: "a@b.test", provider: "http" }, "apiUrl"],
      [{ from: "a@b.test", provider: "http", apiUrl: "javascript:alert(1)" }, "apiUrl"],
    ] as const) {
      expect((await putChannel(await projectWith({}), "email", body, 400)).error).toMatchObject({ code: "invalid_body", field });
    }
    expect((await putChannel(await projectWith({}), "email", { from: "a@b.test", provider: "http", apiUrl: `${RECEIVER}/r/y` }, 400)).error.field).toBe(
      "apiKey",
    );
  });
});
