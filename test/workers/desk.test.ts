// The team desk through the real worker, rooms, inbox and D1: a handoff appears on every connected
// desk as it opens, each change follows as a numbered event, a desk that drops resumes without a
// missing or doubled event, presence counts who is available, and nothing crosses projects.
import { abortAllDurableObjects, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DeskEventFrame, DeskPresenceFrame, DeskServerFrame, DeskSnapshotFrame, DeskWelcomeFrame } from "../../protocol/desk";
import type { RoomFrame } from "../../protocol/frames";
import { ALWAYS_OPEN, call, Client, createAgent, createProject, json, say, startConversation, type TestProject } from "./helpers";

const settings = { businessHours: ALWAYS_OPEN };

async function desk(agentToken: string, query = ""): Promise<Client> {
  return Client.open(`/v1/desk/socket${query}`, undefined, { authorization: `Bearer ${agentToken}` });
}

const frames = (client: Client) => client.frames as unknown as DeskServerFrame[];
const events = (client: Client) => frames(client).filter((f): f is DeskEventFrame => f.type === "desk.event");

function waitForEvent(client: Client, match: (f: DeskEventFrame) => boolean, what: string) {
  return client.waitFor((all) => (all as unknown as DeskServerFrame[]).find((f): f is DeskEventFrame => f.type === "desk.event" && match(f)), what);
}

/** A visitor who asked for a person; resolves once the room answered with the handoff. */
async function askForPerson(project: TestProject) {
  const { conversationId, socketUrl } = await startConversation(project);
  const visitor = await Client.open(socketUrl);
  await say(visitor, "Can I talk to a person?");
  const frame = await visitor.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "handoff" }> => x.type === "handoff"));
  return { conversationId, visitor, handoffId: frame.handoffId };
}

const post = (path: string, token: string, body: unknown = {}) => call(path, { method: "POST", token, body });

