// A small Chrome DevTools Protocol client for the runtime workerd's V8 inspector (through
// wrangler's inspector proxy): used by the profiler and the memory probes.
import WebSocket from "ws";

/**
 * The runtime answers inspector commands only when its isolate runs: while a command waits, a
 * request every 50 ms (to `nudgeUrl`, Baton's GET /v1/health) gives it a turn.
 */
export function cdp(url, nudgeUrl) {
  const ws = new WebSocket(url, { origin: "http://localhost" });
  let id = 0;
  const waiting = new Map();
  /** Event listeners by method (HeapProfiler.addHeapSnapshotChunk, ...). */
  const listeners = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(data);
    if (msg.method) for (const fn of listeners.get(msg.method) ?? []) fn(msg.params);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    }
  });
  let closed = null;
  ws.on("close", (code, reason) => {
    closed = `${code} ${reason}`;
    for (const { reject } of waiting.values()) reject(new Error(`inspector closed: ${closed}`));
    waiting.clear();
  });
  const ready = new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return {
    ready,
    closed: () => closed,
    send: (method, params = {}) => {
      if (closed) return Promise.reject(new Error(`inspector closed: ${closed}`));
      const answer = new Promise((resolve, reject) => {
        const n = ++id;
        waiting.set(n, { resolve, reject });
        ws.send(JSON.stringify({ id: n, method, params }));
      });
      const nudge = setInterval(() => fetch(nudgeUrl).catch(() => {}), 50);
      return answer.finally(() => clearInterval(nudge));
    },
    /** Calls `fn(params)` for every event `method` the inspector sends; returns the unsubscribe. */
    on: (method, fn) => {
      if (!listeners.has(method)) listeners.set(method, new Set());
      listeners.get(method).add(fn);
      return () => listeners.get(method).delete(fn);
    },
    close: () => ws.close(),
  };
}
