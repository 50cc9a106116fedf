// Embeddings for hybrid retrieval: a Workers AI binding (`AI`) or any OpenAI-compatible
// /embeddings endpoint (EMBEDDINGS_BASE_URL). Each knowledge entry's phrasings are embedded once per
// knowledge base and kept in the isolate; each visitor message is embedded once, bounded by a
// timeout, and its similarity to every entry becomes a hint the domain's retrieval fuses with the
// text search. On any failure the hint is simply absent: retrieval stays text-only, never blocked.
import type { VectorHit } from "../../domain/bot/knowledge-index";
import type { KnowledgeEntry } from "../../domain/settings";
import type { ConfigVars } from "../config";
import type { BotEngine, BotTurnInput } from "./engine";

/** The slice of the Workers AI binding this uses (`env.AI.run(model, {text})`). */
export interface WorkersAiBinding {
  run(model: string, inputs: { text: string[] }): Promise<unknown>;
}

/** Raw cosine similarities mapped to 0–1: at `floor` or below is unrelated (0), at `ceil` or above the same question (1). */
export interface Calibration {
  floor: number;
  ceil: number;
}

export interface Embedder {
  readonly name: string;
  readonly calibration: Calibration;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

export const DEFAULT_WORKERS_AI_MODEL = "@cf/baai/bge-small-en-v1.5";
export const DEFAULT_OPENAI_MODEL = "text-embedding-3-small";

/** Starting points per model family (bge models score unrelated text higher than OpenAI's); override with EMBEDDINGS_MIN/MAX_SIMILARITY. */
export function defaultCalibration(model: string): Calibration {
  if (/bge|gte|e5/i.test(model)) return { floor: 0.55, ceil: 0.85 };
  if (/text-embedding-3/i.test(model)) return { floor: 0.2, ceil: 0.65 };
  return { floor: 0.3, ceil: 0.8 };
}

const MAX_TEXT = 2000;
const clip = (text: string) => text.slice(0, MAX_TEXT);

function isVectors(value: unknown, count: number): value is number[][] {
  return Array.isArray(value) && value.length === count && value.every((v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number"));
}

/** Workers AI: `env.AI.run("@cf/baai/bge-small-en-v1.5", {text: [...]})` → `{shape, data}`. */
export class WorkersAiEmbedder implements Embedder {
  readonly name: string;
  constructor(
    private readonly ai: WorkersAiBinding,
    private readonly model = DEFAULT_WORKERS_AI_MODEL,
    readonly calibration: Calibration = defaultCalibration(model),
  ) {
    this.name = `workers-ai:${model}`;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    const result = (await this.ai.run(this.model, { text: texts.map(clip) })) as { data?: unknown };
    if (!isVectors(result?.data, texts.length)) throw new Error(`${this.name} returned no embeddings`);
    return result.data;
  }
}

export interface OpenAICompatibleOptions {
  baseURL: string;
  apiKey?: string;
  model?: string;
  calibration?: Calibration;
  fetch?: typeof fetch;
}

/** Any OpenAI-compatible server: `POST {baseURL}/embeddings {model, input}` → `{data: [{index, embedding}]}`. */
export class OpenAICompatibleEmbedder implements Embedder {
  readonly name: string;
  readonly calibration: Calibration;
  private readonly model: string;
  private readonly url: string;

  constructor(private readonly options: OpenAICompatibleOptions) {
    this.model = options.model ?? DEFAULT_OPENAI_MODEL;
    this.url = `${options.baseURL.replace(/\/+$/, "")}/embeddings`;
    this.calibration = options.calibration ?? defaultCalibration(this.model);
    this.name = `openai-compatible:${this.model}`;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const response = await (this.options.fetch ?? fetch)(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
      body: JSON.stringify({ model: this.model, input: texts.map(clip) }),
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) throw new Error(`${this.name} answered ${response.status}`);
    const body = (await response.json()) as { data?: Array<{ index?: number; embedding?: unknown }> };
    const rows = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((d) => d.embedding);
    if (!isVectors(rows, texts.length)) throw new Error(`${this.name} returned no embeddings`);
    return rows;
  }
}

/** The embeddings engine the environment configures, or null: then retrieval is text-only and fully offline. */
export function embedderFor(env: ConfigVars & { AI?: WorkersAiBinding }): Embedder | null {
  const calibration = calibrationFrom(env);
  if (env.EMBEDDINGS_BASE_URL) {
    const apiKey = env.EMBEDDINGS_API_KEY ?? env.OPENAI_API_KEY;
    return new OpenAICompatibleEmbedder({
      baseURL: env.EMBEDDINGS_BASE_URL,
      ...(apiKey ? { apiKey } : {}),
      ...(env.EMBEDDINGS_MODEL ? { model: env.EMBEDDINGS_MODEL } : {}),
      ...(calibration ? { calibration } : {}),
    });
  }
  if (env.AI) {
    const model = env.EMBEDDINGS_MODEL ?? DEFAULT_WORKERS_AI_MODEL;
    return new WorkersAiEmbedder(env.AI, model, calibration ?? defaultCalibration(model));
  }
  return null;
}

function calibrationFrom(env: ConfigVars): Calibration | null {
  const floor = Number(env.EMBEDDINGS_MIN_SIMILARITY);
  const ceil = Number(env.EMBEDDINGS_MAX_SIMILARITY);
  if (!env.EMBEDDINGS_MIN_SIMILARITY || !env.EMBEDDINGS_MAX_SIMILARITY) return null;
  return Number.isFinite(floor) && Number.isFinite(ceil) && ceil > floor ? { floor, ceil } : null;
}

// --- the knowledge base as vectors ---------------------------------------------------------------

/** Every phrasing of every entry (question, variants, answer) as a unit vector, and whose it is. */
export interface EntryVectors {
  entryIds: string[];
  /** Parallel to `owners`: the entry index each vector belongs to. */
  owners: number[];
  vectors: Float64Array[];
}

function unit(vector: readonly number[]): Float64Array {
  const out = Float64Array.from(vector);
  let sum = 0;
  for (const x of out) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Embeds every phrasing of the knowledge base in one call. */
export async function embedKnowledge(embedder: Embedder, knowledgeBase: readonly KnowledgeEntry[]): Promise<EntryVectors> {
  const texts: string[] = [];
  const owners: number[] = [];
  knowledgeBase.forEach((e, i) => {
    for (const text of [e.question, ...(e.variants ?? []), e.answer]) {
      texts.push(text);
      owners.push(i);
    }
  });
  const vectors = texts.length ? (await embedder.embed(texts)).map(unit) : [];
  return { entryIds: knowledgeBase.map((e, i) => e.id ?? `kb${i}`), owners, vectors };
}

/** Each entry's best calibrated similarity to the query vector. */
export function similarities(index: EntryVectors, query: readonly number[], calibration: Calibration): VectorHit[] {
  const q = unit(query);
  const best = new Array<number>(index.entryIds.length).fill(-1);
  index.vectors.forEach((v, k) => {
    const owner = index.owners[k]!;
    best[owner] = Math.max(best[owner]!, dot(q, v));
  });
  const span = calibration.ceil - calibration.floor;
  return best.map((sim, i) => ({ entryId: index.entryIds[i]!, score: Math.round(Math.min(1, Math.max(0, (sim - calibration.floor) / span)) * 1000) / 1000 }));
}

/** Knowledge bases embedded in this isolate, shared by its rooms: by settings object, then by content; per model. */
const byObject = new WeakMap<readonly KnowledgeEntry[], Map<string, Promise<EntryVectors>>>();
const byContent = new Map<string, Promise<EntryVectors>>();
const MAX_KNOWLEDGE_BASES = 32;

function vectorsFor(embedder: Embedder, knowledgeBase: readonly KnowledgeEntry[]): Promise<EntryVectors> {
  let models = byObject.get(knowledgeBase);
  if (!models) byObject.set(knowledgeBase, (models = new Map()));
  const known = models.get(embedder.name);
  if (known) return known;
  const key = `${embedder.name}\n${JSON.stringify(knowledgeBase)}`;
  let vectors = byContent.get(key);
  if (!vectors) {
    vectors = embedKnowledge(embedder, knowledgeBase);
    // A failed embedding is forgotten, so the next message tries again.
    vectors.catch(() => {
      byContent.delete(key);
      byObject.get(knowledgeBase)?.delete(embedder.name);
    });
    if (byContent.size >= MAX_KNOWLEDGE_BASES) byContent.delete(byContent.keys().next().value!);
    byContent.set(key, vectors);
  }
  models.set(embedder.name, vectors);
  return vectors;
}

/** The message's similarity to each entry, or [] when the embeddings engine fails or is too slow. */
export async function vectorHits(embedder: Embedder, input: Pick<BotTurnInput, "text" | "settings">, timeoutMs: number): Promise<VectorHit[]> {
  const { knowledgeBase } = input.settings;
  if (knowledgeBase.length === 0 || !input.text.trim()) return [];
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`embeddings exceeded ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const [index, [query]] = await Promise.race([
      Promise.all([vectorsFor(embedder, knowledgeBase), embedder.embed([input.text], controller.signal)]),
      deadline,
    ]);
    return query ? similarities(index, query, embedder.calibration) : [];
  } catch (error) {
    console.warn(`${embedder.name} failed, retrieval stays text-only:`, error instanceof Error ? error.message : error);
    return [];
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** `engine`, whose analysis of each message also carries the embeddings engine's similarities. */
export function withEmbeddings(engine: BotEngine, embedder: Embedder, timeoutMs = 1500): BotEngine {
  return {
    name: `${engine.name}+${embedder.name}`,
    usesTranscript: engine.usesTranscript,
    reply: (input, signal) => engine.reply(input, signal),
    summarize: (input, signal) => engine.summarize(input, signal),
    async classify(input, signal) {
      const [hints, knowledge] = await Promise.all([engine.classify(input, signal), vectorHits(embedder, input, timeoutMs)]);
      if (knowledge.length === 0) return hints;
      return { ...(hints ?? { wantsHuman: false, frustrated: false }), knowledge };
    },
  };
}
