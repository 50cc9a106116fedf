// Reads frames from the room without zod (the widget has a byte budget): a hand-written guard
// for the few room frames a visitor acts on. Anything else, including future types, is null.
import type { ErrorFrame, HandoffFrame, MessageFrame, PongFrame, Sender, WelcomeFrame } from "../protocol/frames";
import type { HandoffUpdate } from "./handoff";

/** The agent's typing indicator (a room `typing` frame from the agent): who, and whether they started or stopped. */
export type AgentTyping = { type: "typing"; typing: boolean; name: string };

export type VisitorRoomFrame = WelcomeFrame | MessageFrame | HandoffUpdate | ErrorFrame | PongFrame | AgentTyping;

const SENDERS: readonly string[] = ["visitor", "bot", "agent", "system"] satisfies Sender[];
const HANDOFF_STATUSES: readonly string[] = [
  "pending",
  "notified",
  "claimed",
  "active",
  "resolved",
  "abandoned",
  "converted_to_ticket",
] satisfies HandoffFrame["status"][];
const HANDOFF_MODES: readonly string[] = ["live", "capture"] satisfies HandoffFrame["mode"][];

/** Parses one socket message; returns null for garbage and for frame types the widget ignores. */
export function readRoomFrame(data: unknown): VisitorRoomFrame | null {
  if (typeof data !== "string") return null;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(v)) return null;
  switch (v.type) {
    case "message":
      return readMessage(v);
    case "welcome":
      return typeof v.conversationId === "string" && isSeq(v.lastSeq, 0)
        ? {
            type: "welcome",
            protocol: v.protocol as WelcomeFrame["protocol"],
            conversationId: v.conversationId,
            role: "visitor",
            lastSeq: v.lastSeq,
            bot: readBot(v.bot),
          }
        : null;
    case "handoff": {
      // A status or mode this version does not know says nothing it can show: ignore the frame.
      if (typeof v.handoffId !== "string" || !v.handoffId || !HANDOFF_STATUSES.includes(v.status as string) || !HANDOFF_MODES.includes(v.mode as string))
        return null;
      const claimer = isRecord(v.claimedBy) && typeof v.claimedBy.name === "string" ? v.claimedBy.name : "";
      return {
        type: "handoff",
        handoffId: v.handoffId,
        status: v.status as HandoffFrame["status"],
        mode: v.mode as HandoffFrame["mode"],
        ...(claimer ? { claimedBy: claimer } : {}),
        ...(isSeq(v.satisfaction, 1) ? { satisfaction: v.satisfaction } : {}),
      };
    }
    case "typing":
      return v.from === "agent" && typeof v.typing === "boolean"
        ? { type: "typing", typing: v.typing, name: isRecord(v.author) && typeof v.author.name === "string" ? v.author.name : "" }
        : null;
    case "error":
      return typeof v.code === "string" && typeof v.message === "string"
        ? { type: "error", code: v.code as ErrorFrame["code"], message: v.message, ...(typeof v.clientId === "string" ? { clientId: v.clientId } : {}) }
        : null;
    case "pong":
      return { type: "pong" };
    default:
      return null;
  }
}

function readMessage(v: Record<string, unknown>): MessageFrame | null {
  if (!isSeq(v.seq, 1) || typeof v.text !== "string" || typeof v.at !== "string") return null;
  if (typeof v.from !== "string" || !SENDERS.includes(v.from)) return null;
  const message: MessageFrame = { type: "message", seq: v.seq, from: v.from as Sender, text: v.text, at: v.at };
  if (typeof v.clientId === "string" && v.clientId) message.clientId = v.clientId;
  const author = v.author;
  if (isRecord(author) && typeof author.id === "string" && typeof author.name === "string") {
    message.author = { id: author.id, name: author.name };
  }
  return message;
}

function readBot(v: unknown): WelcomeFrame["bot"] {
  return isRecord(v) && typeof v.name === "string" && typeof v.greeting === "string" ? { name: v.name, greeting: v.greeting } : { name: "", greeting: "" };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isSeq(v: unknown, min: number): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= min;
}
