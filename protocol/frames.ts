// The socket wire contract, both directions, shared by the room, the worker and the widget.
// Client frames are untrusted: `decodeClientFrame` is the only way in. Room frames are typed
// unions built by the server; clients ignore types they do not know. See docs/protocol.md.
import * as z from "zod/mini";
import type { ContextPacket } from "./jobs";

/** Bumped on any breaking change to the frames below; sent in `welcome`. */
export const PROTOCOL_VERSION = 1;
export const MAX_TEXT_LENGTH = 4000;
export const MAX_CLIENT_ID_LENGTH = 100;
/** Frames larger than this many bytes (UTF-8 for text frames) are refused before parsing. */
export const MAX_FRAME_BYTES = 32 * 1024;

export type Role = "visitor" | "agent";
export type Sender = "visitor" | "bot" | "agent" | "system";

const text = z.string().check(z.trim(), z.minLength(1, "text is empty"), z.maxLength(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`));
const clientId = z.string().check(z.minLength(1), z.maxLength(MAX_CLIENT_ID_LENGTH));

export const visitorMessageFrame = z.object({ type: z.literal("visitor.message"), clientId, text });
export const agentMessageFrame = z.object({ type: z.literal("agent.message"), clientId, text });
export const agentNoteFrame = z.object({ type: z.literal("agent.note"), clientId: z.optional(clientId), text });
export const pingFrame = z.object({ type: z.literal("ping") });
/** "I am typing" (true) or "I stopped" (false); relayed, never stored. Clients send it at most every few seconds. */
export const visitorTypingFrame = z.object({ type: z.literal("visitor.typing"), typing: z.boolean() });
export const agentTypingFrame = z.object({ type: z.literal("agent.typing"), typing: z.boolean() });

const framesByRole = {
  visitor: z.discriminatedUnion("type", [visitorMessageFrame, visitorTypingFrame, pingFrame]),
  agent: z.discriminatedUnion("type", [agentMessageFrame, agentNoteFrame, agentTypingFrame, pingFrame]),
};

export type VisitorFrame = z.output<typeof framesByRole.visitor>;
export type AgentFrame = z.output<typeof framesByRole.agent>;
export type ClientFrame = VisitorFrame | AgentFrame;

export type ErrorCode =
  | "bad_json"
  | "frame_too_large"
  | "unknown_type"
  | "forbidden_type"
  | "invalid_frame"
  | "rate_limited"
  | "too_many_sockets"
  | "unauthorized"
  | "not_claimer"
  | "already_claimed"
  | "invalid_transition"
  | "forbidden"
  | "internal";

export type DecodeResult =
  | { ok: true; frame: ClientFrame }
  /** `clientId` is echoed when the bad frame carried one, so the client knows which send failed. */
  | { ok: false; code: ErrorCode; message: string; clientId?: string };

const TYPES_BY_ROLE: Record<Role, readonly string[]> = {
  visitor: ["visitor.message", "visitor.typing", "ping"],
  agent: ["agent.message", "agent.note", "agent.typing", "ping"],
};
const KNOWN_TYPES = new Set([...TYPES_BY_ROLE.visitor, ...TYPES_BY_ROLE.agent]);

/** Whether a frame is over MAX_FRAME_BYTES: UTF-8 bytes for text (1 to 3 per UTF-16 unit), the buffer's length otherwise. */
export function isFrameTooLarge(raw: string | ArrayBuffer | ArrayBufferView): boolean {
  if (typeof raw !== "string") return raw.byteLength > MAX_FRAME_BYTES;
  if (raw.length > MAX_FRAME_BYTES) return true; // over even at one byte per unit
  if (raw.length * 3 <= MAX_FRAME_BYTES) return false; // under even at three
  return new TextEncoder().encode(raw).length > MAX_FRAME_BYTES;
}

/** Decodes one raw socket frame from a client of the given role. Never throws. */
export function decodeClientFrame(role: Role, raw: string | ArrayBuffer | ArrayBufferView): DecodeResult {
  if (isFrameTooLarge(raw)) return { ok: false, code: "frame_too_large", message: `frames are limited to ${MAX_FRAME_BYTES} bytes` };
  const source = typeof raw === "string" ? raw : new TextDecoder().decode(raw);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    return { ok: false, code: "bad_json", message: "frame is not valid JSON" };
  }
  const object = typeof value === "object" && value !== null ? (value as { type?: unknown; clientId?: unknown }) : {};
  const type = object.type;
  const id = typeof object.clientId === "string" && object.clientId.length <= MAX_CLIENT_ID_LENGTH ? { clientId: object.clientId } : {};
  if (typeof type !== "string" || !KNOWN_TYPES.has(type)) {
    return { ok: false, code: "unknown_type", message: `unknown frame type ${JSON.stringify(type ?? null).slice(0, 60)}`, ...id };
  }
  if (!TYPES_BY_ROLE[role].includes(type)) return { ok: false, code: "forbidden_type", message: `a ${role} may not send ${type}`, ...id };
  const message = validMessage(type, object);
  if (message) return { ok: true, frame: message };
  const parsed = framesByRole[role].safeParse(value);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "frame";
  return { ok: false, code: "invalid_frame", message: `${field}: ${issue?.message ?? "invalid"}`, ...id };
}

/**
 * The frames every conversation is made of, checked by hand: a valid `visitor.message` or
 * `agent.message` gives what its schema above would (the known keys only, the text trimmed), and
 * anything else (null here) goes to the schema, which words the error. Per message, zod's parse
 * of the discriminated union was most of the decoding's time.
 */
function validMessage(type: string, frame: { clientId?: unknown; text?: unknown }): ClientFrame | null {
  if (type !== "visitor.message" && type !== "agent.message") return null;
  const { clientId, text } = frame;
  if (typeof clientId !== "string" || clientId.length < 1 || clientId.length > MAX_CLIENT_ID_LENGTH || typeof text !== "string") return null;
  const trimmed = text.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_TEXT_LENGTH) return null;
  return { type, clientId, text: trimmed };
}

/** A stored message as every client sees it. */
export interface MessageFrame {
  type: "message";
  seq: number;
  from: Sender;
  text: string;
  at: string;
  clientId?: string;
  author?: { id: string; name: string };
}

/** An agent-only internal note; never sent to a visitor socket. */
export interface NoteFrame {
  type: "note";
  seq: number;
  text: string;
  at: string;
  clientId?: string;
  author: { id: string; name: string };
}

export interface WelcomeFrame {
  type: "welcome";
  protocol: typeof PROTOCOL_VERSION;
  conversationId: string;
  role: Role;
  /** The highest seq stored in the room; replay of everything after `since` follows. */
  lastSeq: number;
  /** How the project's bot presents itself. */
  bot: { name: string; greeting: string };
}

export interface ErrorFrame {
  type: "error";
  code: ErrorCode;
  message: string;
  clientId?: string;
}

/** Sent whenever the conversation's handoff opens or changes, and on connect while one exists. */
export interface HandoffFrame {
  type: "handoff";
  handoffId: string;
  status: "pending" | "notified" | "claimed" | "active" | "resolved" | "abandoned" | "converted_to_ticket";
  mode: "live" | "capture";
  trigger: "hot_lead" | "explicit_request" | "out_of_scope" | "sensitive" | "frustration" | "stall" | "bot_failure" | "manual";
  /** The agent who took the conversation over, once claimed. */
  claimedBy?: { id: string; name: string };
  /** The visitor's rating (1–5) once given after a resolve: the widget stops asking. */
  satisfaction?: number;
}

/** Agents only: the handoff's context packet, on connect and whenever it changes (a model's summary arriving). */
export interface PacketFrame {
  type: "packet";
  handoffId: string;
  packet: ContextPacket;
  /** Until this instant a model may still replace `packet.summary` (the rules' meanwhile); absent: final. */
  summaryPendingUntil?: string;
}

/** The other side is typing (or stopped): the visitor's to agents, the claimer's to the visitor. Never stored. */
export interface TypingFrame {
  type: "typing";
  from: "visitor" | "agent";
  typing: boolean;
  author?: { id: string; name: string };
}

export interface PongFrame {
  type: "pong";
}

export type RoomFrame = WelcomeFrame | MessageFrame | NoteFrame | HandoffFrame | PacketFrame | TypingFrame | ErrorFrame | PongFrame;

/** Close codes the room uses (4000–4999 are application codes). */
export const CloseCode = {
  /** Too many frames after repeated rate-limit warnings. */
  abusive: 4008,
  /** The conversation already has as many visitor sockets open as it allows. */
  tooManySockets: 4009,
  /** Token missing, invalid or expired (sent by the worker as HTTP 401 before upgrade). */
  unauthorized: 4001,
} as const;
