// `npm run profile`: where a visitor message's CPU goes in the room. Starts Baton (`wrangler dev`
// via scripts/start.mjs, unminified so the profile names our functions), attaches to the runtime
// workerd's V8 inspector through wrangler's inspector proxy (the runtime's own inspector takes one
// session, and wrangler holds it),
// samples the CPU while visitor messages flow through a few rooms (closed loop: the next message
// leaves when the bot has answered the last one), and prints the time by stage of the message's
// path and the heaviest functions. Flags: --messages N (default 3000), --rooms N (default 10),
// --kind visitor|agent|create|memory|wake, --pace MS (each room sends every MS ms), --heap-diff (with --kind memory: the heap by constructor, step by step), --keep (keep bench/.tmp/profile-*/profile.cpuprofile for DevTools).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startArgs, withRaisedRateLimits } from "./lib/baton.mjs";
import { heapByConstructor, heapGrowth } from "./lib/heap-snapshot.mjs";
import { cdp } from "./lib/inspector.mjs";
import { batonTarget, connect } from "./lib/clients.mjs";
import { conversationSteps, memoryPhases, phasesTable, warmMessagePath } from "./lib/memory-phases.mjs";
import { visitorQuestion } from "./lib/questions.mjs";
import { cpuSeconds, freePort, groupPids, installCleanup, startGroup, stopAll, workerdPids } from "./lib/proc.mjs";

const root = path.resolve(import.meta.dirname, "..");
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const MESSAGES = Number(option("--messages", "3000"));
const ROOMS = Number(option("--rooms", "10"));
const KIND = option("--kind", "visitor");
/** --kind wake: how long the rooms stay idle first (the local runtime evicts an idle object after about 10 s). */
const HIBERNATE_MS = 15_000;
/** `--cpu-only`: the same load without the sampler, for the CPU per message the profiler does not inflate. */
const CPU_ONLY = argv.includes("--cpu-only");
/** `--pace MS`: each room sends a message every MS ms (staggered) instead of as soon as the last was answered, as the concurrency bench does. */
const PACE_MS = Number(option("--pace", "0"));
/** `--alloc`: V8's sampling heap profiler instead of the CPU sampler: bytes allocated per message, by stage and function (garbage included). */
const ALLOC = argv.includes("--alloc");
/** `--heap-diff` (with --kind memory): a heap snapshot after each step, and what the step added to the heap by constructor. */
const HEAP_DIFF = argv.includes("--heap-diff");
const work = path.join(root, "bench", ".tmp", `profile-${new Date().toISOString().replace(/[:.]/g, "-")}`);
mkdirSync(work, { recursive: true });
installCleanup();

/** Stages of a visitor message, matched against the function's name and its source module (first match wins). */
const STAGES = [
  ["garbage collection", (f) => f.name === "(garbage collector)"],
  ["idle", (f) => f.name === "(idle)"],
  ["runtime (outside JS: sockets, SQLite, I/O)", (f) => f.name === "(program)"],
  ["decode and rate limit", (f) => /protocol\/frames|socket-input|rate-limit|zod/.test(f.module)],
  ["detectors (intents, sentiment, qualification)", (f) => /domain\/escalation\/(intents|sentiment|qualification)|text-terms/.test(f.module)],
  ["decision and handoff flow", (f) => /domain\/escalation|domain\/room\/handoff-flow|domain\/handoff/.test(f.module)],
  ["bot reply and retrieval", (f) => /domain\/bot|minisearch/.test(f.module)],
  ["transition and frames", (f) => /domain\/room|domain\/transcript/.test(f.module)],
  ["commit and storage reads", (f) => /room-storage|room-context|turn-runner|owed-turns/.test(f.module)],
  ["settings", (f) => /room-settings|domain\/settings|desk-presence/.test(f.module)],
  ["sync outbox and alarm", (f) => /durable-objects\/sync|room-alarm|adapters\/db/.test(f.module)],
  ["room shell and sockets", (f) => /conversation-room|room-sockets|socket-claims|agent-access|engine-turns|adapters\/llm/.test(f.module)],
  ["partyserver", (f) => /partyserver/.test(f.module)],
  ["worker entry and routes", (f) => /worker\/|hono/.test(f.module)],
];

