// A local fake of Slack's Web API for tests and the bench: the outside world at its HTTP
// boundary. It answers the methods Baton calls, records every call, enforces a minimum interval
// between posts per channel (a 429 with Retry-After, as Slack does), and misbehaves on demand.
// Control it over HTTP: POST /_admin/fail, POST /_admin/limit, GET /_admin/calls, POST /_admin/reset.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  at: number;
  /** What the fake answered: 200 with ok, 200 with ok:false, 429, 5xx. */
  status: number;
  ok: boolean;
}

interface Failure {
  method: string;
  channel?: string;
  /** HTTP status to answer (429, 500…), or 200 with `error` for a platform error. */
  status: number;
  error?: string;
  retryAfter?: number;
  times: number;
}

const POSTS = new Set(["chat.postMessage", "chat.update"]);

export interface FakeSlack {
  url: string;
  server: Server;
  calls: SlackCall[];
  close(): Promise<void>;
  /** Slack's pace: at most one post per channel per `ms` (0: no limit). */
  limit(ms: number): void;
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes("application/json")) return JSON.parse(raw || "{}") as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    try {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export async function startFakeSlack(port = 0, onCall?: (call: SlackCall) => void): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  let failures: Failure[] = [];
  let minIntervalMs = 0;
  const lastPost = new Map<string, number>();
  let ts = 1_700_000_000_000;

  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
      const url = new URL(req.url ?? "/", "http://fake");
      if (url.pathname.startsWith("/_admin/")) {
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        switch (url.pathname) {
          case "/_admin/calls": {
            const channel = url.searchParams.get("channel");
            return send(200, { calls: channel ? calls.filter((c) => c.args.channel === channel) : calls });
          }
          case "/_admin/fail":
            failures.push({ times: 1, status: 500, ...(body as Partial<Failure>) } as Failure);
            return send(200, { ok: true });
          case "/_admin/limit":
            minIntervalMs = Number(body.minIntervalMs ?? 0);
            return send(200, { ok: true });
          case "/_admin/reset":
            calls.length = 0;
            failures = [];
            minIntervalMs = 0;
            lastPost.clear();
            return send(200, { ok: true });
        }
        return send(404, { ok: false });
      }
      const method = url.pathname.replace(/^\/(api\/)?/, "");
      const args = parseBody(raw, req.headers["content-type"]);
      const token = (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "") || (typeof args.token === "string" ? args.token : null);
      const channel = typeof args.channel === "string" ? args.channel : undefined;
      const record = (status: number, ok: boolean) => {
        const call = { method, args, token, at: Date.now(), status, ok };
        calls.push(call);
        onCall?.(call);
      };

      const failure = failures.find((f) => f.times > 0 && f.method === method && (!f.channel || f.channel === channel));
      if (failure) {
        failure.times--;
        record(failure.status, false);
        if (failure.status === 200) return send(200, { ok: false, error: failure.error ?? "invalid_arguments" });
        return send(
          failure.status,
          { ok: false, error: failure.error ?? "fake_failure" },
          failure.retryAfter ? { "retry-after": String(failure.retryAfter) } : {},
        );
      }
      // Slack's pace: at most one post per channel per minIntervalMs.
      if (POSTS.has(method) && channel && minIntervalMs > 0) {
        const now = Date.now();
        const last = lastPost.get(channel) ?? 0;
        if (now - last < minIntervalMs) {
          record(429, false);
          return send(429, { ok: false, error: "ratelimited" }, { "retry-after": "1" });
        }
        lastPost.set(channel, now);
      }
      record(200, true);
      switch (method) {
        case "chat.postMessage":
          return send(200, { ok: true, channel, ts: `${Math.floor(++ts / 1000)}.${String(ts % 1000).padStart(6, "0")}`, message: { text: args.text } });
        case "chat.update":
          return send(200, { ok: true, channel, ts: args.ts });
        case "chat.postEphemeral":
          return send(200, { ok: true, message_ts: `${Math.floor(++ts / 1000)}.000001` });
        case "views.open":
          return send(200, { ok: true, view: { id: "V123" } });
        case "users.info": {
          const user = String(args.user ?? "U0");
          const name = user === "UNOEMAIL" ? "No Email" : `Slack ${user}`;
          const email = user === "UNOEMAIL" ? undefined : `${user.toLowerCase()}@example.com`;
          return send(200, {
            ok: true,
            user: { id: user, name: user.toLowerCase(), real_name: name, profile: { real_name: name, display_name: name, email } },
          });
        }
        case "oauth.v2.access":
          if (args.code !== "good-code") return send(200, { ok: false, error: "invalid_code" });
          return send(200, {
            ok: true,
            access_token: "xoxb-installed-token-0123456789",
            bot_user_id: "UBOT",
            team: { id: "T123", name: "Acme" },
            incoming_webhook: { channel_id: "CINSTALLED1", channel: "#handoffs" },
          });
        case "auth.test":
          return send(200, { ok: true, team_id: "T123", user_id: "UBOT" });
        default:
          return send(200, { ok: false, error: "unknown_method" });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    limit: (ms) => {
      minIntervalMs = ms;
    },
  };
}
