// What another engine (an LLM) noticed in a visitor message, and how that adds to the rules'
// signals. Hints only ever add a signal the rules missed; they never remove one.
import type { Signals } from "../escalation/decision";
import type { VectorHit } from "./knowledge-index";
import { detectExplicitRequest } from "../escalation/intents";
import { analyzeSentiment } from "../escalation/sentiment";

/** What an LLM engine noticed in a message. Hints only add to the rules' signals, never remove one. */
export interface LlmHints {
  wantsHuman: boolean;
  frustrated: boolean;
  name?: string;
  company?: string;
  role?: string;
  /** An embeddings engine's similarity of the message to each knowledge entry: retrieval becomes hybrid. */
  knowledge?: VectorHit[];
}

/** The signals an LLM adds on top of the rules detectors (an empty object when it adds nothing). */
export function signalsFromHints(text: string, hints: LlmHints | null): Partial<Signals> {
  if (!hints) return {};
  const added: Partial<Signals> = {};
  if (hints.wantsHuman && !detectExplicitRequest(text)) added.explicitRequest = { phrase: "llm:wants_human", source: "llm", route: null };
  if (hints.frustrated) {
    const sentiment = analyzeSentiment(text);
    if (sentiment.frustration.length === 0) added.sentiment = { ...sentiment, frustration: [{ kind: "complaint", phrase: "llm:frustrated" }] };
  }
  return added;
}
