// Timers as rows: what each handoff state schedules, the whole timeout → reminder → grace → ticket
// path, snooze, abandonment, and that a timer firing after the state moved on does nothing.
import { describe, expect, it } from "vitest";
import { followUpCommitment } from "../escalation/business-hours";
import { ana, apply, ben, inStatus, iso, minute, opened, settings, walk } from "./fixtures";
import { fireDueTimers, type HandoffCommand } from "./machine";
import type { Lifecycle } from "./handoff-types";
import {
  abandonAfterMinutesSchema,
  DEFAULT_ABANDON_AFTER_MINUTES,
  dueTimers,
  nextDeadline,
  timeoutCaptureReply,
  timersFor,
  TIMER_KINDS,
  type TimerKind,
} from "./timers";

const timer = (kind: TimerKind): HandoffCommand => ({ type: "timer", kind });
const rows = (handoff: Lifecycle, s = settings) => timersFor(handoff, s).map((t) => [t.kind, t.at]);

describe("what each state schedules", () => {
  it.each([
    ["a live handoff not yet delivered: timeout from its opening", () => opened(), [["response_timeout", iso(5)]]],
    ["a delivered one: timeout from the delivery", () => walk(opened(), [[1, { type: "notified" }]]), [["response_timeout", iso(6)]]],
    ["after the reminder: the grace period", () => walk(inStatus.notified(), [[5, timer("response_timeout")]]), [["reminder_grace", iso(7)]]],
    [
      "snoozed: only the snooze end (the clock is paused)",
      () => walk(inStatus.notified(), [[1, { type: "snooze", agent: ben, minutes: 15 }]]),
      [["snooze_end", iso(16)]],
    ],
    [
      "the visitor away: the timeout and the abandonment",
      () => walk(inStatus.notified(), [[1, { type: "visitor_left" }]]),
      [
        ["response_timeout", iso(5)],
        ["abandon", iso(11)],
      ],
    ],
    [
      "the visitor away after the reminder: the conversion waits for them",
      () =>
        walk(inStatus.notified(), [
          [5, timer("response_timeout")],
          [6, { type: "visitor_left" }],
        ]),
      [["abandon", iso(16)]],
    ],
    [
      "snoozed and the visitor away: both",
      () =>
        walk(inStatus.notified(), [
          [1, { type: "snooze", agent: ben, minutes: 30 }],
          [2, { type: "visitor_left" }],
        ]),
      [
        ["abandon", iso(12)],
        ["snooze_end", iso(31)],
      ],
    ],
    ["claimed: a human is there, nothing", inStatus.claimed, []],
    ["claimed, then the visitor left: nothing (only waiting visitors abandon)", () => walk(inStatus.claimed(), [[2, { type: "visitor_left" }]]), []],
    ["active: the 24-hour wait for the visitor's answer to the reply", inStatus.active, [["reply_unanswered", iso(2 + 24 * 60)]]],
    ["reopened: the claimer owes a reply", () => walk(inStatus.resolved(), [[10, { type: "reopen" }]]), [["response_timeout", iso(15)]]],
    [
      "reopened and answered: only the wait for the visitor's answer",
      () =>
        walk(inStatus.resolved(), [
          [10, { type: "reopen" }],
          [11, { type: "agent_message", agent: ana, text: "Yes?" }],
        ]),
      [["reply_unanswered", iso(11 + 24 * 60)]],
    ],
    ["a capture handoff: its promise is already made, nothing", () => opened({ mode: "capture" }), []],
    [
      "a snoozed capture handoff: the snooze end only",
      () => walk(opened({ mode: "capture" }), [[1, { type: "snooze", agent: ben, minutes: 5 }]]),
      [["snooze_end", iso(6)]],
    ],
    ["resolved: nothing", inStatus.resolved, []],
    ["abandoned: nothing", inStatus.abandoned, []],
    [
      "converted: only its ticket's deadline (the promise made at minute 7: before 18:00 CET today)",
      inStatus.converted_to_ticket,
      [
        ["ticket_due_soon", "2026-03-04T16:00:00.000Z"],
        ["ticket_overdue", "2026-03-04T17:00:00.000Z"],
      ],
    ],
  ] as const)("%s", (_name, handoff, expected) => {
    expect(rows(handoff())).toEqual(expected);
  });

  it("the timeout and grace follow the settings", () => {
    const s = { ...settings, responseTimeoutMinutes: 2, reminderGraceMinutes: 10, abandonAfterMinutes: 3 };
    const left = walk(inStatus.notified(), [[1, { type: "visitor_left" }]], { settings: s });
    expect(rows(left, s)).toEqual([
      ["response_timeout", iso(2)],
      ["abandon", iso(4)],
    ]);
    const reminded = walk(inStatus.notified(), [[2, timer("response_timeout")]], { settings: s });
    expect(rows(reminded, s)).toEqual([["reminder_grace", iso(12)]]);
  });

  it("abandonAfterMinutes defaults to 10 when the settings do not have it yet", () => {
    const { abandonAfterMinutes: _, ...withoutIt } = settings;
    const left = walk(inStatus.notified(), [[1, { type: "visitor_left" }]]);
    expect(timersFor(left, withoutIt).find((t) => t.kind === "abandon")?.at).toBe(iso(1 + DEFAULT_ABANDON_AFTER_MINUTES));
  });

  it.each([
    [undefined, 10],
    [1, 1],
    [60, 60],
  ])("the setting abandonAfterMinutes %s parses to %i", (input, parsed) => {
    expect(abandonAfterMinutesSchema.parse(input)).toBe(parsed);
  });

  it.each([0, 61, 2.5, "5", null])("the setting abandonAfterMinutes refuses %s", (input) => {
    expect(abandonAfterMinutesSchema.safeParse(input).success).toBe(false);
  });

  it("nextDeadline is the earliest row, or null", () => {
    expect(nextDeadline([])).toBeNull();
    expect(
      nextDeadline([
        { kind: "snooze_end", at: iso(31) },
        { kind: "abandon", at: iso(12) },
      ]),
    ).toBe(iso(12));
    expect(nextDeadline(timersFor(opened(), settings))).toBe(iso(5));
  });

  it("dueTimers lists what is due at or before now", () => {
    const left = walk(inStatus.notified(), [[1, { type: "visitor_left" }]]);
    expect(dueTimers(left, settings, minute(4.99))).toEqual([]);
    expect(dueTimers(left, settings, minute(5)).map((t) => t.kind)).toEqual(["response_timeout"]);
    expect(dueTimers(left, settings, minute(11)).map((t) => t.kind)).toEqual(["response_timeout", "abandon"]);
  });
});

