// Concurrency: `conversations` rooms x (visitor + agent) sockets held open; then `rounds` rounds of
// `roundMs` each, in which every visitor sends one message every `intervalMs` (staggered evenly),
// each after a warm-up pass (one message from each visitor, not measured: see below), with a drain
// and a rest of `restMs` after each so every round is a repeat of its own, not a slice of one long run.
// The systems' rounds are interleaved (bench/run.mjs: round 1 of each system, in an order that
// rotates, then round 2 of each, ...), so each system's rounds fall in the same phases of this
// shared box as the others': `openConcurrency` sets one system up and returns its `round(r)` and
// `finish()`.
// Counted: errors of every kind, visitor -> agent latency per round and over the run, the time to
// create the rooms, and the RSS per socket of the process holding the rooms and sockets (from
// /proc; under wrangler dev also of the workerd proxy in front of it).
import { connect, neutralText } from "../lib/clients.mjs";
import { rssBytes } from "../lib/proc.mjs";
import { percentile, pool, sleep } from "../lib/stats.mjs";

const LOST_AFTER_MS = 10_000;

/** One system's rooms and sockets, opened and ready for its rounds: `{ round(r), finish() }`. */
export async function openConcurrency(target, { conversations, intervalMs, roundMs, restMs = 1000, warmUp = true, log }) {
  const errors = { create: 0, connect: 0, errorFrames: 0, unexpectedClose: 0, sendFailed: 0, lost: 0 };
  const firstErrors = [];
  const note = (kind, detail) => {
    errors[kind]++;
    if (firstErrors.length < 5) firstErrors.push(`${kind}: ${detail}`);
  };
  const pid = target.server.pid();
  const proxyPid = target.server.proxyPid?.() ?? null;
  const rssIdle = rssBytes(pid);
  const proxyIdle = proxyPid ? rssBytes(proxyPid) : 0;

  // Baton's rooms take two API calls: the conversation (what a visitor's widget makes, and what the
  // creation goal counts) and then an agent session, timed apart. The relays take rooms by name.
  const indexes = [...Array(conversations).keys()];
  const t0 = performance.now();
  let rooms;
  let createSeconds;
  let agentSessionSeconds = null;
  if (target.startConversation) {
    const started = (await pool(indexes, 32, () => target.startConversation().catch((e) => note("create", e.message)))).filter(Boolean);
    createSeconds = (performance.now() - t0) / 1000;
    const t = performance.now();
    rooms = (await pool(started, 32, (s) => target.joinAgent(s).catch((e) => note("create", e.message)))).filter(Boolean);
    agentSessionSeconds = (performance.now() - t) / 1000;
  } else {
    rooms = (await pool(indexes, 32, () => target.newRoom().catch((e) => note("create", e.message)))).filter(Boolean);
    createSeconds = (performance.now() - t0) / 1000;
  }
  const rssRooms = rssBytes(pid);

  const sent = new Map(); // clientId -> {t0, agentAt}
  const handoffs = new Map(); // room id -> trigger of the first handoff frame
  // A lost message counts as an infinite latency: a p99 of only the messages that arrived would
  // look better the more are lost.
  const lose = (clientId, s) => {
    note("lost", clientId);
    samples.push([s.t0, Infinity]);
  };
  const samples = []; // [sendTime, latency]
  let stopping = false;
  const pairs = [];
  const t1 = performance.now();
  await pool(rooms, 50, async (room) => {
    const handlers = (role) => ({
      onFrame(frame, at) {
        if (frame.type === "error") note("errorFrames", `${role} ${frame.code}`);
        // The load is meant to be bot turns, not handoffs (each one alerts, queues and files a card).
        if (frame.type === "handoff" && role === "visitor" && !handoffs.has(room.id)) handoffs.set(room.id, frame.trigger);
        if (role !== "agent" || frame.type !== "message" || frame.from !== "visitor") return;
        const s = sent.get(frame.clientId);
        if (s && s.agentAt === undefined) {
          s.agentAt = at;
          samples.push([s.t0, at - s.t0]);
          sent.delete(frame.clientId);
        }
      },
      onClose(reason) {
        if (!stopping) note("unexpectedClose", `${role} ${reason.code} ${reason.reason}`);
      },
    });
    try {
      const agent = await connect(target, room, "agent", handlers("agent"));
      const visitor = await connect(target, room, "visitor", handlers("visitor"));
      pairs.push({ room, agent, visitor, n: 0 });
    } catch (error) {
      note("connect", error.message);
    }
  });
  const connectSeconds = (performance.now() - t1) / 1000;
  const sockets = pairs.length * 2;
  log?.(`${sockets} sockets open (rooms ${createSeconds.toFixed(1)} s, sockets ${connectSeconds.toFixed(1)} s)`);
  const rssOpen = rssBytes(pid);

  let rssPeak = rssOpen;
  let proxyPeak = proxyPid ? rssBytes(proxyPid) : 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssBytes(pid));
    if (proxyPid) proxyPeak = Math.max(proxyPeak, rssBytes(proxyPid));
  }, 1000);
  const roundSamples = [];
  /**
   * Round `r`, measured, after a warm-up pass, unmeasured: one message from every visitor,
   * staggered as in the rounds. The rooms that connected first sat idle while the others connected
   * (15-40 s for 1,000 conversations), and every room sits idle while the other systems run their
   * rounds: long enough for the runtime to evict the objects, and their wakes would land in the
   * round as a cluster whose size depends on how long the others took; the rounds measure the
   * load itself. A room's wake is measured apart (cold-wake). The warm-up's errors and losses still count.
   */
  async function round(r) {
    if (warmUp) {
      const before = samples.length;
      await runRound(`w${r}`, intervalMs);
      samples.length = before;
      log?.(`${target.key}: warm-up ${r + 1}, one message from each of ${pairs.length} visitors (not measured)`);
    }
    const samplesBefore = samples.length;
    await runRound(r);
    roundSamples.push(samples.slice(samplesBefore).map(([, l]) => l));
    const lost = roundSamples[r].filter((l) => l === Infinity).length;
    log?.(`${target.key}: round ${r + 1}, ${roundSamples[r].length - lost} messages (${lost} lost), p99 ${percentile(roundSamples[r], 99).toFixed(1)} ms`);
  }

  /** One round: every pair sends every `intervalMs` for `ms`, then what is in flight drains. */
  async function runRound(r, ms = roundMs) {
    let ending = false;
    const timers = [];
    const sendFrom = (pair, index) => {
      if (ending) return;
      const text = neutralText(index + pair.n);
      const clientId = `c${index}-r${r}-${pair.n++}`;
      sent.set(clientId, { t0: performance.now() });
      if (!pair.visitor.send({ type: "visitor.message", clientId, text })) {
        sent.delete(clientId);
        note("sendFailed", pair.room.id);
      }
    };
    pairs.forEach((pair, index) => {
      const offset = (index / pairs.length) * intervalMs;
      timers.push(
        setTimeout(() => {
          sendFrom(pair, index);
          timers.push(setInterval(() => sendFrom(pair, index), intervalMs));
        }, offset),
      );
    });
    const sweeper = setInterval(() => {
      const now = performance.now();
      for (const [clientId, s] of sent) {
        if (now - s.t0 > LOST_AFTER_MS) {
          sent.delete(clientId);
          lose(clientId, s);
        }
      }
    }, 1000);
    await sleep(ms);
    ending = true;
    for (const t of timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    for (let i = 0; i < 100 && sent.size > 0; i++) await sleep(100);
    clearInterval(sweeper);
    for (const [clientId, s] of sent) lose(clientId, s);
    sent.clear();
    // The bot's turns of the last messages land after their relay: let the room go quiet before
    // the next round starts, so no round begins with the previous one's tail.
    await sleep(restMs);
  }

  /** Stops the sampler, closes the sockets and returns the system's figures. */
  async function finish() {
    stopping = true;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssBytes(pid));
    // Close in batches: 2,000 closes at once make wrangler dev's proxy open thousands of loopback
    // connections at the same moment, close to a 20,000 file-descriptor limit.
    for (let i = 0; i < pairs.length; i += 100) {
      for (const p of pairs.slice(i, i + 100)) {
        p.agent.close();
        p.visitor.close();
      }
      await sleep(50);
    }
    await sleep(500);
    const latencies = samples.map(([, l]) => l);
    return {
      sockets,
      messages: samples.filter(([, l]) => Number.isFinite(l)).length,
      errors,
      errorTotal: Object.values(errors).reduce((a, b) => a + b, 0),
      firstErrors,
      latencies,
      handoffs: handoffs.size,
      handoffTriggers: [...new Set(handoffs.values())],
      roundP99: roundSamples.map((l) => percentile(l, 99)),
      roundMessages: roundSamples.map((l) => l.filter(Number.isFinite).length),
      rssIdle,
      rssRooms,
      rssOpen,
      rssPeak,
      bytesPerSocket: sockets > 0 ? (rssPeak - rssIdle) / sockets : NaN,
      // A conversation is its room plus its two sockets: the figure compared across systems.
      bytesPerConversation: pairs.length > 0 ? (rssPeak - rssIdle) / pairs.length : NaN,
      proxyIdle,
      proxyPeak,
      proxyBytesPerSocket: proxyPid && sockets > 0 ? (proxyPeak - proxyIdle) / sockets : NaN,
      createSeconds,
      agentSessionSeconds,
      connectSeconds,
    };
  }

  return { round, finish };
}
