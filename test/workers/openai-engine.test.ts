// The OpenAI engine in workerd against a local OpenAI-compatible fake: structured replies and
// summaries, and the bounded fallback to the rules engine on timeout and on errors.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { rulesEngine } from "../../adapters/llm/engine";
import { engineFor, OpenAIEngine, withFallback } from "../../adapters/llm/openai";
import { settingsSchema } from "../../domain/settings";

const baseURL = (env as unknown as { FAKE_OPENAI_URL: string }).FAKE_OPENAI_URL;
const settings = settingsSchema.parse({
  knowledgeBase: [{ id: "trial", question: "Do you offer a free trial?", answer: "Yes, 14 days.", keywords: ["trial"] }],
});
const input = (text: string) => ({ text, transcript: [], settings });

describe("the OpenAI engine", () => {
  it("answers from the knowledge base through structured outputs", async () => {
    const engine = new OpenAIEngine({ apiKey: "sk-test", baseURL });
    expect(await engine.reply(input("Is there a trial?"))).toEqual({ kind: "answer", text: "(llm) Yes, 14 days.", entryId: "trial", score: 1 });
  });

  it("turns answerable=false into an honest unknown", async () => {
    const engine = new OpenAIEngine({ apiKey: "sk-test", baseURL });
    expect((await engine.reply(input("What's the capital of Peru?"))).kind).toBe("unknown");
  });

  it("is grounded in the retrieved entries only: with none retrieved the model is not even asked", async () => {
    // A broken model would fail any call; nothing retrieved means no call, so the honest unknown comes back.
    const engine = new OpenAIEngine({ apiKey: "sk-test", baseURL, model: "broken" });
    expect(await engine.reply(input("What's the capital of Peru?"))).toMatchObject({ kind: "unknown" });
    await expect(engine.reply(input("Is there a trial?"))).rejects.toThrow();
  });

  it("classifies a message into hints through structured outputs", async () => {
    const engine = new OpenAIEngine({ apiKey: "sk-test", baseURL });
    expect(await engine.classify(input("I'm Ana from Acme, can I chat with whoever built this?"))).toEqual({
      wantsHuman: true,
      frustrated: false,
      name: "Ana",
      company: "Acme",
    });
    expect(await engine.classify(input("Is there a trial?"))).toEqual({ wantsHuman: false, frustrated: false });
  });

  it("writes a summary", async () => {
    const engine = new OpenAIEngine({ apiKey: "sk-test", baseURL });
    const summary = await engine.summarize({ transcript: [], reason: "explicit request", rulesSummary: "rules" });
    expect(summary).toMatch(/^LLM summary/);
  });

  it("falls back to the rules engine when the model is slower than the bound", async () => {
    const slow = withFallback(new OpenAIEngine({ apiKey: "sk-test", baseURL, model: "slow" }), rulesEngine, 200);
    // The fake would answer "(llm) …" after 3 s; the rules engine's words prove the bound fired.
    const reply = await slow.reply(input("Do you offer a free trial?"));
    expect(reply).toMatchObject({ kind: "answer", text: "Yes, 14 days." });
    expect(await slow.summarize({ transcript: [], reason: "x", rulesSummary: "the rules summary" })).toBe("the rules summary");
    expect(await slow.classify(input("hello"))).toBeNull();
  });

  it("falls back to the rules engine when the API errors", async () => {
    const broken = withFallback(new OpenAIEngine({ apiKey: "sk-test", baseURL, model: "broken" }), rulesEngine, 2000);
    expect(await broken.reply(input("Do you offer a free trial?"))).toMatchObject({ kind: "answer", text: "Yes, 14 days." });
  });

  it("is chosen only when OPENAI_API_KEY is set", () => {
    expect(engineFor({ ...env }).name).toBe("rules");
    expect(engineFor({ ...env, OPENAI_API_KEY: "sk-x", OPENAI_BASE_URL: baseURL }).name).toBe("openai+rules");
  });
});
