// HubSpot against a local fake of its CRM API (the HTTP boundary; nothing of ours is mocked): the
// contact upserted with the visitor's details and lead level, the packet as a note, a task for the
// owner due when the promise falls due, the outcome and transcript link on resolve, and retries
// that update and never duplicate — also when HubSpot created a record but its answer was lost.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { backoffSeconds, deliverJob } from "../../worker/notify/consumer";
import type { RoomFrame } from "../../protocol/frames";
import { call, Client, createAgent, json, say, startConversation } from "./helpers";
import {
  deliverBatch,
  deliveriesOf,
  eventually,
  expectNoSecrets,
  hubspotDropsProperty,
  hubspotFails,
  hubspotState,
  hubspotToken,
  jobFor,
  projectWith,
  putChannel,
} from "./channel-helpers";

type HandoffFrame = Extract<RoomFrame, { type: "handoff" }>;

async function hubspotProject(extra: Record<string, unknown> = {}) {
  const token = hubspotToken();
  const project = await projectWith({ hubspot: { token, ownerEmail: "owner@acme.test", ...extra } });
  return { project, token };
}

describe("a handoff in HubSpot", () => {
  it("a real conversation: the contact upserted by email, the packet as a note on it, the owner's task due at the promise", async () => {
    const { project, token } = await hubspotProject();
    const conversation = await startConversation(project, { visitor: { name: "Ana Lima", email: "ana.lima@acme.test" } });
    const visitor = await Client.open(conversation.socketUrl);
    await say(visitor, "I'm the CTO at Acme. Can I talk to a person about migrating our platform?");
    const { handoffId } = await visitor.waitFor((f) => f.find((x): x is HandoffFrame => x.type === "handoff"), "handoff");
    const state = await eventually(async () => {
      const s = await hubspotState(token);
      return s.tasks.length > 0 && s.notes.length > 0 && s;
    }, "contact, note and task");
    expect(state.contacts).toHaveLength(1);
    const contact = state.contacts[0]!;
    expect(contact.properties).toMatchObject({
      email: "ana.lima@acme.test",
      firstname: "Ana",
      lastname: "Lima",
      baton_lead_level: expect.stringMatching(/^(hot|warm|cold)$/),
    });
    const note = state.notes[0]!;
    expect(note.associations).toEqual([contact.id]);
    expect(note.properties.hs_note_body).toContain("Asked for a person");
    expect(note.properties.hs_note_body).toContain(`http://baton.test/agent/handoffs/${handoffId}`);
    const task = state.tasks[0]!;
    expect(task.associations).toEqual([contact.id]);
    expect(task.properties).toMatchObject({ hs_task_status: "NOT_STARTED", hubspot_owner_id: "9001" });
    // This one opened as a capture (no human-facing channel): its task is due when the promise falls due.
    const agent = await createAgent(project);
    const detail = await json<{ handoff: any; deliveries: any[] }>(await call(`/v1/handoffs/${handoffId}`, { token: agent.agentToken }), 200);
    expect(task.properties.hs_timestamp).toBe(detail.handoff.packet.commitment.by);
    expect(detail.deliveries).toContainEqual(
      expect.objectContaining({ channel: "hubspot", kind: "handoff.opened", status: "delivered", externalRef: note.id }),
    );
    visitor.close();
  });

  it("a hot lead: name, company, role and lead level on the contact; a high-priority task for the owner", async () => {
    const { project, token } = await hubspotProject();
    const job = jobFor(project);
    const result = await deliverBatch([job]);
    expect(result.explicitAcks).toEqual(["m0"]);
    const state = await hubspotState(token);
    expect(state.contacts.map((c) => c.properties)).toEqual([
      { email: "ana.lima@acme.test", firstname: "Ana", lastname: "Lima", company: "Acme", jobtitle: "Head of Platform", baton_lead_level: "hot" },
    ]);
    expect(state.notes[0]!.properties.hs_note_body).toMatch(/Hot lead.*Ana Lima/);
    expect(state.notes[0]!.properties.hs_note_body).toContain("wants to migrate 40 services");
    expect(state.tasks[0]!.properties).toMatchObject({
      hs_task_subject: "Follow up with Ana Lima — Hot lead",
      hs_task_priority: "HIGH",
      hs_timestamp: job.packet.commitment!.by,
      hubspot_owner_id: "9001",
    });
  });

  it("visitor text is escaped in the note: no markup of theirs reaches HubSpot", async () => {
    const { project, token } = await hubspotProject();
    await deliverBatch([
      jobFor(project, { packet: { summary: 'I said <script>alert("x")</script> & <b>bold</b>', visitor: { email: "x@acme.test", name: "<img src=x>" } } }),
    ]);
    const body = (await hubspotState(token)).notes[0]!.properties.hs_note_body!;
    expect(body).not.toContain("<script>");
    expect(body).not.toContain("<img");
    expect(body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;");
  });
});

describe("idempotent per handoff and event", () => {
  it("a retried job updates and never duplicates, also when HubSpot created the note but its answer was lost", async () => {
    const { project, token } = await hubspotProject();
    const opened = jobFor(project);
    // The note is created, then HubSpot answers 500: we never learn its id.
    await hubspotFails({ token, method: "POST", path: "/crm/v3/objects/notes", status: 500, afterCommit: true });
    // The consumer's own step, to see the backoff it asks the queue for (2 s after a first attempt).
    expect(await deliverJob(env as never, opened, 1)).toMatchObject({ message: expect.stringContaining("HubSpot answered 500"), retryAfterSeconds: undefined });
    expect(backoffSeconds(1)).toBe(2);
    expect((await deliveriesOf(opened.handoffId, "hubspot"))[0]).toMatchObject({
      status: "retrying",
      last_error: expect.stringContaining("HubSpot answered 500"),
    });
    // The retry finds the note by its marker instead of creating another, and goes on to the task.
    const second = await deliverBatch([opened], 2);
    expect(second.retryMessages).toEqual([]);
    expect(second.explicitAcks).toEqual(["m0"]);
    // The queue delivering it once more changes nothing.
    await deliverBatch([opened], 3);
    let state = await hubspotState(token);
    expect([state.contacts.length, state.notes.length, state.tasks.length]).toEqual([1, 1, 1]);

    // A later event of the same handoff updates the same note and contact.
    const updated = jobFor(project, {
      kind: "handoff.updated",
      handoffId: opened.handoffId,
      conversationId: opened.conversationId,
      packet: { summary: "Better summary from the model." },
    });
    await deliverBatch([updated]);
    state = await hubspotState(token);
    expect([state.contacts.length, state.notes.length, state.tasks.length]).toEqual([1, 1, 1]);
    expect(state.notes[0]!.properties.hs_note_body).toContain("Better summary from the model.");

    // On resolve: the outcome and the transcript link join the same note, the task is done. The
    // note's update is lost once (applied, answer 500): the retry writes the same line, not a second.
    const resolved = jobFor(project, {
      kind: "handoff.resolved",
      status: "resolved",
      handoffId: opened.handoffId,
      conversationId: opened.conversationId,
      notice: { to: "team", agent: { id: "agt_1", name: "Bea Seller" }, note: "Call booked for Tuesday" },
    });
    await hubspotFails({ token, method: "PATCH", path: "/crm/v3/objects/notes/*", status: 502, afterCommit: true });
    expect((await deliverBatch([resolved])).retryMessages).toHaveLength(1);
    expect((await deliverBatch([resolved], 2)).explicitAcks).toEqual(["m0"]);
    state = await hubspotState(token);
    expect([state.contacts.length, state.notes.length, state.tasks.length]).toEqual([1, 1, 1]);
    const body = state.notes[0]!.properties.hs_note_body!;
    expect(body.match(/Resolved by Bea Seller: Call booked for Tuesday/g)).toHaveLength(1);
    expect(body).toContain(`Transcript: http://baton.test/agent/handoffs/${opened.handoffId}`);
    expect(state.tasks[0]!.properties.hs_task_status).toBe("COMPLETED");
    // One creation only: the one whose answer was lost.
    expect(state.calls.filter((c) => c.method === "POST" && c.path === "/crm/v3/objects/notes").map((c) => c.status)).toEqual([500]);
  });

  it("two jobs of one handoff at once: one holds the record, the other waits its turn (no second note)", async () => {
    const { project, token } = await hubspotProject();
    const opened = jobFor(project);
    const updated = { ...jobFor(project, { kind: "handoff.updated" }), handoffId: opened.handoffId, conversationId: opened.conversationId };
    const [a, b] = await Promise.all([deliverBatch([opened]), deliverBatch([updated])]);
    // Whatever waited runs again, as the queue would.
    if (a.retryMessages.length) await deliverBatch([opened], 2);
    if (b.retryMessages.length) await deliverBatch([updated], 2);
    const state = await hubspotState(token);
    expect([state.contacts.length, state.notes.length, state.tasks.length]).toEqual([1, 1, 1]);
  });

  it("the email arrives after the handoff opened: the contact is created then, and the note and task linked to it", async () => {
    const { project, token } = await hubspotProject();
    const opened = jobFor(project, { packet: { visitor: { name: "Ana" } } });
    await deliverBatch([opened]);
    let state = await hubspotState(token);
    expect(state.contacts).toHaveLength(0);
    expect(state.notes[0]!.associations).toEqual([]);
    const updated = jobFor(project, { kind: "handoff.updated", handoffId: opened.handoffId, packet: { visitor: { name: "Ana", email: "ana@acme.test" } } });
    await deliverBatch([updated]);
    state = await hubspotState(token);
    expect(state.contacts).toHaveLength(1);
    expect(state.notes[0]!.associations).toEqual([state.contacts[0]!.id]);
    expect(state.tasks[0]!.associations).toEqual([state.contacts[0]!.id]);
  });

  it("transcript lines and snoozes never reach the CRM", async () => {
    const { project, token } = await hubspotProject();
    const message = jobFor(project, { kind: "handoff.message", message: { seq: 3, prevSeq: 0, kind: "message", from: "visitor", text: "hello?" } });
    const snoozed = jobFor(project, { kind: "handoff.snoozed", notice: { to: "team" } });
    await deliverBatch([message, snoozed]);
    expect((await hubspotState(token)).calls).toEqual([]);
    expect(await deliveriesOf(message.handoffId, "hubspot")).toEqual([]);
  });
});

describe("when HubSpot says no", () => {
  it("a portal without the lead-level property still gets the contact (the property is dropped, not the contact)", async () => {
    const { project, token } = await hubspotProject();
    await hubspotDropsProperty(token, "baton_lead_level");
    expect((await deliverBatch([jobFor(project)])).explicitAcks).toEqual(["m0"]);
    const state = await hubspotState(token);
    expect(state.contacts[0]!.properties).not.toHaveProperty("baton_lead_level");
    expect(state.contacts[0]!.properties.company).toBe("Acme");
  });

  it("429 is retried after its Retry-After; a 401 is permanent: recorded, not retried, the channel failing", async () => {
    const { project, token } = await hubspotProject();
    await hubspotFails({ token, method: "POST", path: "/crm/v3/objects/contacts/batch/upsert", status: 429, retryAfter: 7 });
    const limited = jobFor(project);
    expect(await deliverJob(env as never, limited, 1)).toMatchObject({ retryAfterSeconds: 7 });
    expect((await deliverBatch([limited], 2)).explicitAcks).toEqual(["m0"]);

    await hubspotFails({ token, method: "POST", path: "/crm/v3/objects/contacts/batch/upsert", status: 401 });
    const refused = jobFor(project);
    const result = await deliverBatch([refused]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages).toEqual([]);
    expect((await deliveriesOf(refused.handoffId, "hubspot"))[0]).toMatchObject({ status: "failed", last_error: expect.stringContaining("401") });
    const { channels } = await json<{ channels: any[] }>(await call("/v1/channels", { token: project.secretKey }), 200);
    expect(channels.find((c) => c.kind === "hubspot")).toMatchObject({ configured: true, health: "failing", secretSet: true, humanFacing: false });
    expectNoSecrets(channels, token);
  });
});

describe("settings", () => {
  it("the token is write-only; bad input is a 400 that names the field", async () => {
    const { project, token } = await hubspotProject({ ownerId: "12345" });
    const { channels } = await putChannel(project, "hubspot", { ownerId: "777" });
    expect(channels.find((c: any) => c.kind === "hubspot")).toMatchObject({ configured: true, source: "project", secretSet: true, config: { ownerId: "777" } });
    expectNoSecrets(channels, token);
    const bare = await projectWith({});
    expect((await putChannel(bare, "hubspot", { ownerId: "1" }, 400)).error).toMatchObject({ code: "invalid_body", field: "token" });
    for (const [body, field] of [
      [{ token: "not-a-token" }, "token"],
      [{ token: hubspotToken(), ownerId: "abc" }, "ownerId"],
      [{ token: hubspotToken(), ownerEmail: "<script>@x" }, "ownerEmail"],
      [{ token: hubspotToken(), leadLevelProperty: "Bad Name" }, "leadLevelProperty"],
      [{ token: hubspotToken(), surprise: true }, ""],
    ] as const) {
      const error = (await putChannel(bare, "hubspot", body, 400)).error;
      expect(error.code).toBe("invalid_body");
      if (field) expect(error.field).toBe(field);
    }
  });
});
