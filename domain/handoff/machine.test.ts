// The handoff lifecycle as a specification: every status × command, the claim race, snooze and
// satisfaction values, reopen, the effects the room runs, and the ladder suggestion.
import { describe, expect, it } from "vitest";
import { defaultEscalationSettings } from "../escalation/escalation-settings";
import { ana, apply, ben, effectTypes, inStatus, iso, opened, walk } from "./fixtures";
import {
  canReopen,
  MAX_NOTE_CHARS,
  REJECTION_STATUS,
  routeVisitorMessage,
  SATISFACTION_QUESTION,
  suggestEscalationLevel,
  type HandoffCommand,
  type HandoffEffect,
} from "./machine";
import type { Lifecycle } from "./handoff-types";
import { detectCategory } from "../escalation/intents";

type Status = Lifecycle["status"];
const STATUSES: Status[] = ["pending", "notified", "claimed", "active", "resolved", "abandoned", "converted_to_ticket"];
const ok = "ok" as const;
const IT = "invalid_transition" as const;
const AC = "already_claimed" as const;
const NC = "not_claimer" as const;
type Outcome = typeof ok | typeof IT | typeof AC | typeof NC;

function audits(effects: readonly HandoffEffect[]) {
  return effects.flatMap((e) => (e.type === "audit" ? [e] : []));
}

describe("every status × every command", () => {
  // Columns: pending, notified, claimed, active, resolved, abandoned, converted_to_ticket. Ana holds claimed/active.
  const matrix: [string, HandoffCommand, Outcome[]][] = [
    ["the claimer claims", { type: "claim", agent: ana }, [ok, ok, ok, ok, IT, IT, IT]],
    ["another agent claims", { type: "claim", agent: ben }, [ok, ok, AC, AC, IT, IT, IT]],
    ["the claimer writes", { type: "agent_message", agent: ana, text: "Hello" }, [IT, IT, ok, ok, IT, IT, IT]],
    ["another agent writes", { type: "agent_message", agent: ben, text: "Hello" }, [IT, IT, NC, NC, IT, IT, IT]],
    ["the claimer resolves", { type: "resolve", agent: ana }, [IT, IT, ok, ok, IT, IT, IT]],
    ["another agent resolves", { type: "resolve", agent: ben }, [IT, IT, NC, NC, IT, IT, IT]],
    ["an agent snoozes", { type: "snooze", agent: ben, minutes: 5 }, [ok, ok, IT, IT, IT, IT, IT]],
    ["an agent escalates", { type: "escalate", agent: ben, level: "lead", note: "Needs a lead" }, [ok, ok, ok, ok, IT, IT, IT]],
    ["an agent notes", { type: "note", agent: ben, text: "Called them back" }, [ok, ok, ok, ok, ok, ok, ok]],
    ["the visitor reopens", { type: "reopen" }, [IT, IT, IT, IT, ok, IT, IT]],
    ["the visitor rates", { type: "satisfaction", score: 5 }, [IT, IT, IT, IT, ok, IT, IT]],
  ];
  const cells = matrix.flatMap(([name, command, outcomes]) => STATUSES.map((status, i) => ({ name, command, status, expected: outcomes[i]! })));

  it.each(cells)("$name on a $status handoff → $expected", ({ command, status, expected }) => {
    const result = apply(inStatus[status](), command, 12);
    if (expected === ok) expect(result).toMatchObject({ ok: true });
    else expect(result).toMatchObject({ ok: false, code: expected, message: expect.any(String) });
  });

  it("each rejection maps to one HTTP status", () => {
    expect(REJECTION_STATUS).toEqual({
      invalid_transition: 409,
      already_claimed: 409,
      not_claimer: 403,
      invalid_input: 400,
      reopen_window_closed: 409,
      forbidden: 403,
    });
  });
});