describe("the desk socket", () => {
  it("welcomes with a snapshot, then shows a new handoff live and every change after it, in order", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const socket = await desk(ana.agentToken);
    const welcome = await socket.waitFor((f) => (f as unknown as DeskServerFrame[]).find((x): x is DeskWelcomeFrame => x.type === "desk.welcome"));
    expect(welcome).toMatchObject({ protocol: 1, agent: { id: ana.agentId, name: "Ana Agent" }, lastSeq: 0, resumed: false });
    await socket.waitFor((f) => f.length >= 2, "snapshot");
    expect(frames(socket)[1]).toEqual({ type: "desk.snapshot", seq: 0, cards: [] });

    const { handoffId } = await askForPerson(project);
    const created = await waitForEvent(socket, (e) => e.kind === "created", "created");
    expect(created.card).toMatchObject({ handoffId, status: "pending", trigger: "explicit_request", mode: "live", claimedBy: null });
    expect(created.card.summary.length).toBeGreaterThan(20);

    await json(await post(`/v1/handoffs/${handoffId}/claim`, ana.agentToken), 200);
    await waitForEvent(socket, (e) => e.kind === "claimed", "claimed");
    await json(await post(`/v1/handoffs/${handoffId}/messages`, ana.agentToken, { text: "Hi!", clientId: "m1" }), 200);
    await json(await post(`/v1/handoffs/${handoffId}/resolve`, ana.agentToken, {}), 200);
    const resolved = await waitForEvent(socket, (e) => e.kind === "resolved", "resolved");
    expect(resolved.card).toMatchObject({ status: "resolved", claimedBy: { name: "Ana Agent" }, firstHumanReplyAt: expect.any(String) });

    const seqs = events(socket).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const kinds = events(socket).map((e) => e.kind);
    expect(kinds[0]).toBe("created");
    expect(kinds.filter((k) => k === "claimed")).toHaveLength(1);
    expect(kinds.at(-1)).toBe("resolved");
    // The same queue over HTTP.
    const snapshot = await json<{ lastSeq: number; cards: Array<{ handoffId: string; status: string }> }>(
      await call("/v1/desk", { token: ana.agentToken }),
      200,
    );
    expect(snapshot.lastSeq).toBe(seqs.at(-1));
    expect(snapshot.cards).toEqual([expect.objectContaining({ handoffId, status: "resolved" })]);
  });

  it("a desk that drops resumes from its last seq: every event it missed, once, and nothing twice", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const first = await desk(ana.agentToken);
    const one = await askForPerson(project);
    await waitForEvent(first, (e) => e.card.handoffId === one.handoffId && e.kind === "created", "first created");
    const seen = events(first);
    const lastSeq = seen.at(-1)!.seq;
    first.close();

    const two = await askForPerson(project);
    await json(await post(`/v1/handoffs/${one.handoffId}/claim`, ana.agentToken), 200);
    const inbox = env.ProjectInbox.getByName(project.projectId);
    await expect
      .poll(async () => (await inbox.snapshot()).cards.map((c) => [c.handoffId, c.status === "claimed"]).sort())
      .toEqual(
        [
          [one.handoffId, true],
          [two.handoffId, false],
        ].sort(),
      );

    const resumed = await desk(ana.agentToken, `?since=${lastSeq}`);
    const welcome = await resumed.waitFor((f) => (f as unknown as DeskServerFrame[]).find((x): x is DeskWelcomeFrame => x.type === "desk.welcome"));
    expect(welcome.resumed).toBe(true);
    await waitForEvent(resumed, (e) => e.kind === "claimed", "claimed, replayed");
    const replayed = events(resumed);
    expect(replayed[0]!.seq).toBe(lastSeq + 1);
    expect(replayed.map((e) => e.seq)).toEqual(replayed.map((_, i) => lastSeq + 1 + i));
    expect(frames(resumed).some((f) => f.type === "desk.snapshot")).toBe(false);
    expect(replayed.some((e) => e.card.handoffId === two.handoffId && e.kind === "created")).toBe(true);
    // Put together, what the desk saw before and after the drop has every number exactly once.
    const all = [...seen, ...replayed].map((e) => e.seq);
    expect(all).toEqual(all.map((_, i) => all[0]! + i));
  });

  it("a since the inbox cannot replay (ahead of it, or garbage) gets a snapshot or a 400", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const { handoffId } = await askForPerson(project);
    const ahead = await desk(ana.agentToken, "?since=999999");
    const snapshot = await ahead.waitFor((f) => (f as unknown as DeskServerFrame[]).find((x): x is DeskSnapshotFrame => x.type === "desk.snapshot"));
    expect(snapshot.cards.map((c) => c.handoffId)).toEqual([handoffId]);
    for (const query of ["?since=-1", "?since=abc", "?status=busy"]) {
      expect((await call(`/v1/desk/socket${query}`, { token: ana.agentToken, headers: { upgrade: "websocket" } })).status).toBe(400);
    }
    expect((await call("/v1/desk/socket", { token: ana.agentToken })).status).toBe(426);
    expect((await call("/v1/desk/socket", { headers: { upgrade: "websocket" } })).status).toBe(401);
  });

  it("the same event delivered twice (a retried outbox) is stored and pushed once", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const { handoffId } = await askForPerson(project);
    const socket = await desk(ana.agentToken);
    const snapshot = await socket.waitFor((f) => (f as unknown as DeskServerFrame[]).find((x): x is DeskSnapshotFrame => x.type === "desk.snapshot"));
    const card = { ...snapshot.cards.find((c) => c.handoffId === handoffId)!, updatedAt: new Date(Date.now() + 1000).toISOString() };
    const inbox = env.ProjectInbox.getByName(project.projectId);
    await inbox.publish({ id: "dev_same", kind: "updated", card });
    await inbox.publish({ id: "dev_same", kind: "updated", card });
    // An older change arriving late never overwrites a newer one.
    await inbox.publish({ id: "dev_stale", kind: "updated", card: { ...card, status: "pending", updatedAt: "2000-01-01T00:00:00.000Z" } });
    await inbox.publish({ id: "dev_after", kind: "updated", card: { ...card, updatedAt: new Date(Date.now() + 2000).toISOString() } });
    await waitForEvent(socket, (e) => e.card.updatedAt === card.updatedAt, "the redelivered event");
    await waitForEvent(socket, (e) => e.card.updatedAt !== card.updatedAt && e.card.updatedAt > card.updatedAt, "a later event");
    expect(events(socket).filter((e) => e.card.updatedAt === card.updatedAt)).toHaveLength(1);
    expect(events(socket).some((e) => e.card.updatedAt.startsWith("2000-"))).toBe(false);
  });

  it("an inbox that lost its state rebuilds the queue from D1", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const { handoffId } = await askForPerson(project);
    const inbox = env.ProjectInbox.getByName(project.projectId);
    await expect.poll(async () => (await inbox.snapshot()).cards.length).toBe(1);
    await runInDurableObject(inbox, async (_instance, state) => {
      await state.storage.deleteAll();
    });
    await abortAllDurableObjects();
    const socket = await desk(ana.agentToken);
    const snapshot = await socket.waitFor((f) => (f as unknown as DeskServerFrame[]).find((x): x is DeskSnapshotFrame => x.type === "desk.snapshot"));
    expect(snapshot.cards).toEqual([expect.objectContaining({ handoffId, status: expect.stringMatching(/^(pending|notified)$/) })]);
  });

  it("answers garbage with an error frame and keeps the socket open", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const socket = await desk(ana.agentToken);
    for (const raw of ["not json", JSON.stringify({ type: "desk.hack" }), JSON.stringify({ type: "desk.presence", status: "busy" }), "x".repeat(5000)]) {
      socket.send(raw);
    }
    await socket.waitFor((f) => (f as unknown as DeskServerFrame[]).filter((x) => x.type === "error").length >= 4, "four errors");
    expect(
      frames(socket)
        .filter((f) => f.type === "error")
        .map((f) => (f as { code: string }).code)
        .sort(), // a burst may be handed over out of order when the inbox wakes from hibernation
    ).toEqual(["bad_json", "frame_too_large", "invalid_frame", "unknown_type"]);
    socket.send({ type: "ping" });
    await socket.waitFor((f) => (f as unknown as DeskServerFrame[]).some((x) => x.type === "pong"), "pong");
    expect(socket.closed).toBeNull();
  });

  it("never shows another project's handoffs", async () => {
    const mine = await createProject({ settings });
    const theirs = await createProject({ settings });
    const ana = await createAgent(mine, "Ana Agent");
    const eve = await createAgent(theirs, "Eve Agent");
    const anaDesk = await desk(ana.agentToken);
    const eveDesk = await desk(eve.agentToken);
    const { handoffId } = await askForPerson(theirs);
    await waitForEvent(eveDesk, (e) => e.card.handoffId === handoffId, "their handoff on their desk");
    const other = await askForPerson(mine);
    await waitForEvent(anaDesk, (e) => e.card.handoffId === other.handoffId, "my handoff on my desk");
    expect(events(anaDesk).some((e) => e.card.handoffId === handoffId)).toBe(false);
  });
});

