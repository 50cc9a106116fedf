// The minimal DO relay's message, sampled as `npm run profile -- --kind agent` samples Baton's:
// the relay (bench/minimal-do/wrangler.toml) under `wrangler dev` with its runtime's inspector,
// 10 rooms of a visitor and an agent socket, each room's agent sending a message as soon as the
// last one came back (closed loop), and the runtime's heaviest native and JS frames by self time.
// Baton's `exec` (SQLite), `send` and `(program)` are read against these.
//   node bench/probes/relay-profile.mjs [--messages 3000] [--rooms 10]
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { connect, pathRoomTarget } from "../lib/clients.mjs";
import { cdp } from "../lib/inspector.mjs";
import { cpuSeconds, freePort, installCleanup, startGroup, stopGroup, workerdPids } from "../lib/proc.mjs";
import { visitorQuestion } from "../lib/questions.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
};
const MESSAGES = option("--messages", 3000);
const ROOMS = option("--rooms", 10);
const work = path.join(root, "bench", ".tmp", `relay-profile-${new Date().toISOString().replace(/[:.]/g, "-")}`);
mkdirSync(work, { recursive: true });
installCleanup();

const port = await freePort();
const inspectorPort = await freePort();
const http = `http://127.0.0.1:${port}`;
const group = await startGroup(
  "relay",
  path.join(root, "node_modules", ".bin", "wrangler"),
  // biome-ignore format: one flag and its value a line would hide the command
  ["dev", "--config", "bench/minimal-do/wrangler.toml", "--ip", "127.0.0.1", "--port", String(port), "--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort),
    "--persist-to", path.join(work, "state"), "--show-interactive-dev-session=false", "--log-level", "warn"],
  {
    cwd: root,
    env: { WRANGLER_REGISTRY_PATH: path.join(work, "registry"), WRANGLER_SEND_METRICS: "false" },
    logFile: path.join(work, "relay.log"),
    ready: async () => (await fetch(`${http}/health`, { signal: AbortSignal.timeout(2000) })).ok,
    timeoutMs: 180_000,
  },
);
try {
  const { runtime } = workerdPids(group.pgid, port);
  const target = pathRoomTarget("relay", "relay", `127.0.0.1:${port}`, null);
  const pairs = [];
  for (let r = 0; r < ROOMS; r++) {
    const room = await target.newRoom();
    const pair = { waiting: null };
    const onFrame = (frame) => {
      if (frame.type === "message" && frame.from === "agent" && pair.waiting) pair.waiting();
    };
    pair.visitor = await connect(target, room, "visitor");
    pair.agent = await connect(target, room, "agent", { onFrame });
    pairs.push(pair);
  }
  let sent = 0;
  const loop = async (pair, index, count) => {
    for (let i = 0; i < count; i++) {
      const back = new Promise((resolve) => {
        pair.waiting = resolve;
      });
      pair.agent.send({ type: "agent.message", clientId: `p${index}-${sent++}`, text: visitorQuestion(sent + index * 7) });
      await back;
    }
  };
  await Promise.all(pairs.map((p, i) => loop(p, i, 30)));
  const inspector = cdp(`ws://127.0.0.1:${inspectorPort}/ws`, `${http}/health`);
  await inspector.ready;
  await inspector.send("Profiler.enable");
  await inspector.send("Profiler.setSamplingInterval", { interval: 200 });
  const cpu0 = cpuSeconds([runtime]);
  const t0 = performance.now();
  await inspector.send("Profiler.start");
  const per = Math.ceil(MESSAGES / ROOMS);
  await Promise.all(pairs.map((p, i) => loop(p, i, per)));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds([runtime]) - cpu0;
  const { profile } = await inspector.send("Profiler.stop");
  inspector.close();
  const messages = per * ROOMS;
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const name = byId.get(id).callFrame.functionName || "(anonymous)";
    if (name !== "(idle)") busy += us;
    self.set(name, (self.get(name) ?? 0) + us);
  });
  console.log(`${messages} agent messages over ${ROOMS} rooms in ${seconds.toFixed(1)} s (${Math.round(messages / seconds)}/s)`);
  console.log(
    `runtime workerd CPU ${((cpu / messages) * 1e6).toFixed(0)} µs per message; JS thread busy ${(busy / messages) | 0} µs per message in the profile\n`,
  );
  console.log("heaviest functions (self time)      µs/msg");
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    if (name !== "(idle)") console.log(`${name.padEnd(34)} ${(us / messages).toFixed(1).padStart(7)}`);
  }
  for (const p of pairs) {
    p.visitor.close();
    p.agent.close();
  }
} finally {
  await stopGroup(group, "SIGKILL", 1000);
  rmSync(work, { recursive: true, force: true });
}
