// The four systems under test behind one client interface: `target.newRoom()` makes a room (for
// Baton: a conversation and an agent session over HTTP), `connect(room, role, handlers)` opens a
// socket and resolves on its `welcome`. All speak Baton's frames: send `{type: "<role>.message",
// clientId, text}`, receive `welcome`, then `message {seq, from, text, clientId}` (echo = ack).
import { randomBytes } from "node:crypto";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { visitorQuestion } from "./questions.mjs";

const CONNECT_TIMEOUT_MS = 15_000;

/** Baton under `wrangler dev`; `server.pid()` is the workerd process (for RSS/CPU). */
export function batonTarget(base, server) {
  const http = `http://${base}`;
  /** What a visitor's widget does: POST /v1/conversations (the call the creation goal counts). */
  const startConversation = () => postJson(`${http}/v1/conversations`, { projectKey: "pk_demo" });
  /** An agent session on a started conversation: the room's second socket URL. */
  const joinAgent = async (started) => {
    const session = await postJson(`${http}/v1/conversations/${started.conversationId}/agent-session`, {}, "at_demo");
    return {
      id: started.conversationId,
      urls: { visitor: `ws://${base}${started.socketUrl}`, agent: `ws://${base}${session.socketUrl}` },
    };
  };
  return {
    key: "baton",
    name: "Baton (wrangler dev)",
    http,
    kind: "ws",
    /** Baton answers every visitor message with a bot turn; the others do not. */
    bot: true,
    server,
    startConversation,
    joinAgent,
    newRoom: async () => joinAgent(await startConversation()),
  };
}

/**
 * A relay that takes rooms by path: the minimal DO relay and the Node `ws` relay. `answered`: the
 * minimal DO relay's visitor sockets get each message answered by a fixed bot reply (bench/minimal-do/worker.js).
 */
export function pathRoomTarget(key, name, base, server, { answered = false } = {}) {
  const visitorQuery = answered ? "role=visitor&answer=1" : "role=visitor";
  return {
    key,
    name,
    kind: "ws",
    bot: answered,
    server,
    async newRoom() {
      const id = `r-${randomBytes(8).toString("hex")}`;
      return { id, urls: { visitor: `ws://${base}/room/${id}?${visitorQuery}`, agent: `ws://${base}/room/${id}?role=agent` } };
    },
  };
}

export function socketIoTarget(base, server) {
  return {
    key: "socketio",
    name: "Socket.IO + SQLite",
    kind: "sio",
    bot: false,
    server,
    async newRoom() {
      return { id: `r-${randomBytes(8).toString("hex")}`, sio: `http://${base}` };
    },
  };
}

async function postJson(url, body, token) {
  // The demo project lists its allowed origins, and a project that does refuses a request without one.
  const headers = { "content-type": "application/json", origin: new URL(url).origin };
  if (token) headers.authorization = `Bearer ${token}`;
  let lastError;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
      const text = await res.text();
      if (res.ok) return JSON.parse(text);
      lastError = new Error(`POST ${url} -> ${res.status} ${text.slice(0, 300)}`);
      if (res.status < 500) break;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
  }
  throw lastError;
}

/**
 * Opens a socket of `role` in `room`. `onFrame(frame, receivedAtMs)` sees every frame (welcome
 * included), `onClose(reason)` fires once when a welcomed socket ends (a socket that never got its
 * welcome rejects instead). Resolves on `welcome`.
 */
export function connect(target, room, role, { since, onFrame = () => {}, onClose = () => {} } = {}) {
  return target.kind === "sio" ? connectSocketIo(room, role, onFrame, onClose) : connectWs(room, role, since, onFrame, onClose);
}

function connectWs(room, role, since, onFrame, onClose) {
  const url = room.urls[role] + (since !== undefined ? `&since=${since}` : "");
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: CONNECT_TIMEOUT_MS });
    let welcomed = false;
    let closed = false;
    const conn = {
      role,
      send: (frame) => {
        if (ws.readyState !== WebSocket.OPEN) return false;
        ws.send(JSON.stringify(frame));
        return true;
      },
      isOpen: () => ws.readyState === WebSocket.OPEN,
      close: () => {
        try {
          ws.close(1000, "done");
        } catch {
          ws.terminate();
        }
      },
      /** Drops the TCP connection without a close handshake (a network failure). */
      kill: () => ws.terminate(),
    };
    const timer = setTimeout(() => {
      if (!welcomed) {
        ws.terminate();
        reject(new Error(`no welcome within ${CONNECT_TIMEOUT_MS} ms`));
      }
    }, CONNECT_TIMEOUT_MS);
    ws.on("message", (data) => {
      const at = performance.now();
      let frame;
      try {
        frame = JSON.parse(data);
      } catch {
        return;
      }
      if (!welcomed && frame.type === "welcome") {
        welcomed = true;
        clearTimeout(timer);
        onFrame(frame, at);
        resolve(conn);
        return;
      }
      onFrame(frame, at);
    });
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`upgrade refused: HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.on("error", (error) => {
      if (!welcomed) {
        clearTimeout(timer);
        reject(error);
      }
    });
    ws.on("close", (code, reason) => {
      clearTimeout(timer);
      if (!welcomed) return reject(new Error(`closed before welcome: ${code} ${reason}`));
      if (!closed) {
        closed = true;
        onClose({ code, reason: String(reason) });
      }
    });
  });
}

function connectSocketIo(room, role, onFrame, onClose) {
  return new Promise((resolve, reject) => {
    const socket = io(room.sio, {
      transports: ["websocket"],
      query: { room: room.id, role },
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT_MS,
    });
    let welcomed = false;
    const conn = {
      role,
      send: (frame) => {
        if (!socket.connected) return false;
        socket.emit("f", frame);
        return true;
      },
      isOpen: () => socket.connected,
      close: () => socket.disconnect(),
      kill: () => socket.io.engine?.transport?.ws?._socket?.destroy(),
    };
    socket.on("f", (frame) => {
      const at = performance.now();
      if (!welcomed && frame?.type === "welcome") {
        welcomed = true;
        onFrame(frame, at);
        resolve(conn);
        return;
      }
      onFrame(frame, at);
    });
    socket.on("connect_error", (error) => {
      if (!welcomed) reject(error);
    });
    socket.on("disconnect", (reason) => {
      if (!welcomed) return reject(new Error(`disconnected before welcome: ${reason}`));
      onClose({ code: 0, reason });
    });
  });
}

/**
 * The `n`th visitor text: a question the demo knowledge base answers (lib/questions.mjs), the same
 * for every system. Never padded: an unknown filler word makes the rules bot unsure, and three
 * unsure answers in a row open a handoff, which is not the path a visitor message benchmark measures.
 */
export function neutralText(n) {
  return visitorQuestion(n);
}

/** A text of exactly `bytes` ASCII bytes, for agent messages (no bot turn reads them). */
export function benchText(bytes = 200, tag = "") {
  const head = `What services do you offer? ref ${tag} `;
  return (head + "x".repeat(Math.max(0, bytes - head.length))).slice(0, bytes);
}