describe("legal transitions", () => {
  const table: [string, () => Lifecycle, HandoffCommand, number, Status, string[]][] = [
    ["delivery confirmed: pending → notified", inStatus.pending, { type: "notified" }, 0, "notified", ["audit", "sync-handoff"]],
    [
      "a claim before delivery is confirmed: pending → claimed",
      inStatus.pending,
      { type: "claim", agent: ana },
      1,
      "claimed",
      ["audit", "sync-handoff", "system-message", "notify"],
    ],
    ["a claim: notified → claimed", inStatus.notified, { type: "claim", agent: ana }, 1, "claimed", ["audit", "sync-handoff", "system-message", "notify"]],
    [
      "the claimer's first message: claimed → active",
      inStatus.claimed,
      { type: "agent_message", agent: ana, text: "Hi!" },
      2,
      "active",
      ["audit", "sync-handoff"],
    ],
    ["later messages stay active and are audited", inStatus.active, { type: "agent_message", agent: ana, text: "Done." }, 3, "active", ["audit"]],
    [
      "a resolve before any message: claimed → resolved",
      inStatus.claimed,
      { type: "resolve", agent: ana },
      2,
      "resolved",
      ["audit", "sync-handoff", "system-message", "ask-satisfaction", "notify"],
    ],
    [
      "a resolve: active → resolved",
      inStatus.active,
      { type: "resolve", agent: ana, notes: "Refund issued" },
      3,
      "resolved",
      ["audit", "sync-handoff", "system-message", "ask-satisfaction", "notify"],
    ],
    [
      "a resolve handing back to the bot writes two audit rows",
      inStatus.active,
      { type: "resolve", agent: ana, handBackToBot: true },
      3,
      "resolved",
      ["audit", "audit", "sync-handoff", "system-message", "ask-satisfaction", "notify"],
    ],
    ["a reopen: resolved → claimed", inStatus.resolved, { type: "reopen" }, 13, "claimed", ["audit", "sync-handoff", "system-message", "notify"]],
    ["a rating stays resolved", inStatus.resolved, { type: "satisfaction", score: 4 }, 4, "resolved", ["audit", "sync-handoff"]],
    [
      "a snooze keeps the status (live: the visitor is told)",
      inStatus.notified,
      { type: "snooze", agent: ben, minutes: 15 },
      1,
      "notified",
      ["audit", "sync-handoff", "notify", "system-message"],
    ],
    [
      "an escalation keeps the status",
      inStatus.active,
      { type: "escalate", agent: ana, level: "manager", note: "Refund over limit" },
      3,
      "active",
      ["audit", "sync-handoff", "notify"],
    ],
    ["a note only audits", inStatus.notified, { type: "note", agent: ben, text: "Looking" }, 1, "notified", ["audit"]],
    ["the response timeout reminds", inStatus.notified, { type: "timer", kind: "response_timeout" }, 5, "notified", ["audit", "sync-handoff", "notify"]],
    [
      "the grace period converts: notified → converted_to_ticket",
      () => walk(inStatus.notified(), [[5, { type: "timer", kind: "response_timeout" }]]),
      { type: "timer", kind: "reminder_grace" },
      7,
      "converted_to_ticket",
      ["audit", "sync-handoff", "sync-ticket", "bot-message", "notify"],
    ],
    [
      "the snooze ends and re-notifies",
      () => walk(inStatus.notified(), [[1, { type: "snooze", agent: ben, minutes: 5 }]]),
      { type: "timer", kind: "snooze_end" },
      6,
      "notified",
      ["audit", "sync-handoff", "notify"],
    ],
    [
      "the visitor stays away: notified → abandoned",
      () => walk(inStatus.notified(), [[1, { type: "visitor_left" }]]),
      { type: "timer", kind: "abandon" },
      11,
      "abandoned",
      ["audit", "sync-handoff", "notify"],
    ],
    ["a visitor leaving is presence, not a decision", inStatus.notified, { type: "visitor_left" }, 1, "notified", []],
  ];

  it.each(table)("%s", (_name, from, command, m, status, effects) => {
    const result = apply(from(), command, m);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.handoff.status).toBe(status);
    expect(result.effects.map((e) => e.type)).toEqual(effects);
    expect(result.handoff.id).toBe("h_1");
  });

  it("every accepted change starts with its audit row, written before anything else runs", () => {
    for (const [, from, command, m] of table) {
      const result = apply(from(), command, m);
      if (result.ok && result.effects.length > 0) expect(result.effects[0]?.type).toBe("audit");
    }
  });
});

