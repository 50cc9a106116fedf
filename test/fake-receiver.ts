// A local HTTP receiver for tests: stands in for a webhook receiver (Zapier, a CRM), a Teams
// incoming webhook and an HTTP email provider, at their boundary. Every request to any path is
// recorded with its headers and raw body (so a test can verify a signature over the exact bytes);
// each path answers 200 `{"id": …}` unless told to fail. Use a fresh path per test.
// Control: POST /_admin/fail {path, status, times, retryAfter}, GET /_admin/requests?path=…
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  rawBody: string;
  status: number;
  at: number;
}

interface Failure {
  path: string;
  status: number;
  times: number;
  retryAfter?: number;
}

export interface FakeReceiver {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startFakeReceiver(port = 0): Promise<FakeReceiver> {
  const requests: ReceivedRequest[] = [];
  let failures: Failure[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://fake");
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
      if (url.pathname === "/_admin/fail") {
        failures.push({ times: 1, status: 500, ...(JSON.parse(rawBody || "{}") as Partial<Failure>) } as Failure);
        return send(200, { ok: true });
      }
      if (url.pathname === "/_admin/requests") {
        const path = url.searchParams.get("path");
        return send(200, { requests: path ? requests.filter((r) => r.path === path) : requests });
      }
      if (url.pathname === "/_admin/reset") {
        requests.length = 0;
        failures = [];
        return send(200, { ok: true });
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
      const failure = failures.find((f) => f.times > 0 && f.path === url.pathname);
      const status = failure ? failure.status : 200;
      requests.push({ method: req.method ?? "GET", path: url.pathname, headers, rawBody, status, at: Date.now() });
      if (failure) {
        failure.times--;
        return send(failure.status, { error: "fake failure" }, failure.retryAfter ? { "retry-after": String(failure.retryAfter) } : {});
      }
      return send(200, { id: `msg_${++n}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
