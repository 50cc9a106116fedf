// Whole conversations through real sockets in workerd: the decision, the handoff row and its
// packet in D1, the notification through the queue into the dev outbox, and the frames.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { contextPacketSchema } from "../../protocol/jobs";
import type { RoomFrame } from "../../protocol/frames";
import { agentSession, ALWAYS_OPEN, call, Client, createAgent, createProject, json, say, startConversation, type TestProject } from "./helpers";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const knowledgeBase = [
  { id: "trial", question: "Do you offer a free trial?", answer: "Yes — 14 days, no card needed.", keywords: ["trial"] },
  { id: "pricing", question: "How much does it cost?", answer: "Plans start at $49 a month.", keywords: ["pricing", "price", "cost"] },
];
const liveSettings = { knowledgeBase, businessHours: ALWAYS_OPEN, calendlyUrl: "https://calendly.com/acme/intro" };
// Every day open, except that yesterday, today and tomorrow are holidays: outside hours whatever the clock says.
const closedSettings = { knowledgeBase, businessHours: { ...ALWAYS_OPEN, holidays: [day(-1), day(0), day(1)] } };

async function visitorIn(project: TestProject, body: Record<string, unknown> = {}) {
  const conversation = await startConversation(project, body);
  const visitor = await Client.open(conversation.socketUrl);
  await visitor.waitFor((f) => f.find((x) => x.type === "welcome"));
  return { conversation, visitor };
}

const handoffFrames = (frames: RoomFrame[]) => frames.filter((f): f is Extract<RoomFrame, { type: "handoff" }> => f.type === "handoff");