describe("who claims", () => {
  it("of two agents claiming, the first wins and the second learns who and since when", () => {
    const first = apply(inStatus.notified(), { type: "claim", agent: ana }, 1);
    expect(first).toMatchObject({ ok: true, handoff: { status: "claimed", claimedBy: ana, claimedAt: iso(1) } });
    if (!first.ok) return;
    const second = apply(first.handoff, { type: "claim", agent: ben }, 1);
    expect(second).toEqual({ ok: false, code: "already_claimed", message: "Ana has already claimed this handoff.", claimedBy: ana, claimedAt: iso(1) });
  });

  it("whichever claim the room applies first wins: never both", () => {
    for (const [a, b] of [
      [ana, ben],
      [ben, ana],
    ] as const) {
      const first = apply(inStatus.notified(), { type: "claim", agent: a }, 1);
      const second = first.ok ? apply(first.handoff, { type: "claim", agent: b }, 1) : first;
      expect([first.ok, second.ok]).toEqual([true, false]);
      expect(second).toMatchObject({ code: "already_claimed", claimedBy: a });
    }
  });

  it("the same agent claiming twice (a double click) changes nothing and emits nothing", () => {
    const claimed = inStatus.claimed();
    const again = apply(claimed, { type: "claim", agent: ana }, 2);
    expect(again).toEqual({ ok: true, handoff: claimed, effects: [] });
    const active = inStatus.active();
    expect(apply(active, { type: "claim", agent: ana }, 3)).toEqual({ ok: true, handoff: active, effects: [] });
  });

  it("the loser of the race is also told who holds it when writing or resolving", () => {
    expect(apply(inStatus.active(), { type: "agent_message", agent: ben, text: "Hi" }, 3)).toMatchObject({
      code: "not_claimer",
      claimedBy: ana,
      claimedAt: iso(1),
    });
    expect(apply(inStatus.active(), { type: "resolve", agent: ben }, 3)).toMatchObject({ code: "not_claimer", claimedBy: ana });
  });

  it("claiming tells the visitor who joined, updates the team's alert and clears a snooze", () => {
    const snoozed = walk(inStatus.notified(), [[1, { type: "snooze", agent: ben, minutes: 30 }]]);
    const result = apply(snoozed, { type: "claim", agent: ana }, 2);
    expect(result.ok && result.effects).toEqual([
      { type: "audit", handoffId: "h_1", action: "claim", actor: { kind: "agent", id: "agt_ana", name: "Ana" }, at: iso(2), payload: {} },
      { type: "sync-handoff" },
      { type: "system-message", text: "Ana has joined the chat" },
      { type: "notify", kind: "claimed", to: "team", agent: ana },
    ]);
    expect(result.ok && result.handoff).not.toHaveProperty("snoozedUntil");
  });

  it("an unclaimed handoff asks for a claim before a message or a resolve", () => {
    expect(apply(inStatus.notified(), { type: "agent_message", agent: ana, text: "Hi" }, 1)).toMatchObject({
      code: "invalid_transition",
      message: expect.stringContaining("Claim it first"),
    });
  });
});

