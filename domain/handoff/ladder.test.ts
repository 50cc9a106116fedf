// The human ladder as a specification: what each role may do (permissions.ts, enforced by the
// machine on the role a command's agent carries), takeover and resolving for others, the manager
// rung's deadlines and reminders, and the re-escalation of a reply the visitor never answered.
import { describe, expect, it } from "vitest";
import { ana, apply, inStatus, iso, walk } from "./fixtures";
import type { Agent, Lifecycle, Role } from "./handoff-types";
import { fireDueTimers, suggestEscalationLevel, type HandoffCommand, type HandoffEffect } from "./machine";
import { can, parseRole, roleOf, type Action } from "./permissions";
import { MANAGER_ACK_MINUTES, MANAGER_UPDATE_MINUTES, timersFor, UNANSWERED_REPLY_MINUTES } from "./timers";
import { defaultEscalationSettings } from "../escalation/escalation-settings";

const settings = { ...defaultEscalationSettings(), abandonAfterMinutes: 10 };
const as = (role: Role, id = `agt_${role}`): Agent => ({ id, name: role[0]!.toUpperCase() + role.slice(1), role });
const lea = as("lead");
const max = as("manager");
const adi = as("admin");
const bob = as("agent", "agt_bob");

const notices = (effects: readonly HandoffEffect[]) => effects.flatMap((e) => (e.type === "notify" ? [e] : []));
const audits = (effects: readonly HandoffEffect[]) => effects.flatMap((e) => (e.type === "audit" ? [e] : []));

describe("what each role may do", () => {
  const table: [Action, Role[]][] = [
    ["claim", ["agent", "lead", "manager", "admin"]],
    ["reply", ["agent", "lead", "manager", "admin"]],
    ["note", ["agent", "lead", "manager", "admin"]],
    ["escalate", ["agent", "lead", "manager", "admin"]],
    ["take_over", ["lead", "manager", "admin"]],
    ["resolve_others", ["lead", "manager", "admin"]],
    ["acknowledge", ["manager", "admin"]],
    ["manage_settings", ["admin"]],
    ["manage_agents", ["admin"]],
  ];
  it.each(table)("%s: %j", (action, allowed) => {
    for (const role of ["agent", "lead", "manager", "admin"] as const) expect(can(role, action), `${role} ${action}`).toBe(allowed.includes(role));
  });

  it.each([undefined, "", "superuser", "ADMIN", 42, null])("an unknown or missing role (%j) acts as an agent", (value) => {
    expect(parseRole(value)).toBe("agent");
  });

  it("a command without a role behaves as an agent", () => {
    expect(roleOf({})).toBe("agent");
    expect(roleOf(undefined)).toBe("agent");
  });
});

