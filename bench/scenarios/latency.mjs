// Relay latency: one visitor -> agent pair, one message in flight (the next is sent once the
// agent has it, the visitor has its ack and, for Baton, the bot's reply has arrived), a question
// text, a warm-up that is not measured. The figure is send -> agent receipt. With `from: "agent"`
// the same the other way: the agent writes, the figure is send -> visitor receipt, and Baton runs
// no bot turn (an agent's line is one stored message, as the relay's).
import { connect, neutralText } from "../lib/clients.mjs";

const STEP_TIMEOUT_MS = 5000;
const BOT_TIMEOUT_MS = 1000;

export async function latencyRun(target, { warmup, count, tag, from = "visitor" }) {
  const room = await target.newRoom();
  const to = from === "visitor" ? "agent" : "visitor";
  const waitsForBot = target.bot && from === "visitor";
  const pending = new Map();
  let onBot = null;
  const settle = (clientId) => {
    const p = pending.get(clientId);
    if (p && p.receivedAt !== undefined && p.ackAt !== undefined) p.resolve();
  };
  const receiver = await connect(target, room, to, {
    onFrame(frame, at) {
      if (frame.type !== "message") return;
      if (frame.from === from) {
        const p = pending.get(frame.clientId);
        if (p && p.receivedAt === undefined) {
          p.receivedAt = at;
          settle(frame.clientId);
        }
      } else if (frame.from === "bot") onBot?.();
    },
  });
  const sender = await connect(target, room, from, {
    onFrame(frame, at) {
      if (frame.type !== "message" || frame.from !== from) return;
      const p = pending.get(frame.clientId);
      if (p && p.ackAt === undefined) {
        p.ackAt = at;
        settle(frame.clientId);
      }
    },
  });
  const samples = [];
  let timeouts = 0;
  let botMissing = 0;
  try {
    for (let i = 0; i < warmup + count; i++) {
      const clientId = `${tag}-${i}`;
      const text = neutralText(i);
      let timer;
      const done = new Promise((resolve) => {
        pending.set(clientId, { resolve });
        timer = setTimeout(resolve, STEP_TIMEOUT_MS, "timeout");
      });
      const bot = waitsForBot ? new Promise((resolve) => (onBot = resolve)) : null;
      const t0 = performance.now();
      sender.send({ type: `${from}.message`, clientId, text });
      const outcome = await done;
      clearTimeout(timer);
      const p = pending.get(clientId);
      pending.delete(clientId);
      if (outcome === "timeout") {
        timeouts++;
        continue;
      }
      if (bot) {
        let botTimer;
        const got = await Promise.race([bot, new Promise((resolve) => (botTimer = setTimeout(resolve, BOT_TIMEOUT_MS, "timeout")))]);
        clearTimeout(botTimer);
        onBot = null;
        if (got === "timeout") botMissing++;
      }
      if (i >= warmup) samples.push(p.receivedAt - t0);
    }
  } finally {
    receiver.close();
    sender.close();
  }
  return { samples, timeouts, botMissing };
}