describe("snooze", () => {
  it.each([5, 15, 30])("%i minutes sets the deadline and tells the live visitor roughly when", (minutes) => {
    const result = apply(inStatus.notified(), { type: "snooze", agent: ben, minutes }, 1);
    expect(result).toMatchObject({ ok: true, handoff: { status: "notified", snoozedUntil: iso(1 + minutes), snoozedBy: ben } });
    expect(result.ok && result.effects).toContainEqual({
      type: "system-message",
      text: `The team has seen your request — someone should be with you in about ${minutes} minutes. You can keep writing here in the meantime.`,
    });
    expect(result.ok && audits(result.effects)[0]?.payload).toEqual({ minutes, until: iso(1 + minutes) });
  });

  it.each([0, 1, 10, 20, 60, -5, 5.5, Number.NaN, Number.POSITIVE_INFINITY])("%s minutes is refused as invalid input", (minutes) => {
    expect(apply(inStatus.notified(), { type: "snooze", agent: ben, minutes }, 1)).toMatchObject({ ok: false, code: "invalid_input" });
  });

  it("a capture handoff can be snoozed, but the visitor is not promised anyone soon", () => {
    const result = apply(opened({ mode: "capture" }), { type: "snooze", agent: ben, minutes: 15 }, 1);
    expect(effectTypes(result)).toEqual(["audit", "sync-handoff", "notify"]);
  });

  it("snoozing again moves the deadline", () => {
    const twice = walk(inStatus.notified(), [
      [1, { type: "snooze", agent: ben, minutes: 5 }],
      [4, { type: "snooze", agent: ana, minutes: 15 }],
    ]);
    expect(twice).toMatchObject({ snoozedUntil: iso(19), snoozedBy: ana });
  });
});

describe("resolve, hand back and satisfaction", () => {
  it("without hand-back the visitor may keep writing and is asked one question", () => {
    const result = apply(inStatus.active(), { type: "resolve", agent: ana, notes: "Refund issued" }, 3);
    expect(result).toMatchObject({
      ok: true,
      handoff: { status: "resolved", resolvedAt: iso(3), resolvedBy: ana, resolutionNotes: "Refund issued", handedBackToBot: false },
    });
    expect(result.ok && result.effects.filter((e) => e.type !== "audit")).toEqual([
      { type: "sync-handoff" },
      { type: "system-message", text: "Ana has left the chat — you can keep writing here if you need anything else." },
      { type: "ask-satisfaction", question: SATISFACTION_QUESTION },
      // The notes travel with the notice: the channels (Slack's thread, the CRM's note) record the outcome.
      { type: "notify", kind: "resolved", to: "team", agent: ana, note: "Refund issued" },
    ]);
    expect(result.ok && audits(result.effects).map((a) => [a.action, a.payload])).toEqual([["resolve", { notes: "Refund issued", handBackToBot: false }]]);
  });

  it("with hand-back the bot is announced and the hand back is its own audit row", () => {
    const result = apply(inStatus.active(), { type: "resolve", agent: ana, handBackToBot: true }, 3);
    expect(result.ok && audits(result.effects).map((a) => a.action)).toEqual(["resolve", "hand_back"]);
    expect(result.ok && result.effects).toContainEqual({
      type: "system-message",
      text: "Ana has left the chat — the assistant is back to help, and if you need a person again, just say so.",
    });
  });

  it.each([1, 2, 3, 4, 5])("a score of %i is stored on the handoff", (score) => {
    expect(apply(inStatus.resolved(), { type: "satisfaction", score }, 4)).toMatchObject({ ok: true, handoff: { satisfaction: score } });
  });

  it.each([0, 6, 2.5, -1, Number.NaN, 10])("a score of %s is refused as invalid input", (score) => {
    expect(apply(inStatus.resolved(), { type: "satisfaction", score }, 4)).toMatchObject({ ok: false, code: "invalid_input" });
  });

  it("the same score twice is one answer; a changed score replaces it", () => {
    const rated = walk(inStatus.resolved(), [[4, { type: "satisfaction", score: 3 }]]);
    expect(apply(rated, { type: "satisfaction", score: 3 }, 5)).toEqual({ ok: true, handoff: rated, effects: [] });
    expect(apply(rated, { type: "satisfaction", score: 5 }, 5)).toMatchObject({ ok: true, handoff: { satisfaction: 5 } });
  });
});