describe("take over and resolve a conversation another agent holds", () => {
  it.each([
    ["a lead", lea],
    ["a manager", max],
    ["an admin", adi],
  ])("%s takes over from the holder: audited, the visitor sees who joined, the previous holder is told", (_name, boss) => {
    const result = apply(inStatus.active(), { type: "take_over", agent: boss }, 5);
    expect(result).toMatchObject({ ok: true, handoff: { status: "active", claimedBy: { id: boss.id, name: boss.name } } });
    if (!result.ok) return;
    expect(result.handoff.claimedBy).toEqual({ id: boss.id, name: boss.name }); // the role is not stored on the handoff
    expect(audits(result.effects)[0]).toMatchObject({ action: "take_over", actor: { id: boss.id }, payload: { from: ana.id, fromName: ana.name } });
    expect(result.effects.map((e) => e.type)).toEqual(["audit", "sync-handoff", "system-message", "notify"]);
    expect(notices(result.effects)).toEqual([expect.objectContaining({ kind: "taken_over", to: "claimer", agent: ana })]);
    // Now the new holder writes; the old one may not.
    expect(apply(result.handoff, { type: "agent_message", agent: boss, text: "Hi, I'm taking this." }, 6)).toMatchObject({ ok: true });
    expect(apply(result.handoff, { type: "agent_message", agent: ana, text: "me too" }, 6)).toMatchObject({ ok: false, code: "not_claimer" });
  });

  it("an agent cannot take over: 403 forbidden, and the holder keeps it", () => {
    expect(apply(inStatus.active(), { type: "take_over", agent: bob }, 5)).toMatchObject({
      ok: false,
      code: "forbidden",
      message: expect.stringMatching(/lead/),
    });
    expect(apply(inStatus.active(), { type: "take_over", agent: { id: "agt_x", name: "X" } }, 5)).toMatchObject({ ok: false, code: "forbidden" });
  });

  it("taking over a handoff nobody holds is a claim; taking over one's own is a no-op; a closed one cannot be taken", () => {
    expect(apply(inStatus.notified(), { type: "take_over", agent: lea }, 5)).toMatchObject({
      ok: true,
      handoff: { status: "claimed", claimedBy: { id: lea.id } },
    });
    const own = walk(inStatus.notified(), [[1, { type: "claim", agent: lea }]]);
    expect(apply(own, { type: "take_over", agent: lea }, 2)).toMatchObject({ ok: true, handoff: own, effects: [] });
    expect(apply(inStatus.resolved(), { type: "take_over", agent: lea }, 5)).toMatchObject({ ok: false, code: "invalid_transition" });
  });

  it("a lead resolves a conversation another agent holds: audited with the holder, the holder told", () => {
    const result = apply(inStatus.active(), { type: "resolve", agent: lea, notes: "Closed for Ana" }, 5);
    expect(result).toMatchObject({ ok: true, handoff: { status: "resolved", resolvedBy: { id: lea.id } } });
    if (!result.ok) return;
    expect(audits(result.effects)[0]).toMatchObject({ action: "resolve", payload: { holder: ana.id, holderName: ana.name } });
    expect(notices(result.effects)).toEqual([
      expect.objectContaining({ kind: "resolved", to: "team" }),
      expect.objectContaining({ kind: "resolved", to: "claimer", agent: ana, note: "Resolved by Lead" }),
    ]);
  });

  it("an agent still cannot resolve another's conversation, and a lead still cannot write in it without taking over", () => {
    expect(apply(inStatus.active(), { type: "resolve", agent: bob }, 5)).toMatchObject({ ok: false, code: "not_claimer" });
    expect(apply(inStatus.active(), { type: "agent_message", agent: lea, text: "hi" }, 5)).toMatchObject({ ok: false, code: "not_claimer" });
    expect(apply(inStatus.active(), { type: "claim", agent: lea }, 5)).toMatchObject({ ok: false, code: "already_claimed" });
  });
});

/** Escalated to the manager rung by Ana at minute 10. */
function managerEscalated(): Lifecycle {
  return walk(inStatus.active(), [[10, { type: "escalate", agent: ana, level: "manager", note: "Refund over the limit" }]]);
}

const at = (m: number) => ({ now: new Date(Date.parse(iso(m))), settings });

