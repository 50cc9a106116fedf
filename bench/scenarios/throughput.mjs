// Throughput of one room: `senders` agent sockets each keep `window` messages in flight (closed
// loop, pipelined: order is not checked here, exactly-once by clientId is), one visitor socket
// receives everything. Counted: messages delivered to the visitor per second while measuring,
// send -> visitor latency, and the server's CPU seconds per message (from /proc).
import { benchText, connect } from "../lib/clients.mjs";
import { cpuSeconds } from "../lib/proc.mjs";

export async function throughputRun(target, { senders, window, warmupMs, measureMs, tag }) {
  const room = await target.newRoom();
  const sentAt = new Map();
  const latencies = [];
  let phase = "warmup";
  let measureStart = 0;
  let measureEnd = 0;
  let delivered = 0;
  let duplicates = 0;
  const seen = new Set();
  let errors = 0;
  const receiver = await connect(target, room, "visitor", {
    onFrame(frame, at) {
      if (frame.type === "error") errors++;
      if (frame.type !== "message") return;
      if (seen.has(frame.clientId)) {
        duplicates++;
        return;
      }
      seen.add(frame.clientId);
      const t0 = sentAt.get(frame.clientId);
      if (t0 === undefined) return;
      sentAt.delete(frame.clientId);
      if (at >= measureStart && phase !== "warmup" && (measureEnd === 0 || at <= measureEnd)) {
        delivered++;
        latencies.push(at - t0);
      }
    },
  });
  const text = benchText(200, tag);
  const conns = [];
  let counter = 0;
  const sendOne = (conn) => {
    if (phase === "stopped") return;
    const clientId = `${tag}-${conn.index}-${counter++}`;
    sentAt.set(clientId, performance.now());
    conn.inflight++;
    conn.send({ type: "agent.message", clientId, text });
  };
  for (let s = 0; s < senders; s++) {
    const prefix = `${tag}-${s}-`;
    const state = { index: s, inflight: 0 };
    const conn = await connect(target, room, "agent", {
      onFrame(frame) {
        if (frame.type === "error") errors++;
        if (frame.type !== "message" || typeof frame.clientId !== "string" || !frame.clientId.startsWith(prefix)) return;
        state.inflight--;
        sendOne(state);
      },
    });
    state.send = conn.send;
    state.conn = conn;
    conns.push(state);
  }
  for (const c of conns) for (let w = 0; w < window; w++) sendOne(c);
  await new Promise((r) => setTimeout(r, warmupMs));
  const pids = target.server.pids();
  const cpu0 = cpuSeconds(pids);
  measureStart = performance.now();
  phase = "measure";
  await new Promise((r) => setTimeout(r, measureMs));
  measureEnd = performance.now();
  const cpu1 = cpuSeconds(pids);
  phase = "stopped";
  // Drain what is still in flight (bounded), so the next run starts on a quiet server.
  for (let i = 0; i < 100 && conns.some((c) => c.inflight > 0); i++) await new Promise((r) => setTimeout(r, 50));
  const lost = conns.reduce((sum, c) => sum + Math.max(0, c.inflight), 0);
  for (const c of conns) c.conn.close();
  receiver.close();
  const seconds = (measureEnd - measureStart) / 1000;
  return {
    perSecond: delivered / seconds,
    latencies,
    cpuPerMessageUs: delivered > 0 ? ((cpu1 - cpu0) / delivered) * 1e6 : NaN,
    serverCpuShare: (cpu1 - cpu0) / seconds,
    errors,
    duplicates,
    lost,
  };
}