describe("reopen within 30 minutes vs a new handoff after", () => {
  // inStatus.resolved() is resolved at minute 3.
  it.each([
    ["a minute after", 4],
    ["29 minutes after", 32],
    ["exactly 30 minutes after", 33],
  ])("%s the resolve, the same handoff goes back to the same claimer", (_name, m) => {
    const result = apply(inStatus.resolved(), { type: "reopen" }, m);
    expect(result).toMatchObject({
      ok: true,
      handoff: { id: "h_1", status: "claimed", claimedBy: ana, claimedAt: iso(1), reopenedAt: iso(m), reopenCount: 1 },
    });
    expect(result.ok && result.handoff).not.toHaveProperty("resolvedAt");
    expect(result.ok && result.effects).toContainEqual({ type: "notify", kind: "reopened", to: "claimer", agent: ana });
    expect(result.ok && result.effects).toContainEqual({ type: "system-message", text: "We've let Ana know you wrote back." });
  });

  it("a millisecond past 30 minutes the window is closed", () => {
    expect(apply(inStatus.resolved(), { type: "reopen" }, 33 + 1 / 60_000)).toMatchObject({ ok: false, code: "reopen_window_closed" });
  });

  it("after a reopen the claimer's message makes it active again and the first reply time is kept", () => {
    const back = walk(inStatus.resolved(), [
      [10, { type: "reopen" }],
      [11, { type: "agent_message", agent: ana, text: "Back!" }],
    ]);
    expect(back).toMatchObject({ status: "active", firstHumanReplyAt: iso(2) });
    const again = apply(back, { type: "resolve", agent: ana }, 12);
    expect(effectTypes(again)).toContain("ask-satisfaction");
    expect(again.ok && again.handoff.reopenCount).toBe(1);
  });

  const resolvedWithEmail = (): Lifecycle =>
    walk(opened({ email: "ana@acme.test" }), [
      [1, { type: "claim", agent: ana }],
      [3, { type: "resolve", agent: ana }],
    ]);
  const handedBack = (): Lifecycle => walk(inStatus.active(), [[3, { type: "resolve", agent: ana, handBackToBot: true }]]);
  const convertedWithEmail = (): Lifecycle =>
    walk(opened({ email: "ana@acme.test" }), [
      [5, { type: "timer", kind: "response_timeout" }],
      [7, { type: "timer", kind: "reminder_grace" }],
    ]);

  it.each([
    ["no handoff yet", (): Lifecycle | null => null, "Hi", 10, "bot"],
    ["a handoff waiting for a human", inStatus.notified, "Hello?", 2, "handoff"],
    ["a handoff a human is in", inStatus.active, "Thanks", 3, "handoff"],
    ["resolved 10 minutes ago", inStatus.resolved, "One more thing: the invoice number is wrong", 13, "reopen"],
    ["resolved 10 minutes ago, a bare thanks", inStatus.resolved, "thanks!", 13, "store"],
    ["resolved 10 minutes ago, a thumbs up", inStatus.resolved, "ok 👍", 13, "store"],
    ["resolved 31 minutes ago", inStatus.resolved, "One more thing", 34, "bot"],
    ["handed back to the bot 10 minutes ago", handedBack, "One more thing", 13, "bot"],
    ["converted to a ticket with no email yet", inStatus.converted_to_ticket, "ana@acme.test", 8, "collect_email"],
    ["converted to a ticket with the email known", convertedWithEmail, "ok", 8, "bot"],
    ["abandoned", inStatus.abandoned, "I'm back", 20, "bot"],
    ["resolved for a visitor whose email we have", resolvedWithEmail, "Wait, it failed again", 5, "reopen"],
  ] as [string, () => Lifecycle | null, string, number, ReturnType<typeof routeVisitorMessage>][])(
    "a visitor message with %s → %s",
    (_name, handoff, text, m, route) => {
      expect(routeVisitorMessage(handoff(), { text, now: new Date(iso(m)) })).toBe(route);
    },
  );

  it("a handed-back conversation the bot escalates within the window reopens rather than opening anew", () => {
    expect(canReopen(handedBack(), new Date(iso(13)))).toBe(true);
    expect(canReopen(handedBack(), new Date(iso(34)))).toBe(false);
    expect(canReopen(inStatus.active(), new Date(iso(4)))).toBe(false);
  });
});

