import { describe, expect, it } from "vitest";
import type { NotificationJob } from "../../protocol/jobs";
import { settingsSchema } from "../settings";
import type { RoomContext, RoomEvent, RoomState } from "./room-types";
import { createRoom, transition } from "./transition";

const ALWAYS_OPEN = {
  timezone: "UTC",
  weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ start: "00:00", end: "24:00" }]])),
};

let n = 0;
const ctx = (at = "2026-03-04T10:00:00Z"): RoomContext => ({
  now: new Date(at),
  newId: (p) => `${p}${++n}`,
  settings: settingsSchema.parse({ businessHours: ALWAYS_OPEN }),
  hasChannel: true,
  agentsOnline: 0,
  engineWritesReplies: false,
  transcript: [],
});

function run(events: RoomEvent[]) {
  let state: RoomState = createRoom({ conversationId: "c1", projectId: "p1" }, new Date("2026-03-04T09:59:00Z"));
  const jobs: NotificationJob[] = [];
  for (const event of events) {
    const t = transition(state, event, ctx());
    state = t.state;
    for (const e of t.effects) if (e.type === "sync" && e.op.kind === "enqueue") jobs.push(e.op.job);
    // the shell feeds analysis back for a stored visitor message
    for (const e of t.effects) {
      if (e.type === "analyze") {
        const a = transition(state, { type: "visitor.analyzed", seq: e.seq, text: e.text, hints: null }, ctx());
        state = a.state;
        for (const x of a.effects) if (x.type === "sync" && x.op.kind === "enqueue") jobs.push(x.op.job);
      }
    }
  }
  return { state, jobs, lines: jobs.filter((j) => j.kind === "handoff.message").map((j) => j.message!) };
}

const visitor = (clientId: string, text: string): RoomEvent => ({ type: "visitor.message", clientId, text });
const ana = { id: "agt_ana", name: "Ana" };

describe("mirroring an open handoff's lines to channels", () => {
  it("nothing is mirrored before a handoff opens, nor the exchange that opens it (the alert carries it)", () => {
    const { lines } = run([visitor("1", "Do you offer a free trial?"), visitor("2", "Can I talk to a person?")]);
    expect(lines).toEqual([]);
  });

  it("after it opens, visitor, bot and agent lines are chained in seq order", () => {
    const { lines, state } = run([
      visitor("1", "Can I talk to a person?"),
      visitor("2", "ana@acme.test"),
      { type: "agent.message", clientId: "a1", text: "Hi, I'm Ana", agent: ana },
      visitor("3", "Thanks!"),
    ]);
    expect(lines.map((l) => [l.from, l.prevSeq, l.seq])).toEqual([
      ["visitor", 0, 3],
      ["bot", 3, 4],
      ["agent", 4, 6],
      ["visitor", 6, 7],
    ]);
    expect(state.handoff?.mirroredSeq).toBe(7);
  });

  it("a line written in Slack is not mirrored back to Slack, and the chain skips it", () => {
    const { lines } = run([
      visitor("1", "Can I talk to a person?"),
      { type: "agent.message", clientId: "s1", text: "Hello from Slack", agent: ana, via: "slack" },
      visitor("2", "Hi Ana"),
    ]);
    expect(lines.map((l) => [l.from, l.text, l.prevSeq])).toEqual([["visitor", "Hi Ana", 0]]);
  });

  it("internal notes are mirrored as notes, labelled by kind", () => {
    const { lines } = run([visitor("1", "Can I talk to a person?"), { type: "agent.note", text: "VIP account", agent: ana }]);
    expect(lines).toEqual([expect.objectContaining({ kind: "note", from: "agent", text: "VIP account", author: ana })]);
  });
});

describe("replies from the Slack thread", () => {
  const ben = { id: "agt_ben", name: "Ben" };

  it("the holder's reply reaches the visitor, unclaimed it claims first, and neither is mirrored back", () => {
    const { state, lines } = run([
      visitor("1", "Can I talk to a person?"),
      { type: "agent.message", clientId: "slack:1.1", text: "Hi, Ana here", agent: ana, via: "slack" },
    ]);
    expect(state.handoff).toMatchObject({ status: "active", claimedBy: ana });
    expect(lines).toEqual([]);
  });

  it("someone else's reply while another holds it is kept as an internal note, never sent", () => {
    const { state } = run([visitor("1", "Can I talk to a person?"), { type: "agent.message", clientId: "slack:1.1", text: "Mine", agent: ana, via: "slack" }]);
    const t = transition(state, { type: "agent.message", clientId: "slack:2.2", text: "I can take this", agent: ben, via: "slack" }, ctx());
    expect(t.outcome).toMatchObject({ ok: false, code: "not_claimer", claimedBy: ana });
    const appended = t.effects.flatMap((e) => (e.type === "append" ? [e.message] : []));
    expect(appended).toEqual([expect.objectContaining({ kind: "note", author: ben, text: "(reply in Slack, not sent to the visitor) I can take this" })]);
    expect(t.effects.some((e) => e.type === "broadcast" && e.to === "everyone")).toBe(false);
  });

  it("a thread reply to a closed conversation is refused", () => {
    const { state } = run([visitor("1", "Can I talk to a person?"), { type: "agent.message", clientId: "slack:1", text: "Hi", agent: ana, via: "slack" }]);
    const resolve: RoomEvent = { type: "handoff.command", handoffId: state.handoff!.id, command: { type: "resolve", agent: ana } };
    const closed = transition(state, resolve, ctx("2026-03-04T10:01:00Z"));
    expect(closed.state.handoff?.status).toBe("resolved");
    const t = transition(closed.state, { type: "agent.message", clientId: "slack:3", text: "late", agent: ana, via: "slack" }, ctx("2026-03-04T10:02:00Z"));
    expect(t.outcome).toMatchObject({ ok: false, code: "invalid_transition" });
    expect(t.effects).toEqual([]);
  });
});
