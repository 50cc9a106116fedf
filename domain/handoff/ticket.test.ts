// Tickets as specifications: a capture's promise gets a deadline, a warning before it and an
// overdue mark after it; replies, close and reopen; kept or missed judged on the first answer.
import { describe, expect, it } from "vitest";
import { ana, apply, ben, iso, minute, opened, settings, walk } from "./fixtures";
import { fireDueTimers, type HandoffCommand } from "./machine";
import type { Lifecycle } from "./handoff-types";
import { commitmentMetrics } from "./metrics";
import { captureReason, commitmentOutcome, openTicket, ticketIdFor, ticketTimers } from "./ticket";
import { timersFor } from "./timers";

const DUE = 180; // minutes after T0
const promise = { by: iso(DUE), label: "before 14:00 CET today" };

function captured(options: { email?: string; commitment?: { by: string; label: string } | null } = {}): Lifecycle {
  const base = opened({ mode: "capture", ...(options.email ? { email: options.email } : {}) });
  return openTicket(base, "outside_hours", options.commitment === undefined ? promise : options.commitment, iso(0)).handoff;
}

const kinds = (effects: readonly { type: string; kind?: string; action?: string }[]) =>
  effects.map((e) => (e.type === "audit" ? `audit:${e.action}` : e.type === "notify" ? `notify:${e.kind}` : e.type));
const reply = (text = "Hi Ana, here is the answer.", clientId = "r1"): HandoffCommand => ({ type: "ticket_reply", agent: ben, text, clientId });

describe("a capture becomes a ticket", () => {
  it("with the reason it could not go live, the promise and an id derived from the handoff", () => {
    expect(captureReason({ mode: "capture", reason: "outside_hours" })).toBe("outside_hours");
    expect(captureReason({ mode: "capture", reason: "no_channel" })).toBe("no_channel");
    expect(captureReason({ mode: "live", reason: "open" })).toBeNull();
    const { handoff, effects } = openTicket(opened({ mode: "capture" }), "no_channel", promise, iso(0));
    expect(handoff.ticket).toEqual({ id: "t_1", reason: "no_channel", status: "open", createdAt: iso(0), updatedAt: iso(0), commitment: promise });
    expect(ticketIdFor("h_abc123")).toBe("t_abc123");
    expect(kinds(effects)).toEqual(["sync-ticket"]);
  });

  it("the visitor whose email we have is sent the promise in writing, once", () => {
    const first = openTicket(opened({ mode: "capture", email: "ana@acme.test" }), "outside_hours", promise, iso(0));
    expect(kinds(first.effects)).toEqual(["sync-ticket", "notify:visitor_confirmation"]);
    expect(first.handoff.ticket?.confirmedAt).toBe(iso(0));
    expect(openTicket(first.handoff, "outside_hours", promise, iso(1))).toEqual({ handoff: first.handoff, effects: [] });
  });
});