/** Maps a line of the unminified bundle to the source module esbuild put there (its `// path` region comments). */
function moduleMapper(bundleText) {
  const starts = [];
  bundleText.split("\n").forEach((line, i) => {
    const m = /^\/\/ ((?:node_modules\/)?[\w@./-]+\.(?:ts|js|mjs|cjs))$/.exec(line);
    if (m) starts.push([i, m[1].replace(/^node_modules\/(\.pnpm\/)?/, "")]);
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = "";
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        found = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

let missed = 0;
async function drive(target, rooms) {
  const pairs = [];
  for (let r = 0; r < rooms; r++) {
    const room = await target.newRoom();
    let resolveTurn = null;
    const done = () => resolveTurn?.();
    const agent = await connect(target, room, "agent", {
      onFrame: (f) => KIND === "agent" && f.type === "message" && f.from === "agent" && done(),
    });
    const visitor = await connect(target, room, "visitor", {
      onFrame: (f) => KIND !== "agent" && f.type === "message" && f.from === "bot" && done(),
    });
    // A turn that gets no answer within 3 s is counted and skipped, so one lost frame cannot hang the run.
    const next = () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          missed++;
          resolve();
        }, 3000);
        resolveTurn = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    pairs.push({ agent, visitor, next });
  }
  return pairs;
}

/** The dev config with Rate Limiting thresholds no run reaches (one address creating conversations fast), beside the real one. */
const PROFILE_CONFIG = path.join(root, ".wrangler-profile.toml");
function writeProfileConfig() {
  writeFileSync(PROFILE_CONFIG, withRaisedRateLimits(readFileSync(path.join(root, "wrangler.toml"), "utf8")));
}

/**
 * --kind memory: the runtime's RSS after each step of making --rooms conversations (each read
 * after a full GC: see lib/memory-phases.mjs), then the JS heap, live and committed, the rooms
 * hold. bench/probes/relay-memory.mjs takes the same steps against the minimal relay.
 */
async function memoryPerRoom(target, runtime, inspectorPort) {
  const inspector = cdp(`ws://127.0.0.1:${inspectorPort}/ws`, `${target.http}/v1/health`);
  await inspector.ready;
  const collect = () => inspector.send("HeapProfiler.collectGarbage");
  /** The isolate's heap after a full GC: what is live (used) and what V8 keeps committed for it (total). */
  const heap = async () => {
    await collect();
    return inspector.send("Runtime.getHeapUsage");
  };
  const botAnswered = (frame) => frame.type === "message" && frame.from === "bot";
  await warmMessagePath(target, { answered: botAnswered });
  const heap0 = await heap();
  const steps = conversationSteps({
    target,
    count: ROOMS,
    plainRequest: () => fetch(`${target.http}/v1/health`).then((r) => r.text()),
    makeRooms: (set) => {
      let started = [];
      return [
        [
          "POST /v1/conversations",
          async () => {
            for (let i = 0; i < ROOMS; i++) started.push(await target.startConversation());
          },
        ],
        [
          "POST …/agent-session",
          async () => {
            const rooms = [];
            for (const s of started) rooms.push(await target.joinAgent(s));
            started = [];
            set(rooms);
          },
        ],
      ];
    },
    answered: botAnswered,
  });
  const heapUsed = async () => (await inspector.send("Runtime.getHeapUsage")).usedSize;
  // --heap-diff: the heap by constructor after each step, and what each step added to it.
  const diffs = [];
  let lastHeap = HEAP_DIFF ? await heapByConstructor(inspector) : null;
  const afterStep = HEAP_DIFF
    ? async (label) => {
        const now = await heapByConstructor(inspector);
        diffs.push(`### ${label}\n\n${heapGrowth(lastHeap, now, ROOMS)}`);
        lastHeap = now;
      }
    : undefined;
  const phases = await memoryPhases({ pid: runtime, rooms: ROOMS, collect, steps, heapUsed, afterStep });
  const heap1 = await heap();
  inspector.close();
  const kb = (bytes) => `${(bytes / ROOMS / 1024).toFixed(1)} KB`;
  const report = [
    `${ROOMS} conversations, runtime RSS by step:\n\n${phasesTable({ Baton: phases })}\n\nJS heap after a full GC: ${kb(heap1.usedSize - heap0.usedSize)} used (${kb(heap1.totalSize - heap0.totalSize)} committed) per conversation`,
    // A snapshot's own allocations stay in the runtime's RSS, so with --heap-diff the RSS steps read higher than without.
    ...(HEAP_DIFF ? ["What each step added to the live JS heap, by kind (--heap-diff: the RSS above includes the snapshots' own memory):", ...diffs] : []),
  ].join("\n\n");
  console.log(report);
  writeFileSync(path.join(work, "profile.txt"), `${report}\n`);
}

async function main() {
  writeProfileConfig();
  const port = await freePort();
  const inspectorPort = await freePort();
  const group = await startGroup(
    "baton",
    process.execPath,
    // --cpu-only runs as the bench does, without the runtime's inspector (its cost per subrequest: scripts/dev-worker.mjs).
    startArgs({
      port,
      persistTo: path.join(work, "state"),
      inspectorPort: CPU_ONLY && KIND !== "memory" ? undefined : inspectorPort,
      extra: ["--config", PROFILE_CONFIG, "--minify=false"],
    }),
    {
      cwd: root,
      env: { WRANGLER_SEND_METRICS: "false" },
      logFile: path.join(work, "baton.log"),
      ready: (out) => out.includes(`Baton ready on http://127.0.0.1:${port}`),
      timeoutMs: 180_000,
    },
  );
  const { runtime } = workerdPids(group.pgid, port);
  const target = batonTarget(`127.0.0.1:${port}`, { pid: () => runtime });
  if (KIND === "memory") return memoryPerRoom(target, runtime, inspectorPort);
  const pairs = KIND === "create" ? [] : await drive(target, ROOMS);
  let sent = 0;
  const loop = async (pair, index, count, paced = false) => {
    if (pair.create) return pair.create(count);
    const start = performance.now() + (PACE_MS * index) / pairs.length;
    for (let i = 0; i < count; i++) {
      if (paced) await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + i * PACE_MS - performance.now())));
      const turn = pair.next();
      const clientId = `p${index}-${sent++}`;
      const text = visitorQuestion(sent + index * 7);
      if (KIND === "agent") pair.agent.send({ type: "agent.message", clientId, text });
      else pair.visitor.send({ type: "visitor.message", clientId, text });
      await turn;
    }
  };
  // --kind create: conversations created through the API, 32 at a time (what 1,000 widgets opening do).
  if (KIND === "create") {
    const create = async (n) => {
      for (let i = 0; i < n; i++) await target.startConversation();
    };
    await Promise.all([...Array(8)].map(() => create(5)));
    pairs.push(...[...Array(32)].map(() => ({ create })));
  }
  // Warm-up: the JIT and every room's caches, unmeasured.
  await Promise.all(pairs.map((p, i) => loop(p, i, KIND === "wake" || PACE_MS > 0 ? 3 : 30)));
  console.log(`warm: ${pairs.length} rooms, ${missed} unanswered`);
  // --kind wake: every room left idle until the runtime evicts its object (its sockets stay open,
  // hibernated), then one visitor message each: the cost of a room's first message after a wake.
  if (KIND === "wake") {
    console.log(`idle ${HIBERNATE_MS / 1000} s, so that the runtime evicts the rooms`);
    await new Promise((resolve) => setTimeout(resolve, HIBERNATE_MS));
  }
  // wrangler's inspector proxy: the runtime's own inspector takes one session, and wrangler holds it.
  const inspector = CPU_ONLY ? null : cdp(`ws://127.0.0.1:${inspectorPort}/ws`, `${target.http}/v1/health`);
  await inspector?.ready;
  if (ALLOC) {
    await inspector?.send("HeapProfiler.enable");
  } else {
    await inspector?.send("Profiler.enable");
    await inspector?.send("Profiler.setSamplingInterval", { interval: 200 });
  }
  const cpu0 = cpuSeconds(groupPids(group.pgid));
  const cpuRuntime0 = cpuSeconds([runtime]);
  const t0 = performance.now();
  // Every allocation counts, also what the collector has taken back by the end (the load's garbage).
  if (ALLOC)
    await inspector?.send("HeapProfiler.startSampling", {
      samplingInterval: 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  else await inspector?.send("Profiler.start");
  const per = KIND === "wake" ? 1 : Math.ceil(MESSAGES / pairs.length);
  await Promise.all(pairs.map((p, i) => loop(p, i, per, PACE_MS > 0)));
  const seconds = (performance.now() - t0) / 1000;
  const cpuRuntime = cpuSeconds([runtime]) - cpuRuntime0;
  const cpuAll = cpuSeconds(groupPids(group.pgid)) - cpu0;
  const heap = ALLOC && inspector ? (await inspector.send("HeapProfiler.stopSampling")).profile : null;
  const profile = inspector && !ALLOC ? (await inspector.send("Profiler.stop")).profile : { nodes: [], samples: [], timeDeltas: [] };
  inspector?.close();
  const messages = per * pairs.length;

  // The bundle wrangler built for this dev session, to name each sampled line's source module.
  const tmp = path.join(root, ".wrangler", "tmp");
  const newest = readdirSync(tmp)
    .filter((d) => d.startsWith("dev-") && existsSync(path.join(tmp, d, "index.js")))
    .map((d) => path.join(tmp, d, "index.js"))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const bundlePath = newest;
  const mapModule = bundlePath ? moduleMapper(readFileSync(bundlePath, "utf8")) : () => "";
  if (heap) return allocationReport(heap, { messages, rooms: pairs.length, seconds, mapModule, pairs });
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frameOf = (n) => ({
    name: n.callFrame.functionName || "(anonymous)",
    module: n.callFrame.url ? mapModule(n.callFrame.lineNumber) || n.callFrame.url : "",
    line: n.callFrame.lineNumber,
  });
  const self = new Map();
  const stages = new Map();
  let total = 0;
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const us = deltas[i + 1] ?? 0;
    total += us;
    const f = frameOf(byId.get(id));
    const key = `${f.name}  ${f.module}`;
    self.set(key, (self.get(key) ?? 0) + us);
    // The stage is the innermost frame of ours on the stack (a regex's time belongs to the detector that ran it).
    let stage = null;
    for (let n = byId.get(id); n && !stage; n = byId.get(parent.get(n.id))) {
      const g = frameOf(n);
      stage = STAGES.find(([, match]) => match(g))?.[0] ?? null;
    }
    stage ??= "other (runtime built-ins, unattributed)";
    stages.set(stage, (stages.get(stage) ?? 0) + us);
  });
  const busy = total - (stages.get("idle") ?? 0);
  // Pauses of the collector: runs of consecutive garbage-collector samples (one pause each).
  const pauses = [];
  let run = 0;
  profile.samples.forEach((id, i) => {
    if (byId.get(id)?.callFrame.functionName === "(garbage collector)") run += deltas[i + 1] ?? 0;
    else if (run > 0) {
      pauses.push(run / 1000);
      run = 0;
    }
  });
  pauses.sort((a, b) => b - a);
  const lines = [];
  if (missed) lines.push(`${missed} turns got no answer within 3 s`);
  lines.push(`${messages} ${KIND} messages over ${pairs.length} rooms in ${seconds.toFixed(1)} s (${Math.round(messages / seconds)}/s)`);
  lines.push(
    `runtime workerd CPU ${((cpuRuntime / messages) * 1e6).toFixed(0)} µs per message (whole wrangler dev group ${((cpuAll / messages) * 1e6).toFixed(0)} µs); JS thread busy ${(busy / messages) | 0} µs per message in the profile`,
  );
  if (pauses.length)
    lines.push(
      `garbage collector: ${pauses.length} pauses, longest ${pauses
        .slice(0, 5)
        .map((ms) => ms.toFixed(1))
        .join(", ")} ms; ${pauses.filter((ms) => ms >= 10).length} of 10 ms or more`,
    );
  lines.push("", "stage                                           µs/msg   share of busy");
  for (const [stage, us] of [...stages].sort((a, b) => b[1] - a[1])) {
    if (stage === "idle") continue;
    lines.push(`${stage.padEnd(46)} ${String(Math.round(us / messages)).padStart(7)}   ${((us / busy) * 100).toFixed(1).padStart(5)}%`);
  }
  lines.push("", "heaviest functions (self time)                  µs/msg");
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    if (key.startsWith("(idle)")) continue;
    lines.push(`${key.slice(0, 90).padEnd(90)} ${(us / messages).toFixed(1).padStart(7)}`);
  }
  const report = lines.join("\n");
  console.log(report);
  writeFileSync(path.join(work, "profile.txt"), `${report}\n`);
  if (argv.includes("--keep")) writeFileSync(path.join(work, "profile.cpuprofile"), JSON.stringify(profile));
  for (const p of pairs) {
    p.agent?.close(); // --kind create holds no sockets
    p.visitor?.close();
  }
}