describe("the manager rung: acknowledged within 2 hours, resolved or updated within 24", () => {
  it("escalating to the manager starts both deadlines; escalating again does not restart them", () => {
    const h = managerEscalated();
    expect(h.managerEscalation).toEqual({ at: iso(10) });
    expect(timersFor(h, settings).filter((t) => t.kind.startsWith("manager_"))).toEqual([
      { kind: "manager_ack", at: iso(10 + MANAGER_ACK_MINUTES / 2) },
      { kind: "manager_update", at: iso(10 + MANAGER_UPDATE_MINUTES / 2) },
    ]);
    const again = walk(h, [[30, { type: "escalate", agent: ana, level: "manager", note: "Still waiting" }]]);
    expect(again.managerEscalation?.at).toBe(iso(10));
  });

  it("left unacknowledged: the manager is reminded after 1 hour, the admins after 2, each once", () => {
    const h = managerEscalated();
    const first = fireDueTimers(h, at(10 + 60));
    expect(notices(first.effects)).toEqual([expect.objectContaining({ kind: "reminder", to: "manager", level: "manager" })]);
    expect(fireDueTimers(first.handoff, at(10 + 60)).effects).toEqual([]); // the same alarm again: nothing
    expect(fireDueTimers(first.handoff, at(10 + 119)).effects).toEqual([]);
    const second = fireDueTimers(first.handoff, at(10 + 120));
    expect(notices(second.effects)).toEqual([expect.objectContaining({ kind: "reminder", to: "admins", note: expect.stringMatching(/not acknowledged/) })]);
    expect(audits(second.effects)[0]).toMatchObject({ action: "reminder", actor: { kind: "system" }, payload: { to: "admins", deadline: "acknowledge" } });
    expect(timersFor(second.handoff, settings).some((t) => t.kind === "manager_ack")).toBe(false);
  });

  it("an alarm that rings late sends both reminders, manager first", () => {
    const late = fireDueTimers(managerEscalated(), at(10 + 200));
    expect(notices(late.effects).map((n) => n.to)).toEqual(["manager", "admins"]);
  });

  it("a manager's acknowledgement meets the 2-hour deadline; an agent cannot acknowledge", () => {
    const h = managerEscalated();
    expect(apply(h, { type: "acknowledge", agent: bob }, 20)).toMatchObject({ ok: false, code: "forbidden" });
    const acked = apply(h, { type: "acknowledge", agent: max }, 20);
    expect(acked).toMatchObject({ ok: true, handoff: { managerEscalation: { acknowledgedAt: iso(20), acknowledgedBy: { id: max.id } } } });
    if (!acked.ok) return;
    expect(audits(acked.effects)[0]).toMatchObject({ action: "acknowledge", actor: { id: max.id } });
    expect(timersFor(acked.handoff, settings).map((t) => t.kind)).not.toContain("manager_ack");
    expect(fireDueTimers(acked.handoff, at(10 + 120)).effects.filter((e) => e.type === "notify" && e.to === "admins")).toEqual([]);
  });

  it.each<[string, HandoffCommand]>([
    ["a note", { type: "note", agent: max, text: "On it" }],
    ["a takeover", { type: "take_over", agent: max }],
    ["a resolve", { type: "resolve", agent: max }],
  ])("any first action of a manager acknowledges too (%s), audited first", (_name, command) => {
    const result = apply(managerEscalated(), command, 30);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.handoff.managerEscalation?.acknowledgedAt).toBe(iso(30));
    expect(result.effects[0]).toMatchObject({ type: "audit", action: "acknowledge", payload: { via: command.type } });
  });

  it("a lead's note is an update but not an acknowledgement", () => {
    const noted = walk(managerEscalated(), [[30, { type: "note", agent: lea, text: "Customer called again" }]]);
    expect(noted.managerEscalation).toMatchObject({ updatedAt: iso(30) });
    expect(noted.managerEscalation?.acknowledgedAt).toBeUndefined();
    expect(timersFor(noted, settings).map((t) => t.kind)).toEqual(expect.arrayContaining(["manager_ack"]));
    expect(timersFor(noted, settings).map((t) => t.kind)).not.toContain("manager_update");
  });

  it("neither resolved nor updated: the manager is reminded after 12 hours, the admins after 24", () => {
    const acked = walk(managerEscalated(), [[20, { type: "acknowledge", agent: max }]]);
    const half = fireDueTimers(acked, at(10 + 12 * 60));
    expect(notices(half.effects)).toEqual([expect.objectContaining({ to: "manager", note: expect.stringMatching(/resolve it or post an update/) })]);
    const full = fireDueTimers(half.handoff, at(10 + 24 * 60));
    const reminders = notices(full.effects).filter((n) => n.kind === "reminder");
    expect(reminders).toEqual([expect.objectContaining({ to: "admins", note: expect.stringMatching(/not resolved or updated/) })]);
  });

  it("resolving ends every deadline", () => {
    const resolved = walk(managerEscalated(), [[30, { type: "resolve", agent: ana }]]);
    expect(timersFor(resolved, settings)).toEqual([]);
  });
});

