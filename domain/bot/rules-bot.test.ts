import { describe, expect, it } from "vitest";
import { ACKNOWLEDGE, CALM_REPLY, replyFromKnowledge, terms } from "./rules-bot";
import demo from "../../scripts/demo-project.json";
import { settingsSchema } from "../settings";

const kb = settingsSchema.parse(demo.settings).knowledgeBase;

describe("the rules bot", () => {
  it.each([
    ["Do you have a free trial?", "trial"],
    ["is the first consultation free", "trial"],
    ["How much does a project cost?", "pricing"],
    ["what's your pricing like", "pricing"],
    ["Are you GDPR compliant?", "security"],
    ["How do you handle security and privacy", "security"],
    ["Can you integrate with Salesforce?", "integrations"],
    ["When is your team available?", "hours"],
    ["What are your business hours", "hours"],
    ["Where is your office based?", "location"],
    ["Do you have case studies?", "case-studies"],
    ["how fast can you start", "timeline"],
  ])("answers %j from the knowledge entry %s", (question, id) => {
    const reply = replyFromKnowledge(question, kb);
    expect(reply).toMatchObject({ kind: "answer", entryId: id });
  });

  it.each(["What's the weather in Paris?", "Who won the football last night", "asdfgh qwerty", "Tell me a joke about penguins"])(
    "admits it does not know %j instead of guessing",
    (question) => {
      const reply = replyFromKnowledge(question, kb);
      expect(reply.kind).toBe("unknown");
      expect(reply.text).toMatch(/not sure/i);
    },
  );

  it("acknowledges context the visitor volunteers instead of claiming it cannot answer", () => {
    expect(replyFromKnowledge("We're a 50-person fintech based in Berlin.", kb)).toMatchObject({
      kind: "smalltalk",
      text: expect.stringMatching(/useful context/),
    });
  });

  it.each(["you are a useless piece of junk", "this bot is garbage and so is your company", "what a load of rubbish, you idiots", "ugh. forget it"])(
    "answers an insult or an angry remark %j with a calm offer of a person, never with 'useful context'",
    (text) => {
      const reply = replyFromKnowledge(text, kb);
      expect(reply).toEqual({ kind: "smalltalk", text: CALM_REPLY });
      expect(reply.text).not.toBe(ACKNOWLEDGE);
    },
  );

  it("answers the demo page's first question, 'what does your company do?', from the services entry", () => {
    expect(replyFromKnowledge("Hello! What does your company do?", kb)).toMatchObject({ kind: "answer", entryId: "services" });
  });

  it("answers greetings and thanks as small talk, not as knowledge", () => {
    expect(replyFromKnowledge("Hello!", kb).kind).toBe("smalltalk");
    expect(replyFromKnowledge("thanks", kb).kind).toBe("smalltalk");
  });

  it("with an empty knowledge base every real question is unknown", () => {
    expect(replyFromKnowledge("Do you have a free trial?", []).kind).toBe("unknown");
  });

  it("normalises case, accents, punctuation and simple plurals", () => {
    expect(terms("Integrations, PRICING & Café!")).toEqual(["integrate", "price", "cafe"].map((t) => terms(t)[0]));
  });
});
