// Roles and the manager rung through the real worker, rooms, D1 and queue: what each role may do
// over REST and sockets, takeover with the previous holder told, admin-only settings and agents,
// and a manager escalation nobody acknowledges reminding the manager, then the admins, on the alarm.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomFrame } from "../../protocol/frames";
import { agentSession, ALWAYS_OPEN, call, Client, createProject, json, say, startConversation, type TestProject } from "./helpers";

const settings = { businessHours: ALWAYS_OPEN, responseTimeoutMinutes: 2, reminderGraceMinutes: 1 };
const MINUTE = 60_000;
type Role = "agent" | "lead" | "manager" | "admin";
interface Member {
  agentId: string;
  agentToken: string;
  name: string;
}

async function member(project: TestProject, name: string, role: Role, token = project.secretKey): Promise<Member> {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${crypto.randomUUID().slice(0, 6)}@example.com`;
  const created = await json<{ agentId: string; agentToken: string }>(await call("/v1/agents", { token, body: { name, email, role } }), 201);
  return { ...created, name };
}

async function team() {
  const project = await createProject({ settings });
  return {
    project,
    ana: await member(project, "Ana Agent", "agent"),
    bob: await member(project, "Bob Agent", "agent"),
    lea: await member(project, "Lea Lead", "lead"),
    max: await member(project, "Max Manager", "manager"),
    adi: await member(project, "Adi Admin", "admin"),
  };
}

async function openHandoff(project: TestProject) {
  const { conversationId, socketUrl } = await startConversation(project);
  const visitor = await Client.open(socketUrl);
  await say(visitor, "Can I talk to a person?");
  const frame = await visitor.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "handoff" }> => x.type === "handoff"));
  return { conversationId, visitor, handoffId: frame.handoffId };
}

const post = (path: string, token: string, body: unknown = {}) => call(path, { method: "POST", token, body });
const room = (conversationId: string) => env.ConversationRoom.getByName(conversationId);

/** Moves the room's clock forward: the same instance then judges every timer against it. */
async function advance(conversationId: string, ms: number) {
  await runInDurableObject(room(conversationId), (instance) => {
    const base = (instance as unknown as { now: () => Date }).now.bind(instance);
    (instance as unknown as { now: () => Date }).now = () => new Date(base().getTime() + ms);
  });
}

async function decisions(project: TestProject) {
  const body = await json<{ decisions: Array<{ action: string; handoffId: string; actor: { kind: string; id: string | null }; payload: any }> }>(
    await call("/v1/decisions", { token: project.secretKey }),
    200,
  );
  return body.decisions;
}

async function notices(project: TestProject, until: (jobs: any[]) => boolean) {
  for (let i = 0; i < 100; i++) {
    const { notifications } = await json<{ notifications: Array<{ job: any }> }>(await call("/v1/notifications?limit=200", { token: project.secretKey }), 200);
    const jobs = notifications.map((n) => n.job);
    if (until(jobs)) return jobs;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the expected notifications never reached the outbox");
}

describe("roles over REST", () => {
  it("an agent cannot take over another's conversation (403); a lead can, audited, and the previous holder is told", async () => {
    const { project, ana, bob, lea } = await team();
    const { visitor, handoffId } = await openHandoff(project);
    await json(await post(`/v1/handoffs/${handoffId}/claim`, ana.agentToken), 200);
    const refused = await json(await post(`/v1/handoffs/${handoffId}/take-over`, bob.agentToken), 403);
    expect(refused.error).toMatchObject({ code: "forbidden", message: expect.stringMatching(/lead/) });

    const taken = await json<{ handoff: any }>(await post(`/v1/handoffs/${handoffId}/take-over`, lea.agentToken), 200);
    expect(taken.handoff.claimedBy).toEqual({ id: lea.agentId, name: lea.name });
    await visitor.waitForMessage((m) => m.from === "system" && m.text.startsWith("Lea Lead has joined the chat"));
    const audit = (await decisions(project)).find((d) => d.action === "take_over");
    expect(audit).toMatchObject({ handoffId, actor: { kind: "agent", id: lea.agentId }, payload: { from: ana.agentId } });
    const jobs = await notices(project, (all) => all.some((j) => j.kind === "handoff.taken_over"));
    expect(jobs.find((j) => j.kind === "handoff.taken_over").notice).toMatchObject({ to: "claimer", agent: { id: ana.agentId } });
    // The new holder writes; the previous one no longer may.
    await json(await post(`/v1/handoffs/${handoffId}/messages`, lea.agentToken, { text: "Lea here, I'll take it.", clientId: "l1" }), 200);
    expect((await json(await post(`/v1/handoffs/${handoffId}/messages`, ana.agentToken, { text: "me?", clientId: "a1" }), 403)).error.code).toBe("not_claimer");
  });

  it("a manager may resolve a conversation another agent holds; an agent may not", async () => {
    const { project, ana, bob, max } = await team();
    const { handoffId } = await openHandoff(project);
    await json(await post(`/v1/handoffs/${handoffId}/claim`, ana.agentToken), 200);
    expect((await json(await post(`/v1/handoffs/${handoffId}/resolve`, bob.agentToken), 403)).error.code).toBe("not_claimer");
    const resolved = await json<{ handoff: any }>(await post(`/v1/handoffs/${handoffId}/resolve`, max.agentToken, { notes: "closing for Ana" }), 200);
    expect(resolved.handoff).toMatchObject({ status: "resolved", resolvedBy: { id: max.agentId } });
    expect((await decisions(project)).find((d) => d.action === "resolve")?.payload).toMatchObject({ holder: ana.agentId });
  });

  it("only admins (and the owner's secret key) read and change settings and agents", async () => {
    const { project, ana, lea, max, adi } = await team();
    for (const who of [ana, lea, max]) {
      expect((await json(await call("/v1/settings", { token: who.agentToken }), 403)).error.code).toBe("forbidden");
      expect((await call("/v1/settings", { method: "PUT", token: who.agentToken, body: settings })).status).toBe(403);
      expect((await call("/v1/agents", { token: who.agentToken, body: { name: "X", email: "x@example.com" } })).status).toBe(403);
    }
    expect((await call("/v1/settings", { token: "at_nobody" })).status).toBe(401);
    const read = await json<{ settings: any }>(await call("/v1/settings", { token: adi.agentToken }), 200);
    const changed = await json<{ settings: any }>(
      await call("/v1/settings", { method: "PUT", token: adi.agentToken, body: { ...settings, botName: "Ada" } }),
      200,
    );
    expect(changed.settings.botName).toBe("Ada");
    expect(read.settings.botName).toBe("Baton");
    expect((await json<{ settings: any }>(await call("/v1/settings", { token: project.secretKey }), 200)).settings.botName).toBe("Ada");

    // An admin adds an agent and changes roles; the list never shows a token.
    const cara = await member(project, "Cara Agent", "agent", adi.agentToken);
    const promoted = await json<{ agent: any }>(
      await call(`/v1/agents/${cara.agentId}`, { method: "PATCH", token: adi.agentToken, body: { role: "lead" } }),
      200,
    );
    expect(promoted.agent).toMatchObject({ id: cara.agentId, role: "lead" });
    const { agents } = await json<{ agents: any[] }>(await call("/v1/agents", { token: adi.agentToken }), 200);
    expect(agents.map((a) => a.role).sort()).toEqual(["admin", "agent", "agent", "lead", "lead", "manager"]);
    expect(JSON.stringify(agents)).not.toMatch(/token|hash/i);
    expect((await json(await call(`/v1/agents/${adi.agentId}`, { method: "PATCH", token: adi.agentToken, body: { role: "agent" } }), 409)).error.code).toBe(
      "own_role",
    );
    for (const body of [{ role: "superuser" }, {}, { role: "lead", extra: 1 }]) {
      expect((await json(await call(`/v1/agents/${cara.agentId}`, { method: "PATCH", token: adi.agentToken, body }), 400)).error.code).toBe("invalid_body");
    }
    expect((await call(`/v1/agents/agt_elsewhere`, { method: "PATCH", token: adi.agentToken, body: { role: "lead" } })).status).toBe(404);
    // Another project's admin reaches nothing here.
    const strangers = await team();
    expect((await call(`/v1/agents/${cara.agentId}`, { method: "PATCH", token: strangers.adi.agentToken, body: { role: "admin" } })).status).toBe(404);
  });

  it("the database refuses a role outside the four", async () => {
    const { project } = await team();
    await expect(
      env.DB.prepare(
        "INSERT INTO agents (id, project_id, name, email, role, token_hash, created_at) VALUES ('agt_bad', ?, 'Bad', 'bad@example.com', 'root', 'h_bad', '2026-01-01')",
      )
        .bind(project.projectId)
        .run(),
    ).rejects.toThrow(/agents.role/);
  });

  it("the suggested rung honours the project's own manager categories", async () => {
    const project = await createProject({
      settings: {
        ...settings,
        categories: [{ id: "vip_accounts", label: "VIP accounts", kind: "sensitive", route: "support", keywords: ["platinum plan"], suggestManager: true }],
      },
    });
    const ana = await member(project, "Ana Agent", "agent");
    const { conversationId, socketUrl } = await startConversation(project);
    const visitor = await Client.open(socketUrl);
    await say(visitor, "we are on the platinum plan and need help");
    const frame = await visitor.waitFor((f) => f.find((x): x is Extract<RoomFrame, { type: "handoff" }> => x.type === "handoff"));
    expect(conversationId).toBeTruthy();
    const { level } = await json<{ level: string }>(await call(`/v1/handoffs/${frame.handoffId}/suggested-level`, { token: ana.agentToken }), 200);
    expect(level).toBe("manager");
  });
});

describe("roles over sockets", () => {
  it("the socket carries the agent's role: a manager's first message on a manager escalation acknowledges it", async () => {
    const { project, ana, max } = await team();
    const { conversationId, handoffId } = await openHandoff(project);
    await json(await post(`/v1/handoffs/${handoffId}/escalate`, ana.agentToken, { level: "manager", note: "Asked for a manager" }), 200);
    const socket = await Client.open((await agentSession(conversationId, max.agentToken)).socketUrl);
    socket.send({ type: "agent.message", clientId: "m1", text: "Max here, the manager." });
    await socket.waitForMessage((m) => m.clientId === "m1");
    const acks = (await decisions(project)).filter((d) => d.action === "acknowledge");
    expect(acks).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: max.agentId }), payload: { via: "claim" } })]);
  });
});

describe("the manager rung on the room's alarm", () => {
  it("a manager escalation left unacknowledged reminds the manager after 1 hour and the admins after 2", async () => {
    const { project, ana } = await team();
    const { conversationId, handoffId } = await openHandoff(project);
    await json(await post(`/v1/handoffs/${handoffId}/claim`, ana.agentToken), 200);
    await json(await post(`/v1/handoffs/${handoffId}/messages`, ana.agentToken, { text: "Let me check with my manager.", clientId: "a1" }), 200);
    await json(await post(`/v1/handoffs/${handoffId}/escalate`, ana.agentToken, { level: "manager", note: "Policy exception" }), 200);
    const reminders = async () => (await decisions(project)).filter((d) => d.action === "reminder" && d.handoffId === handoffId).map((d) => d.payload.to);

    await advance(conversationId, 60 * MINUTE + 1000);
    await runDurableObjectAlarm(room(conversationId));
    expect(await reminders()).toEqual(["manager"]);
    await runDurableObjectAlarm(room(conversationId)); // ringing again changes nothing
    expect(await reminders()).toEqual(["manager"]);

    await advance(conversationId, 60 * MINUTE);
    await runDurableObjectAlarm(room(conversationId));
    expect(await reminders()).toEqual(["manager", "admins"]);
    const jobs = await notices(project, (all) => all.filter((j) => j.kind === "handoff.reminder" && j.notice?.level === "manager").length >= 2);
    const ladder = jobs.filter((j) => j.kind === "handoff.reminder" && j.notice?.level === "manager").map((j) => j.notice.to);
    expect(ladder.sort()).toEqual(["admins", "manager"]);
    expect(jobs.find((j) => j.notice?.to === "admins").notice.note).toMatch(/not acknowledged/);
  });

  it("acknowledged in time: the admins are never reminded", async () => {
    const { project, ana, max } = await team();
    const { conversationId, handoffId } = await openHandoff(project);
    await json(await post(`/v1/handoffs/${handoffId}/claim`, ana.agentToken), 200);
    await json(await post(`/v1/handoffs/${handoffId}/escalate`, ana.agentToken, { level: "manager", note: "Refund over the limit" }), 200);
    expect((await json(await post(`/v1/handoffs/${handoffId}/acknowledge`, ana.agentToken), 403)).error.code).toBe("forbidden");
    await json(await post(`/v1/handoffs/${handoffId}/acknowledge`, max.agentToken), 200);
    await advance(conversationId, 121 * MINUTE);
    await runDurableObjectAlarm(room(conversationId));
    const reminded = (await decisions(project)).filter((d) => d.action === "reminder" && d.handoffId === handoffId);
    expect(reminded.map((d) => d.payload.deadline)).not.toContain("acknowledge");
  });
});
