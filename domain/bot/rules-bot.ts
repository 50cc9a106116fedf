// The embedded, deterministic bot: answers from the project's knowledge base by word overlap,
// handles small talk, and says honestly when it does not know instead of guessing.
// It is one engine behind the BotEngine seam (worker/llm/); the escalation brain decides handoffs.
import { isQuestion } from "../escalation/intents";
import type { KnowledgeEntry } from "../settings";

export type BotReply =
  | { kind: "answer"; text: string; entryId: string; score: number }
  | { kind: "smalltalk"; text: string }
  | { kind: "unknown"; text: string };

const STOPWORDS = new Set(
  (
    "a an and are as at be but by can could do does for from have how i if in into is it its me my of on or our " +
    "please so that the their them then there these they this to us was we what when where which who why will with " +
    "would you your yours about any some just tell know want need get like hi hey hello there much many also"
  ).split(" "),
);

/** Lower-cases, strips accents and punctuation, drops stopwords and folds simple English suffixes. */
export function terms(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .split(" ")
    .filter((w) => w.length > 1 && !STOPWORDS.has(w))
    .map(stem);
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

const GREETING = /^(hi|hello|hey|good (morning|afternoon|evening)|hiya|yo)\b[\s!.,]*$/i;
const THANKS = /^(thanks|thank you|thx|cheers|great,? thanks|perfect,? thanks)\b[\s!.,]*$/i;

/** What the bot says when the knowledge base has no answer: honest, and an open door to a human. */
export const UNKNOWN_ANSWER = "I'm not sure about that one, and I'd rather not guess. Could you rephrase it — or I can get someone from the team to help.";

export const ACKNOWLEDGE = "Thanks, that's useful context. What would you like to know?";

/** Minimum score for an entry to count as the answer; below it the bot admits it does not know. */
export const ANSWER_THRESHOLD = 0.5;

/** An entry's words, computed once per knowledge base (settings objects are reused between messages). */
interface EntryTerms {
  question: Set<string>;
  keywords: Set<string>;
}
const compiled = new WeakMap<readonly KnowledgeEntry[], EntryTerms[]>();

function termsOf(knowledgeBase: readonly KnowledgeEntry[]): EntryTerms[] {
  let entries = compiled.get(knowledgeBase);
  if (!entries) {
    entries = knowledgeBase.map((e) => ({ question: new Set(terms(e.question)), keywords: new Set(e.keywords.flatMap((k) => terms(k))) }));
    compiled.set(knowledgeBase, entries);
  }
  return entries;
}

/** Scores how well a knowledge entry covers the visitor's question (0–1+; keywords weigh double). */
export function scoreEntry(questionTerms: readonly string[], entry: KnowledgeEntry | EntryTerms): number {
  if (questionTerms.length === 0) return 0;
  const { question, keywords } = "answer" in entry ? termsOf([entry])[0]! : entry;
  const unique = new Set(questionTerms);
  let score = 0;
  for (const term of unique) {
    if (keywords.has(term)) score += 2;
    else if (question.has(term)) score += 1;
  }
  return score / Math.max(2, unique.size);
}

const REQUEST_VERB = /^(please\s+)?(tell|show|give|explain|help|send|find|list|describe|write|make)\b/i;

/** A sentence that gives context rather than asking for something (four words or more). */
function isStatement(text: string): boolean {
  return !isQuestion(text) && !REQUEST_VERB.test(text) && text.split(/\s+/).length >= 4;
}

/** The rules engine's reply to one visitor message. */
export function replyFromKnowledge(text: string, knowledgeBase: readonly KnowledgeEntry[]): BotReply {
  const trimmed = text.trim();
  if (GREETING.test(trimmed)) return { kind: "smalltalk", text: "Hello! What can I help you with today?" };
  if (THANKS.test(trimmed)) return { kind: "smalltalk", text: "You're welcome! Anything else I can help with?" };

  const questionTerms = terms(trimmed);
  let best: { entry: KnowledgeEntry; index: number; score: number } | null = null;
  const entryTerms = termsOf(knowledgeBase);
  knowledgeBase.forEach((entry, index) => {
    const score = scoreEntry(questionTerms, entryTerms[index]!);
    if (score > (best?.score ?? 0)) best = { entry, index, score };
  });
  const found = best as { entry: KnowledgeEntry; index: number; score: number } | null;
  if (found && found.score >= ANSWER_THRESHOLD) {
    return { kind: "answer", text: found.entry.answer, entryId: found.entry.id ?? `kb${found.index}`, score: found.score };
  }
  // Context the visitor volunteers ("we're a 50-person fintech") is not a question the bot failed.
  if (isStatement(trimmed)) return { kind: "smalltalk", text: ACKNOWLEDGE };
  return { kind: "unknown", text: UNKNOWN_ANSWER };
}
