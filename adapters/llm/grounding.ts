// What an LLM may answer from: only the knowledge entries retrieval found for this question (the
// same hybrid search the rules engine uses), never the whole knowledge base. With nothing retrieved
// the model is not asked at all: the rules engine's honest reply stands. Pure; the engines call it.
import { replyFromKnowledge, retrieveKnowledge, UNKNOWN_ANSWER, type BotReply } from "../../domain/bot/rules-bot";
import type { BotTurnInput } from "./engine";

export interface GroundedEntry {
  id: string;
  question: string;
  answer: string;
}

export type Grounding =
  /** The entries to show the model, best first. */
  | { kind: "entries"; entries: GroundedEntry[]; best: string | null }
  /** Nothing retrieved: this reply (small talk, a calm offer, "I'm not sure") is the answer. */
  | { kind: "direct"; reply: BotReply };

/** The retrieved entries for the message, or the rules' reply when retrieval found nothing worth showing. */
export function groundingFor(input: Pick<BotTurnInput, "text" | "settings" | "vector">): Grounding {
  const { knowledgeBase } = input.settings;
  const retrieval = retrieveKnowledge(input.text, knowledgeBase, input.vector);
  if (retrieval.candidates.length === 0) return { kind: "direct", reply: replyFromKnowledge(input.text, knowledgeBase, input.vector) };
  return {
    kind: "entries",
    entries: retrieval.candidates.map((c) => ({ id: c.entryId, question: c.entry.question, answer: c.entry.answer })),
    best: retrieval.best?.entryId ?? null,
  };
}

/** The entries as the model reads them. */
export function knowledgePrompt(entries: readonly GroundedEntry[]): string {
  return entries.map((e) => `[${e.id}] Q: ${e.question}\nA: ${e.answer}`).join("\n\n");
}

/**
 * The model's structured answer as a bot reply: unanswerable or empty is the honest "I'm not
 * sure"; an entry id it was not shown is replaced by the best retrieved one.
 */
export function groundedReply(parsed: { answerable: boolean; answer: string; entryId: string }, grounding: Extract<Grounding, { kind: "entries" }>): BotReply {
  if (!parsed.answerable || !parsed.answer.trim()) return { kind: "unknown", text: UNKNOWN_ANSWER };
  const shown = grounding.entries.some((e) => e.id === parsed.entryId);
  return { kind: "answer", text: parsed.answer.trim(), entryId: shown ? parsed.entryId : (grounding.best ?? grounding.entries[0]?.id ?? "llm"), score: 1 };
}