describe("escalation ladder", () => {
  const settings = defaultEscalationSettings();
  it.each([
    ["high-risk language", detectCategory("this is fraud, I will file a chargeback", settings.categories, 500)!.reasons, "manager"],
    ["a refund over the limit", detectCategory("I want a refund of $1200 for this", settings.categories, 500)!.reasons, "manager"],
    ["an explicit request with a bare refund over the limit", ["explicit_phrase:talk to a person", "category:refund_over_limit"], "manager"],
    ["a refund within the limit", detectCategory("I want a refund of $120 for this", settings.categories, 500)!.reasons, "lead"],
    ["a legal question", ["category:legal", "keyword:nda"], "lead"],
    ["no reasons", [], "lead"],
    ["a lookalike code", ["keyword:refund_over_limit", "category:high_risk_adjacent"], "lead"],
  ] as const)("%s suggests a %s", (_name, reasons, level) => {
    expect(suggestEscalationLevel(reasons)).toBe(level);
    expect(suggestEscalationLevel({ reasons })).toBe(level);
  });

  it("a project's own category marked suggestManager suggests a manager", () => {
    expect(suggestEscalationLevel(["category:vip"], [{ id: "vip", suggestManager: true }])).toBe("manager");
    expect(suggestEscalationLevel(["category:vip"], [{ id: "vip", suggestManager: false }])).toBe("lead");
  });

  it("escalating notifies that rung, records the note and what the packet suggested", () => {
    const result = apply(inStatus.active(), { type: "escalate", agent: ana, level: "lead", note: "Customer asks for a supervisor" }, 3);
    expect(result).toMatchObject({ ok: true, handoff: { escalationLevel: "lead", status: "active" } });
    expect(result.ok && result.effects).toContainEqual({
      type: "notify",
      kind: "escalated",
      to: "lead",
      agent: ana,
      level: "lead",
      note: "Customer asks for a supervisor",
    });
    expect(result.ok && audits(result.effects)[0]?.payload).toEqual({ level: "lead", note: "Customer asks for a supervisor", suggested: "manager" });
  });

  it("the ladder goes up, may ring the same rung again, and never goes down", () => {
    const lead = walk(inStatus.active(), [[3, { type: "escalate", agent: ana, level: "lead", note: "a" }]]);
    const manager = walk(lead, [[4, { type: "escalate", agent: ana, level: "manager", note: "b" }]]);
    expect(manager.escalationLevel).toBe("manager");
    expect(apply(manager, { type: "escalate", agent: ana, level: "manager", note: "c" }, 5)).toMatchObject({ ok: true });
    expect(apply(manager, { type: "escalate", agent: ana, level: "lead", note: "d" }, 5)).toMatchObject({ ok: false, code: "invalid_transition" });
  });
});