/** --alloc: the sampling heap profile's bytes per message, by stage (innermost of our modules on the stack) and by function. */
function allocationReport(heap, { messages, rooms, seconds, mapModule, pairs }) {
  const self = new Map();
  const stages = new Map();
  let total = 0;
  const walk = (node, stack) => {
    const f = {
      name: node.callFrame.functionName || "(anonymous)",
      module: node.callFrame.url ? mapModule(node.callFrame.lineNumber) || node.callFrame.url : "",
      line: node.callFrame.lineNumber,
    };
    const here = [...stack, f];
    if (node.selfSize > 0) {
      total += node.selfSize;
      const key = `${f.name}  ${f.module}`;
      self.set(key, (self.get(key) ?? 0) + node.selfSize);
      let stage = null;
      for (let i = here.length - 1; i >= 0 && !stage; i--) stage = STAGES.find(([, match]) => match(here[i]))?.[0] ?? null;
      stage ??= "other (runtime built-ins, unattributed)";
      stages.set(stage, (stages.get(stage) ?? 0) + node.selfSize);
    }
    for (const child of node.children ?? []) walk(child, here);
  };
  walk(heap.head, []);
  const lines = [
    `${messages} ${KIND} messages over ${rooms} rooms in ${seconds.toFixed(1)} s; ${Math.round(total / messages)} bytes allocated per message (sampled)`,
  ];
  lines.push("", "stage                                           bytes/msg   share");
  for (const [stage, bytes] of [...stages].sort((a, b) => b[1] - a[1]))
    lines.push(`${stage.padEnd(46)} ${String(Math.round(bytes / messages)).padStart(9)}   ${((bytes / total) * 100).toFixed(1).padStart(5)}%`);
  lines.push("", "allocating functions (self)                                                                 bytes/msg");
  for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
    lines.push(`${key.slice(0, 90).padEnd(90)} ${String(Math.round(bytes / messages)).padStart(9)}`);
  const report = lines.join("\n");
  console.log(report);
  writeFileSync(path.join(work, "profile.txt"), `${report}\n`);
  if (argv.includes("--keep")) writeFileSync(path.join(work, "profile.heapprofile"), JSON.stringify(heap));
  for (const p of pairs) {
    p.agent?.close();
    p.visitor?.close();
  }
}

try {
  await main();
} finally {
  await stopAll();
  rmSync(path.join(work, "state"), { recursive: true, force: true });
  rmSync(PROFILE_CONFIG, { force: true });
}
