// Captures are tickets with a deadline, through the real worker, rooms, D1, queue and the email
// binding: every capture becomes a ticket with the promise made; the room's alarm (its clock moved
// forward, never slept) warns the team before it falls due and marks it overdue after; an answer
// reaches the visitor's email and their widget; close and reopen; kept and missed in the metrics.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomFrame } from "../../protocol/frames";
import { ALWAYS_OPEN, call, Client, createAgent, createProject, json, say, startConversation, type TestProject } from "./helpers";
import { emailsOf, eventually, projectWith, putChannel } from "./channel-helpers";
import { alertIn, channelId, waitForSlack } from "./slack-helpers";

type HandoffFrame = Extract<RoomFrame, { type: "handoff" }>;
const MINUTE = 60_000;
const room = (conversationId: string) => env.ConversationRoom.getByName(conversationId);
const post = (path: string, token: string, body: unknown = {}) => call(path, { method: "POST", token, body });

/** Moves the room's clock forward by `ms` (on top of earlier moves): the same instance then judges every timer against it. */
async function advance(conversationId: string, ms: number) {
  await runInDurableObject(room(conversationId), (instance) => {
    const base = (instance as unknown as { now: () => Date }).now.bind(instance);
    (instance as unknown as { now: () => Date }).now = () => new Date(base().getTime() + ms);
  });
}

async function tickets(project: TestProject, query = "", token = project.secretKey) {
  return (await json<{ tickets: any[] }>(await call(`/v1/tickets${query}`, { token }), 200)).tickets;
}

/** A project nobody can be reached on live (no human-facing channel), emailing its owner: every handoff is a capture. */
async function captureScene(options: { email?: string | null; settings?: Record<string, unknown> } = {}) {
  const project = await projectWith(
    { email: { from: "baton@acme.test", ownerEmail: "owner@acme.test" } },
    { settings: { ticketWarningMinutes: 30, ...options.settings } },
  );
  const agent = await createAgent(project, "Bea Seller");
  const email = options.email === undefined ? "ana@acme.test" : options.email;
  const conversation = await startConversation(project, { visitor: { name: "Ana", ...(email ? { email } : {}) } });
  const visitor = await Client.open(conversation.socketUrl);
  await say(visitor, "Can I talk to a person about a custom integration?");
  const frame = await visitor.waitFor((f) => f.find((x): x is HandoffFrame => x.type === "handoff"), "handoff");
  const [ticket] = await eventually(async () => {
    const list = await tickets(project);
    return list.length > 0 && list;
  }, "the ticket");
  return { project, agent, conversation, visitor, handoffId: frame.handoffId, frame, ticket: ticket! };
}