describe("its deadline", () => {
  it("warns the team an hour before and marks it overdue when it passes unanswered", () => {
    const ticket = captured();
    expect(timersFor(ticket, settings).map((t) => [t.kind, t.at])).toEqual([
      ["ticket_due_soon", iso(DUE - 60)],
      ["ticket_overdue", iso(DUE)],
    ]);
    const early = fireDueTimers(ticket, { now: minute(DUE - 61), settings });
    expect(early.effects).toEqual([]);
    const warned = fireDueTimers(ticket, { now: minute(DUE - 60), settings });
    expect(kinds(warned.effects)).toEqual(["audit:ticket_due_soon", "sync-ticket", "notify:ticket_due_soon"]);
    expect(warned.handoff.ticket).toMatchObject({ status: "open", warnedAt: iso(DUE - 60) });
    // Firing again changes nothing; at the deadline it is overdue, and nothing is scheduled after.
    expect(fireDueTimers(warned.handoff, { now: minute(DUE - 30), settings }).effects).toEqual([]);
    const overdue = fireDueTimers(warned.handoff, { now: minute(DUE), settings });
    expect(kinds(overdue.effects)).toEqual(["audit:ticket_overdue", "sync-ticket", "notify:ticket_overdue"]);
    expect(overdue.handoff.ticket).toMatchObject({ status: "open", overdueAt: iso(DUE) });
    expect(timersFor(overdue.handoff, settings)).toEqual([]);
  });

  it("an alarm that rings late fires the warning and the overdue mark in order", () => {
    const late = fireDueTimers(captured(), { now: minute(DUE + 30), settings });
    expect(kinds(late.effects).filter((k) => k.startsWith("notify:"))).toEqual(["notify:ticket_due_soon", "notify:ticket_overdue"]);
  });

  it("the warning lead time is a setting; a promise due sooner than it gets no warning", () => {
    expect(ticketTimers(captured(), { ticketWarningMinutes: 15 }).map((t) => t.at)).toEqual([iso(DUE - 15), iso(DUE)]);
    expect(ticketTimers(captured({ commitment: { by: iso(30), label: "soon" } }), {}).map((t) => t.kind)).toEqual(["ticket_overdue"]);
  });

  it("no promise, no deadline: the ticket is tracked without timers", () => {
    expect(ticketTimers(captured({ commitment: null }), settings)).toEqual([]);
  });

  it("runs whatever the handoff's status: a promise outlives the conversation", () => {
    const resolved = { ...captured(), status: "abandoned" as const };
    expect(timersFor(resolved, settings).map((t) => t.kind)).toEqual(["ticket_due_soon", "ticket_overdue"]);
  });
});

describe("answering, closing, reopening", () => {
  it("a reply answers it: stored in the chat, emailed to the visitor, audited, and its timers stop", () => {
    const result = apply(captured({ email: "ana@acme.test" }), reply(), 10);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(kinds(result.effects)).toEqual(["audit:ticket_reply", "agent-message", "sync-ticket", "notify:ticket_answered"]);
    expect(result.effects).toContainEqual({ type: "agent-message", agent: ben, text: "Hi Ana, here is the answer.", clientId: "r1" });
    expect(result.effects).toContainEqual({ type: "notify", kind: "ticket_answered", to: "visitor", agent: ben, note: "Hi Ana, here is the answer." });
    expect(result.handoff.ticket).toMatchObject({ status: "answered", answeredAt: iso(10), answeredBy: ben, replyCount: 1 });
    expect(timersFor(result.handoff, settings)).toEqual([]);
    // A second reply counts, but the first answer is what the promise is judged on.
    const again = walk(result.handoff, [[20, reply("One more thing.", "r2")]]);
    expect(again.ticket).toMatchObject({ answeredAt: iso(10), replyCount: 2 });
  });

  it.each([
    ["an empty reply", reply("   "), "invalid_input"],
    ["a reply longer than 4000 characters", reply("x".repeat(4001)), "invalid_input"],
    ["a reply without an agent", { type: "ticket_reply", agent: { id: "", name: "" }, text: "hi" } as HandoffCommand, "invalid_input"],
  ])("refuses %s", (_name, command, code) => {
    expect(apply(captured(), command, 1)).toMatchObject({ ok: false, code });
  });

  it("close, then reopen; a closed ticket takes no reply until reopened", () => {
    const closed = apply(captured(), { type: "ticket_close", agent: ana, note: "Duplicate of another request" }, 5);
    expect(closed.ok && kinds(closed.effects)).toEqual(["audit:ticket_close", "sync-ticket", "notify:ticket_closed"]);
    if (!closed.ok) return;
    expect(closed.handoff.ticket).toMatchObject({ status: "closed", closedAt: iso(5), closedBy: ana });
    expect(timersFor(closed.handoff, settings)).toEqual([]);
    expect(apply(closed.handoff, reply(), 6)).toMatchObject({ ok: false, code: "invalid_transition", message: expect.stringContaining("Reopen it first") });
    expect(apply(closed.handoff, { type: "ticket_close", agent: ana }, 6)).toMatchObject({ ok: false, code: "invalid_transition" });
    const reopened = apply(closed.handoff, { type: "ticket_reopen", agent: ana }, 7);
    expect(reopened.ok && reopened.handoff.ticket).toMatchObject({ status: "open" });
    expect(reopened.ok && reopened.handoff.ticket).not.toHaveProperty("closedAt");
    if (reopened.ok) expect(timersFor(reopened.handoff, settings).map((t) => t.kind)).toEqual(["ticket_due_soon", "ticket_overdue"]);
    expect(apply(captured(), { type: "ticket_reopen", agent: ana }, 1)).toMatchObject({ ok: false, code: "invalid_transition" });
  });

  it("a handoff without a ticket has none to act on", () => {
    expect(apply(opened(), reply(), 1)).toMatchObject({ ok: false, code: "invalid_transition", message: "This handoff has no ticket." });
  });

  it("a capture someone answered live in the chat and resolved: answered at that first reply", () => {
    const live = walk(captured(), [
      [30, { type: "claim", agent: ana }],
      [31, { type: "agent_message", agent: ana, text: "Hi, I'm here now" }],
    ]);
    const resolved = apply(live, { type: "resolve", agent: ana }, 40);
    expect(resolved.ok && resolved.handoff.ticket).toMatchObject({ status: "answered", answeredAt: iso(31), answeredBy: ana });
    expect(resolved.ok && kinds(resolved.effects)).toContain("sync-ticket");
  });
});

