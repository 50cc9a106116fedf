// The embedded, deterministic bot: answers from the project's knowledge base by retrieval
// (knowledge-index.ts), handles small talk, and says honestly when it does not know instead of
// guessing. It is one engine behind the BotEngine seam (adapters/llm/); the escalation brain decides handoffs.
import { isQuestion } from "../escalation/intents";
import { analyzeSentiment } from "../escalation/sentiment";
import type { KnowledgeEntry } from "../settings";
import { knowledgeIndexFor, type Retrieval, type VectorHit } from "./knowledge-index";
import { analyzeTerms } from "../text-terms";

export type BotReply =
  | { kind: "answer"; text: string; entryId: string; score: number }
  | { kind: "smalltalk"; text: string }
  | { kind: "unknown"; text: string };

/** The concept terms of a text (see text-terms.ts): what resources and entries are matched on. */
export function terms(text: string): readonly string[] {
  return analyzeTerms(text);
}

const GREETING = /^(hi|hello|hey|good (morning|afternoon|evening)|hiya|yo)\b[\s!.,]*$/i;
const THANKS = /^(thanks|thank you|thx|cheers|great,? thanks|perfect,? thanks)\b[\s!.,]*$/i;

/** What the bot says when the knowledge base has no answer: honest, and an open door to a human. */
export const UNKNOWN_ANSWER = "I'm not sure about that one, and I'd rather not guess. Could you rephrase it — or I can get someone from the team to help.";

export const ACKNOWLEDGE = "Thanks, that's useful context. What would you like to know?";

/** The answer to an insult or an angry remark: calm, no defence, a person on offer. Never "useful context". */
export const CALM_REPLY =
  "I'm sorry this has been frustrating. If you'd rather talk it through with a person from the team, just say so and I'll bring someone in.";

const REQUEST_VERB = /^(please\s+)?(tell|show|give|explain|help|send|find|list|describe|write|make)\b/i;

/** A sentence that gives context rather than asking for something (four words or more). */
function isStatement(text: string): boolean {
  return !isQuestion(text) && !REQUEST_VERB.test(text) && text.split(/\s+/).length >= 4;
}

/** Angry or abusive: the visitor gets a calm offer of a person, not an acknowledgement. */
function isHostile(text: string): boolean {
  const sentiment = analyzeSentiment(text);
  return sentiment.frustration.length > 0 || sentiment.negativity >= 0.5;
}

/** The knowledge base's view of one question (the best entry, the candidates). */
export function retrieveKnowledge(text: string, knowledgeBase: readonly KnowledgeEntry[], vector?: readonly VectorHit[]): Retrieval {
  return knowledgeIndexFor(knowledgeBase).retrieve(text, vector);
}

/** The rules engine's reply to one visitor message; `vector` adds an embeddings engine's similarities. */
export function replyFromKnowledge(text: string, knowledgeBase: readonly KnowledgeEntry[], vector?: readonly VectorHit[]): BotReply {
  const trimmed = text.trim();
  if (GREETING.test(trimmed)) return { kind: "smalltalk", text: "Hello! What can I help you with today?" };
  if (THANKS.test(trimmed)) return { kind: "smalltalk", text: "You're welcome! Anything else I can help with?" };
  const { best } = retrieveKnowledge(trimmed, knowledgeBase, vector);
  if (best) return { kind: "answer", text: best.entry.answer, entryId: best.entryId, score: Math.round(best.confidence * 100) / 100 };
  if (isHostile(trimmed)) return { kind: "smalltalk", text: CALM_REPLY };
  // Context the visitor volunteers ("we're a 50-person fintech") is not a question the bot failed.
  if (isStatement(trimmed)) return { kind: "smalltalk", text: ACKNOWLEDGE };
  return { kind: "unknown", text: UNKNOWN_ANSWER };
}
