import { describe, expect, it } from "vitest";
import demo from "../../scripts/demo-project.json";
import { CALM_REPLY, UNKNOWN_ANSWER } from "../../domain/bot/rules-bot";
import { settingsSchema } from "../../domain/settings";
import { groundedReply, groundingFor, knowledgePrompt } from "./grounding";

const settings = settingsSchema.parse(demo.settings);
const ground = (text: string, vector?: { entryId: string; score: number }[]) => groundingFor({ text, settings, ...(vector ? { vector } : {}) });

describe("what an LLM is grounded in", () => {
  it("only the entries retrieval found for the question, never the whole knowledge base", () => {
    const grounding = ground("what are your fees like?");
    expect(grounding).toMatchObject({ kind: "entries", best: "pricing" });
    if (grounding.kind !== "entries") return;
    expect(grounding.entries.length).toBeLessThan(settings.knowledgeBase.length);
    expect(grounding.entries[0]?.id).toBe("pricing");
    expect(knowledgePrompt(grounding.entries)).toContain("[pricing] Q: How much does it cost?");
    expect(knowledgePrompt(grounding.entries)).not.toContain("[location]");
  });

  it.each([
    ["a question nothing answers", "what's the capital of Peru?", UNKNOWN_ANSWER],
    ["an insult", "you are a useless piece of junk", CALM_REPLY],
  ])("%s: the model is not asked, the rules' honest reply stands", (_name, text, expected) => {
    expect(ground(text)).toEqual({ kind: "direct", reply: expect.objectContaining({ text: expected }) });
  });

  it("an embeddings engine's strong hit grounds a paraphrase the words alone miss", () => {
    expect(ground("what would it take to get the ball rolling").kind).toBe("direct");
    expect(ground("what would it take to get the ball rolling", [{ entryId: "services", score: 0.9 }])).toMatchObject({ kind: "entries", best: "services" });
  });

  it("the model's answer is kept only with an entry it was shown; 'not answerable' is the honest unknown", () => {
    const grounding = ground("what are your fees like?");
    if (grounding.kind !== "entries") throw new Error("expected entries");
    expect(groundedReply({ answerable: true, answer: " From €12,000. ", entryId: "pricing" }, grounding)).toEqual({
      kind: "answer",
      text: "From €12,000.",
      entryId: "pricing",
      score: 1,
    });
    expect(groundedReply({ answerable: true, answer: "We're in Lisbon.", entryId: "location" }, grounding)).toMatchObject({ entryId: "pricing" });
    expect(groundedReply({ answerable: false, answer: "", entryId: "" }, grounding)).toEqual({ kind: "unknown", text: UNKNOWN_ANSWER });
  });
});