async function waitForNotifications(project: TestProject, count: number) {
  for (let i = 0; i < 100; i++) {
    const body = await json<{ notifications: Array<{ kind: string; job: any }> }>(await call("/v1/notifications", { token: project.secretKey }), 200);
    if (body.notifications.length >= count) return body.notifications;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("notifications never arrived in the outbox");
}

describe("escalation through the socket", () => {
  it("an explicit request opens a live handoff: frame, D1 row with a complete packet, and a notification", async () => {
    const project = await createProject({ settings: liveSettings });
    const agent = await createAgent(project);
    const { conversation, visitor } = await visitorIn(project, { visitor: { name: "Ana Lima" }, page: { url: "https://acme.test/pricing", title: "Pricing" } });
    const agentSocket = await Client.open((await agentSession(conversation.conversationId, agent.agentToken)).socketUrl);
    await say(visitor, "Do you offer a free trial?");
    const reply = await say(visitor, "Can I talk to a person?");
    expect(reply.text).toMatch(/someone will join this chat shortly/);
    const frame = await visitor.waitFor((f) => handoffFrames(f)[0]);
    expect(frame).toMatchObject({ status: "pending", mode: "live", trigger: "explicit_request" });
    await agentSocket.waitFor((f) => handoffFrames(f)[0], "agent sees the handoff");

    // The row exists with its trigger; its status moves from pending to notified when the queue delivers.
    const listed = await json<{ handoffs: any[] }>(await call("/v1/handoffs", { token: agent.agentToken }), 200);
    expect(listed.handoffs.map((h) => h.id)).toContain(frame.handoffId);
    const { handoff, transcript } = await json<{ handoff: any; transcript: any[] }>(
      await call(`/v1/handoffs/${frame.handoffId}`, { token: agent.agentToken }),
      200,
    );
    expect(handoff).toMatchObject({ conversationId: conversation.conversationId, mode: "live", trigger: "explicit_request" });
    expect(["pending", "notified"]).toContain(handoff.status);
    const packet = contextPacketSchema.parse(handoff.packet);
    expect(packet.summary).toMatch(/^Ana Lima opened with “Do you offer a free trial\?”/);
    expect(packet.suggestedReply).toMatch(/^Hi Ana/);
    expect(packet.page).toEqual({ url: "https://acme.test/pricing", title: "Pricing" });
    expect(packet.botTried[0]).toMatch(/^Answered “Do you offer a free trial\?”/);
    expect(transcript.map((m) => m.from)).toEqual(["visitor", "bot", "visitor", "bot"]);

    const [notification] = await waitForNotifications(project, 1);
    expect(notification).toMatchObject({ kind: "handoff.opened", job: { handoffId: frame.handoffId, packet: { trigger: "explicit_request" } } });
  });

  it("outside hours it becomes a capture: honest hours, a specific commitment, the email collected into the packet", async () => {
    const project = await createProject({ settings: closedSettings });
    const agent = await createAgent(project);
    const { visitor } = await visitorIn(project);
    const reply = await say(visitor, "I'd like to speak to someone on your team");
    expect(reply.text).toContain("Our team is offline right now");
    expect(reply.text).toMatch(/before 10:00 UTC on \w+/);
    expect(reply.text).toMatch(/What's the best email/);
    const frame = await visitor.waitFor((f) => handoffFrames(f)[0]);
    expect(frame.mode).toBe("capture");
    const thanks = await say(visitor, "ana@acme.test");
    expect(thanks.text).toMatch(/^Thanks! Someone from the team will email you at ana@acme.test before 10:00 UTC/);
    await waitForNotifications(project, 2);
    const { handoff } = await json<{ handoff: any }>(await call(`/v1/handoffs/${frame.handoffId}`, { token: agent.agentToken }), 200);
    expect(handoff).toMatchObject({
      mode: "capture",
      visitorEmail: "ana@acme.test",
      packet: { visitor: { email: "ana@acme.test" }, commitment: { label: expect.stringMatching(/^before 10:00 UTC/) } },
    });
  });

  it("a hot lead is escalated at once with a prefilled Calendly link", async () => {
    const project = await createProject({ settings: liveSettings });
    const { visitor } = await visitorIn(project);
    await say(visitor, "We're struggling with our onboarding flow and need to rebuild it this quarter.");
    const reply = await say(visitor, "I'm the CTO at Acme, a 50-person fintech.");
    const link = /https:\/\/calendly\.com\/acme\/intro\?\S+/.exec(reply.text)?.[0];
    expect(link, reply.text).toBeDefined();
    expect(new URL(link!).searchParams.get("a1")).toContain("onboarding");
    expect(await visitor.waitFor((f) => handoffFrames(f)[0])).toMatchObject({ trigger: "hot_lead" });
  });

  it("a competitor researching pricing is answered, never escalated", async () => {
    const project = await createProject({ settings: liveSettings });
    const { visitor } = await visitorIn(project);
    await say(visitor, "We're building a similar product and doing a competitive analysis.");
    const reply = await say(visitor, "How much does it cost?");
    expect(reply.text).toBe("Plans start at $49 a month.");
    expect(handoffFrames(visitor.frames)).toHaveLength(0);
  });

  it("a competitor asking for a human still gets one", async () => {
    const project = await createProject({ settings: liveSettings });
    const { visitor } = await visitorIn(project);
    await say(visitor, "We're building a similar product and doing a competitive analysis.");
    await say(visitor, "Can I talk to a person?");
    expect(await visitor.waitFor((f) => handoffFrames(f)[0])).toMatchObject({ trigger: "explicit_request" });
  });

  it("three unanswerable questions hand over with bot_failure", async () => {
    const project = await createProject({ settings: liveSettings });
    const { visitor } = await visitorIn(project);
    await say(visitor, "What's the weather in Paris?");
    await say(visitor, "Who won the match last night?");
    expect(handoffFrames(visitor.frames)).toHaveLength(0);
    const third = await say(visitor, "What is the capital of Peru?");
    expect(third.text).toMatch(/haven't been able to answer/);
    expect(await visitor.waitFor((f) => handoffFrames(f)[0])).toMatchObject({ trigger: "bot_failure" });
  });

  it("a reconnecting socket is told the current handoff state", async () => {
    const project = await createProject({ settings: liveSettings });
    const { conversation, visitor } = await visitorIn(project);
    await say(visitor, "Can I talk to a person?");
    const again = await Client.open(conversation.socketUrl, 100);
    const frame = await again.waitFor((f) => handoffFrames(f)[0]);
    expect(frame.trigger).toBe("explicit_request");
    expect(["pending", "notified"]).toContain(frame.status); // the queue may have delivered the alert meanwhile
  });
});

describe("handoff and notification APIs", () => {
  it("are scoped by project and validate their query", async () => {
    const project = await createProject({ settings: liveSettings });
    const { visitor } = await visitorIn(project);
    await say(visitor, "Can I talk to a person?");
    const { handoffId } = await visitor.waitFor((f) => handoffFrames(f)[0]);
    const stranger = await createAgent(await createProject());
    expect((await call(`/v1/handoffs/${handoffId}`, { token: stranger.agentToken })).status).toBe(404);
    const theirs = await json<{ handoffs: unknown[] }>(await call("/v1/handoffs", { token: stranger.agentToken }), 200);
    expect(theirs.handoffs).toEqual([]);
    expect((await call(`/v1/handoffs/${handoffId}`, { token: "at_nope" })).status).toBe(401);
    expect((await call(`/v1/handoffs/${handoffId}`, { token: project.secretKey })).status).toBe(401);
    const bad = await json(await call("/v1/handoffs?status=sleeping", { token: (await createAgent(project)).agentToken }), 400);
    expect(bad.error).toMatchObject({ code: "invalid_query", field: "status" });
    expect((await call("/v1/notifications", { token: stranger.agentToken })).status).toBe(401);
  });
});

describe("settings", () => {
  it("returns working defaults and replaces them with the secret key", async () => {
    const project = await createProject();
    const { settings } = await json<{ settings: any }>(await call("/v1/settings", { token: project.secretKey }), 200);
    expect(settings).toMatchObject({ handoffEnabled: true, sentimentThreshold: 0.7, botFailureThreshold: 3, responseTimeoutMinutes: 5, refundLimitUsd: 500 });
    expect(settings.businessHours.timezone).toBe("Europe/Paris");
    const put = await json<{ settings: any }>(
      await call("/v1/settings", { method: "PUT", token: project.secretKey, body: { botName: "Ava", responseTimeoutMinutes: 3, knowledgeBase } }),
      200,
    );
    expect(put.settings).toMatchObject({ botName: "Ava", responseTimeoutMinutes: 3, handoffEnabled: true });
    const after = await json<{ settings: any }>(await call("/v1/settings", { token: project.secretKey }), 200);
    expect(after.settings.knowledgeBase).toHaveLength(2);
    const row = await env.DB.prepare("SELECT settings FROM projects WHERE id = ?").bind(project.projectId).first<{ settings: string }>();
    expect(JSON.parse(row!.settings).botName).toBe("Ava");
  });

  it.each([
    [{ responseTimeoutMinutes: 11 }, "responseTimeoutMinutes"],
    [{ sentimentThreshold: 1.5 }, "sentimentThreshold"],
    [{ favouriteColour: "teal" }, ""],
    [{ businessHours: { timezone: "Mars/Olympus" } }, "businessHours.timezone"],
    [{ calendlyUrl: "javascript:alert(1)" }, "calendlyUrl"],
  ])("refuses %j with a 400 naming the field", async (body, field) => {
    const project = await createProject();
    const res = await json(await call("/v1/settings", { method: "PUT", token: project.secretKey, body }), 400);
    expect(res.error.code).toBe("invalid_body");
    if (field) expect(res.error.field).toBe(field);
    else expect(res.error.message).toMatch(/favouriteColour|unrecognized/i);
  });

  it("refuses agents who are not admins (403) and missing keys (401)", async () => {
    const project = await createProject();
    const agent = await createAgent(project);
    expect((await call("/v1/settings", { token: agent.agentToken })).status).toBe(403);
    expect((await call("/v1/settings", { method: "PUT", token: agent.agentToken, body: {} })).status).toBe(403);
    expect((await call("/v1/settings", { method: "PUT", body: {} })).status).toBe(401);
  });
});
