// Building blocks every room rule uses: store a message (next seq, append, broadcast), let the bot
// speak, and the frames clients see for a stored row or a handoff.
import type { StoredMessage } from "../transcript";
import { PROTOCOL_VERSION, type Role, type WelcomeFrame, type MessageFrame, type NoteFrame, type HandoffFrame, type PacketFrame } from "../../protocol/frames";
import type { Lifecycle } from "../handoff/handoff-types";
import type { Settings } from "../settings";
import type { RoomState, Transition, RoomContext } from "./room-types";
import type { BotReply } from "../bot/rules-bot";
import type { BotLogEntry } from "../handoff/context-packet";

/** The frame every client sees for a stored row. */
export function frameOf(message: StoredMessage): MessageFrame | NoteFrame {
  const extra = message.clientId !== undefined ? { clientId: message.clientId } : {};
  if (message.kind === "note") {
    return { type: "note", seq: message.seq, text: message.text, at: message.at, ...extra, author: message.author ?? { id: "", name: "" } };
  }
  return {
    type: "message",
    seq: message.seq,
    from: message.from,
    text: message.text,
    at: message.at,
    ...extra,
    ...(message.author ? { author: message.author } : {}),
  };
}

export function handoffFrame(handoff: Lifecycle): HandoffFrame {
  return {
    type: "handoff",
    handoffId: handoff.id,
    status: handoff.status,
    mode: handoff.mode,
    trigger: handoff.trigger,
    ...(handoff.claimedBy ? { claimedBy: handoff.claimedBy } : {}),
    ...(handoff.satisfaction !== undefined ? { satisfaction: handoff.satisfaction } : {}),
  };
}

/** The context packet as agents receive it (never a visitor: it holds reasons, lead level, sentiment). */
export function packetFrame(handoff: Lifecycle): PacketFrame {
  return {
    type: "packet",
    handoffId: handoff.id,
    packet: handoff.packet,
    ...(handoff.summaryPendingUntil ? { summaryPendingUntil: handoff.summaryPendingUntil } : {}),
  };
}

/** Appends one message: the next seq, stored, then broadcast to whoever may see it. */
export function store(state: RoomState, message: Omit<StoredMessage, "seq">): Transition & { seq: number } {
  const seq = state.lastSeq + 1;
  const stored: StoredMessage = { ...message, seq };
  return {
    state: { ...state, lastSeq: seq },
    effects: [
      { type: "append", message: stored },
      { type: "broadcast", to: message.kind === "note" ? "agents" : "everyone", frame: frameOf(stored) },
    ],
    seq,
  };
}

/** The bot's answer to visitor message `question`, logged for "what the bot tried". */
export function botReplies(
  state: RoomState,
  reply: BotReply,
  question: { seq: number; text: string },
  append: string | undefined,
  ctx: RoomContext,
): Transition {
  const entry: BotLogEntry = {
    seq: question.seq,
    question: question.text,
    outcome: reply.kind,
    ...(reply.kind === "answer" ? { entryId: reply.entryId } : {}),
  };
  const logged = { ...state, botLog: [...state.botLog, entry].slice(-10) };
  return botSays(logged, append ? `${reply.text}\n\n${append}` : reply.text, ctx);
}

/** A bot message authored by the project's bot. */
export function botSays(state: RoomState, text: string, ctx: Pick<RoomContext, "now" | "settings">): Transition {
  return store(state, { kind: "message", from: "bot", text, at: ctx.now.toISOString(), author: { id: "bot", name: ctx.settings.botName } });
}

/** The first frame on every socket: protocol version, role, the last seq, and how the bot presents itself. */
export function welcomeFrame(state: RoomState, role: Role, settings: Pick<Settings, "botName" | "greeting">): WelcomeFrame {
  const bot = { name: settings.botName, greeting: settings.greeting };
  return { type: "welcome", protocol: PROTOCOL_VERSION, conversationId: state.conversationId, role, lastSeq: state.lastSeq, bot };
}