describe("commitments kept and missed", () => {
  const at = (m: number) => minute(m);
  it.each([
    ["answered before the deadline", { answeredAt: iso(DUE - 1), status: "answered" }, DUE + 100, "kept"],
    ["answered exactly at it", { answeredAt: iso(DUE), status: "answered" }, DUE + 100, "kept"],
    ["answered late", { answeredAt: iso(DUE + 1), status: "answered" }, DUE + 100, "missed"],
    ["open past the deadline", { status: "open" }, DUE + 1, "missed"],
    ["marked overdue by the room, whatever the caller's clock", { status: "open", overdueAt: iso(DUE) }, DUE - 10, "missed"],
    ["open before it", { status: "open" }, DUE - 1, "pending"],
    ["closed unanswered before it", { status: "closed", closedAt: iso(10) }, DUE + 100, "dismissed"],
    ["closed unanswered after it", { status: "closed", closedAt: iso(DUE + 5) }, DUE + 100, "missed"],
  ])("%s → %s", (_name, ticket, now, outcome) => {
    expect(commitmentOutcome({ commitment: promise, ...ticket }, at(now))).toBe(outcome);
  });

  it("no promise is neither kept nor missed", () => {
    expect(commitmentOutcome({ commitment: null, status: "open" }, at(DUE + 1))).toBe("none");
  });

  it("counts the window's tickets and the share of judged promises kept", () => {
    const rows = [
      { createdAt: iso(0), status: "answered", commitment: promise, answeredAt: iso(10) },
      { createdAt: iso(1), status: "answered", commitment: promise, answeredAt: iso(DUE + 10) },
      { createdAt: iso(2), status: "open", commitment: promise },
      { createdAt: iso(3), status: "open", commitment: null },
      { createdAt: iso(-500), status: "answered", commitment: promise, answeredAt: iso(10) },
    ];
    expect(commitmentMetrics(rows, { from: minute(0), to: minute(60) }, minute(DUE - 1))).toEqual({
      tickets: 4,
      kept: 1,
      missed: 1,
      pending: 1,
      dismissed: 0,
      keptRate: 0.5,
    });
    expect(commitmentMetrics([], { from: minute(0), to: minute(60) }, minute(0)).keptRate).toBeNull();
  });
});