describe("every capture is a ticket with a deadline", () => {
  it("nobody reachable: a ticket with the visitor's email, the packet and the promise; the owner told, the visitor told in writing", async () => {
    const s = await captureScene();
    expect(s.frame.mode).toBe("capture");
    expect(s.ticket).toMatchObject({
      handoffId: s.handoffId,
      reason: "no_channel",
      status: "open",
      overdue: false,
      commitmentOutcome: "pending",
      email: "ana@acme.test",
      commitment: { by: expect.any(String), label: expect.stringMatching(/^before /) },
      packet: { trigger: "explicit_request", visitor: { email: "ana@acme.test" } },
    });
    expect(s.ticket.dueAt).toBe(s.ticket.commitment.by);
    // What the bot promised is what the ticket holds.
    expect(s.visitor.messages().some((m) => m.from === "bot" && m.text.includes(s.ticket.commitment.label))).toBe(true);
    // Agents (the desk) see the same list; another project's agent does not.
    expect((await tickets(s.project, "", s.agent.agentToken)).map((t) => t.id)).toEqual([s.ticket.id]);
    const stranger = await createAgent(await createProject(), "Stranger");
    expect(await tickets(s.project, "", stranger.agentToken)).toEqual([]);
    expect((await call(`/v1/tickets/${s.ticket.id}`, { token: stranger.agentToken })).status).toBe(404);

    const mails = await eventually(async () => {
      const all = await emailsOf(s.project);
      return all.length >= 2 && all;
    }, "the owner's and the visitor's emails");
    const owner = mails.find((m) => m.kind === "handoff.opened")!.email;
    expect(owner).toMatchObject({ to: "owner@acme.test", subject: expect.stringContaining("Follow up with Ana") });
    expect(owner.text).toContain(`Promised to the visitor: ${s.ticket.commitment.label}`);
    const confirmation = mails.find((m) => m.kind === "handoff.visitor_confirmation")!.email;
    expect(confirmation).toMatchObject({
      to: "ana@acme.test",
      replyTo: "owner@acme.test",
      subject: `Acme Consulting: we'll get back to you ${s.ticket.commitment.label}`,
    });
    expect(confirmation.text).not.toContain("explicit_request"); // the packet is the team's, not the visitor's
    s.visitor.close();
  });

  it("the visitor's email given after the capture: the ticket learns it and the confirmation goes out then", async () => {
    const s = await captureScene({ email: null });
    expect(s.ticket.email).toBeNull();
    await say(s.visitor, "sure, it's ana@acme.test");
    const confirmation = await eventually(async () => (await emailsOf(s.project)).find((m) => m.kind === "handoff.visitor_confirmation"), "the confirmation");
    expect(confirmation.email.to).toBe("ana@acme.test");
    expect((await tickets(s.project))[0]).toMatchObject({ email: "ana@acme.test", status: "open" });
    s.visitor.close();
  });

  it("outside business hours, with a channel: the ticket says why", async () => {
    const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    const tomorrow = days[(new Date().getUTCDay() + 1) % 7]!;
    const weekly = Object.fromEntries(days.map((d) => [d, d === tomorrow ? [{ start: "09:00", end: "17:00" }] : []]));
    const hours = { timezone: "UTC", weekly };
    const project = await createProject({ settings: { businessHours: hours } }); // the dev outbox is a channel here
    const conversation = await startConversation(project, { visitor: { email: "ana@acme.test" } });
    const visitor = await Client.open(conversation.socketUrl);
    await say(visitor, "Can I talk to a person?");
    const [ticket] = await eventually(async () => {
      const list = await tickets(project);
      return list.length > 0 && list;
    }, "the ticket");
    expect(ticket).toMatchObject({ reason: "outside_hours", commitment: { label: "before 10:00 UTC tomorrow" } });
    visitor.close();
  });

  it("a live handoff nobody answers becomes a ticket too, with the promise made at that moment", async () => {
    const project = await createProject({ settings: { businessHours: ALWAYS_OPEN, responseTimeoutMinutes: 2, reminderGraceMinutes: 1 } });
    const conversation = await startConversation(project, { visitor: { email: "ana@acme.test" } });
    const visitor = await Client.open(conversation.socketUrl);
    await say(visitor, "Can I talk to a person?");
    expect((await visitor.waitFor((f) => f.find((x): x is HandoffFrame => x.type === "handoff"))).mode).toBe("live");
    expect(await tickets(project)).toEqual([]);
    await advance(conversation.conversationId, 2 * MINUTE + 1000);
    await runDurableObjectAlarm(room(conversation.conversationId));
    await advance(conversation.conversationId, MINUTE + 1000);
    await runDurableObjectAlarm(room(conversation.conversationId));
    const [ticket] = await tickets(project);
    expect(ticket).toMatchObject({ reason: "response_timeout", status: "open", email: "ana@acme.test", dueAt: expect.any(String) });
    visitor.close();
  });
});

describe("the deadline, on the room's alarm", () => {
  it("capture → ticket → a warning before the promise falls due → overdue when it passes unanswered, counted as missed", async () => {
    const s = await captureScene();
    const due = Date.parse(s.ticket.dueAt);
    const id = s.conversation.conversationId;
    // Half an hour before (ticketWarningMinutes: 30): the team is warned, once.
    await advance(id, due - 30 * MINUTE + 1000 - Date.now());
    await runDurableObjectAlarm(room(id));
    await runDurableObjectAlarm(room(id));
    let [ticket] = await tickets(s.project);
    expect(ticket).toMatchObject({ status: "open", warnedAt: expect.any(String), overdueAt: null, overdue: false });
    const warning = await eventually(async () => (await emailsOf(s.project)).find((m) => m.kind === "handoff.ticket_due_soon"), "the warning email");
    expect(warning.email).toMatchObject({ to: "owner@acme.test", subject: expect.stringContaining("Due soon: follow up with Ana") });
    // The deadline passes with no answer: overdue, listed as such, told to the owner, missed in the metrics.
    await advance(id, 30 * MINUTE);
    await runDurableObjectAlarm(room(id));
    [ticket] = await tickets(s.project, "?status=overdue");
    expect(ticket).toMatchObject({ id: s.ticket.id, overdue: true, overdueAt: expect.any(String), commitmentOutcome: "missed" });
    await eventually(async () => (await emailsOf(s.project)).find((m) => m.kind === "handoff.ticket_overdue"), "the overdue email");
    const audit = await env.DB.prepare("SELECT action FROM decisions WHERE handoff_id = ? ORDER BY at").bind(s.handoffId).all<{ action: string }>();
    expect(audit.results.map((r) => r.action).filter((a) => a.startsWith("ticket_"))).toEqual(["ticket_due_soon", "ticket_overdue"]);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const { metrics } = await json<{ metrics: any }>(await call(`/v1/metrics?from=${from}&to=${to}`, { token: s.project.secretKey }), 200);
    expect(metrics.commitments).toEqual({ tickets: 1, kept: 0, missed: 1, pending: 0, dismissed: 0, keptRate: 0 });
    s.visitor.close();
  });
});