describe("nobody answers: timeout → reminder → grace → ticket", () => {
  it("plays the whole path, each step idempotent", () => {
    let handoff = inStatus.notified();
    expect(apply(handoff, timer("response_timeout"), 4.99)).toEqual({ ok: true, handoff, effects: [] });

    const reminded = apply(handoff, timer("response_timeout"), 5);
    expect(reminded.ok && reminded.effects).toEqual([
      { type: "audit", handoffId: "h_1", action: "reminder", actor: { kind: "system" }, at: iso(5), payload: { to: "team" } },
      { type: "sync-handoff" },
      { type: "notify", kind: "reminder", to: "team" },
    ]);
    handoff = reminded.ok ? reminded.handoff : handoff;
    expect(handoff).toMatchObject({ status: "notified", reminderSentAt: iso(5) });
    // The alarm delivered twice, or late: the reminder is not sent again.
    expect(apply(handoff, timer("response_timeout"), 6)).toEqual({ ok: true, handoff, effects: [] });
    expect(apply(handoff, timer("reminder_grace"), 6.99)).toEqual({ ok: true, handoff, effects: [] });

    const converted = apply(handoff, timer("reminder_grace"), 7);
    expect(converted).toMatchObject({ ok: true, handoff: { status: "converted_to_ticket", convertedAt: iso(7) } });
    if (!converted.ok) return;
    const promise = followUpCommitment(settings.businessHours, minute(7))!;
    expect(promise.label).toBe("before 18:00 CET today");
    expect(converted.effects).toEqual([
      {
        type: "audit",
        handoffId: "h_1",
        action: "convert_to_ticket",
        actor: { kind: "system" },
        at: iso(7),
        payload: { email: null, commitmentBy: promise.by.toISOString(), commitment: "before 18:00 CET today" },
      },
      { type: "sync-handoff" },
      { type: "sync-ticket" },
      {
        type: "bot-message",
        text: "Sorry for the wait — our team is busy helping others right now. If you leave your email, we'll get back to you before 18:00 CET today, with the context of our conversation, so you won't need to repeat anything. What's the best email to reach you?",
      },
      { type: "notify", kind: "ticket_created", to: "owner" },
    ]);
    expect(converted.handoff.ticket).toEqual({
      id: "t_1",
      reason: "response_timeout",
      status: "open",
      createdAt: iso(7),
      updatedAt: iso(7),
      commitment: { by: promise.by.toISOString(), label: "before 18:00 CET today" },
    });
    // The handoff's own clocks stop; the ticket's promise now has its own.
    const due = promise.by.getTime();
    expect(rows(converted.handoff)).toEqual([
      ["ticket_due_soon", new Date(due - 60 * 60_000).toISOString()],
      ["ticket_overdue", promise.by.toISOString()],
    ]);
    for (const kind of TIMER_KINDS.filter((k) => !k.startsWith("ticket_")))
      expect(apply(converted.handoff, timer(kind), 60)).toEqual({ ok: true, handoff: converted.handoff, effects: [] });
  });

  it("with the email known, the visitor is told where and by when", () => {
    const reminded = walk(opened({ email: "ana@acme.test" }), [[5, timer("response_timeout")]]);
    const converted = apply(reminded, timer("reminder_grace"), 7);
    expect(converted.ok && converted.effects).toContainEqual({
      type: "bot-message",
      text: "Sorry for the wait — our team is busy helping others right now. We'll email you at ana@acme.test before 18:00 CET today, with the context of our conversation, so you won't need to repeat anything.",
    });
  });

  it("near closing the promise moves to the next business morning", () => {
    const late = (m: number) => m + 5.5 * 60; // from 16:30 CET, when no same-day promise is made
    const reminded = walk(opened({ email: "ana@acme.test" }), [
      [late(0), { type: "notified" }],
      [late(5), timer("response_timeout")],
    ]);
    const converted = apply(reminded, timer("reminder_grace"), late(7));
    expect(converted.ok && converted.effects.find((e) => e.type === "bot-message")).toMatchObject({
      text: expect.stringContaining("ana@acme.test before 10:00 CET tomorrow"),
    });
  });

  it.each([
    [{ email: "ana@acme.test", commitment: null }, "We'll email you at ana@acme.test as soon as someone is free"],
    [{ email: null, commitment: null }, "we'll get back to you as soon as someone is free"],
  ])("a schedule that never opens promises no time it cannot keep (%o)", (input, expected) => {
    expect(timeoutCaptureReply(input)).toContain(expected);
  });

  it("a claim before the timeout cancels the path; the alarm firing anyway is a no-op", () => {
    const claimed = walk(inStatus.notified(), [[4, { type: "claim", agent: ana }]]);
    expect(timersFor(claimed, settings)).toEqual([]);
    for (const kind of TIMER_KINDS) expect(apply(claimed, timer(kind), 9)).toEqual({ ok: true, handoff: claimed, effects: [] });
  });

  it("a claim during the grace period saves the live chat", () => {
    const saved = walk(inStatus.notified(), [
      [5, timer("response_timeout")],
      [6, { type: "claim", agent: ana }],
    ]);
    expect(saved.status).toBe("claimed");
    expect(apply(saved, timer("reminder_grace"), 7)).toEqual({ ok: true, handoff: saved, effects: [] });
  });

  it("an alarm that wakes long after still gives the full grace period after the reminder", () => {
    const { handoff, effects } = fireDueTimers(inStatus.notified(), { now: minute(30), settings });
    expect(effects.filter((e) => e.type === "notify").map((e) => e.type === "notify" && e.kind)).toEqual(["reminder"]);
    expect(handoff).toMatchObject({ status: "notified", reminderSentAt: iso(30) });
    expect(nextDeadline(timersFor(handoff, settings))).toBe(iso(32));
  });

  it("with no grace period one alarm sends the reminder and converts", () => {
    const s = { ...settings, reminderGraceMinutes: 0 };
    const { handoff, effects } = fireDueTimers(inStatus.notified(), { now: minute(5), settings: s });
    expect(handoff.status).toBe("converted_to_ticket");
    expect(effects.filter((e) => e.type === "notify").map((e) => e.type === "notify" && e.kind)).toEqual(["reminder", "ticket_created"]);
  });

  it("fireDueTimers with nothing due returns the handoff untouched", () => {
    const handoff = inStatus.notified();
    expect(fireDueTimers(handoff, { now: minute(1), settings })).toEqual({ handoff, effects: [] });
  });

  it("a reopened handoff whose claimer stays silent reminds the claimer, then becomes a ticket", () => {
    const reopened = walk(inStatus.resolved(), [[10, { type: "reopen" }]]);
    const reminded = apply(reopened, timer("response_timeout"), 15);
    expect(reminded.ok && reminded.effects).toContainEqual({ type: "notify", kind: "reminder", to: "claimer", agent: ana });
    const converted = reminded.ok ? apply(reminded.handoff, timer("reminder_grace"), 17) : reminded;
    expect(converted).toMatchObject({ ok: true, handoff: { status: "converted_to_ticket" } });
  });
});

