// Abuse limits that cannot be sidestepped, each probed by a bounded flood: the room's message
// budget per sender (not per socket), the cap on visitor sockets, conversation creation per
// address and per project, authenticated callers, and the team-alert cap. Every refusal is a 429
// with Retry-After and a JSON error, or an error frame and then a close; nothing refused is stored.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomFrame } from "../../protocol/frames";
import type { NotificationJob } from "../../protocol/jobs";
import type { LIMITERS } from "../../adapters/rate-limits";
import worker from "../../worker/index";
import { ADMIN, ALWAYS_OPEN, agentSession, call, Client, createAgent, createProject, json, say, someAddress, startConversation } from "./helpers";

const BURST = 20;
const PER_SECOND = 5;

const visitorMessages = (client: Client) => client.messages().filter((m) => m.from === "visitor");
const refusals = (client: Client) => client.frames.filter((f) => f.type === "error" && f.code === "rate_limited").length;

/** Sends `count` visitor messages from each socket at once; resolves when every one is answered (ack or refusal) or its socket closed. */
async function flood(sockets: Client[], count: number) {
  sockets.forEach((s, i) => {
    for (let k = 0; k < count; k++) s.send({ type: "visitor.message", clientId: `s${i}-${k}`, text: `flood ${i}/${k}` });
  });
  await Promise.all(
    sockets.map((s, i) =>
      s.waitFor(() => s.closed || visitorMessages(s).filter((m) => m.clientId?.startsWith(`s${i}-`)).length + refusals(s) >= count, `socket ${i} answered`),
    ),
  );
}

async function storedVisitorMessages(conversationId: string, agentToken: string) {
  const agent = await Client.open((await agentSession(conversationId, agentToken)).socketUrl, 0);
  const welcome = await agent.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "welcome" }> => x.type === "welcome"));
  await agent.waitFor((f) => (f.filter((x) => "seq" in x).length >= welcome.lastSeq ? true : undefined), "replay");
  agent.close();
  return visitorMessages(agent).length;
}

describe("the room's message budget is the sender's, not a socket's", () => {
  it("five sockets flooding at once store no more than one sender's budget allows", async () => {
    const project = await createProject();
    const agent = await createAgent(project);
    const { conversationId, socketUrl } = await startConversation(project);
    const started = Date.now();
    const sockets = await Promise.all(Array.from({ length: 5 }, () => Client.open(socketUrl)));
    await flood(sockets, 30);
    const stored = await storedVisitorMessages(conversationId, agent.agentToken);
    const elapsedSeconds = (Date.now() - started) / 1000;
    expect(stored).toBeLessThanOrEqual(BURST + PER_SECOND * elapsedSeconds + 1);
    expect(stored).toBeLessThan(150);
    // Refused frames are told so; a socket that keeps flooding is closed after its warnings.
    expect(sockets.reduce((n, s) => n + refusals(s), 0)).toBeGreaterThan(0);
    for (const s of sockets.filter((x) => x.closed)) {
      expect(s.closed?.code).toBe(4008);
      expect(refusals(s)).toBeGreaterThan(0);
    }
  });

  it("a reconnect starts from the same budget, not a fresh one", async () => {
    const project = await createProject();
    const agent = await createAgent(project);
    const { conversationId, socketUrl } = await startConversation(project);
    const started = Date.now();
    const first = await Client.open(socketUrl);
    await flood([first], BURST);
    first.close();
    const second = await Client.open(socketUrl);
    await flood([second], 10);
    const stored = await storedVisitorMessages(conversationId, agent.agentToken);
    const elapsedSeconds = (Date.now() - started) / 1000;
    expect(stored).toBeLessThanOrEqual(BURST + PER_SECOND * elapsedSeconds + 1);
    expect(refusals(second)).toBeGreaterThan(0);
  });

  it("an agent's budget is their own: a flooding visitor does not silence the agent", async () => {
    const project = await createProject();
    const agent = await createAgent(project);
    const { conversationId, socketUrl } = await startConversation(project);
    const visitor = await Client.open(socketUrl);
    await flood([visitor], 40);
    const agentSocket = await Client.open((await agentSession(conversationId, agent.agentToken)).socketUrl);
    agentSocket.send({ type: "agent.message", clientId: "a1", text: "I am still heard" });
    await agentSocket.waitForMessage((m) => m.clientId === "a1");
  });
});

