// What bench visitors say: the demo project's own knowledge-base questions and their variants
// (scripts/demo-project.json), each of which the rules bot answers, taken in turn so that no room
// hears the same question twice in a row. A visitor message the bot cannot answer is not the
// common path: three in a row open a `bot_failure` handoff, and the bench would measure handoffs.
import { readFileSync } from "node:fs";
import path from "node:path";

const demo = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "..", "..", "scripts", "demo-project.json"), "utf8"));
const settings = demo.settings ?? demo;

/** Every question the demo knowledge base answers, in a fixed order. */
export const VISITOR_QUESTIONS = settings.knowledgeBase.flatMap((entry) => [entry.question, ...(entry.variants ?? [])]);

/** The n-th visitor question (any integer n), rotating through the whole list. */
export function visitorQuestion(n) {
  return VISITOR_QUESTIONS[((n % VISITOR_QUESTIONS.length) + VISITOR_QUESTIONS.length) % VISITOR_QUESTIONS.length];
}
