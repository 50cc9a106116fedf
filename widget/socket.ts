// The visitor's socket to its room. partysocket reconnects with backoff and asks the caller for
// a fresh URL each time (so `since` follows the highest seq seen). Frames go out only after the
// room's welcome, so partysocket never buffers anything: the caller's outbox owns resending.
import ReconnectingWebSocket from "partysocket/ws";
import type { CloseCode as CloseCodes, VisitorFrame } from "../protocol/frames";
import { readRoomFrame, type VisitorRoomFrame } from "./room-frames";

export type ConnectionStatus = "connecting" | "online" | "offline";

export interface SocketOptions {
  /** The ws:/wss: URL for the next attempt, `since` included. */
  url: () => string;
  onFrame(frame: VisitorRoomFrame): void;
  onStatus(status: ConnectionStatus): void;
  /** The room keeps refusing this socket (expired or foreign token, unknown conversation). */
  onRefused(): void;
}

export interface RoomSocket {
  /** Sends if the room has welcomed this connection; false otherwise (the caller keeps the frame). */
  send(frame: VisitorFrame): boolean;
  close(): void;
}

/** `CloseCode.unauthorized` in protocol/frames.ts, checked by the type. */
const UNAUTHORIZED: (typeof CloseCodes)["unauthorized"] = 4001;
/** Closes without a welcome, while the browser says it is online, before asking HTTP why. */
const FAILURES_BEFORE_PROBE = 3;
const HEARTBEAT_MS = 30_000;
const HEARTBEAT_TIMEOUT_MS = 10_000;

/** Opens the socket and keeps it open until `close()`. */
export function openRoomSocket(options: SocketOptions): RoomSocket {
  const ws = new ReconnectingWebSocket(options.url, undefined, {
    minReconnectionDelay: 800 + Math.random() * 700,
    maxReconnectionDelay: 15_000,
    connectionTimeout: 8_000,
    maxEnqueuedMessages: 0,
  });
  let welcomed = false;
  let failures = 0;
  let probing = false;
  let closed = false;
  let heartbeatDeadline: ReturnType<typeof setTimeout> | undefined;

  const status = (s: ConnectionStatus) => !closed && options.onStatus(s);

  ws.addEventListener("message", (event) => {
    clearTimeout(heartbeatDeadline);
    const frame = readRoomFrame(event.data);
    if (!frame) return;
    if (frame.type === "welcome") {
      welcomed = true;
      failures = 0;
      status("online");
    }
    options.onFrame(frame);
  });

  ws.addEventListener("close", (event) => {
    clearTimeout(heartbeatDeadline);
    const hadWelcome = welcomed;
    welcomed = false;
    if (closed) return;
    status(navigator.onLine ? "connecting" : "offline");
    if (event.code === UNAUTHORIZED) return refuse();
    if (hadWelcome || !navigator.onLine) return;
    failures++;
    if (failures >= FAILURES_BEFORE_PROBE) void probe();
  });

  function refuse() {
    if (closed) return;
    options.onRefused();
  }

  // A WebSocket cannot see the HTTP status of a refused upgrade; a plain request to the same URL
  // can. The worker checks the token before the upgrade: 401/403/404 mean this conversation is
  // closed to us, anything else (426 for a good token, 5xx, no answer) means keep retrying.
  async function probe() {
    if (probing) return;
    probing = true;
    try {
      const url = new URL(options.url());
      url.protocol = url.protocol === "wss:" ? "https:" : "http:";
      const res = await fetch(url, { cache: "no-store" });
      if (res.status === 401 || res.status === 403 || res.status === 404) refuse();
    } catch {
      // Server unreachable or CORS-blocked: keep retrying, it says nothing about the token.
    } finally {
      probing = false;
    }
  }

  // Browsers keep a socket "open" across a dead network for minutes; a missed pong exposes it.
  const heartbeat = setInterval(() => {
    if (!welcomed || document.visibilityState !== "visible") return;
    ws.send(JSON.stringify({ type: "ping" } satisfies VisitorFrame));
    clearTimeout(heartbeatDeadline);
    heartbeatDeadline = setTimeout(() => ws.reconnect(), HEARTBEAT_TIMEOUT_MS);
  }, HEARTBEAT_MS);

  // Coming back online, an "open" socket may be a dead one from before (Chrome keeps sockets open
  // through offline periods): start afresh, resuming from the last seq, which costs one replay.
  const onOnline = () => ws.reconnect();
  const onOffline = () => status("offline");
  addEventListener("online", onOnline);
  addEventListener("offline", onOffline);
  status("connecting");

  return {
    send(frame) {
      return welcomed && ws.send(JSON.stringify(frame));
    },
    close() {
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(heartbeatDeadline);
      removeEventListener("online", onOnline);
      removeEventListener("offline", onOffline);
      ws.close();
    },
  };
}
