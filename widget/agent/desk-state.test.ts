// The desk's queue in the browser: a snapshot replaces it, events apply once each in seq order, a
// repeat (a replay overlapping what was seen) changes nothing, and a skipped seq asks to resume.
import { describe, expect, it } from "vitest";
import type { DeskCard, DeskEventFrame } from "../../protocol/desk";
import { applyDeskFrame, emptyDesk, readDeskFrame, type DeskState } from "./desk-state";

const card = (id: string, updatedAt = "2026-03-04T10:00:00.000Z", status: DeskCard["status"] = "pending"): DeskCard => ({
  handoffId: id,
  conversationId: `c_${id}`,
  status,
  mode: "live",
  trigger: "explicit_request",
  priority: "normal",
  leadLevel: "cold",
  route: null,
  summary: "A visitor asked for a person.",
  summaryPendingUntil: null,
  visitor: {},
  page: {},
  claimedBy: null,
  claimedAt: null,
  openedAt: "2026-03-04T10:00:00.000Z",
  updatedAt,
  firstHumanReplyAt: null,
  resolvedAt: null,
  snoozedUntil: null,
  escalationLevel: null,
  commitmentBy: null,
});
const event = (seq: number, c: DeskCard, kind: DeskEventFrame["kind"] = "updated"): DeskEventFrame => ({
  type: "desk.event",
  seq,
  at: c.updatedAt,
  kind,
  card: c,
});

function run(frames: Parameters<typeof applyDeskFrame>[1][], from: DeskState = emptyDesk) {
  let state = from;
  const arrived: string[] = [];
  let gaps = 0;
  for (const f of frames) {
    const applied = applyDeskFrame(state, f);
    state = applied.state;
    if (applied.arrived) arrived.push(applied.arrived.card.handoffId);
    if (applied.gap) gaps++;
  }
  return { state, arrived, gaps };
}

describe("the desk's queue", () => {
  it("starts from a snapshot and applies live events after it", () => {
    const { state, arrived } = run([
      { type: "desk.welcome", protocol: 1, agent: { id: "a", name: "A" }, lastSeq: 3, resumed: false },
      { type: "desk.snapshot", seq: 3, cards: [card("h1")] },
      event(4, card("h2"), "created"),
      event(5, card("h1", "2026-03-04T10:01:00.000Z", "claimed"), "claimed"),
    ]);
    expect(state.loaded).toBe(true);
    expect(state.lastSeq).toBe(5);
    expect(Object.keys(state.cards).sort()).toEqual(["h1", "h2"]);
    expect(state.cards.h1?.status).toBe("claimed");
    expect(arrived).toEqual(["h2"]);
  });

  it("a replay that overlaps what the desk already has changes nothing and announces nothing again", () => {
    const first = run([{ type: "desk.snapshot", seq: 0, cards: [] }, event(1, card("h1"), "created"), event(2, card("h2"), "created")]);
    const again = run(
      [
        { type: "desk.welcome", protocol: 1, agent: { id: "a", name: "A" }, lastSeq: 3, resumed: true },
        event(1, card("h1"), "created"),
        event(2, card("h2"), "created"),
        event(3, card("h3"), "created"),
      ],
      first.state,
    );
    expect(again.state.lastSeq).toBe(3);
    expect(Object.keys(again.state.cards).sort()).toEqual(["h1", "h2", "h3"]);
    expect(again.arrived).toEqual(["h3"]);
  });

  it("a skipped seq is a gap: nothing applied, the socket resumes from the last seq", () => {
    const first = run([{ type: "desk.snapshot", seq: 0, cards: [] }, event(1, card("h1"), "created")]);
    const gap = run([event(3, card("h3"), "created")], first.state);
    expect(gap.gaps).toBe(1);
    expect(gap.state).toBe(first.state);
  });

  it("an older card never replaces a newer one", () => {
    const { state } = run([
      { type: "desk.snapshot", seq: 1, cards: [card("h1", "2026-03-04T10:05:00.000Z", "active")] },
      event(2, card("h1", "2026-03-04T10:01:00.000Z", "pending")),
    ]);
    expect(state.cards.h1?.status).toBe("active");
    expect(state.lastSeq).toBe(2);
  });

  it("reads only well-formed frames", () => {
    expect(readDeskFrame("nope")).toBeNull();
    expect(readDeskFrame(JSON.stringify({ type: "desk.event", seq: -1, kind: "created", card: card("x") }))).toBeNull();
    expect(readDeskFrame(JSON.stringify({ type: "desk.snapshot", seq: 1, cards: [{ nope: true }] }))).toBeNull();
    expect(readDeskFrame(JSON.stringify({ type: "desk.future" }))).toBeNull();
    expect(readDeskFrame(JSON.stringify(event(1, card("x"))))).toMatchObject({ type: "desk.event", seq: 1 });
  });
});
