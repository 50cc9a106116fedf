// The floor of this box: a plain Node `ws` relay. One room per path (/room/<id>?role=visitor|agent),
// a seq counter in memory, no storage; every message goes to every socket of the room (the
// sender's copy is its ack), in the same frames as Baton. Usage: node ws-relay.mjs <port>
import { WebSocketServer } from "ws";

const port = Number(process.argv[2]);
const rooms = new Map();
const wss = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: false, maxPayload: 64 * 1024 });

wss.on("connection", (ws, request) => {
  const url = new URL(request.url, "http://127.0.0.1");
  const id = url.pathname.split("/")[2] ?? "";
  const role = url.searchParams.get("role") === "agent" ? "agent" : "visitor";
  let room = rooms.get(id);
  if (!room) rooms.set(id, (room = { seq: 0, sockets: new Set() }));
  room.sockets.add(ws);
  ws.send(JSON.stringify({ type: "welcome", role, lastSeq: room.seq }));
  ws.on("message", (data) => {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return ws.send(JSON.stringify({ type: "error", code: "bad_json" }));
    }
    const out = JSON.stringify({
      type: "message",
      seq: ++room.seq,
      from: role,
      text: String(frame.text),
      at: new Date().toISOString(),
      clientId: frame.clientId,
    });
    for (const peer of room.sockets) if (peer.readyState === 1) peer.send(out);
  });
  ws.on("close", () => {
    room.sockets.delete(ws);
    if (room.sockets.size === 0) rooms.delete(id);
  });
  ws.on("error", () => {});
});
wss.on("listening", () => console.log(`ws-relay ready on 127.0.0.1:${port}`));