describe("presence", () => {
  it("counts available agents once each, follows the toggle and going idle, and leaves with the socket", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const bob = await createAgent(project, "Bob Agent");
    const inbox = env.ProjectInbox.getByName(project.projectId);
    const anaTab1 = await desk(ana.agentToken);
    const anaTab2 = await desk(ana.agentToken);
    const bobDesk = await desk(bob.agentToken, "?status=away");
    const lastPresence = (c: Client) =>
      frames(c)
        .filter((f): f is DeskPresenceFrame => f.type === "desk.presence")
        .at(-1);
    await anaTab1.waitFor(() => lastPresence(anaTab1)?.agents.length === 2, "both agents listed");
    expect(await inbox.availableAgents()).toBe(1);
    expect(lastPresence(anaTab1)).toEqual({
      type: "desk.presence",
      agents: [
        { id: ana.agentId, name: "Ana Agent", status: "available" },
        { id: bob.agentId, name: "Bob Agent", status: "away" },
      ],
      available: 1,
    });

    // One of Ana's tabs going idle leaves her available; her toggle sets all her desks away.
    anaTab2.send({ type: "desk.presence", status: "away", auto: true });
    await anaTab1.waitFor(() => frames(anaTab1).filter((f) => f.type === "desk.presence").length >= 3, "presence after idle");
    expect(await inbox.availableAgents()).toBe(1);
    anaTab1.send({ type: "desk.presence", status: "away" });
    await bobDesk.waitFor(() => lastPresence(bobDesk)?.available === 0, "nobody available");
    bobDesk.send({ type: "desk.presence", status: "available" });
    await anaTab1.waitFor(() => lastPresence(anaTab1)?.available === 1, "Bob available");
    bobDesk.close();
    await anaTab1.waitFor(() => lastPresence(anaTab1)?.agents.length === 1, "Bob gone");
    expect(await inbox.availableAgents()).toBe(0);
  });

  it("feeds the live-or-capture decision: with no human channel, an available desk makes a handoff live", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    // No Slack and no dev outbox: nobody would hear of a handoff but the desk.
    await json(await call("/v1/channels/outbox", { method: "PUT", token: project.secretKey, body: { enabled: false } }), 200);
    const alone = await askForPerson(project);
    // The D1 row follows the room's frame by a moment.
    const mode = async (handoffId: string) => {
      const res = await call(`/v1/handoffs/${handoffId}`, { token: ana.agentToken });
      return res.status === 200 ? ((await res.json()) as { handoff: { mode: string } }).handoff.mode : null;
    };
    await expect.poll(() => mode(alone.handoffId)).toBe("capture");

    const away = await desk(ana.agentToken, "?status=away");
    const stillAlone = await askForPerson(project);
    await expect.poll(() => mode(stillAlone.handoffId)).toBe("capture");
    away.close();

    await desk(ana.agentToken);
    const watched = await askForPerson(project);
    await expect.poll(() => mode(watched.handoffId)).toBe("live");
    const available = await runInDurableObject(env.ConversationRoom.getByName(watched.conversationId), (instance) =>
      (instance as unknown as { desk: { available(): number } }).desk.available(),
    );
    expect(available).toBe(1);
  });
});

