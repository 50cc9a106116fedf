// A local, OpenAI-compatible fake for tests: the outside world at its HTTP boundary. It answers
// /v1/chat/completions with structured outputs derived from the request, and /v1/embeddings with
// deterministic vectors (hashed character trigrams: similar wording, similar vectors), and
// misbehaves on demand: model "slow" answers after 3 s, model "broken" answers 500, and a
// conversation whose last message holds "[hang-once:<id>]" gets no answer the first time (the
// caller is meant to die).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { json_schema?: { name?: string } };
}

export function answerFor(request: ChatRequest): unknown {
  const last = request.messages.at(-1)?.content ?? "";
  if (request.response_format?.json_schema?.name === "summary") {
    return { summary: `LLM summary of ${request.messages.length} messages. ${last.split("\n").at(-1) ?? ""}` };
  }
  if (request.response_format?.json_schema?.name === "classification") {
    const intro = /I'm (\w+) from (\w+)/.exec(last);
    return {
      wantsHuman: /whoever built|talk to|chat with/i.test(last),
      frustrated: /useless|annoying/i.test(last),
      name: intro?.[1] ?? "",
      company: intro?.[2] ?? "",
      role: "",
    };
  }
  const system = request.messages[0]?.content ?? "";
  const entry = /\[(\w[\w-]*)\] Q: [^\n]*trial[^\n]*\nA: ([^\n]*)/i.exec(system);
  if (/trial/i.test(last) && entry) return { answerable: true, answer: `(llm) ${entry[2]}`, entryId: entry[1] };
  return { answerable: false, answer: "", entryId: "" };
}

/** A deterministic stand-in for an embedding: character trigrams of each word, hashed into 256 buckets. */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(256).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) {
      let hash = 2166136261;
      for (const ch of padded.slice(i, i + 3)) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619);
      vector[(hash >>> 0) % 256]! += 1;
    }
  }
  return vector;
}

export interface EmbeddingsRequest {
  model: string;
  input: string[];
  authorization: string | undefined;
}

export async function startFakeOpenAI(): Promise<{ url: string; server: Server; requests: ChatRequest[]; embeddings: EmbeddingsRequest[] }> {
  const requests: ChatRequest[] = [];
  const embeddings: EmbeddingsRequest[] = [];
  const hung = new Set<string>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (req.method === "POST" && req.url?.endsWith("/embeddings")) {
        const request = JSON.parse(body) as { model: string; input: string[] };
        embeddings.push({ ...request, authorization: req.headers.authorization });
        if (request.model === "broken") {
          res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "boom" } }));
          return;
        }
        // Answered in reverse order on purpose: clients must sort by index.
        const data = request.input.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text) })).reverse();
        const respond = () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data, model: request.model }));
        if (request.model === "slow") setTimeout(respond, 3000);
        else respond();
        return;
      }
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const request = JSON.parse(body) as ChatRequest;
      requests.push(request);
      if (request.model === "broken") {
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "boom" } }));
        return;
      }
      const respond = () =>
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id: `chatcmpl-${requests.length}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: request.model,
            choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: JSON.stringify(answerFor(request)), refusal: null } }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      const hang = /\[hang-once:([\w-]+)\]/.exec(request.messages.at(-1)?.content ?? "")?.[1];
      if (hang && !hung.has(hang)) {
        hung.add(hang);
        req.socket.setTimeout(0);
        return; // never answered: the room that asked is reset while it waits
      }
      if (request.model === "slow") setTimeout(respond, 3000);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, server, requests, embeddings };
}
