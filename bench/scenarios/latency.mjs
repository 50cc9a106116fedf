// Relay latency: one visitor -> agent pair, one message in flight (the next is sent once the
// agent has it, the visitor has its ack and, for Baton, the bot's reply has arrived), a question
// text, a warm-up that is not measured. The figure is send -> agent receipt.
import { connect, neutralText } from "../lib/clients.mjs";

const STEP_TIMEOUT_MS = 5000;
const BOT_TIMEOUT_MS = 1000;

export async function latencyRun(target, { warmup, count, tag }) {
  const room = await target.newRoom();
  const pending = new Map();
  let onBot = null;
  const settle = (clientId) => {
    const p = pending.get(clientId);
    if (p && p.agentAt !== undefined && p.ackAt !== undefined) p.resolve();
  };
  const agent = await connect(target, room, "agent", {
    onFrame(frame, at) {
      if (frame.type !== "message") return;
      if (frame.from === "visitor") {
        const p = pending.get(frame.clientId);
        if (p && p.agentAt === undefined) {
          p.agentAt = at;
          settle(frame.clientId);
        }
      } else if (frame.from === "bot") onBot?.();
    },
  });
  const visitor = await connect(target, room, "visitor", {
    onFrame(frame, at) {
      if (frame.type !== "message" || frame.from !== "visitor") return;
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
      const bot = target.bot ? new Promise((resolve) => (onBot = resolve)) : null;
      const t0 = performance.now();
      visitor.send({ type: "visitor.message", clientId, text });
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
      if (i >= warmup) samples.push(p.agentAt - t0);
    }
  } finally {
    agent.close();
    visitor.close();
  }
  return { samples, timeouts, botMissing };
}
