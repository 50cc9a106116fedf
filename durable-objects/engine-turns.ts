// The effects that need a bot engine (classify, reply, summarize): ask it, and turn the answer into
// the room event that feeds it back through the same transition. The engine's own bound and
// fallback (adapters/llm) keep a slow model from holding the room.
import { type BotEngine, rulesEngine } from "../adapters/llm/engine";
import type { Effect, RoomEvent } from "../domain/room/room-types";
import type { Settings } from "../domain/settings";
import type { StoredMessage } from "../domain/transcript";

export type EngineEffect = Extract<Effect, { type: "analyze" | "bot-turn" | "summarize" }>;

export interface EngineContext {
  engine: BotEngine;
  settings: Settings;
  /** The recent visitor-visible transcript; read only when called. */
  transcript: () => StoredMessage[];
}

/** How much of the transcript an engine reads. */
const ENGINE_TRANSCRIPT = 50;

export interface EngineDeps {
  engine: BotEngine;
  settings: () => Promise<Settings>;
  /** The recent visitor-visible transcript, `limit` messages. */
  transcript: (limit: number) => StoredMessage[];
  /** Makes the turn's writes durable (workerd holds outgoing frames until they are). */
  sync: () => Promise<void>;
}

/** One room's engine: what the room asks it, and whether it writes the replies itself (an LLM) or the rules do. */
export class EngineTurns {
  readonly writesReplies: boolean;
  /** The rules engine has nothing to add to a visitor message's analysis: its turn is answered inline (inline-turns.ts). */
  readonly analyzesInline: boolean;

  constructor(private readonly deps: EngineDeps) {
    this.writesReplies = deps.engine !== rulesEngine;
    this.analyzesInline = !this.writesReplies;
  }

  /** The answer to an effect that needs no waiting: the rules engine's analysis (no hints). */
  readonly answerNow = (effect: Effect): RoomEvent | null =>
    this.analyzesInline && effect.type === "analyze" ? { type: "visitor.analyzed", seq: effect.seq, text: effect.text, hints: null } : null;

  /** Asks the engine what an effect needs; the answer comes back as an event. */
  async ask(effect: EngineEffect): Promise<RoomEvent> {
    // Commit the visitor's message first, so its frames leave before the bot's work.
    if (effect.type === "analyze") await this.deps.sync();
    const transcript = () => this.deps.transcript(ENGINE_TRANSCRIPT);
    return askEngine(effect, { engine: this.deps.engine, settings: await this.deps.settings(), transcript });
  }
}

/** Asks the engine what `effect` needs, and returns the event that carries the answer back. */
export async function askEngine(effect: EngineEffect, { engine, settings, transcript }: EngineContext): Promise<RoomEvent> {
  // The rules engine reads no transcript, so none is loaded for it.
  const context = () => (engine.usesTranscript ? transcript() : []);
  switch (effect.type) {
    case "analyze": {
      const hints = await engine.classify({ text: effect.text, transcript: context(), settings });
      return { type: "visitor.analyzed", seq: effect.seq, text: effect.text, hints };
    }
    case "bot-turn": {
      const reply = await engine.reply({ text: effect.text, transcript: context(), settings, ...(effect.knowledge ? { vector: effect.knowledge } : {}) });
      return { type: "bot.reply", reply, inReplyTo: effect.seq, question: effect.text, ...(effect.append ? { append: effect.append } : {}) };
    }
    case "summarize": {
      const summary = await engine.summarize({ transcript: transcript(), reason: effect.reason, rulesSummary: effect.rulesSummary });
      return { type: "handoff.summarized", handoffId: effect.handoffId, summary };
    }
  }
}
