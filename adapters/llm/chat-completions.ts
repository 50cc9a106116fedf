// The one call Baton makes to an OpenAI-compatible API: a chat completion whose answer must be
// JSON matching a schema (structured outputs), over plain fetch. A thin client instead of the
// SDK: every room wakes with the Worker's code, and the SDK weighed ~600 KB of it.
import * as z from "zod";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatClientOptions {
  apiKey: string;
  /** Any OpenAI-compatible server; default OpenAI's. */
  baseURL?: string;
  model?: string;
  fetch?: typeof fetch;
}

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** Strict structured outputs want every object closed and every property required. */
function strictJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: "draft-7" }) as Record<string, unknown>;
  const close = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n.type === "object" && n.properties && typeof n.properties === "object") {
      n.additionalProperties = false;
      n.required = Object.keys(n.properties);
      for (const child of Object.values(n.properties)) close(child);
    }
    if (n.items) close(n.items);
  };
  close(json);
  delete json.$schema;
  return json;
}

export class ChatCompletions {
  readonly model: string;
  private readonly url: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: ChatClientOptions) {
    this.model = options.model ?? "gpt-4o-mini";
    this.url = `${(options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, "")}/chat/completions`;
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** One attempt (the caller bounds it and falls back): the model's answer, parsed against `schema`. */
  async structured<S extends z.ZodType>(schema: S, name: string, messages: ChatMessage[], signal?: AbortSignal): Promise<z.output<S>> {
    const response = await this.doFetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.options.apiKey}` },
      body: JSON.stringify({
        model: this.model,
        temperature: 0,
        messages,
        response_format: { type: "json_schema", json_schema: { name, strict: true, schema: strictJsonSchema(schema) } },
      }),
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) throw new Error(`chat completion failed: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    const body = (await response.json()) as { choices?: Array<{ message?: { content?: string | null; refusal?: string | null } }> };
    const message = body.choices?.[0]?.message;
    if (message?.refusal) throw new Error(`the model refused: ${message.refusal.slice(0, 200)}`);
    if (!message?.content) throw new Error(`the model returned no ${name}`);
    return schema.parse(JSON.parse(message.content));
  }
}