describe("in Slack", () => {
  it("the alert of a capture says what was promised; the warning and the miss re-alert in the channel", async () => {
    const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    const tomorrow = days[(new Date().getUTCDay() + 1) % 7]!;
    const weekly = Object.fromEntries(days.map((d) => [d, d === tomorrow ? [{ start: "09:00", end: "17:00" }] : []]));
    const channel = channelId();
    const project = await projectWith(
      { slack: { botToken: "xoxb-test-token-0123456789", channelId: channel } },
      { settings: { businessHours: { timezone: "UTC", weekly }, ticketWarningMinutes: 30 } },
    );
    const conversation = await startConversation(project, { visitor: { email: "ana@acme.test" } });
    const visitor = await Client.open(conversation.socketUrl);
    await say(visitor, "Can I talk to a person?");
    const alert = await alertIn(channel);
    expect(JSON.stringify(alert.args.blocks)).toContain("follow-up by email, promised before 10:00 UTC tomorrow");
    const [ticket] = await tickets(project);
    const id = conversation.conversationId;
    await advance(id, Date.parse(ticket.dueAt) - 30 * MINUTE + 1000 - Date.now());
    await runDurableObjectAlarm(room(id));
    const warned = await waitForSlack(channel, (calls) => calls.find((c) => /^⏳ The follow-up promised/.test(String(c.args.text))), "the warning");
    expect(warned.args).toMatchObject({ thread_ts: alert.ts, reply_broadcast: "true" }); // form-encoded by the Slack client;
    await advance(id, 30 * MINUTE);
    await runDurableObjectAlarm(room(id));
    const missed = await waitForSlack(channel, (calls) => calls.find((c) => /^🚨 Promise missed/.test(String(c.args.text))), "the miss");
    expect(missed.args).toMatchObject({ thread_ts: alert.ts, reply_broadcast: "true" }); // form-encoded by the Slack client;
    visitor.close();
  });
});