describe("snooze re-notifies at its end", () => {
  it("the snooze end alerts the team again and restarts the response clock from there", () => {
    const snoozed = walk(inStatus.notified(), [[2, { type: "snooze", agent: ben, minutes: 5 }]]);
    expect(apply(snoozed, timer("snooze_end"), 6.99)).toEqual({ ok: true, handoff: snoozed, effects: [] });
    expect(apply(snoozed, timer("response_timeout"), 6)).toEqual({ ok: true, handoff: snoozed, effects: [] });
    const ended = apply(snoozed, timer("snooze_end"), 7);
    expect(ended.ok && ended.effects).toEqual([
      { type: "audit", handoffId: "h_1", action: "snooze_end", actor: { kind: "system" }, at: iso(7), payload: {} },
      { type: "sync-handoff" },
      { type: "notify", kind: "snooze_end", to: "team" },
    ]);
    if (!ended.ok) return;
    expect(ended.handoff).not.toHaveProperty("snoozedUntil");
    expect(rows(ended.handoff)).toEqual([["response_timeout", iso(12)]]);
    expect(apply(ended.handoff, timer("snooze_end"), 8)).toEqual({ ok: true, handoff: ended.handoff, effects: [] });
  });

  it("a snooze during the grace period holds the conversion and starts a fresh window after it", () => {
    const snoozed = walk(inStatus.notified(), [
      [5, timer("response_timeout")],
      [6, { type: "snooze", agent: ben, minutes: 15 }],
    ]);
    expect(rows(snoozed)).toEqual([["snooze_end", iso(21)]]);
    expect(apply(snoozed, timer("reminder_grace"), 7)).toEqual({ ok: true, handoff: snoozed, effects: [] });
    const { handoff } = fireDueTimers(snoozed, { now: minute(21), settings });
    expect(rows(handoff)).toEqual([["response_timeout", iso(26)]]);
  });
});

