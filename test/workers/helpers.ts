// Drives the real worker (Hono app, D1, Durable Objects) from tests: HTTP through the worker's
// fetch and real WebSockets upgraded through it. Nothing of ours is mocked.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { RoomFrame } from "../../protocol/frames";

export const ADMIN = "test-admin";
const BASE = "http://baton.test";

/**
 * A client address for one request. Each call comes from its own address unless the test names
 * one, so the per-address budgets (adapters/rate-limits.ts) bind only the tests about them.
 */
export const someAddress = () => `198.51.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}:${crypto.randomUUID().slice(0, 8)}`;

export function call(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", someAddress());
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  let body: string | undefined;
  if (init.body !== undefined) {
    headers.set("content-type", "application/json");
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  }
  return exports.default.fetch(new Request(BASE + path, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" }));
}

export async function json<T = any>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

export interface TestProject {
  projectId: string;
  projectKey: string;
  secretKey: string;
}

export async function createProject(body: Record<string, unknown> = {}): Promise<TestProject> {
  return json(await call("/v1/projects", { token: ADMIN, body: { name: "Test project", ...body } }), 201);
}

export async function createAgent(project: TestProject, name = "Ada Agent"): Promise<{ agentId: string; agentToken: string }> {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${crypto.randomUUID().slice(0, 6)}@example.com`;
  return json(await call("/v1/agents", { token: project.secretKey, body: { name, email, role: "agent" } }), 201);
}

export async function startConversation(project: TestProject, extra: Record<string, unknown> = {}) {
  return json<{ conversationId: string; visitorToken: string; socketUrl: string }>(
    await call("/v1/conversations", { body: { projectKey: project.projectKey, ...extra } }),
    201,
  );
}

export async function agentSession(conversationId: string, agentToken: string) {
  return json<{ socketUrl: string }>(await call(`/v1/conversations/${conversationId}/agent-session`, { token: agentToken, body: {} }), 200);
}

/** A connected test client that records every frame and can wait for one. */
export class Client {
  readonly frames: RoomFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      this.frames.push(JSON.parse(String(event.data)) as RoomFrame);
      this.wake();
    });
    ws.addEventListener("close", (event) => {
      this.closed = { code: event.code, reason: event.reason };
      this.wake();
    });
  }

  static async open(socketUrl: string, since?: number, headers: Record<string, string> = {}): Promise<Client> {
    const url = since === undefined ? socketUrl : `${socketUrl}${socketUrl.includes("?") ? "&" : "?"}since=${since}`;
    const response = await exports.default.fetch(new Request(BASE + url, { headers: { upgrade: "websocket", "cf-connecting-ip": someAddress(), ...headers } }));
    if (response.status !== 101 || !response.webSocket) {
      throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
    }
    response.webSocket.accept();
    return new Client(response.webSocket);
  }

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Waits until `predicate` holds over the recorded frames (polls on each frame; fails after 5 s). */
  async waitFor<T>(predicate: (frames: RoomFrame[]) => T | undefined | false, what = "frame"): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = predicate(this.frames);
      if (found) return found;
      if (this.closed && !this.waiters) throw new Error(`socket closed while waiting for ${what}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  messages() {
    return this.frames.filter((f): f is Extract<RoomFrame, { type: "message" }> => f.type === "message");
  }

  waitForMessage(match: (m: Extract<RoomFrame, { type: "message" }>) => boolean, what = "message") {
    return this.waitFor((frames) => frames.find((f): f is Extract<RoomFrame, { type: "message" }> => f.type === "message" && match(f)), what);
  }

  waitForError(code: string) {
    return this.waitFor((frames) => frames.find((f) => f.type === "error" && f.code === code), `error ${code}`);
  }

  waitForClose() {
    return this.waitFor(() => this.closed ?? undefined, "close");
  }

  close() {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}

/** Open every day, all day, in UTC: the live path, whatever the clock says. */
export const ALWAYS_OPEN = {
  timezone: "UTC",
  weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ start: "00:00", end: "24:00" }]])),
};

/** Sends one visitor message and waits for its ack, then for the bot's answer to it (one in flight). */
export async function say(visitor: Client, text: string) {
  const clientId = crypto.randomUUID();
  visitor.send({ type: "visitor.message", clientId, text });
  const mine = await visitor.waitForMessage((m) => m.clientId === clientId, `ack of ${text}`);
  return visitor.waitForMessage((m) => m.from === "bot" && m.seq > mine.seq, `bot reply to ${text}`);
}