describe("the desk's settings", () => {
  it("gives any agent the templates and SLA targets, validated on the way in", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const config = await json(await call("/v1/desk/config", { token: ana.agentToken }), 200);
    expect(config.replyTemplates.map((t: { id: string }) => t.id)).toEqual(["ack", "ship_update", "refund_offer"]);
    expect(config.slaMinutes).toEqual({ urgent: 5, high: 10, normal: 15, low: 30 });
    const current = (await json(await call("/v1/settings", { token: project.secretKey }), 200)).settings;
    const bad = [
      { replyTemplates: [{ id: "x", label: "X", text: "Hi {{nmae}}" }] },
      { replyTemplates: [{ id: "Bad Id", label: "X", text: "Hi" }] },
      {
        replyTemplates: [
          { id: "a", label: "A", text: "Hi" },
          { id: "a", label: "B", text: "Yo" },
        ],
      },
      { slaMinutes: { urgent: 0 } },
    ];
    for (const patch of bad) {
      const res = await json(await call("/v1/settings", { method: "PUT", token: project.secretKey, body: { ...current, ...patch } }), 400);
      expect(res.error.field).toMatch(/^(replyTemplates|slaMinutes)/);
    }
  });
});

describe("typing indicators", () => {
  it("the visitor's reach the agents; the claimer's reach the visitor; nobody else's do", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const bob = await createAgent(project, "Bob Agent");
    const { conversationId, visitor, handoffId } = await askForPerson(project);
    const session = (token: string) =>
      call(`/v1/conversations/${conversationId}/agent-session`, { method: "POST", token, body: {} }).then((r) => json<{ socketUrl: string }>(r, 200));
    const anaSocket = await Client.open((await session(ana.agentToken)).socketUrl);
    const bobSocket = await Client.open((await session(bob.agentToken)).socketUrl);
    visitor.send({ type: "visitor.typing", typing: true });
    await anaSocket.waitFor((f) => f.find((x) => x.type === "typing" && x.from === "visitor" && x.typing), "visitor typing at Ana's");
    await bobSocket.waitFor((f) => f.find((x) => x.type === "typing" && x.from === "visitor"), "visitor typing at Bob's");

    bobSocket.send({ type: "agent.typing", typing: true }); // not the claimer: goes nowhere
    await json(await post(`/v1/handoffs/${handoffId}/claim`, ana.agentToken), 200);
    anaSocket.send({ type: "agent.typing", typing: true });
    const typing = await visitor.waitFor((f) => f.find((x) => x.type === "typing"), "Ana typing at the visitor's");
    expect(typing).toEqual({ type: "typing", from: "agent", typing: true, author: { id: ana.agentId, name: "Ana Agent" } });
    expect(visitor.frames.filter((f) => f.type === "typing")).toHaveLength(1);
    // Never stored: the transcript has no trace of it.
    const detail = await json(await call(`/v1/handoffs/${handoffId}`, { token: ana.agentToken }), 200);
    expect(JSON.stringify(detail.transcript)).not.toContain("typing");
    anaSocket.send({ type: "agent.typing", typing: "yes" });
    await anaSocket.waitForError("invalid_frame");
  });

  it("an agent socket gets the packet on connect", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const { conversationId, handoffId } = await askForPerson(project);
    const socket = await Client.open(
      (
        await json<{ socketUrl: string }>(
          await call(`/v1/conversations/${conversationId}/agent-session`, { method: "POST", token: ana.agentToken, body: {} }),
          200,
        )
      ).socketUrl,
    );
    const packet = await socket.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "packet" }> => x.type === "packet"), "packet");
    expect(packet).toMatchObject({ handoffId, packet: { trigger: "explicit_request", suggestedReply: expect.any(String) } });
  });
});

