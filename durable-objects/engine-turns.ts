// The effects that need a bot engine (classify, reply, summarize): ask it, and turn the answer into
// the room event that feeds it back through the same transition. The engine's own bound and
// fallback (adapters/llm) keep a slow model from holding the room.
import type { BotEngine } from "../adapters/llm/engine";
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
