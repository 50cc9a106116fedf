import { describe, expect, it } from "vitest";
import demo from "../../scripts/demo-project.json";
import { settingsSchema, type KnowledgeEntry } from "../settings";
import { ANSWER_CONFIDENCE, KnowledgeIndex, knowledgeIndexFor } from "./knowledge-index";
import { analyzeTerms, stem } from "../text-terms";

const kb = settingsSchema.parse(demo.settings).knowledgeBase;
const index = new KnowledgeIndex(kb);
const best = (text: string) => index.retrieve(text).best?.entryId ?? null;

describe("retrieval from the demo knowledge base", () => {
  it.each([
    ["what does your company do?", "services"],
    ["What does Northwind Labs actually do", "services"],
    ["could you build us a data pipeline", "services"],
    ["how much would a discovery sprint set us back", "pricing"],
    ["what are your fees?", "pricing"],
    ["pricing?", "pricing"],
    ["is the initial consultation free of charge", "trial"],
    ["how long until our first release?", "timeline"],
    ["when could you start on our project", "timeline"],
    ["what are your office hours", "hours"],
    ["do you work on saturdays?", "hours"],
    ["which time zone is your team in", "hours"],
    ["is our data hosted in the EU", "security"],
    ["are you SOC2 certified", "security"],
    ["do you work with golang and typescript", "integrations"],
    ["can you connect our app to hubspot", "integrations"],
    ["can I see a portfolio of past projects", "case-studies"],
    ["where is your HQ?", "location"],
    ["is your team remote?", "location"],
  ])("%j is answered from %s", (question, id) => {
    expect(best(question)).toBe(id);
  });

  it.each([
    ["do you sell office chairs?", "location keyword 'office', nothing about chairs"],
    ["is there free parking at your office", "'free' and 'office' belong to two different entries"],
    ["what's the weather in Lisbon this week", "Lisbon is in an answer; the weather is not"],
    ["tell me a joke", "small talk is not knowledge"],
    ["do you do house cleaning?", "no entry covers it"],
    ["is bitcoin going up this month?", "'month' alone is a timeline word"],
    ["any good restaurants near your office?", "'near' and 'office' are location, restaurants are not"],
  ])("%j is honestly unknown (%s)", (question) => {
    expect(best(question)).toBeNull();
  });

  it("a shared word alone never selects an entry, but a one-word question may be answered by its one word", () => {
    const chairs = index.retrieve("do you sell office chairs");
    expect(chairs.candidates[0]?.matched ?? []).toHaveLength(chairs.candidates[0] ? 1 : 0);
    expect(chairs.best).toBeNull();
    expect(index.retrieve("security?").best?.entryId).toBe("security");
  });

  it("tolerates typos in longer words", () => {
    expect(best("do you integrte with salesforce")).toBe("integrations");
    expect(best("how do you handle secuirty")).toBe("security");
  });

  it("reports the confidence the threshold is compared with, and the words it matched", () => {
    const hit = index.retrieve("is the first call free?").best!;
    expect(hit.entryId).toBe("trial");
    expect(hit.confidence).toBeGreaterThanOrEqual(ANSWER_CONFIDENCE);
    expect(hit.matched).toEqual(expect.arrayContaining(["fre"]));
  });

  it("with an empty knowledge base nothing is ever answered", () => {
    expect(new KnowledgeIndex([]).retrieve("do you offer a free trial?")).toMatchObject({ best: null, candidates: [] });
  });

  it("entries without an id are named by position", () => {
    const entries: KnowledgeEntry[] = [{ question: "Do you ship to Canada?", variants: [], answer: "Yes.", keywords: ["shipping"] }];
    expect(new KnowledgeIndex(entries).retrieve("can you ship my order to canada").best?.entryId).toBe("kb0");
  });

  it("is built once per knowledge base and reused for every question", () => {
    expect(knowledgeIndexFor(kb)).toBe(knowledgeIndexFor(kb));
    expect(knowledgeIndexFor([...kb])).not.toBe(knowledgeIndexFor(kb));
  });
});

describe("hybrid retrieval with an embeddings engine", () => {
  it("a strong vector score lifts a paraphrase that shares no word with the entry", () => {
    const question = "what would it take to get the ball rolling";
    expect(index.retrieve(question).best).toBeNull();
    const hybrid = index.retrieve(question, [{ entryId: "services", score: 0.9 }]);
    expect(hybrid.best).toMatchObject({ entryId: "services", vector: 0.9 });
  });

  it("a weak vector score never selects an entry, and never sinks a clear text match", () => {
    expect(index.retrieve("do you sell office chairs", [{ entryId: "location", score: 0.2 }]).best).toBeNull();
    const text = index.retrieve("what are your business hours?", [{ entryId: "hours", score: 0.1 }]);
    expect(text.best?.entryId).toBe("hours");
  });

  it("vector hits for unknown entries are ignored", () => {
    expect(index.retrieve("tell me a joke", [{ entryId: "nope", score: 1 }]).best).toBeNull();
  });

  it("candidates for an LLM are ranked and capped", () => {
    const { candidates } = index.retrieve("how much does it cost and how long does it take", [
      { entryId: "pricing", score: 0.7 },
      { entryId: "timeline", score: 0.7 },
      { entryId: "trial", score: 0.6 },
      { entryId: "hours", score: 0.6 },
    ]);
    expect(candidates.length).toBeLessThanOrEqual(3);
    expect(candidates.map((c) => c.entryId)).toEqual(expect.arrayContaining(["pricing", "timeline"]));
  });
});

describe("the words retrieval works on", () => {
  it.each([
    ["integrations", "integrate"],
    ["pricing", "cost"],
    ["fees", "charge"],
    ["located", "based"],
    ["making", "make"],
  ])("%j and %j are the same concept", (a, b) => {
    expect(analyzeTerms(a)).toEqual(analyzeTerms(b));
  });

  it("drops filler, folds accents and case, and keeps numbers", () => {
    expect(analyzeTerms("Could you PLEASE tell me about the Café in 2026?")).toEqual([stem("cafe"), "2026"]);
  });

  it("stems plurals and verb endings without touching short words", () => {
    expect(stem("pipelines")).toBe(stem("pipeline"));
    expect(stem("planned")).toBe(stem("plan"));
    expect(stem("bus")).toBe("bus");
  });

  it("'US' in capitals is the country, 'us' is the pronoun", () => {
    expect(analyzeTerms("are you a US company")).toContain("us_country");
    expect(analyzeTerms("can you help us")).not.toContain("us_country");
  });
});
