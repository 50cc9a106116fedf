// Slack end to end against a local fake of its Web API (the HTTP boundary; nothing of ours is
// mocked): the alert, Take Over, the claim race, View Full, Snooze, the two-way thread, signature
// checks, event dedup, rate limits, permanent failures and a burst of 100 alerts in one channel.
import { createExecutionContext, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomFrame } from "../../protocol/frames";
import type { NotificationJob } from "../../protocol/jobs";
import { app } from "../../worker/index";
import { deliverBatch, sampleJob } from "./jobs";
import { ALWAYS_OPEN, call, Client, createAgent, createProject, json, say, startConversation } from "./helpers";
import { alertIn, channelId, click, failNext, interact, limitPosts, slackCalls, slackEvent, slackProject, slackRequest, waitForSlack } from "./slack-helpers";

type HandoffFrame = Extract<RoomFrame, { type: "handoff" }>;
const handoffOf = (frames: RoomFrame[]) => frames.find((f): f is HandoffFrame => f.type === "handoff");

async function askForPerson(
  project: { projectKey: string; projectId: string; secretKey: string },
  text = "Can I talk to a person?",
  extra: Record<string, unknown> = {},
) {
  const conversation = await startConversation(project as never, extra);
  const visitor = await Client.open(conversation.socketUrl);
  await say(visitor, text);
  const frame = await visitor.waitFor(handoffOf, "handoff frame");
  return { conversation, visitor, handoffId: frame.handoffId };
}

const room = (conversationId: string) => env.ConversationRoom.getByName(conversationId);

describe("the alert", () => {
  it("shows who, why, the page and the summary, with Take Over / View Full / Snooze / Open in browser, and escapes visitor text", async () => {
    const project = await slackProject();
    const hostile = "<!channel> see <http://evil.example|click here> & can I talk to a person?";
    const { handoffId, visitor } = await askForPerson(project, hostile, {
      visitor: { name: "Ana <b>Lima</b>" },
      page: { url: "https://acme.test/pricing", title: "Pricing" },
    });
    const alert = await alertIn(project.channel);
    const blocks = alert.args.blocks as any[];
    expect(blocks[0].text.text).toMatch(/^🙋 Asked for a person — Ana <b>Lima<\/b>/); // plain_text: shown as typed, never parsed
    const serialized = JSON.stringify(blocks);
    expect(serialized).not.toContain("<!channel>");
    expect(serialized).not.toContain("<http://evil.example|click here>");
    expect(serialized).toContain("&lt;!channel&gt;");
    expect(serialized).toContain("<https://acme.test/pricing|Pricing>");
    expect(alert.args.text).not.toContain("<!channel>");
    const actions = blocks.find((b) => b.type === "actions").elements.map((e: any) => e.action_id);
    expect(actions).toEqual(["baton.take_over", "baton.view_full", "baton.snooze", "baton.open_browser"]);
    const snooze = blocks.find((b) => b.type === "actions").elements[2];
    expect(snooze.options.map((o: any) => o.value)).toEqual([`${handoffId}:5`, `${handoffId}:15`, `${handoffId}:30`]);
    expect(serialized).toMatch(/problem.*authority.*company.*timing/);
    // Posting it is what a person sees: the handoff is notified, and its delivery says so.
    expect(await visitor.waitFor((f) => f.find((x) => x.type === "handoff" && x.status === "notified"), "notified")).toBeTruthy();
    const agent = await createAgent(project);
    const detail = await json<{ handoff: any; deliveries: any[] }>(await call(`/v1/handoffs/${handoffId}`, { token: agent.agentToken }), 200);
    expect(detail.handoff.status).toBe("notified");
    expect(detail.deliveries).toContainEqual(expect.objectContaining({ channel: "slack", kind: "handoff.opened", status: "delivered", externalRef: alert.ts }));
  });

  it("a deployed project inside open hours with Slack configured hands off live; without it the bot says nobody can join", async () => {
    const live = await slackProject();
    const { visitor } = await askForPerson(live);
    expect(visitor.messages().at(-1)?.text).toMatch(/someone will join this chat shortly/);
    const bare = await createProject({ settings: { businessHours: ALWAYS_OPEN } });
    await json(await call("/v1/channels/outbox", { method: "PUT", token: bare.secretKey, body: { enabled: false } }), 200);
    const alone = await askForPerson(bare);
    const reply = alone.visitor.messages().at(-1)?.text ?? "";
    expect(reply).toContain("Nobody from the team can join the chat right now.");
    expect(reply).not.toMatch(/offline/);
    expect((await alone.visitor.waitFor(handoffOf)).mode).toBe("capture");
  });
});