describe("a visitor who leaves while waiting", () => {
  it("and is not back within abandonAfterMinutes: abandoned, the team told", () => {
    const left = walk(inStatus.notified(), [[1, { type: "visitor_left" }]]);
    expect(left).toMatchObject({ status: "notified", visitorLeftAt: iso(1) });
    const { handoff, effects } = fireDueTimers(left, { now: minute(11), settings });
    expect(handoff).toMatchObject({ status: "abandoned", abandonedAt: iso(11) });
    expect(effects.map((e) => (e.type === "audit" ? `audit:${e.action}` : e.type === "notify" ? `notify:${e.kind}` : e.type))).toEqual([
      "audit:reminder",
      "sync-handoff",
      "notify:reminder",
      "audit:abandon",
      "sync-handoff",
      "notify:abandoned",
    ]);
    expect(effects.some((e) => e.type === "bot-message" || e.type === "sync-ticket")).toBe(false);
  });

  it("and back in time: the abandonment is off and a held conversion happens while they can read it", () => {
    const away = walk(inStatus.notified(), [
      [1, { type: "visitor_left" }],
      [5, timer("response_timeout")],
    ]);
    expect(apply(away, timer("reminder_grace"), 8)).toEqual({ ok: true, handoff: away, effects: [] });
    const back = walk(away, [[9, { type: "visitor_returned" }]]);
    expect(back).not.toHaveProperty("visitorLeftAt");
    expect(apply(back, timer("abandon"), 11)).toMatchObject({ ok: true, effects: [] });
    const { handoff, effects } = fireDueTimers(back, { now: minute(9), settings });
    expect(handoff.status).toBe("converted_to_ticket");
    expect(effects.some((e) => e.type === "bot-message")).toBe(true);
  });

  it("leaving twice keeps the first departure time", () => {
    const left = walk(inStatus.notified(), [[1, { type: "visitor_left" }]]);
    expect(apply(left, { type: "visitor_left" }, 3)).toEqual({ ok: true, handoff: left, effects: [] });
  });

  it("a claim while the visitor is away ends the waiting: no abandonment", () => {
    const claimed = walk(inStatus.notified(), [
      [1, { type: "visitor_left" }],
      [3, { type: "claim", agent: ana }],
    ]);
    expect(apply(claimed, timer("abandon"), 11)).toEqual({ ok: true, handoff: claimed, effects: [] });
  });
});