describe("garbage and hostile input", () => {
  const long = "x".repeat(MAX_NOTE_CHARS + 1);
  it.each([
    ["a note with no text", { type: "note", agent: ana, text: "   " }],
    ["an oversized note", { type: "note", agent: ana, text: long }],
    ["an escalation with no note", { type: "escalate", agent: ana, level: "manager", note: "" }],
    ["an escalation to an unknown rung", { type: "escalate", agent: ana, level: "ceo" as "manager", note: "hi" }],
    ["an oversized resolution note", { type: "resolve", agent: ana, notes: long }],
    ["an agent with no id", { type: "claim", agent: { id: "", name: "Ana" } }],
    ["an agent that is not an object", { type: "claim", agent: null as unknown as typeof ana }],
    ["a message with no text", { type: "agent_message", agent: ana, text: "" }],
    ["a message that is not text", { type: "agent_message", agent: ana, text: 42 as unknown as string }],
  ] as [string, HandoffCommand][])("%s is invalid input", (_name, command) => {
    expect(apply(inStatus.active(), command, 3)).toMatchObject({ ok: false, code: "invalid_input" });
  });

  it("hostile text is kept verbatim as data; rendering it safely is the client's job", () => {
    const script = "<script>alert(1)</script>";
    const note = apply(inStatus.active(), { type: "note", agent: ana, text: script }, 3);
    expect(note.ok && audits(note.effects)[0]?.payload).toEqual({ text: script });
    const claimed = apply(inStatus.notified(), { type: "claim", agent: { id: "agt_x", name: script } }, 1);
    expect(claimed.ok && claimed.effects).toContainEqual({ type: "system-message", text: `${script} has joined the chat` });
  });

  it("a blank agent name still reads as a person to the visitor", () => {
    const claimed = apply(inStatus.notified(), { type: "claim", agent: { id: "agt_x", name: "  " } }, 1);
    expect(claimed.ok && claimed.effects).toContainEqual({ type: "system-message", text: "A team member has joined the chat" });
  });

  it("late delivery receipts, presence and notes never move a closed handoff", () => {
    for (const status of ["resolved", "abandoned", "converted_to_ticket"] as const) {
      const closed = inStatus[status]();
      for (const command of [{ type: "notified" }, { type: "visitor_left" }, { type: "visitor_returned" }] as HandoffCommand[]) {
        expect(apply(closed, command, 40)).toEqual({ ok: true, handoff: closed, effects: [] });
      }
    }
  });
});

describe("the audit trail of a whole lifecycle", () => {
  it("records every operator action with actor, action, handoff, payload and time", () => {
    let handoff = opened();
    const rows: Extract<HandoffEffect, { type: "audit" }>[] = [];
    const steps: [number, HandoffCommand][] = [
      [0, { type: "notified" }],
      [1, { type: "snooze", agent: ben, minutes: 5 }],
      [2, { type: "claim", agent: ana }],
      [2, { type: "claim", agent: ben }],
      [3, { type: "agent_message", agent: ana, text: "Hi Ana", clientId: "c1" }],
      [4, { type: "note", agent: ana, text: "Refund > limit" }],
      [5, { type: "escalate", agent: ana, level: "manager", note: "Refund of $1200" }],
      [6, { type: "resolve", agent: ana, notes: "Approved", handBackToBot: true }],
      [7, { type: "satisfaction", score: 5 }],
    ];
    for (const [m, command] of steps) {
      const result = apply(handoff, command, m);
      if (!result.ok) continue;
      handoff = result.handoff;
      rows.push(...audits(result.effects));
    }
    expect(rows.map((r) => [r.action, r.actor.kind, r.at])).toEqual([
      ["notified", "system", iso(0)],
      ["snooze", "agent", iso(1)],
      ["claim", "agent", iso(2)],
      ["message", "agent", iso(3)],
      ["note", "agent", iso(4)],
      ["escalate", "agent", iso(5)],
      ["resolve", "agent", iso(6)],
      ["hand_back", "agent", iso(6)],
      ["satisfaction", "visitor", iso(7)],
    ]);
    expect(rows.every((r) => r.handoffId === "h_1")).toBe(true);
    expect(rows[3]).toMatchObject({ payload: { text: "Hi Ana", clientId: "c1" } });
    expect(handoff).toMatchObject({
      status: "resolved",
      claimedBy: ana,
      firstHumanReplyAt: iso(3),
      escalationLevel: "manager",
      satisfaction: 5,
      notifiedAt: iso(0),
    });
  });
});
