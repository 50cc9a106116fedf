// Embeddings for hybrid retrieval against the outside world at its boundary: a local
// OpenAI-compatible server (test/fake-openai.ts) and a stand-in Workers AI binding. What the room
// gets is hints; when the engine fails or is slow it gets none and retrieval stays text-only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, fakeEmbedding, type EmbeddingsRequest } from "../../test/fake-openai";
import demo from "../../scripts/demo-project.json";
import { replyFromKnowledge } from "../../domain/bot/rules-bot";
import { settingsSchema } from "../../domain/settings";
import {
  embedderFor,
  embedKnowledge,
  OpenAICompatibleEmbedder,
  similarities,
  vectorHits,
  withEmbeddings,
  WorkersAiEmbedder,
  type WorkersAiBinding,
} from "./embeddings";
import { rulesEngine } from "./engine";

let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => new Promise<void>((resolve) => fake.server.close(() => resolve())));

const settings = settingsSchema.parse(demo.settings);
const input = (text: string, s = settings) => ({ text, transcript: [], settings: s });
const calls = (since: number): EmbeddingsRequest[] => fake.embeddings.slice(since);

describe("an OpenAI-compatible embeddings endpoint", () => {
  it("posts the texts to {baseURL}/embeddings with the model and the key, and reads the vectors back in order", async () => {
    const embedder = new OpenAICompatibleEmbedder({ baseURL: `${fake.url}/`, apiKey: "sk-emb", model: "test-embed" });
    const before = fake.embeddings.length;
    const vectors = await embedder.embed(["first text", "second one"]);
    expect(vectors).toEqual([fakeEmbedding("first text"), fakeEmbedding("second one")]);
    expect(calls(before)).toEqual([{ model: "test-embed", input: ["first text", "second one"], authorization: "Bearer sk-emb" }]);
  });

  it("fails loudly on an error status (the caller turns that into no hints)", async () => {
    await expect(new OpenAICompatibleEmbedder({ baseURL: fake.url, model: "broken" }).embed(["x"])).rejects.toThrow(/500/);
  });

  it("embeds every phrasing of the knowledge base once, then one text per message", async () => {
    const embedder = new OpenAICompatibleEmbedder({ baseURL: fake.url, model: "count-me", calibration: { floor: 0, ceil: 1 } });
    const own = settingsSchema.parse(demo.settings); // a knowledge base no other test embedded
    const before = fake.embeddings.length;
    const first = await vectorHits(embedder, input("what does your company do", own), 2000);
    const second = await vectorHits(embedder, input("how much do you charge", own), 2000);
    const made = calls(before).filter((c) => c.model === "count-me");
    const phrasings = own.knowledgeBase.reduce((n, e) => n + 2 + e.variants.length, 0);
    expect(made.map((c) => c.input.length).sort((a, b) => a - b)).toEqual([1, 1, phrasings]);
    expect(first).toHaveLength(own.knowledgeBase.length);
    expect(first.find((h) => h.entryId === "services")!.score).toBeGreaterThan(first.find((h) => h.entryId === "hours")!.score);
    expect(second.every((h) => h.score >= 0 && h.score <= 1)).toBe(true);
  });

  it("a broken or slow engine gives no hints, so retrieval stays text-only", async () => {
    expect(await vectorHits(new OpenAICompatibleEmbedder({ baseURL: fake.url, model: "broken" }), input("pricing?"), 2000)).toEqual([]);
    expect(await vectorHits(new OpenAICompatibleEmbedder({ baseURL: fake.url, model: "slow" }), input("pricing?"), 100)).toEqual([]);
    expect(await vectorHits(new OpenAICompatibleEmbedder({ baseURL: "http://127.0.0.1:9/v1" }), input("pricing?"), 2000)).toEqual([]);
  });
});

describe("a Workers AI binding", () => {
  const binding = (seen: string[][]): WorkersAiBinding => ({
    async run(model, inputs) {
      expect(model).toBe("@cf/baai/bge-small-en-v1.5");
      seen.push(inputs.text);
      return { shape: [inputs.text.length, 256], data: inputs.text.map(fakeEmbedding) };
    },
  });

  it("runs the embedding model on the texts", async () => {
    const seen: string[][] = [];
    expect(await new WorkersAiEmbedder(binding(seen)).embed(["hello there"])).toEqual([fakeEmbedding("hello there")]);
    expect(seen).toEqual([["hello there"]]);
  });

  it("refuses an answer without vectors", async () => {
    const empty: WorkersAiBinding = { run: async () => ({ shape: [0] }) };
    await expect(new WorkersAiEmbedder(empty).embed(["x"])).rejects.toThrow(/no embeddings/);
  });

  it("is what the environment configures when only the AI binding is there; an embeddings URL wins; neither: offline", () => {
    expect(embedderFor({ AI: binding([]) })?.name).toBe("workers-ai:@cf/baai/bge-small-en-v1.5");
    expect(embedderFor({ AI: binding([]), EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: "m" })?.name).toBe("openai-compatible:m");
    expect(embedderFor({})).toBeNull();
    expect(embedderFor({ EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MIN_SIMILARITY: "0.1", EMBEDDINGS_MAX_SIMILARITY: "0.9" })?.calibration).toEqual({
      floor: 0.1,
      ceil: 0.9,
    });
    expect(embedderFor({ EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MIN_SIMILARITY: "0.9", EMBEDDINGS_MAX_SIMILARITY: "0.1" })?.calibration).toEqual({
      floor: 0.2,
      ceil: 0.65,
    });
  });
});

describe("similarities and the engine's hints", () => {
  it("maps each entry's best phrasing through the calibration to 0–1", async () => {
    const kb = settingsSchema.parse({
      knowledgeBase: [
        { id: "a", question: "alpha beta", answer: "x" },
        { id: "b", question: "gamma delta", answer: "y" },
      ],
    }).knowledgeBase;
    const index = await embedKnowledge({ name: "t", calibration: { floor: 0, ceil: 1 }, embed: async (texts) => texts.map(fakeEmbedding) }, kb);
    const hits = similarities(index, fakeEmbedding("alpha beta"), { floor: 0.5, ceil: 1 });
    expect(hits).toEqual([
      { entryId: "a", score: 1 },
      { entryId: "b", score: 0 },
    ]);
  });

  it("the rules engine with embeddings hints the room with vector hits, and the hybrid reply uses them", async () => {
    const engine = withEmbeddings(rulesEngine, new OpenAICompatibleEmbedder({ baseURL: fake.url, model: "hints", calibration: { floor: 0, ceil: 1 } }), 2000);
    const hints = await engine.classify(input("What does your company do?"));
    expect(hints).toMatchObject({
      wantsHuman: false,
      frustrated: false,
      knowledge: expect.arrayContaining([expect.objectContaining({ entryId: "services" })]),
    });
    const reply = replyFromKnowledge("What does your company do?", settings.knowledgeBase, hints!.knowledge);
    expect(reply).toMatchObject({ kind: "answer", entryId: "services" });
    expect(engine.name).toBe("rules+openai-compatible:hints");
  });

  it("with a failing embeddings engine the hints are the engine's own (none for the rules engine)", async () => {
    const engine = withEmbeddings(rulesEngine, new OpenAICompatibleEmbedder({ baseURL: fake.url, model: "broken" }), 2000);
    expect(await engine.classify(input("pricing?"))).toBeNull();
  });
});