describe("the desk's metrics", () => {
  it("default to the last 7 days, for agents and the owner alike, with a series and the time to first action", async () => {
    const project = await createProject({ settings });
    const ana = await createAgent(project, "Ana Agent");
    const { handoffId } = await askForPerson(project);
    await json(await post(`/v1/handoffs/${handoffId}/claim`, ana.agentToken), 200);
    await json(await post(`/v1/handoffs/${handoffId}/messages`, ana.agentToken, { text: "Hi!", clientId: "m1" }), 200);
    await expect.poll(async () => (await json(await call("/v1/metrics", { token: ana.agentToken }), 200)).metrics.firstActionSeconds.count).toBe(1);
    for (const token of [ana.agentToken, project.secretKey]) {
      const body = await json(await call("/v1/metrics", { token }), 200);
      expect(Date.parse(body.to) - Date.parse(body.from)).toBe(7 * 86_400_000);
      expect(Math.abs(Date.parse(body.to) - Date.now())).toBeLessThan(60_000);
      expect(body.bucket).toBe("day");
      expect(body.metrics).toMatchObject({ conversations: 1, handoffs: 1, firstReplySeconds: { count: 1 }, firstActionSeconds: { count: 1 } });
      expect(body.series.reduce((n: number, p: { handoffs: number }) => n + p.handoffs, 0)).toBe(1);
    }
    const day = await json(
      await call(`/v1/metrics?to=${encodeURIComponent(new Date().toISOString())}&from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`, {
        token: ana.agentToken,
      }),
      200,
    );
    expect(day.bucket).toBe("hour");
    expect(day.series.length).toBeGreaterThanOrEqual(24);
    for (const query of [
      "?from=yesterday",
      "?bucket=minute",
      `?from=${new Date(Date.now() - 30 * 86_400_000).toISOString()}&bucket=hour`,
      `?from=${new Date().toISOString()}&to=2000-01-01`,
    ]) {
      expect((await json(await call(`/v1/metrics${query}`, { token: ana.agentToken }), 400)).error.code).toBe("invalid_query");
    }
    expect((await call("/v1/metrics")).status).toBe(401);
  });
});
