// The conversation room's rules as a pure transition: (state, event, {now}) -> {state, effects}.
// The Durable Object decodes input into events, stores what `append` effects say before it
// sends anything, and runs the other effects. No I/O and no clock here.
import type { MessageFrame, NoteFrame, RoomFrame, Sender } from "../protocol/frames";
import type { BotReply } from "./rules-bot";

export interface Author {
  id: string;
  name: string;
}

export interface VisitorInfo {
  name?: string;
  email?: string;
}

export interface PageInfo {
  url?: string;
  title?: string;
  referrer?: string;
}

export interface RoomState {
  conversationId: string;
  projectId: string;
  createdAt: string;
  visitor: VisitorInfo;
  page: PageInfo;
  userAgent?: string;
  /** The highest seq stored; every stored message or note takes the next one. */
  lastSeq: number;
  bot: {
    /** Consecutive visitor messages the bot could not answer. */
    consecutiveUnknown: number;
    answered: number;
  };
}

/** A row of the room's transcript. Notes are internal and never reach a visitor. */
export interface StoredMessage {
  seq: number;
  kind: "message" | "note";
  from: Sender;
  text: string;
  at: string;
  clientId?: string;
  author?: Author;
}

export type RoomEvent =
  | { type: "visitor.message"; clientId: string; text: string }
  | { type: "agent.message"; clientId: string; text: string; agent: Author }
  | { type: "agent.note"; clientId?: string; text: string; agent: Author }
  | { type: "bot.reply"; reply: BotReply; inReplyTo: number; botName: string };

export type Audience = "everyone" | "agents";

export type Effect =
  | { type: "append"; message: StoredMessage }
  | { type: "broadcast"; to: Audience; frame: RoomFrame }
  /** Ask the bot engine for a reply to visitor message `seq`; its answer comes back as `bot.reply`. */
  | { type: "bot-turn"; seq: number; text: string };

export interface Transition {
  state: RoomState;
  effects: Effect[];
}

export interface NewRoom {
  conversationId: string;
  projectId: string;
  visitor?: VisitorInfo;
  page?: PageInfo;
  userAgent?: string;
}

export function createRoom(input: NewRoom, now: Date): RoomState {
  return {
    conversationId: input.conversationId,
    projectId: input.projectId,
    createdAt: now.toISOString(),
    visitor: input.visitor ?? {},
    page: input.page ?? {},
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
    lastSeq: 0,
    bot: { consecutiveUnknown: 0, answered: 0 },
  };
}

/** The frame every client sees for a stored row. */
export function frameOf(message: StoredMessage): MessageFrame | NoteFrame {
  const extra = {
    ...(message.clientId !== undefined ? { clientId: message.clientId } : {}),
  };
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

/** Which audiences may see a stored row. */
export function audienceOf(message: StoredMessage): Audience {
  return message.kind === "note" ? "agents" : "everyone";
}

function store(state: RoomState, message: Omit<StoredMessage, "seq">): { state: RoomState; effects: Effect[]; seq: number } {
  const seq = state.lastSeq + 1;
  const stored: StoredMessage = { ...message, seq };
  return {
    state: { ...state, lastSeq: seq },
    effects: [
      { type: "append", message: stored },
      { type: "broadcast", to: audienceOf(stored), frame: frameOf(stored) },
    ],
    seq,
  };
}

export function transition(state: RoomState, event: RoomEvent, ctx: { now: Date }): Transition {
  const at = ctx.now.toISOString();
  switch (event.type) {
    case "visitor.message": {
      const out = store(state, { kind: "message", from: "visitor", text: event.text, at, clientId: event.clientId });
      return { state: out.state, effects: [...out.effects, { type: "bot-turn", seq: out.seq, text: event.text }] };
    }
    case "agent.message": {
      const out = store(state, { kind: "message", from: "agent", text: event.text, at, clientId: event.clientId, author: event.agent });
      return { state: out.state, effects: out.effects };
    }
    case "agent.note": {
      const out = store(state, {
        kind: "note",
        from: "agent",
        text: event.text,
        at,
        ...(event.clientId ? { clientId: event.clientId } : {}),
        author: event.agent,
      });
      return { state: out.state, effects: out.effects };
    }
    case "bot.reply": {
      const unknown = event.reply.kind === "unknown";
      const counted: RoomState = {
        ...state,
        bot: {
          consecutiveUnknown: unknown ? state.bot.consecutiveUnknown + 1 : 0,
          answered: state.bot.answered + (event.reply.kind === "answer" ? 1 : 0),
        },
      };
      const out = store(counted, { kind: "message", from: "bot", text: event.reply.text, at, author: { id: "bot", name: event.botName } });
      return { state: out.state, effects: out.effects };
    }
  }
}
