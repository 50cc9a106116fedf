// The desk socket's wire contract, both directions: what a project's inbox (ProjectInbox) pushes to
// every signed-in agent's desk — the open handoffs as cards, each change as a numbered event, who is
// available — and the two frames a desk sends back. Shared by the inbox, the rooms and the browser.
import * as z from "zod/mini";
import type { HandoffStatus, LeadLevel, Priority, Route, Trigger } from "./jobs";

/** Bumped on a breaking change to the frames below; sent in `desk.welcome`. */
export const DESK_PROTOCOL_VERSION = 1;

/** What happened to a handoff, as the desk shows it (a new card, a claim, any change, a resolve, a better summary). */
export const DESK_EVENT_KINDS = ["created", "claimed", "updated", "resolved", "packet-ready"] as const;
export type DeskEventKind = (typeof DESK_EVENT_KINDS)[number];

export const PRESENCE_STATUSES = ["available", "away"] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** One handoff as a queue card: enough to sort, filter and read it in one line; the room has the rest. */
export interface DeskCard {
  handoffId: string;
  conversationId: string;
  status: HandoffStatus;
  mode: "live" | "capture";
  trigger: Trigger;
  priority: Priority;
  leadLevel: LeadLevel;
  route: Route | null;
  /** The packet's summary (the rules' until a model's arrives). */
  summary: string;
  /** Until this instant a model may still replace `summary` with a better one (the room bounds the wait). */
  summaryPendingUntil: string | null;
  visitor: { name?: string; email?: string; company?: string; role?: string };
  page: { url?: string; title?: string };
  claimedBy: { id: string; name: string } | null;
  claimedAt: string | null;
  /** When the handoff opened: the visitor's wait runs from here. */
  openedAt: string;
  updatedAt: string;
  firstHumanReplyAt: string | null;
  resolvedAt: string | null;
  snoozedUntil: string | null;
  escalationLevel: "lead" | "manager" | null;
  /** For a capture (offline) handoff: the reply-by promise made to the visitor. */
  commitmentBy: string | null;
}

/** A change of one card, as a room publishes it; `id` makes a redelivery a no-op. */
export interface DeskEvent {
  id: string;
  kind: DeskEventKind;
  card: DeskCard;
}

export interface DeskAgentPresence {
  id: string;
  name: string;
  status: PresenceStatus;
}

// --- room (inbox) → desk ------------------------------------------------------------------------

/** First frame on every desk socket. `resumed`: the events after `since` follow; otherwise a snapshot does. */
export interface DeskWelcomeFrame {
  type: "desk.welcome";
  protocol: typeof DESK_PROTOCOL_VERSION;
  agent: { id: string; name: string };
  lastSeq: number;
  resumed: boolean;
}

/** Every card the inbox holds (open handoffs, and those closed in the last day) as of event `seq`. */
export interface DeskSnapshotFrame {
  type: "desk.snapshot";
  seq: number;
  cards: DeskCard[];
}

/** One change, numbered: a desk applies events in `seq` order and skips any it already has. */
export interface DeskEventFrame {
  type: "desk.event";
  seq: number;
  at: string;
  kind: DeskEventKind;
  card: DeskCard;
}

/** Who is signed in to a desk and whether they take conversations now. */
export interface DeskPresenceFrame {
  type: "desk.presence";
  agents: DeskAgentPresence[];
  available: number;
}

export interface DeskErrorFrame {
  type: "error";
  code: "bad_json" | "frame_too_large" | "unknown_type" | "invalid_frame" | "rate_limited";
  message: string;
}

export type DeskServerFrame = DeskWelcomeFrame | DeskSnapshotFrame | DeskEventFrame | DeskPresenceFrame | DeskErrorFrame | { type: "pong" };

// --- desk → inbox -------------------------------------------------------------------------------

/** `auto`: the tab went idle or came back (this desk only); without it, the agent's toggle (all their desks). */
export const deskPresenceFrame = z.object({ type: z.literal("desk.presence"), status: z.enum(PRESENCE_STATUSES), auto: z.optional(z.boolean()) });
const deskClientFrame = z.discriminatedUnion("type", [deskPresenceFrame, z.object({ type: z.literal("ping") })]);
export type DeskClientFrame = z.output<typeof deskClientFrame>;

const MAX_DESK_FRAME_BYTES = 1024;

/** Decodes one raw frame from a desk. Never throws. */
export function decodeDeskFrame(raw: string | ArrayBuffer | ArrayBufferView): { ok: true; frame: DeskClientFrame } | { ok: false; error: DeskErrorFrame } {
  const size = typeof raw === "string" ? raw.length : raw.byteLength;
  if (size > MAX_DESK_FRAME_BYTES)
    return { ok: false, error: { type: "error", code: "frame_too_large", message: `desk frames are limited to ${MAX_DESK_FRAME_BYTES} bytes` } };
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
  } catch {
    return { ok: false, error: { type: "error", code: "bad_json", message: "frame is not valid JSON" } };
  }
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type !== "desk.presence" && type !== "ping") {
    return { ok: false, error: { type: "error", code: "unknown_type", message: `unknown frame type ${JSON.stringify(type ?? null).slice(0, 60)}` } };
  }
  const parsed = deskClientFrame.safeParse(value);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: { type: "error", code: "invalid_frame", message: `${issue?.path.join(".") || "frame"}: ${issue?.message ?? "invalid"}` } };
}
