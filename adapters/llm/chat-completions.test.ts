import * as z from "zod";
import { describe, expect, it } from "vitest";
import { ChatCompletions } from "./chat-completions";

/** An OpenAI-compatible server at the HTTP boundary: records the request, answers `reply`. */
function server(reply: (body: any) => Response) {
  const requests: { url: string; headers: Headers; body: any }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body));
    requests.push({ url: String(input), headers: new Headers(init?.headers), body });
    return reply(body);
  }) as typeof globalThis.fetch;
  return { requests, fetch };
}

const ok = (content: string) => new Response(JSON.stringify({ choices: [{ message: { role: "assistant", content, refusal: null } }] }), { status: 200 });
const schema = z.object({ answerable: z.boolean(), answer: z.string() });

describe("structured chat completions over fetch", () => {
  it("asks for strict JSON matching the schema, and parses the answer", async () => {
    const s = server(() => ok(JSON.stringify({ answerable: true, answer: "Yes" })));
    const client = new ChatCompletions({ apiKey: "sk-1", baseURL: "http://llm.test/v1/", model: "m", fetch: s.fetch });
    expect(await client.structured(schema, "reply", [{ role: "user", content: "hi" }])).toEqual({ answerable: true, answer: "Yes" });
    const [request] = s.requests;
    expect(request!.url).toBe("http://llm.test/v1/chat/completions");
    expect(request!.headers.get("authorization")).toBe("Bearer sk-1");
    expect(request!.body).toMatchObject({ model: "m", temperature: 0, messages: [{ role: "user", content: "hi" }] });
    expect(request!.body.response_format).toEqual({
      type: "json_schema",
      json_schema: {
        name: "reply",
        strict: true,
        schema: {
          type: "object",
          properties: { answerable: { type: "boolean" }, answer: { type: "string" } },
          required: ["answerable", "answer"],
          additionalProperties: false,
        },
      },
    });
  });

  it.each([
    ["an HTTP error", () => new Response("boom", { status: 500 })],
    ["a refusal", () => new Response(JSON.stringify({ choices: [{ message: { content: null, refusal: "no" } }] }))],
    ["no content", () => new Response(JSON.stringify({ choices: [] }))],
    ["content that is not JSON", () => ok("not json")],
    ["JSON of the wrong shape", () => ok(JSON.stringify({ answerable: "yes" }))],
  ])("throws on %s (the caller falls back to the rules engine)", async (_name, reply) => {
    const client = new ChatCompletions({ apiKey: "k", fetch: server(reply).fetch });
    await expect(client.structured(schema, "reply", [])).rejects.toThrow();
  });
});
