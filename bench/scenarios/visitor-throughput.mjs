// Visitor-message throughput of one room: one visitor socket keeps `window` `visitor.message`s in
// flight (closed loop), one agent socket receives. For Baton a message is done when the bot's reply
// to it has arrived (its turn included: analysis, rules reply, two stored messages); for the relays,
// which have no bot, when its stored echo has. Counted: visitor messages done per second, send ->
// echo and send -> done latency, and the server's CPU seconds per visitor message (from /proc).
import { connect, neutralText } from "../lib/clients.mjs";
import { cpuSeconds } from "../lib/proc.mjs";

/** A bot reply that has not come this long after its message's echo frees the slot (counted as missing). */
const BOT_TIMEOUT_MS = 2000;

export async function visitorThroughputRun(target, { window, warmupMs, measureMs, tag }) {
  const room = await target.newRoom();
  const inflight = new Map(); // clientId -> {t0, echoAt}
  const awaitingBot = []; // clientIds echoed, oldest first: the rules bot answers turns in order
  const latencies = [];
  const echoLatencies = [];
  let phase = "warmup";
  let measureStart = 0;
  let done = 0;
  let agentReceived = 0;
  let errors = 0;
  let botMissing = 0;
  let unmatchedBot = 0;
  let handoff = null;
  let counter = 0;
  let visitor = null;
  const measuring = (at) => phase === "measure" && at >= measureStart;

  const finish = (clientId, at) => {
    const m = inflight.get(clientId);
    if (!m) return;
    inflight.delete(clientId);
    if (measuring(at)) {
      done++;
      latencies.push(at - m.t0);
    }
    sendOne();
  };
  const sendOne = () => {
    if (phase === "stopped" || !visitor) return;
    const clientId = `${tag}-${counter}`;
    const text = neutralText(counter++);
    inflight.set(clientId, { t0: performance.now(), echoAt: undefined });
    visitor.send({ type: "visitor.message", clientId, text });
  };

  const agent = await connect(target, room, "agent", {
    onFrame(frame, at) {
      if (frame.type === "error") errors++;
      if (frame.type === "message" && frame.from === "visitor" && measuring(at)) agentReceived++;
    },
  });
  visitor = await connect(target, room, "visitor", {
    onFrame(frame, at) {
      if (frame.type === "error") errors++;
      // A handoff would stop the bot's turns: the texts are chosen so that none opens.
      if (frame.type === "handoff") handoff ??= frame.trigger;
      if (frame.type !== "message") return;
      if (frame.from === "visitor") {
        const m = inflight.get(frame.clientId);
        if (!m || m.echoAt !== undefined) return;
        m.echoAt = at;
        if (measuring(at)) echoLatencies.push(at - m.t0);
        if (target.bot) awaitingBot.push(frame.clientId);
        else finish(frame.clientId, at);
      } else if (frame.from === "bot" && target.bot) {
        // Bot frames carry no clientId: each answers the oldest echoed message still waiting.
        const clientId = awaitingBot.shift();
        if (clientId === undefined) unmatchedBot++;
        else finish(clientId, at);
      }
    },
  });
  const sweeper = setInterval(() => {
    const now = performance.now();
    while (awaitingBot.length > 0) {
      const m = inflight.get(awaitingBot[0]);
      if (m && now - m.echoAt < BOT_TIMEOUT_MS) break;
      const clientId = awaitingBot.shift();
      if (!m) continue;
      botMissing++;
      inflight.delete(clientId);
      sendOne();
    }
  }, 250);

  for (let w = 0; w < window; w++) sendOne();
  await new Promise((r) => setTimeout(r, warmupMs));
  const pids = target.server.pids();
  const cpu0 = cpuSeconds(pids);
  measureStart = performance.now();
  phase = "measure";
  await new Promise((r) => setTimeout(r, measureMs));
  const measureEnd = performance.now();
  const cpu1 = cpuSeconds(pids);
  phase = "stopped";
  // Drain what is still in flight (bounded), so the next run starts on a quiet server.
  for (let i = 0; i < 60 && inflight.size > 0; i++) await new Promise((r) => setTimeout(r, 50));
  clearInterval(sweeper);
  const lost = inflight.size;
  visitor.close();
  agent.close();
  const seconds = (measureEnd - measureStart) / 1000;
  return {
    perSecond: done / seconds,
    latencies,
    echoLatencies,
    cpuPerMessageUs: done > 0 ? ((cpu1 - cpu0) / done) * 1e6 : NaN,
    serverCpuShare: (cpu1 - cpu0) / seconds,
    agentReceived,
    errors,
    botMissing,
    unmatchedBot,
    handoff,
    lost,
  };
}