describe("an approved reply the visitor never answers goes back to the lead (L2)", () => {
  it("24 hours after the holder's reply with no answer, the handoff re-escalates to the lead, once", () => {
    const h = inStatus.active(); // Ana replied at minute 2
    expect(timersFor(h, settings)).toEqual([{ kind: "reply_unanswered", at: iso(2 + UNANSWERED_REPLY_MINUTES) }]);
    const fired = fireDueTimers(h, at(2 + UNANSWERED_REPLY_MINUTES));
    expect(fired.handoff.escalationLevel).toBe("lead");
    expect(audits(fired.effects)[0]).toMatchObject({ action: "escalate", actor: { kind: "system" }, payload: { level: "lead", reason: "no_visitor_answer" } });
    expect(notices(fired.effects)).toEqual([expect.objectContaining({ kind: "escalated", to: "lead" })]);
    expect(fireDueTimers(fired.handoff, at(3 * UNANSWERED_REPLY_MINUTES)).effects).toEqual([]);
  });

  it("the visitor's answer stops the clock; the next reply starts it again", () => {
    const answered = walk(inStatus.active(), [[30, { type: "visitor_message" }]]);
    expect(timersFor(answered, settings)).toEqual([]);
    const replied = walk(answered, [[40, { type: "agent_message", agent: ana, text: "Done?" }]]);
    expect(timersFor(replied, settings)).toEqual([{ kind: "reply_unanswered", at: iso(40 + UNANSWERED_REPLY_MINUTES) }]);
  });

  it("on the manager rung it stays with the manager: never down the ladder", () => {
    const fired = fireDueTimers(managerEscalated(), at(2 + UNANSWERED_REPLY_MINUTES));
    expect(fired.handoff.escalationLevel).toBe("manager");
    expect(notices(fired.effects).filter((n) => n.kind === "escalated")).toEqual([expect.objectContaining({ to: "manager" })]);
  });
});

describe("the suggested rung (L2 lead or L3 manager)", () => {
  it.each([
    ["a visitor asking for a manager", ["explicit_phrase:get me your manager", "asks_for_manager"]],
    ["a VIP", ["category:existing_client", "vip"]],
    ["abusive language", ["frustration_abuse:you idiots", "offer_accepted"]],
    ["a refund over the threshold", ["category:refunds_billing", "refund_over_limit:900>500"]],
    ["high-risk words", ["category:high_risk", "keyword:chargeback"]],
  ])("%s → manager", (_name, reasons) => {
    expect(suggestEscalationLevel(reasons)).toBe("manager");
  });

  it("a missing suggested reply → manager (the runbook's 'do not approve, escalate')", () => {
    expect(suggestEscalationLevel({ reasons: ["explicit_phrase:can i talk to a person"], suggestedReply: "  " })).toBe("manager");
    expect(suggestEscalationLevel({ reasons: ["explicit_phrase:can i talk to a person"], suggestedReply: "Hi Ana" })).toBe("lead");
  });

  it("a policy exception is a built-in manager category", () => {
    expect(suggestEscalationLevel(["category:policy_exception", "keyword:make an exception"], settings.categories)).toBe("manager");
  });

  it("honours the project's own manager categories", () => {
    const reasons = ["category:vip_accounts", "keyword:platinum"];
    expect(suggestEscalationLevel(reasons)).toBe("lead");
    expect(suggestEscalationLevel(reasons, [{ id: "vip_accounts", suggestManager: true }])).toBe("manager");
    expect(suggestEscalationLevel(reasons, [{ id: "vip_accounts", suggestManager: false }])).toBe("lead");
  });
});
