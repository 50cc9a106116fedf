// What a team would build instead: a Socket.IO room relay that writes each message to SQLite
// (better-sqlite3) before relaying it to the room. WAL with synchronous=FULL, i.e. an fsync per
// commit: what workerd does for a Durable Object's SQLite under `wrangler dev` (seen with strace).
// Usage: node socketio-relay.mjs <port> <db file>
import { createServer } from "node:http";
import Database from "better-sqlite3";
import { Server } from "socket.io";

const port = Number(process.argv[2]);
const db = new Database(process.argv[3]);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec(`CREATE TABLE IF NOT EXISTS messages (
  room TEXT NOT NULL, seq INTEGER NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL,
  client_id TEXT, at TEXT NOT NULL, PRIMARY KEY (room, seq))`);
const insert = db.prepare("INSERT INTO messages (room, seq, sender, text, client_id, at) VALUES (?, ?, ?, ?, ?, ?)");
const lastSeq = db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM messages WHERE room = ?");
const seqs = new Map();

const http = createServer((_req, res) => res.writeHead(404).end());
const io = new Server(http, { transports: ["websocket"], serveClient: false, perMessageDeflate: false });
io.on("connection", (socket) => {
  const room = String(socket.handshake.query.room ?? "");
  const role = socket.handshake.query.role === "agent" ? "agent" : "visitor";
  if (!seqs.has(room)) seqs.set(room, lastSeq.get(room).seq);
  socket.join(room);
  socket.emit("f", { type: "welcome", role, lastSeq: seqs.get(room) });
  socket.on("f", (frame) => {
    const seq = seqs.get(room) + 1;
    const at = new Date().toISOString();
    const text = String(frame?.text ?? "");
    insert.run(room, seq, role, text, frame?.clientId ?? null, at);
    seqs.set(room, seq);
    io.to(room).emit("f", { type: "message", seq, from: role, text, at, clientId: frame?.clientId });
  });
});
http.listen(port, "127.0.0.1", () => console.log(`socketio-relay ready on 127.0.0.1:${port}`));