describe("the cap on visitor sockets", () => {
  it("the sixth simultaneous visitor socket gets an error frame and a close; the five keep working", async () => {
    const project = await createProject();
    const { socketUrl } = await startConversation(project);
    const open = await Promise.all(Array.from({ length: 5 }, () => Client.open(socketUrl)));
    await Promise.all(open.map((s) => s.waitFor((f) => f.find((x) => x.type === "welcome"), "welcome")));
    const extra = await Client.open(socketUrl);
    await extra.waitForError("too_many_sockets");
    expect((await extra.waitForClose()).code).toBe(4009);
    expect(extra.frames.some((f) => f.type === "welcome")).toBe(false);
    open[0]!.send({ type: "visitor.message", clientId: "ok", text: "still here" });
    await open[4]!.waitForMessage((m) => m.clientId === "ok");
    // A socket that leaves frees its place.
    open[0]!.close();
    await open[0]!.waitForClose();
    const replacement = await Client.open(socketUrl);
    await replacement.waitFor((f) => f.find((x) => x.type === "welcome"), "welcome for the replacement");
  });
});

async function expectRateLimited(response: Response) {
  const body = await json<{ error: { code: string; message: string } }>(response, 429);
  expect(body.error.code).toBe("rate_limited");
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
}

/** Runs `count` requests, `width` at a time. */
async function burst(count: number, width: number, request: (i: number) => Promise<Response>): Promise<Response[]> {
  const out: Response[] = [];
  for (let i = 0; i < count; i += width) out.push(...(await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, k) => request(i + k)))));
  return out;
}

/**
 * Spends `name`'s budget for `key` through the real binding until it refuses, then makes the
 * request, which must be refused too. Fixed windows roll over each minute: if the request landed
 * in a fresh one (it was served), spend again and retry, at most twice.
 */
let refusedAfter = 0;
async function whenSpent(name: keyof typeof LIMITERS, key: string, request: () => Promise<Response>): Promise<Response> {
  refusedAfter = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    for (let i = 0; i < 100_000 && (await env[name].limit({ key: `${name}:${key}` })).success; i++);
    const response = await request();
    if (response.status === 429) return response;
    refusedAfter++;
  }
  throw new Error(`${name} never refused ${key}`);
}

