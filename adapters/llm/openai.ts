// The OpenAI engine: answers from the knowledge entries retrieval found (grounding.ts) and writes
// handoff summaries through any OpenAI-compatible API (OPENAI_BASE_URL), with structured outputs
// validated by zod. It never decides a handoff, and every call is bounded: on timeout or error the
// rules engine answers.
import * as z from "zod";
import type { BotReply } from "../../domain/bot/rules-bot";
import type { LlmHints } from "../../domain/bot/llm-hints";
import type { ConfigVars } from "../config";
import { ChatCompletions, type ChatClientOptions, type ChatMessage } from "./chat-completions";
import { embedderFor, withEmbeddings } from "./embeddings";
import { rulesEngine, type BotEngine, type BotTurnInput, type SummaryInput } from "./engine";
import { groundedReply, groundingFor, knowledgePrompt } from "./grounding";

const replySchema = z.object({
  /** False when the knowledge base does not contain the answer: the bot then says so honestly. */
  answerable: z.boolean(),
  answer: z.string(),
  /** The knowledge entry the answer comes from, or an empty string. */
  entryId: z.string(),
});

const summarySchema = z.object({ summary: z.string() });

const classificationSchema = z.object({
  wantsHuman: z.boolean(),
  frustrated: z.boolean(),
  /** Facts the visitor stated about themselves; empty strings when not stated. */
  name: z.string(),
  company: z.string(),
  role: z.string(),
});

/** The last `n` transcript messages as chat turns (visitor = user, everyone else = assistant). */
const history = (transcript: BotTurnInput["transcript"], n: number): ChatMessage[] =>
  transcript.slice(-n).map((m) => ({ role: m.from === "visitor" ? "user" : "assistant", content: m.text }));

export type OpenAIEngineOptions = ChatClientOptions;

export class OpenAIEngine implements BotEngine {
  readonly name = "openai";
  readonly usesTranscript = true;
  // Retries and timeouts are the fallback wrapper's job: one bounded attempt per call (over fetch:
  // the SDK weighed more than the rest of the Worker).
  private readonly client: ChatCompletions;

  constructor(options: OpenAIEngineOptions) {
    this.client = new ChatCompletions(options);
  }

  private structured<S extends z.ZodType>(schema: S, name: string, messages: ChatMessage[], signal?: AbortSignal): Promise<z.output<S>> {
    return this.client.structured(schema, name, messages, signal);
  }

  async reply(input: BotTurnInput, signal?: AbortSignal): Promise<BotReply> {
    // Grounded in the retrieved entries only; with none, the model is not asked and cannot guess.
    const grounding = groundingFor(input);
    if (grounding.kind === "direct") return grounding.reply;
    const knowledge = knowledgePrompt(grounding.entries);
    const parsed = await this.structured(
      replySchema,
      "reply",
      [
        {
          role: "system",
          content:
            `You are ${input.settings.botName}, a website assistant. Answer ONLY from the knowledge entries below (retrieved for this ` +
            "question), briefly and warmly, and give the id of the entry you used. If they do not contain the answer, set " +
            "answerable=false and do not guess. Never promise prices, terms or timelines beyond what they say. Never say you are " +
            "transferring the visitor: the system decides that.\n\nKnowledge entries:\n" +
            knowledge,
        },
        ...history(input.transcript, 12),
        { role: "user", content: input.text },
      ],
      signal,
    );
    return groundedReply(parsed, grounding);
  }

  async classify(input: BotTurnInput, signal?: AbortSignal): Promise<LlmHints> {
    const parsed = await this.structured(
      classificationSchema,
      "classification",
      [
        {
          role: "system",
          content:
            "Classify the visitor's last message in a website chat. wantsHuman: they ask to talk to a person, a team member or to book a call " +
            "(not when they mention people in their own company). frustrated: they are annoyed with the bot or about to leave. " +
            "name, company, role: only what the visitor states about themselves, else empty strings.",
        },
        ...history(input.transcript, 6),
        { role: "user", content: input.text },
      ],
      signal,
    );
    const fact = (value: string) => value.trim().slice(0, 120) || undefined;
    const name = fact(parsed.name);
    const company = fact(parsed.company);
    const role = fact(parsed.role);
    return {
      wantsHuman: parsed.wantsHuman,
      frustrated: parsed.frustrated,
      ...(name ? { name } : {}),
      ...(company ? { company } : {}),
      ...(role ? { role } : {}),
    };
  }

  async summarize(input: SummaryInput, signal?: AbortSignal): Promise<string> {
    const parsed = await this.structured(
      summarySchema,
      "summary",
      [
        {
          role: "system",
          content:
            "Summarise this website chat for the human agent taking over, in 3 to 5 plain sentences: who the visitor is, " +
            "what they need, what the bot already answered, and why a human is needed now. Facts only; no greeting.",
        },
        { role: "user", content: input.transcript.map((m) => `${m.from}: ${m.text}`).join("\n") + `\n\nHandoff reason: ${input.reason}` },
      ],
      signal,
    );
    const summary = parsed.summary.trim();
    if (!summary) throw new Error("the model returned no summary");
    return summary;
  }
}

/** Runs `primary` with a deadline; on timeout or any error the fallback answers instead. */
export function withFallback(primary: BotEngine, fallback: BotEngine, timeoutMs: number): BotEngine {
  async function bounded<T>(run: (signal: AbortSignal) => Promise<T>, otherwise: () => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`LLM call exceeded ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([run(controller.signal), deadline]);
    } catch (error) {
      console.warn(`${primary.name} engine failed, using ${fallback.name}:`, error instanceof Error ? error.message : error);
      return otherwise();
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
  return {
    name: `${primary.name}+${fallback.name}`,
    usesTranscript: primary.usesTranscript || fallback.usesTranscript,
    reply: (input) =>
      bounded(
        (signal) => primary.reply(input, signal),
        () => fallback.reply(input),
      ),
    classify: (input) =>
      bounded(
        (signal) => primary.classify(input, signal),
        () => fallback.classify(input),
      ),
    summarize: (input) =>
      bounded(
        (signal) => primary.summarize(input, signal),
        () => fallback.summarize(input),
      ),
  };
}

/**
 * The engine a room uses: OpenAI (bounded, with the rules engine behind it) when a key is set; with
 * an embeddings engine (a Workers AI binding, or an OpenAI-compatible embeddings endpoint) retrieval
 * is hybrid. Without either, everything runs offline.
 */
export function engineFor(env: ConfigVars & Parameters<typeof embedderFor>[0]): BotEngine {
  const embedder = embedderFor(env);
  const base = env.OPENAI_API_KEY
    ? withFallback(
        new OpenAIEngine({
          apiKey: env.OPENAI_API_KEY,
          ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
          ...(env.OPENAI_MODEL ? { model: env.OPENAI_MODEL } : {}),
        }),
        rulesEngine,
        Number(env.LLM_TIMEOUT_MS) > 0 ? Number(env.LLM_TIMEOUT_MS) : 5000,
      )
    : rulesEngine;
  return embedder ? withEmbeddings(base, embedder, Number(env.EMBEDDINGS_TIMEOUT_MS) > 0 ? Number(env.EMBEDDINGS_TIMEOUT_MS) : 1500) : base;
}
