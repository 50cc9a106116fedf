// The seam between the room and whatever writes the bot's words. The rules engine is the
// default and needs nothing; an LLM engine (adapters/llm/openai.ts) plugs in here and falls back to
// it on failure. Engines phrase things; whether to hand over is decided in domain/, never here.
import { replyFromKnowledge, type BotReply } from "../../domain/bot/rules-bot";
import type { Settings } from "../../domain/settings";
import type { StoredMessage } from "../../domain/transcript";
import type { LlmHints } from "../../domain/bot/llm-hints";
import type { VectorHit } from "../../domain/bot/knowledge-index";

export interface BotTurnInput {
  /** The visitor message to answer. */
  text: string;
  /** The transcript so far (visitor-visible messages only), oldest first. */
  transcript: readonly StoredMessage[];
  settings: Settings;
  /** What an embeddings engine found similar (from the analysis of the same message): retrieval is hybrid. */
  vector?: readonly VectorHit[];
}

export interface SummaryInput {
  transcript: readonly StoredMessage[];
  /** Why the handoff opened, in words. */
  reason: string;
  /** The rules engine's summary, which a fallback returns as is. */
  rulesSummary: string;
}

export interface BotEngine {
  readonly name: string;
  /** Whether the engine reads `transcript` (the room skips loading it otherwise). */
  readonly usesTranscript: boolean;
  reply(input: BotTurnInput, signal?: AbortSignal): Promise<BotReply>;
  /** What the engine notices beyond the rules detectors (wants a human, frustrated, who the visitor is); null: nothing to add. */
  classify(input: BotTurnInput, signal?: AbortSignal): Promise<LlmHints | null>;
  /** A 3–5 sentence summary of the conversation for the agent taking over. */
  summarize(input: SummaryInput, signal?: AbortSignal): Promise<string>;
}

export const rulesEngine: BotEngine = {
  name: "rules",
  usesTranscript: false,
  async reply(input) {
    return replyFromKnowledge(input.text, input.settings.knowledgeBase, input.vector);
  },
  async classify() {
    return null; // the rules detectors in domain/ already ran on the message
  },
  async summarize(input) {
    return input.rulesSummary;
  },
};