const countConversations = async (projectId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM conversations WHERE project_id = ?").bind(projectId).first<{ n: number }>())!.n;

describe("conversation creation", () => {
  // Fixed windows: a flood that spans two of them is granted at most twice the limit.
  it("is limited per address: 20 a minute, the rest 429 with Retry-After, and nothing stored for them", async () => {
    const project = await createProject();
    const address = someAddress();
    const responses = await burst(41, 10, () =>
      call("/v1/conversations", { body: { projectKey: project.projectKey }, headers: { "cf-connecting-ip": address } }),
    );
    const created = responses.filter((r) => r.status === 201).length;
    const refused = responses.filter((r) => r.status === 429);
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThanOrEqual(40);
    expect(refused.length).toBe(41 - created);
    await expectRateLimited(refused[0]!);
    expect(await countConversations(project.projectId)).toBe(created);
    // Another address is not affected.
    await json(await call("/v1/conversations", { body: { projectKey: project.projectKey } }), 201);
  });

  it("is limited per project, from however many addresses, before anything is written", async () => {
    const project = await createProject();
    const before = await countConversations(project.projectId);
    const refused = await whenSpent("CONVERSATIONS_PER_PROJECT", project.projectId, () =>
      call("/v1/conversations", { body: { projectKey: project.projectKey } }),
    );
    await expectRateLimited(refused);
    expect(await countConversations(project.projectId)).toBe(before + refusedAfter);
    // Another project is not affected.
    await startConversation(await createProject());
  });
});

describe("agent and owner endpoints", () => {
  it("one agent token has its own budget; another agent of the project is not affected", async () => {
    const project = await createProject();
    const agent = await createAgent(project);
    await expectRateLimited(await whenSpent("API_PER_CALLER", `agent:${agent.agentId}`, () => call("/v1/handoffs", { token: agent.agentToken })));
    await json(await call("/v1/handoffs", { token: (await createAgent(project, "Bea")).agentToken }), 200);
  });

  it("a project's secret key has its own budget", async () => {
    const project = await createProject();
    await expectRateLimited(await whenSpent("API_PER_CALLER", `project:${project.projectId}`, () => call("/v1/settings", { token: project.secretKey })));
  });

  it("one address has a budget for authenticated routes and socket upgrades, valid credential or not", async () => {
    const project = await createProject();
    const { socketUrl } = await startConversation(project);
    const address = someAddress();
    await expectRateLimited(
      await whenSpent("API_PER_IP", address, () => call("/v1/handoffs", { token: "at_guess", headers: { "cf-connecting-ip": address } })),
    );
    await expectRateLimited(await call("/v1/projects", { token: ADMIN, body: { name: "x" }, headers: { "cf-connecting-ip": address } }));
    await expectRateLimited(await call(socketUrl, { headers: { upgrade: "websocket", "cf-connecting-ip": address } }));
    // The real budget counts real requests too: a flood of bad tokens from one address ends in 429s.
    const flooder = someAddress();
    const responses = await burst(40, 20, () => call("/v1/handoffs", { token: "at_guess", headers: { "cf-connecting-ip": flooder } }));
    expect(responses.every((r) => r.status === 401)).toBe(true);
  });
});

describe("the team-alert cap", () => {
  const dim = { confidence: 0, evidence: [] };
  const job = (id: string, projectId: string, kind: NotificationJob["kind"] = "handoff.opened"): NotificationJob => ({
    id,
    kind,
    projectId,
    conversationId: `c_${id}`,
    handoffId: `h_${id}`,
    at: new Date().toISOString(),
    status: "pending",
    packet: {
      summary: "The visitor asked for a person.",
      botTried: [],
      trigger: "explicit_request",
      reasons: [],
      route: "sales",
      priority: "high",
      qualification: { problemFit: dim, authorityFit: dim, companyFit: dim, timingFit: dim, persona: null },
      leadLevel: "cold",
      sentiment: { negativity: 0, label: "neutral" },
      suggestedReply: "Hi",
      visitor: {},
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
  });
  async function deliver(bodies: unknown[]) {
    const batch = createMessageBatch(
      "baton-notifications",
      bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    await worker.queue(batch, env as never);
    return getQueueResult(batch, createExecutionContext());
  }
  const outbox = async (projectId: string) =>
    (await env.DB.prepare("SELECT payload FROM notifications WHERE project_id = ?").bind(projectId).all<{ payload: string }>()).results.map(
      (r) => JSON.parse(r.payload) as NotificationJob,
    );

  it("a flood of 25 new handoffs pages the team 20 times; the rest are recorded, marked throttled", async () => {
    const projectId = `prj_flood_${crypto.randomUUID()}`;
    const jobs = Array.from({ length: 25 }, (_, i) => job(`job_${crypto.randomUUID()}_${i}`, projectId));
    for (let i = 0; i < 25; i += 5) await deliver(jobs.slice(i, i + 5));
    const recorded = await outbox(projectId);
    expect(recorded).toHaveLength(25);
    expect(recorded.filter((j) => !j.throttled)).toHaveLength(20);
    expect(recorded.filter((j) => j.throttled)).toHaveLength(5);
    // A redelivered job that already paged spends nothing more, and is still acknowledged.
    const again = await deliver([jobs[0]]);
    expect(again.explicitAcks).toEqual(["m0"]);
    // Updates to existing handoffs are not alerts and are never throttled.
    await deliver([job(`job_${crypto.randomUUID()}`, projectId, "handoff.updated")]);
    expect((await outbox(projectId)).filter((j) => j.kind === "handoff.updated" && !j.throttled)).toHaveLength(1);
    // Another project has its own budget.
    const other = `prj_other_${crypto.randomUUID()}`;
    await deliver([job(`job_${crypto.randomUUID()}`, other)]);
    expect((await outbox(other))[0]?.throttled).toBeUndefined();
  });

  it("end to end: the 21st visitor asking for a person in the same hour is recorded but pages nobody", async () => {
    const project = await createProject({ settings: { businessHours: ALWAYS_OPEN } });
    for (let i = 0; i < 21; i++) {
      const visitor = await Client.open((await startConversation(project)).socketUrl);
      await say(visitor, "Can I talk to a person?");
      visitor.close();
    }
    let recorded: NotificationJob[] = [];
    for (let i = 0; i < 100 && recorded.length < 21; i++) {
      await new Promise((r) => setTimeout(r, 100));
      recorded = (await outbox(project.projectId)).filter((j) => j.kind === "handoff.opened");
    }
    expect(recorded).toHaveLength(21);
    expect(recorded.filter((j) => !j.throttled)).toHaveLength(20);
  }, 60_000);
});
