// Test support for the handoff lifecycle: a freshly opened handoff and a way to walk it through
// commands at given minutes. Used by the unit tests only; nothing in the worker imports it.
import type { ContextPacket } from "../../protocol/jobs";
import { defaultEscalationSettings } from "../escalation/escalation-settings";
import { applyCommand, type CommandResult, type HandoffCommand, type LifecycleContext } from "./machine";
import type { Agent, Lifecycle } from "./handoff-types";

/** Wednesday 4 March 2026, 11:00 in Paris: inside the default Mon–Fri 9:00–18:00 hours. */
export const T0 = Date.parse("2026-03-04T10:00:00.000Z");
export const ana: Agent = { id: "agt_ana", name: "Ana" };
export const ben: Agent = { id: "agt_ben", name: "Ben" };

/** The instant `m` minutes after T0 (fractions allowed). */
export function minute(m: number): Date {
  return new Date(T0 + m * 60_000);
}

export function iso(m: number): string {
  return minute(m).toISOString();
}

export const settings: LifecycleContext["settings"] = { ...defaultEscalationSettings(), abandonAfterMinutes: 10 };

export function packet(email?: string): ContextPacket {
  return {
    summary: "Ana from Acme asks for a refund of $1200 for a duplicated invoice.",
    botTried: [],
    trigger: "sensitive",
    reasons: ["category:refunds_billing", "keyword:a refund", "refund_over_limit:1200>500"],
    route: "support",
    priority: "high",
    qualification: {
      problemFit: { confidence: 0, evidence: [] },
      authorityFit: { confidence: 0, evidence: [] },
      companyFit: { confidence: 0, evidence: [] },
      timingFit: { confidence: 0, evidence: [] },
      persona: null,
    },
    leadLevel: "cold",
    sentiment: { negativity: 0.2, label: "neutral" },
    suggestedReply: "Hi Ana, I can help with that refund.",
    visitor: email ? { email, name: "Ana" } : { name: "Ana" },
    page: { url: "https://acme.test/billing" },
    mode: "live",
    timestamps: { conversationStartedAt: iso(-3), handoffAt: iso(0), lastVisitorMessageAt: iso(0) },
    messageCount: 4,
    durationSeconds: 180,
  };
}

/** A handoff as `openHandoff` leaves it at T0: pending, live unless told otherwise. */
export function opened(options: { mode?: "live" | "capture"; email?: string } = {}): Lifecycle {
  const mode = options.mode ?? "live";
  const p = packet(options.email);
  return {
    id: "h_1",
    status: "pending",
    mode,
    trigger: "sensitive",
    reasons: p.reasons,
    route: "support",
    priority: "high",
    leadLevel: "cold",
    openedAt: iso(0),
    updatedAt: iso(0),
    availability: { mode, reason: mode === "live" ? "open" : "outside_hours", hoursLabel: "Mon–Fri 9:00–18:00 CET", commitment: null },
    packet: { ...p, mode },
  };
}

/** `applyCommand` at minute `m`. */
export function apply(handoff: Lifecycle, command: HandoffCommand, m: number, ctx: Partial<LifecycleContext> = {}): CommandResult {
  return applyCommand(handoff, command, { now: minute(m), settings, ...ctx });
}

/** Applies the steps in order and fails loudly if one is refused. */
export function walk(handoff: Lifecycle, steps: readonly [number, HandoffCommand][], ctx: Partial<LifecycleContext> = {}): Lifecycle {
  let current = handoff;
  for (const [m, command] of steps) {
    const result = apply(current, command, m, ctx);
    if (!result.ok) throw new Error(`step ${command.type} at ${m} refused: ${result.code} ${result.message}`);
    current = result.handoff;
  }
  return current;
}

/** One handoff in each status, Ana claiming where someone claims; the last step is at minute 10.5 or earlier. */
export const inStatus: Record<Lifecycle["status"], () => Lifecycle> = {
  pending: () => opened(),
  notified: () => walk(opened(), [[0, { type: "notified" }]]),
  claimed: () =>
    walk(opened(), [
      [0, { type: "notified" }],
      [1, { type: "claim", agent: ana }],
    ]),
  active: () => walk(inStatus.claimed(), [[2, { type: "agent_message", agent: ana, text: "Hi Ana, I can help." }]]),
  resolved: () => walk(inStatus.active(), [[3, { type: "resolve", agent: ana }]]),
  abandoned: () =>
    walk(inStatus.notified(), [
      [0.5, { type: "visitor_left" }],
      [5, { type: "timer", kind: "response_timeout" }],
      [10.5, { type: "timer", kind: "abandon" }],
    ]),
  converted_to_ticket: () =>
    walk(inStatus.notified(), [
      [5, { type: "timer", kind: "response_timeout" }],
      [7, { type: "timer", kind: "reminder_grace" }],
    ]),
};

/** The `type`s of a result's effects, in order (empty for a rejection). */
export function effectTypes(result: CommandResult): string[] {
  return result.ok ? result.effects.map((e) => e.type) : [];
}
