// Visitor-message throughput: `rooms` rooms at once, each with one visitor socket keeping `window`
// `visitor.message`s in flight (closed loop) and one agent socket receiving. For Baton a message is
// done when the bot's reply to it has arrived (its turn included: analysis, rules reply, two stored
// messages); for the relays, which have no bot, when its stored echo has. Counted: visitor
// messages done per second (all rooms), send -> echo and send -> done latency, and the server's CPU
// seconds per visitor message (from /proc). Several rooms, because a Baton room answers its turns
// one after another, each 1 ms after its echo is written (durable-objects/ahead-turns.ts): one room
// alone leaves the runtime idle between turns, and CPU per message measured on an idling server
// counts its wake-ups, not the message; every system gets the same rooms.
import { connect, neutralText } from "../lib/clients.mjs";
import { cpuSeconds } from "../lib/proc.mjs";

/** A bot reply that has not come this long after its message's echo frees the slot (counted as missing). */
const BOT_TIMEOUT_MS = 2000;

export async function visitorThroughputRun(target, { window, warmupMs, measureMs, tag, rooms = 1 }) {
  const clock = { phase: "warmup", measureStart: 0 };
  const clients = [];
  for (let r = 0; r < rooms; r++) clients.push(await roomClient(target, window, `${tag}-r${r}`, clock));
  for (const c of clients) c.start();
  await new Promise((r) => setTimeout(r, warmupMs));
  const pids = target.server.pids();
  const cpu0 = cpuSeconds(pids);
  clock.measureStart = performance.now();
  clock.phase = "measure";
  await new Promise((r) => setTimeout(r, measureMs));
  const measureEnd = performance.now();
  const cpu1 = cpuSeconds(pids);
  clock.phase = "stopped";
  const counts = await Promise.all(clients.map((c) => c.stop()));
  const sum = (key) => counts.reduce((total, c) => total + c[key], 0);
  const done = sum("done");
  const seconds = (measureEnd - clock.measureStart) / 1000;
  return {
    perSecond: done / seconds,
    latencies: counts.flatMap((c) => c.latencies),
    echoLatencies: counts.flatMap((c) => c.echoLatencies),
    cpuPerMessageUs: done > 0 ? ((cpu1 - cpu0) / done) * 1e6 : NaN,
    serverCpuShare: (cpu1 - cpu0) / seconds,
    agentReceived: sum("agentReceived"),
    errors: sum("errors"),
    botMissing: sum("botMissing"),
    unmatchedBot: sum("unmatchedBot"),
    handoff: counts.find((c) => c.handoff)?.handoff ?? null,
    lost: sum("lost"),
  };
}

/** One room's two sockets and its closed loop; `clock` (shared by the rooms) says when it counts and when it stops. */
async function roomClient(target, window, tag, clock) {
  const room = await target.newRoom();
  const inflight = new Map(); // clientId -> {t0, echoAt}
  const awaitingBot = []; // clientIds echoed, oldest first: the rules bot answers turns in order
  const latencies = [];
  const echoLatencies = [];
  let done = 0;
  let agentReceived = 0;
  let errors = 0;
  let botMissing = 0;
  let unmatchedBot = 0;
  let handoff = null;
  let counter = 0;
  let visitor = null;
  const measuring = (at) => clock.phase === "measure" && at >= clock.measureStart;

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
    if (clock.phase === "stopped" || !visitor) return;
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

  return {
    start() {
      for (let w = 0; w < window; w++) sendOne();
    },
    /** Once the clock says stopped: drains what is still in flight (bounded), so the next run starts on a quiet server. */
    async stop() {
      for (let i = 0; i < 60 && inflight.size > 0; i++) await new Promise((r) => setTimeout(r, 50));
      clearInterval(sweeper);
      visitor.close();
      agent.close();
      return { done, latencies, echoLatencies, agentReceived, errors, botMissing, unmatchedBot, handoff, lost: inflight.size };
    },
  };
}