describe("answering, closing, reopening (the desk's API)", () => {
  it("a reply reaches the visitor's email and their widget when they come back, once; the promise counts as kept", async () => {
    const s = await captureScene();
    const lastSeq = Math.max(...s.visitor.messages().map((m) => m.seq));
    s.visitor.close();
    const reply = { text: "Hi Ana — yes, we build custom integrations. <b>Here</b> is how we'd start.", clientId: "reply-1" };
    const answered = await json<{ ticket: any }>(await post(`/v1/tickets/${s.ticket.id}/reply`, s.agent.agentToken, reply), 200);
    expect(answered.ticket).toMatchObject({ status: "answered", answeredBy: { name: "Bea Seller" }, replyCount: 1, commitmentOutcome: "kept" });
    // A resend (a double click, a retry) is stored once.
    expect((await post(`/v1/tickets/${s.ticket.id}/reply`, s.agent.agentToken, reply)).status).toBe(200);
    const mail = await eventually(async () => (await emailsOf(s.project)).find((m) => m.kind === "handoff.ticket_answered"), "the reply email");
    expect(mail.email).toMatchObject({ to: "ana@acme.test", replyTo: "owner@acme.test", subject: "Re: your question to Acme Consulting" });
    expect(mail.email.text).toContain(reply.text);
    expect(mail.email.html).toContain("&lt;b&gt;Here&lt;/b&gt;");
    expect(mail.email.text).toContain("— Bea Seller, Acme Consulting");
    // Back in the widget: the answer is there, as text, from the agent.
    const back = await Client.open(s.conversation.socketUrl, lastSeq);
    const line = await back.waitForMessage((m) => m.from === "agent", "the reply in the widget");
    expect(line).toMatchObject({ text: reply.text, author: { name: "Bea Seller" } });
    expect(back.messages().filter((m) => m.from === "agent")).toHaveLength(1);
    expect((await emailsOf(s.project)).filter((m) => m.kind === "handoff.ticket_answered")).toHaveLength(1);
    const detail = await json<any>(await call(`/v1/tickets/${s.ticket.id}`, { token: s.agent.agentToken }), 200);
    expect(detail.ticket.replyCount).toBe(1);
    expect(detail.transcript.filter((m: any) => m.from === "agent")).toHaveLength(1);
    expect(detail.deliveries).toContainEqual(expect.objectContaining({ channel: "email", kind: "handoff.ticket_answered", status: "delivered" }));
    expect(detail.handoff.id).toBe(s.handoffId);
    back.close();
  });

  it("close, then reopen; a closed ticket takes no reply; every input checked", async () => {
    const s = await captureScene();
    const path = `/v1/tickets/${s.ticket.id}`;
    const closed = await json<{ ticket: any }>(await post(`${path}/close`, s.agent.agentToken, { note: "Duplicate of an email thread" }), 200);
    expect(closed.ticket).toMatchObject({ status: "closed", closedBy: { name: "Bea Seller" }, commitmentOutcome: "dismissed" });
    expect((await tickets(s.project, "?status=closed")).map((t) => t.id)).toEqual([s.ticket.id]);
    expect((await tickets(s.project, "?status=open")).map((t) => t.id)).toEqual([]);
    const refused = await json(await post(`${path}/reply`, s.agent.agentToken, { text: "hello", clientId: "x" }), 409);
    expect(refused.error).toMatchObject({ code: "invalid_transition", message: expect.stringContaining("Reopen it first") });
    expect((await json(await post(`${path}/close`, s.agent.agentToken, {}), 409)).error.code).toBe("invalid_transition");
    const reopened = await json<{ ticket: any }>(await post(`${path}/reopen`, s.agent.agentToken), 200);
    expect(reopened.ticket).toMatchObject({ status: "open", closedAt: null, commitmentOutcome: "pending" });
    expect((await json(await post(`${path}/reopen`, s.agent.agentToken), 409)).error.code).toBe("invalid_transition");
    const audit = await env.DB.prepare("SELECT action FROM decisions WHERE handoff_id = ? ORDER BY at").bind(s.handoffId).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(expect.arrayContaining(["ticket_close", "ticket_reopen"]));

    for (const body of [
      {},
      { text: "", clientId: "a" },
      { text: "hi" },
      { text: "x".repeat(4001), clientId: "a" },
      { text: "hi", clientId: "a", extra: 1 },
      "{nope",
    ]) {
      expect((await json(await post(`${path}/reply`, s.agent.agentToken, body), 400)).error.code).toMatch(/^(invalid_body|bad_json)$/);
    }
    expect((await json(await post(`${path}/close`, s.agent.agentToken, { note: 42 }), 400)).error).toMatchObject({ field: "note" });
    expect((await post(`${path}/reply`, "at_nope", { text: "hi", clientId: "a" })).status).toBe(401);
    expect((await post(`${path}/reply`, s.project.secretKey, { text: "hi", clientId: "a" })).status).toBe(401); // an answer needs an agent
    expect((await post("/v1/tickets/t_nope/reply", s.agent.agentToken, { text: "hi", clientId: "a" })).status).toBe(404);
    const stranger = await createAgent(await createProject(), "Stranger");
    expect((await post(`${path}/close`, stranger.agentToken)).status).toBe(404);
    expect((await json(await call("/v1/tickets?status=everything", { token: s.project.secretKey }), 400)).error.code).toBe("invalid_query");
    s.visitor.close();
  });

  it("a reply with no email on file still reaches the widget; the settings API refuses a bad warning lead time", async () => {
    const s = await captureScene({ email: null });
    const answered = await json<{ ticket: any }>(
      await post(`/v1/tickets/${s.ticket.id}/reply`, s.agent.agentToken, { text: "We'll be in touch here.", clientId: "r" }),
      200,
    );
    expect(answered.ticket.status).toBe("answered");
    await s.visitor.waitForMessage((m) => m.from === "agent" && m.text === "We'll be in touch here.", "the reply, live");
    expect((await emailsOf(s.project)).filter((m) => m.kind === "handoff.ticket_answered")).toEqual([]);
    const bad = await json(await call("/v1/settings", { method: "PUT", token: s.project.secretKey, body: { ticketWarningMinutes: 1 } }), 400);
    expect(bad.error).toMatchObject({ field: "ticketWarningMinutes" });
    await putChannel(s.project, "outbox", { enabled: true });
    s.visitor.close();
  });
});
