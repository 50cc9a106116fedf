// A visitor's words are looked up in the brain's word lists. A plain object answers such a lookup
// for the names on Object.prototype too ("constructor", "__proto__", "toString"): the stemmer then
// returned a function and the knowledge search threw on it, so the bot never answered "Do you work
// with a constructor?". Every text path the brain runs takes those names as plain words.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import demo from "../scripts/demo-project.json";
import { renderTemplate, unknownPlaceholders } from "./desk/reply-templates";
import { replyFromKnowledge } from "./bot/rules-bot";
import { defaultEscalationSettings } from "./escalation/escalation-settings";
import { detectSignals, initialEscalationMemory } from "./escalation/decision";
import { analyzeSentiment } from "./escalation/sentiment";
import { settingsSchema } from "./settings";
import { analyzeTerms, conceptOf, stem } from "./text-terms";

const kb = settingsSchema.parse(demo.settings).knowledgeBase;
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const word = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.constantFrom("trial", "price", "help", "terrible", "thanks", "we", "are", "a", "the"));
const message = fc.array(word, { minLength: 1, maxLength: 8 }).map((words) => words.join(" "));

describe("the names on Object.prototype are plain words to the brain", () => {
  it("are stemmed and indexed as strings", () => {
    for (const name of PROTOTYPE_NAMES) {
      expect(typeof stem(name)).toBe("string");
      const concept = conceptOf(name.toLowerCase());
      expect(concept === null || typeof concept === "string").toBe(true);
    }
    for (const term of analyzeTerms(PROTOTYPE_NAMES.join(" "))) expect(typeof term).toBe("string");
  });

  it("never break the bot's reply, the signals or the sentiment score", () => {
    const settings = defaultEscalationSettings();
    fc.assert(
      fc.property(message, (text) => {
        expect(["answer", "unknown", "smalltalk"]).toContain(replyFromKnowledge(text, kb).kind);
        expect(() => detectSignals(text, settings, initialEscalationMemory())).not.toThrow();
        const sentiment = analyzeSentiment(text);
        expect(Number.isFinite(sentiment.score)).toBe(true);
        for (const w of sentiment.words) expect(Number.isFinite(w.score)).toBe(true);
      }),
    );
  });

  it("still answer a real question beside them", () => {
    expect(replyFromKnowledge("Do you offer a free trial? I'm a constructor", kb)).toMatchObject({ kind: "answer", entryId: "trial" });
  });

  it("are unknown placeholders in a reply template, not fields", () => {
    expect(unknownPlaceholders("Hi {{constructor}}, {{toString}} and {{firstName}}")).toEqual(["constructor", "toString"]);
    expect(renderTemplate("Hi {{constructor}}{{firstName}}", { firstName: "Ana" })).toBe("Hi Ana");
  });
});