describe("Take Over, the claim race, View Full, Snooze", () => {
  it("Take Over claims as the Slack user: the visitor is told, the alert says who, the thread opens with its controls", async () => {
    const project = await slackProject();
    const { handoffId, visitor } = await askForPerson(project);
    await alertIn(project.channel);
    expect((await click(project.channel, "UANA", "baton.take_over", handoffId)).status).toBe(200);
    const joined = await visitor.waitForMessage((m) => m.from === "system" && /has joined the chat/.test(m.text), "joined");
    expect(joined.text).toBe("Slack UANA has joined the chat");
    const update = await waitForSlack(
      project.channel,
      (calls) => calls.find((c) => c.method === "chat.update" && JSON.stringify(c.args.blocks).includes("Claimed by")),
      "claimed update",
    );
    const updated = JSON.stringify(update.args.blocks);
    expect(updated).toContain("<@UANA>");
    expect(updated).not.toContain("baton.take_over");
    const controls = await waitForSlack(
      project.channel,
      (calls) => calls.find((c) => c.method === "chat.postMessage" && c.args.thread_ts && JSON.stringify(c.args.blocks ?? "").includes("baton.resolve")),
      "controls",
    );
    expect(JSON.stringify(controls.args.blocks)).toMatch(/baton\.back_to_bot.*baton\.note/);
    // The Slack user is an agent of the project now, found by email next time.
    const agent = await env.DB.prepare("SELECT name, email, role FROM agents WHERE project_id = ? AND slack_user_id = 'UANA'").bind(project.projectId).first();
    expect(agent).toEqual({ name: "Slack UANA", email: "uana@example.com", role: "agent" });
  });

  it("a second Take Over by someone else gets an ephemeral 'Already claimed by' and changes nothing", async () => {
    const project = await slackProject();
    const { handoffId, conversation } = await askForPerson(project);
    await alertIn(project.channel);
    await click(project.channel, "UANA", "baton.take_over", handoffId);
    await waitForSlack(project.channel, (calls) => calls.find((c) => c.method === "chat.update"), "claimed update");
    await click(project.channel, "UBEN", "baton.take_over", handoffId);
    const ephemeral = await waitForSlack(
      project.channel,
      (calls) => calls.find((c) => c.method === "chat.postEphemeral" && c.args.user === "UBEN"),
      "ephemeral",
    );
    expect(ephemeral.args.text).toMatch(/^Already claimed by <@UANA>, (just now|\d+ min ago)\.$/);
    const state = await runInDurableObject(room(conversation.conversationId), (instance) => (instance as any).store.loadState());
    expect(state.handoff.claimedBy.name).toBe("Slack UANA");
  });

  it("View Full opens a modal with the packet and the transcript, using the click's trigger_id", async () => {
    const project = await slackProject();
    const { handoffId } = await askForPerson(project, "Can I talk to a person about pricing?");
    await alertIn(project.channel);
    await click(project.channel, "UANA", "baton.view_full", handoffId, { trigger_id: "trigger-view-1" });
    const opened = await waitForSlack(
      undefined,
      (calls) => calls.find((c) => c.method === "views.open" && c.args.trigger_id === "trigger-view-1"),
      "views.open",
    );
    const view = JSON.stringify(opened.args.view);
    expect(view).toContain("Summary");
    expect(view).toContain("Transcript");
    expect(view).toContain("Can I talk to a person about pricing?");
  });

  it("Snooze holds the alert; when the snooze ends (the room's alarm) the thread re-alerts in the channel", async () => {
    const project = await slackProject();
    const { handoffId, conversation } = await askForPerson(project);
    await alertIn(project.channel);
    await click(project.channel, "UANA", "baton.snooze", `${handoffId}:5`);
    await waitForSlack(
      project.channel,
      (calls) => calls.find((c) => c.method === "chat.postMessage" && /Snoozed by Slack UANA/.test(String(c.args.text))),
      "snoozed notice",
    );
    await runInDurableObject(room(conversation.conversationId), (instance) => {
      const base = (instance as any).now.bind(instance);
      (instance as any).now = () => new Date(base().getTime() + 5 * 60_000 + 1000);
    });
    await runDurableObjectAlarm(room(conversation.conversationId));
    const realert = await waitForSlack(project.channel, (calls) => calls.find((c) => /Snooze is over/.test(String(c.args.text))), "snooze end");
    expect(String(realert.args.reply_broadcast)).toBe("true");
  });

  it("Open in browser answers only the clicker with a personal, expiring sign-in link to that handoff", async () => {
    const project = await slackProject();
    const { handoffId } = await askForPerson(project);
    await alertIn(project.channel);
    await click(project.channel, "UANA", "baton.open_browser", handoffId);
    const ephemeral = await waitForSlack(project.channel, (calls) => calls.find((c) => c.method === "chat.postEphemeral" && c.args.user === "UANA"), "link");
    const link = /<(http[^|>]+)\|Open this handoff/.exec(String(ephemeral.args.text))?.[1];
    expect(link).toMatch(/^http:\/\/baton\.test\/agent\/sign-in\?token=/);
    const { readSignInToken } = await import("../../adapters/sign-in-links");
    const claims = await readSignInToken(env as never, new URL(link!).searchParams.get("token")!, Math.floor(Date.now() / 1000));
    expect(claims).toMatchObject({ prj: project.projectId, next: `/agent/handoffs/${handoffId}` });
    expect(claims!.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(600);
  });
});

describe("the two-way thread", () => {
  async function claimedScene() {
    const project = await slackProject();
    const scene = await askForPerson(project);
    const alert = await alertIn(project.channel);
    await click(project.channel, "UANA", "baton.take_over", scene.handoffId);
    await scene.visitor.waitForMessage((m) => m.from === "system", "joined");
    return { project, ...scene, threadTs: alert.ts };
  }
  const reply = (channel: string, user: string, threadTs: string, text: string, extra: Record<string, unknown> = {}) => {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
    return slackEvent({
      type: "event_callback",
      event_id: `Ev${crypto.randomUUID()}`,
      team_id: "T123",
      event: { type: "message", channel, user, text, ts, thread_ts: threadTs, ...extra },
    });
  };

  it("the claimer's thread reply reaches the widget under their name", async () => {
    const s = await claimedScene();
    expect((await reply(s.project.channel, "UANA", s.threadTs, "Hi! I can help with that.")).status).toBe(200);
    const m = await s.visitor.waitForMessage((x) => x.from === "agent", "agent reply");
    expect(m).toMatchObject({ text: "Hi! I can help with that.", author: { name: "Slack UANA" } });
  });

  it("a reply while unclaimed claims the handoff first", async () => {
    const project = await slackProject();
    const { visitor } = await askForPerson(project);
    const alert = await alertIn(project.channel);
    await reply(project.channel, "UCAL", alert.ts, "Hello, Cal here");
    await visitor.waitForMessage((m) => m.from === "system" && m.text === "Slack UCAL has joined the chat", "joined");
    await visitor.waitForMessage((m) => m.from === "agent" && m.text === "Hello, Cal here", "reply");
  });

  it("widget messages appear in the thread in order and exactly once, also through a 500 and a 429", async () => {
    const s = await claimedScene();
    await failNext({ method: "chat.postMessage", channel: s.project.channel, status: 500, times: 1 });
    await failNext({ method: "chat.postMessage", channel: s.project.channel, status: 429, retryAfter: 1, times: 1 });
    // The bot is silent once someone has the conversation: wait for each message's ack only.
    for (const text of ["one", "two", "three"]) {
      const clientId = crypto.randomUUID();
      s.visitor.send({ type: "visitor.message", clientId, text });
      await s.visitor.waitForMessage((m) => m.clientId === clientId, `ack of ${text}`);
    }
    const lines = await waitForSlack(
      s.project.channel,
      (calls) => {
        const posted = calls
          .filter((c) => c.ok && c.method === "chat.postMessage" && /^💬 \*Visitor:\*/.test(String(c.args.text)))
          .map((c) => String(c.args.text));
        return posted.length >= 3 && posted;
      },
      "three visitor lines",
      12_000,
    );
    expect(lines).toEqual(["💬 *Visitor:* one", "💬 *Visitor:* two", "💬 *Visitor:* three"]);
    const threaded = (await slackCalls(s.project.channel)).filter((c) => c.ok && /^💬/.test(String(c.args.text)));
    expect(threaded.every((c) => c.args.thread_ts === s.threadTs)).toBe(true);
  }, 30_000);

  it("a reply by someone else while another agent holds it stays internal, and its author is told why", async () => {
    const s = await claimedScene();
    await reply(s.project.channel, "UBEN", s.threadTs, "I'll take it from here");
    const told = await waitForSlack(s.project.channel, (calls) => calls.find((c) => c.method === "chat.postEphemeral" && c.args.user === "UBEN"), "ephemeral");
    expect(told.args.text).toMatch(/kept as an internal note.*Slack UANA holds this conversation/);
    await waitForSlack(s.project.channel, (calls) => calls.find((c) => /^🔒 Kept internal/.test(String(c.args.text))), "kept-internal line");
    expect(s.visitor.messages().some((m) => m.text.includes("take it from here"))).toBe(false);
    const transcript = await runInDurableObject(room(s.conversation.conversationId), (instance) => (instance as any).store.messagesSince(0, true));
    expect(transcript).toContainEqual(expect.objectContaining({ kind: "note", text: "(reply in Slack, not sent to the visitor) I'll take it from here" }));
  });

  it("bot messages, edits and other subtypes are ignored; a retried event_id is handled once", async () => {
    const s = await claimedScene();
    await reply(s.project.channel, "UANA", s.threadTs, "from a bot", { bot_id: "B1" });
    await reply(s.project.channel, "UANA", s.threadTs, "edited", { subtype: "message_changed" });
    const event = {
      type: "event_callback",
      event_id: "EvSAME",
      team_id: "T123",
      event: { type: "message", channel: s.project.channel, user: "UANA", text: "only once", ts: "1800000000.000100", thread_ts: s.threadTs },
    };
    await slackEvent(event);
    await slackEvent(event);
    await s.visitor.waitForMessage((m) => m.text === "only once", "the reply");
    await new Promise((r) => setTimeout(r, 300));
    const agentLines = s.visitor
      .messages()
      .filter((m) => m.from === "agent")
      .map((m) => m.text);
    expect(agentLines).toEqual(["only once"]);
  });

  it("Resolve from the thread hands the conversation back and posts the resolution in the thread", async () => {
    const s = await claimedScene();
    await click(s.project.channel, "UANA", "baton.back_to_bot", s.handoffId);
    await waitForSlack(s.project.channel, (calls) => calls.find((c) => /^✅ Resolved by Slack UANA/.test(String(c.args.text))), "resolution");
    expect((await s.visitor.waitFor((f) => f.find((x): x is HandoffFrame => x.type === "handoff" && x.status === "resolved"))).handoffId).toBe(s.handoffId);
  });

  it("Internal note opens a modal; its submission is a note for the team, never the visitor", async () => {
    const s = await claimedScene();
    await click(s.project.channel, "UANA", "baton.note", s.handoffId, { trigger_id: "trigger-note-1" });
    await waitForSlack(undefined, (calls) => calls.find((c) => c.method === "views.open" && c.args.trigger_id === "trigger-note-1"), "note modal");
    await interact({
      type: "view_submission",
      user: { id: "UANA" },
      team: { id: "T123" },
      view: {
        callback_id: "baton.note_modal",
        private_metadata: s.handoffId,
        state: { values: { note: { text: { type: "plain_text_input", value: "VIP customer" } } } },
      },
    });
    await waitForSlack(s.project.channel, (calls) => calls.find((c) => /^🔒 \*Internal note\* by Slack UANA/.test(String(c.args.text))), "note line");
    const transcript = await runInDurableObject(room(s.conversation.conversationId), (instance) => (instance as any).store.messagesSince(0, true));
    expect(transcript).toContainEqual(expect.objectContaining({ kind: "note", text: "VIP customer" }));
    expect(s.visitor.messages().some((m) => m.text === "VIP customer")).toBe(false);
  });
});

describe("signatures", () => {
  const body = JSON.stringify({ type: "url_verification", challenge: "abc123" });

  it("url_verification answers the challenge when signed", async () => {
    const response = await slackRequest("/slack/events", body, "application/json");
    expect(await json(response, 200)).toEqual({ challenge: "abc123" });
  });

  it.each([
    ["missing", { sign: false }],
    ["stale", { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ["invalid", { secret: "not-the-secret" }],
  ])("a %s signature is a 401 and nothing happens", async (_name, options) => {
    for (const path of ["/slack/events", "/slack/interactions"]) {
      const response = await slackRequest(path, body, "application/json", options);
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).error.code).toBe("bad_signature");
    }
  });

  it("a forged Take Over changes nothing", async () => {
    const project = await slackProject();
    const { handoffId, conversation } = await askForPerson(project);
    await alertIn(project.channel);
    const response = await interact(
      { type: "block_actions", user: { id: "UEVE" }, channel: { id: project.channel }, actions: [{ action_id: "baton.take_over", value: handoffId }] },
      { secret: "wrong" },
    );
    expect(response.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    const state = await runInDurableObject(room(conversation.conversationId), (instance) => (instance as any).store.loadState());
    expect(state.handoff.claimedBy).toBeUndefined();
  });

  it("without a signing secret both endpoints refuse, never skip the check", async () => {
    for (const path of ["/slack/events", "/slack/interactions"]) {
      const request = new Request(`http://baton.test${path}`, { method: "POST", body, headers: { "content-type": "application/json" } });
      const response = await app.fetch(request, { ...env, SLACK_SIGNING_SECRET: undefined }, createExecutionContext());
      expect(response.status).toBe(503);
      expect(((await response.json()) as any).error.code).toBe("slack_not_configured");
    }
  });

  it("garbage that is correctly signed is acknowledged and ignored", async () => {
    for (const junk of ["not json", "{}", JSON.stringify({ type: "event_callback" }), JSON.stringify({ type: "event_callback", event_id: "E1", event: "x" })]) {
      const response = await slackRequest("/slack/events", junk, "application/json");
      expect([200, 400]).toContain(response.status);
    }
    for (const junk of [
      "payload=not-json",
      "",
      "payload=%7B%7D",
      `payload=${encodeURIComponent(JSON.stringify({ type: "block_actions", user: { id: "U" }, actions: [] }))}`,
    ]) {
      expect((await slackRequest("/slack/interactions", junk, "application/x-www-form-urlencoded")).status).toBe(200);
    }
  });
});

describe("delivery: rate limits, failures, bursts", () => {
  const alertJob = (project: { projectId: string }, n: number): NotificationJob =>
    sampleJob({
      id: `job_burst_${project.projectId}_${n}`,
      projectId: project.projectId,
      conversationId: `c_burst_${n}`,
      handoffId: `h_burst_${project.projectId}_${n}`,
      summary: `Burst handoff number ${n}.`,
      visitorName: `Visitor ${n}`,
    });
  const deliver = (jobs: NotificationJob[]) => deliverBatch("baton-notifications", jobs);

  it("429 with Retry-After: delivered later, once", async () => {
    const project = await slackProject();
    await failNext({ method: "chat.postMessage", channel: project.channel, status: 429, retryAfter: 1 });
    const { handoffId } = await askForPerson(project);
    const posts = await waitForSlack(
      project.channel,
      (calls) => {
        const alerts = calls.filter((c) => c.method === "chat.postMessage" && !c.args.thread_ts);
        return alerts.some((c) => c.ok) && alerts;
      },
      "alert after the 429",
    );
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(900); // waited Slack's Retry-After
    const row = await env.DB.prepare("SELECT status, attempts FROM deliveries WHERE handoff_id = ? AND channel = 'slack' AND kind = 'handoff.opened'")
      .bind(handoffId)
      .first();
    expect(row).toMatchObject({ status: "delivered" });
  });

  it("a permanent 4xx is recorded, not retried, and marks the channel failing (new handoffs become honest captures)", async () => {
    const project = await slackProject();
    await failNext({ method: "chat.postMessage", channel: project.channel, status: 200, error: "channel_not_found" });
    const { handoffId } = await askForPerson(project);
    await waitForSlack(project.channel, (calls) => calls.find((c) => c.method === "chat.postMessage" && !c.ok), "the refused alert");
    let row: any;
    for (let i = 0; i < 50 && row?.status !== "failed"; i++) {
      row = await env.DB.prepare("SELECT status, last_error FROM deliveries WHERE handoff_id = ? AND channel = 'slack'").bind(handoffId).first();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(row).toMatchObject({ status: "failed", last_error: expect.stringContaining("channel_not_found") });
    await new Promise((r) => setTimeout(r, 300));
    expect((await slackCalls(project.channel)).filter((c) => c.method === "chat.postMessage")).toHaveLength(1);
    const { channels } = await json<{ channels: any[] }>(await call("/v1/channels", { token: project.secretKey }), 200);
    expect(channels.find((c) => c.kind === "slack")).toMatchObject({
      health: "failing",
      lastError: expect.stringContaining("channel_not_found"),
      secretSet: true,
    });
    expect(JSON.stringify(channels)).not.toContain("xoxb-");
  });

  it("100 handoffs opening at once in one channel: 100 alerts, in order, none twice, at Slack's pace", async () => {
    // Five projects alerting into one shared channel (each stays under its own alert budget).
    const project = await slackProject();
    const projects = [project, ...(await Promise.all(Array.from({ length: 4 }, () => slackProject({}, project.channel))))];
    await limitPosts(15); // the fake refuses a second post within 15 ms (a 429), as Slack does within a second
    try {
      const jobs = Array.from({ length: 100 }, (_, n) => alertJob(projects[n % projects.length]!, n));
      // Each job arrives twice (a redelivery), in batches of ten as the queue sends them.
      for (let i = 0; i < 100; i += 10) await deliver([...jobs.slice(i, i + 10), ...jobs.slice(i, i + 10)]);
      const alerts = await waitForSlack(
        project.channel,
        (calls) => {
          const ok = calls.filter((c) => c.ok && c.method === "chat.postMessage");
          return ok.length >= 100 && ok;
        },
        "100 alerts",
        30_000,
      );
      await new Promise((r) => setTimeout(r, 200));
      const posted = (await slackCalls(project.channel)).filter((c) => c.ok && c.method === "chat.postMessage").map((c) => String(c.args.text));
      expect(posted).toHaveLength(100);
      expect(posted.map((t) => Number(/number (\d+)/.exec(t)?.[1]))).toEqual(Array.from({ length: 100 }, (_, n) => n));
      expect(alerts.length).toBe(100);
      const poster = env.SlackPoster.getByName(`slack:${project.channel}`);
      expect(await poster.pending()).toBe(0);
    } finally {
      await limitPosts(0);
    }
  }, 60_000);
});

describe("channel settings", () => {
  it("validate their body, never return the token, and are scoped to the calling project", async () => {
    const project = await createProject();
    const bad = await call("/v1/channels/slack", { method: "PUT", token: project.secretKey, body: { botToken: "nope", channelId: "general" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.field).toBe("botToken");
    const first = await call("/v1/channels/slack", { method: "PUT", token: project.secretKey, body: { channelId: channelId() } });
    expect(((await first.json()) as any).error.field).toBe("botToken");
    expect((await call("/v1/channels/pager", { method: "PUT", token: project.secretKey, body: {} })).status).toBe(404);
    const other = await createProject();
    await json(
      await call("/v1/channels/slack", { method: "PUT", token: other.secretKey, body: { botToken: "xoxb-other-token-0123456789", channelId: channelId() } }),
      200,
    );
    const mine = await json<{ channels: any[] }>(await call("/v1/channels", { token: project.secretKey }), 200);
    expect(mine.channels.find((c) => c.kind === "slack")).toMatchObject({ configured: false, secretSet: false });
  });
});

describe("per-project install through OAuth", () => {
  it("install link → Slack's authorize page with a signed state → callback stores the token encrypted and the channel", async () => {
    const project = await createProject();
    const { url } = await json<{ url: string }>(await call("/v1/slack/install-link", { method: "POST", token: project.secretKey, body: {} }), 200);
    const install = await call(new URL(url).pathname + new URL(url).search);
    expect(install.status).toBe(302);
    const authorize = new URL(install.headers.get("location")!);
    expect(authorize.pathname).toBe("/oauth/v2/authorize");
    expect(authorize.searchParams.get("scope")).toContain("chat:write");
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://baton.test/slack/oauth/callback");
    const state = authorize.searchParams.get("state")!;
    const done = await call(`/slack/oauth/callback?code=good-code&state=${encodeURIComponent(state)}`);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Slack is connected");
    const row = await env.DB.prepare("SELECT config, secret FROM project_channels WHERE project_id = ? AND kind = 'slack'")
      .bind(project.projectId)
      .first<{ config: string; secret: string }>();
    expect(JSON.parse(row!.config)).toMatchObject({ channelId: "CINSTALLED1", teamId: "T123" });
    expect(row!.secret).not.toContain("xoxb");
    const { channels } = await json<{ channels: any[] }>(await call("/v1/channels", { token: project.secretKey }), 200);
    expect(channels.find((c) => c.kind === "slack")).toMatchObject({
      configured: true,
      source: "project",
      secretSet: true,
      config: { channelId: "CINSTALLED1" },
    });
  });

  it("a forged or missing state, or a bad code, gets a clear page and stores nothing", async () => {
    const project = await createProject();
    expect((await call("/slack/install?state=forged")).status).toBe(400);
    expect((await call("/slack/oauth/callback?code=good-code&state=forged")).status).toBe(400);
    const { url } = await json<{ url: string }>(await call("/v1/slack/install-link", { method: "POST", token: project.secretKey, body: {} }), 200);
    const state = new URL(url).searchParams.get("state")!;
    const bad = await call(`/slack/oauth/callback?code=bad-code&state=${encodeURIComponent(state)}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("invalid_code");
    expect(await env.DB.prepare("SELECT 1 FROM project_channels WHERE project_id = ? AND kind = 'slack'").bind(project.projectId).first()).toBeNull();
  });
});
