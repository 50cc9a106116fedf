// A minimal Durable Object relay, Baton's floor in the same runtime: /room/<id>?role=visitor|agent
// upgrades to a hibernatable socket of room <id>; each message is inserted into the room's SQLite
// (seq = rowid) and then sent to every socket of the room, in the same frames as Baton.
// A visitor socket opened with `&answer=1` has each of its messages answered too, the least a room
// that answers must do (Baton's ahead step, durable-objects/ahead-turns.ts, without the brain): the
// message is stored and sent, and the event ends (the runtime commits it and releases its frames);
// 1 ms later a fixed bot reply is stored and sent, and until it has been no later message of the
// room is stored, so each is answered before the next. The bench measures it beside Baton's visitor
// messages (target minimal-do-answer): the floor of a stored, answered message.
import { DurableObject } from "cloudflare:workers";

export class RelayRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, sender TEXT NOT NULL, text TEXT NOT NULL, client_id TEXT, at TEXT NOT NULL)",
    );
  }

  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const role = params.get("role") === "agent" ? "agent" : "visitor";
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, role === "visitor" && params.get("answer") === "1" ? [role, "answered"] : [role]);
    const lastSeq = this.ctx.storage.sql.exec("SELECT COALESCE(MAX(seq), 0) AS seq FROM messages").one().seq;
    server.send(JSON.stringify({ type: "welcome", role, lastSeq }));
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(ws, raw) {
    const frame = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
    const [from, answered] = this.ctx.getTags(ws);
    if (!answered) return this.store(from, String(frame.text), frame.clientId);
    return this.answered(from, String(frame.text), frame.clientId);
  }

  /** Stores and sends the message once no reply is pending, then its reply 1 ms later (after the event's commit). */
  async answered(from, text, clientId) {
    while (this.pending) await this.pending;
    this.store(from, text, clientId);
    const reply = new Promise((resolve) => setTimeout(resolve, 1))
      .then(() => this.store("bot", "Thanks, noted.", undefined))
      .finally(() => {
        if (this.pending === reply) this.pending = null;
      });
    this.pending = reply;
  }

  store(from, text, clientId) {
    const at = new Date().toISOString();
    const { seq } = this.ctx.storage.sql
      .exec("INSERT INTO messages (sender, text, client_id, at) VALUES (?, ?, ?, ?) RETURNING seq", from, text, clientId ?? null, at)
      .one();
    const out = JSON.stringify({ type: "message", seq, from, text, at, clientId });
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(out);
      } catch {
        // closing socket
      }
    }
  }

  webSocketClose(ws, code) {
    try {
      ws.close(code === 1005 ? 1000 : code);
    } catch {
      // already closed
    }
  }
}

export default {
  fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") return new Response("ok");
    const match = /^\/room\/([\w-]{1,80})$/.exec(url.pathname);
    if (!match) return new Response("not found", { status: 404 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("websocket only", { status: 426 });
    return env.RelayRoom.getByName(match[1]).fetch(request);
  },
};
