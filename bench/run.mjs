// `npm run bench`: Baton beside the floor of its architecture (a minimal Durable Object relay), the
// floor of the box (a Node `ws` relay) and what a team would build instead (Socket.IO + SQLite),
// all started and measured in the same run, on 127.0.0.1 only. Prints a table and writes
// bench/RESULTS.md. Flags: --quick (smoke run, under 2 min), --only widget,bundle,latency,throughput,
// visitor-throughput,concurrency,cold-wake,chaos,handoff,desk, --targets baton,minimal-do,minimal-do-assets,ws,socketio,
// --seed N, --keep. See bench/README.md.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startArgs, withRaisedRateLimits } from "./lib/baton.mjs";
import { batonTarget, pathRoomTarget, socketIoTarget } from "./lib/clients.mjs";
import { freePort, groupPids, installCleanup, startGroup, stopAll, stopGroup, workerdPids } from "./lib/proc.mjs";
import { summarize } from "./lib/stats.mjs";
import { chaosRun } from "./scenarios/chaos.mjs";
import { deskRun } from "./scenarios/desk.mjs";
import { handoffRun } from "./scenarios/handoff.mjs";
import { openConcurrency } from "./scenarios/concurrency.mjs";
import { latencyRun } from "./scenarios/latency.mjs";
import { throughputRun } from "./scenarios/throughput.mjs";
import { visitorThroughputRun } from "./scenarios/visitor-throughput.mjs";
import { measureColdWake, prepareColdWake } from "./scenarios/cold-wake.mjs";
import { measureBundle } from "./scenarios/bundle.mjs";
import { measureWidget } from "./scenarios/widget.mjs";
import { renderReport } from "./report.mjs";

const root = path.resolve(import.meta.dirname, "..");
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};

const quick = flag("--quick");
const PRESETS = {
  // --quick is a smoke run of every scenario in under 2 minutes (servers' start-up and two restarts
  // of Baton included, about 20 s of it): `time npm run bench -- --quick` after changing it.
  quick: {
    latency: { runs: 3, warmup: 10, count: 60 },
    throughput: { runs: 2, senders: 4, window: 8, warmupMs: 200, measureMs: 500 },
    visitorThroughput: { runs: 2, rooms: 8, window: 4, warmupMs: 200, measureMs: 500 },
    coldWake: { rooms: 20 },
    concurrency: { conversations: 100, intervalMs: 1250, roundMs: 2500, rounds: 2, restMs: 250 },
    chaos: { conversations: 10, durationMs: 6000, killsPerMinute: 10 },
    handoff: { latencyCount: 10, burst: 3 },
    desk: { desks: 5, handoffs: 20, windowMs: 2000 },
  },
  full: {
    latency: { runs: 5, warmup: 150, count: 600 },
    throughput: { runs: 3, senders: 4, window: 8, warmupMs: 1000, measureMs: 3000 },
    visitorThroughput: { runs: 3, rooms: 8, window: 4, warmupMs: 1000, measureMs: 3000 },
    coldWake: { rooms: 50 },
    concurrency: { conversations: 1000, intervalMs: 5000, roundMs: 20_000, rounds: 3, restMs: 1000 },
    chaos: { conversations: 100, durationMs: 75_000, killsPerMinute: 10 },
    handoff: { latencyCount: 50, burst: 100 },
    desk: { desks: 20, handoffs: 100, windowMs: 10_000 },
  },
};
const preset = PRESETS[quick ? "quick" : "full"];
const SCENARIOS = ["widget", "bundle", "latency", "throughput", "visitor-throughput", "concurrency", "cold-wake", "chaos", "handoff", "desk"];
const only = option("--only", SCENARIOS.join(",")).split(",");
// The relay behind Static Assets is the full run's (a quick run has no ratio worth reading beside it, and 12 s less).
const wanted = option("--targets", quick ? "baton,minimal-do,ws,socketio" : "baton,minimal-do,minimal-do-assets,ws,socketio").split(",");
const seed = Number(option("--seed", "20261127"));

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const work = path.join(root, "bench", ".tmp", stamp);
mkdirSync(work, { recursive: true });
const log = (...parts) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s]`, ...parts);
const t0 = performance.now();
installCleanup();

/**
 * Baton runs from a copy of the working tree taken at start (node_modules linked): `wrangler dev`
 * reloads on every source change, so edits made while the bench runs would drop its sockets and
 * change the code under test midway. The copy's own public/ gets the widget build.
 */
function snapshotApp() {
  const app = path.join(work, "app");
  const skip = /^(node_modules|\.git|\.wrangler|bench\/\.tmp)(\/|$)/;
  const copy = (rel) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (skip.test(child)) continue;
      if (entry.isDirectory()) {
        mkdirSync(path.join(app, child));
        copy(child);
      } else if (entry.isFile()) copyFileSync(path.join(root, child), path.join(app, child));
    }
  };
  mkdirSync(app);
  copy("");
  // The bench is one client address creating a thousand conversations on one project: the copy's
  // Rate Limiting bindings get thresholds no run reaches (the room's own budget is raised by RATE_LIMIT_VARS).
  const toml = path.join(app, "wrangler.toml");
  writeFileSync(toml, withRaisedRateLimits(readFileSync(toml, "utf8")));
  symlinkSync(path.join(root, "node_modules"), path.join(app, "node_modules"));
  return app;
}

function gitDescribe() {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    // bench/ itself is not the code under test.
    const dirty = execFileSync("git", ["status", "--porcelain", "--", ".", ":(exclude)bench"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter(Boolean).length;
    return dirty ? `${head} + ${dirty} uncommitted change(s)` : head;
  } catch {
    return "unknown";
  }
}

/**
 * A running server: its process group, the process that holds its rooms and sockets (`pid`: the
 * workerd runtime under wrangler dev, the node process otherwise) and, for wrangler dev, the
 * workerd proxy in front of it (`proxyPid`).
 */
function serverOf(name, group, port) {
  const server = {
    name,
    group,
    pid: () => (port ? workerdPids(server.group.pgid, port).runtime : server.group.pgid),
    proxyPid: () => (port ? workerdPids(server.group.pgid, port).proxy : null),
    pids: () => groupPids(server.group.pgid),
  };
  return server;
}

/** The fake Slack (test/fake-slack.ts, bundled by esbuild) runs in this process: one clock for both ends. */
let fakeSlack = null;
async function startFakeSlackHere() {
  const { build } = await import("esbuild");
  const outfile = path.join(work, "fake-slack.mjs");
  await build({ entryPoints: [path.join(root, "test", "fake-slack.ts")], bundle: true, platform: "node", format: "esm", outfile, logLevel: "silent" });
  const { startFakeSlack } = await import(outfile);
  fakeSlack = await startFakeSlack(0);
  return fakeSlack;
}

async function startBaton(app, port, persistTo) {
  const group = await startGroup("baton", process.execPath, startArgs({ port, persistTo }), {
    cwd: app,
    env: {
      WRANGLER_SEND_METRICS: "false",
      // start.mjs passes these into the worker: Slack is the in-process fake.
      ...(fakeSlack ? { SLACK_API_URL: `${fakeSlack.url}/api/`, SLACK_SIGNING_SECRET: "bench-signing-secret" } : {}),
    },
    logFile: path.join(work, "baton.log"),
    ready: (out) => out.includes(`Baton ready on http://127.0.0.1:${port}`),
    timeoutMs: 180_000,
  }).catch((error) => {
    if (/Building the widget… (?!done)/.test(error.message) || /build-widget/.test(error.message)) {
      throw new Error(`scripts/build-widget.mjs failed (the widget build is run by scripts/start.mjs):\n${error.message}`);
    }
    throw error;
  });
  return group;
}

/**
 * The relay runs as Baton does: wrangler's dev server through scripts/dev-worker.mjs, without the
 * runtime's inspector (which `wrangler dev` always starts, and which logs every subrequest).
 */
function startMinimalDo(port, persistTo, key = "minimal-do", config = "bench/minimal-do/wrangler.toml") {
  return startGroup(
    key,
    process.execPath,
    ["scripts/dev-worker.mjs", "--config", config, "--port", String(port), "--persist-to", persistTo, "--log-level", "warn"],
    {
      cwd: root,
      env: { WRANGLER_SEND_METRICS: "false" },
      logFile: path.join(work, `${key}.log`),
      // wrangler's own "Ready" line changes between versions: ask the worker instead.
      ready: async () => (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) })).ok,
      timeoutMs: 180_000,
    },
  );
}

/** The relay that answers (a target of the latency and visitor-message scenarios only), when the minimal relay runs. */
let answering = null;

async function startServers(app) {
  const servers = {};
  const tasks = [];
  if (wanted.includes("baton")) {
    tasks.push(
      (async () => {
        const port = await freePort();
        const persistTo = path.join(work, "baton-state");
        const group = await startBaton(app, port, persistTo);
        const server = serverOf("baton", group, port);
        server.restart = async () => {
          const down = performance.now();
          await stopGroup(server.group, "SIGKILL", 1000);
          server.group = await startBaton(app, port, persistTo);
          return { downSeconds: (performance.now() - down) / 1000 };
        };
        servers.baton = batonTarget(`127.0.0.1:${port}`, server);
      })(),
    );
  }
  if (wanted.includes("minimal-do")) {
    tasks.push(
      (async () => {
        const port = await freePort();
        const persistTo = path.join(work, "minimal-do-state");
        const group = await startMinimalDo(port, persistTo);
        const server = serverOf("minimal-do", group, port);
        // As Baton's: the cold-wake scenario needs both runtimes restarted on their own state.
        server.restart = async () => {
          const down = performance.now();
          await stopGroup(server.group, "SIGKILL", 1000);
          server.group = await startMinimalDo(port, persistTo);
          return { downSeconds: (performance.now() - down) / 1000 };
        };
        servers["minimal-do"] = pathRoomTarget("minimal-do", "Minimal DO relay (wrangler dev)", `127.0.0.1:${port}`, server);
        // The same relay answering each visitor message (two commits, as Baton's ahead step), on the same server.
        answering = pathRoomTarget("minimal-do-answer", "Minimal DO relay answering each visitor message", `127.0.0.1:${port}`, server, { answered: true });
      })(),
    );
  }
  if (wanted.includes("minimal-do-assets")) {
    // The same relay deployed as Baton is, behind Workers Static Assets: under wrangler dev every
    // request and socket frame then passes miniflare's asset workers too. What Baton costs beyond
    // this one is its own code; the goals stay on the bare relay (bench/README.md).
    tasks.push(
      (async () => {
        const port = await freePort();
        const key = "minimal-do-assets";
        const group = await startMinimalDo(port, path.join(work, `${key}-state`), key, "bench/minimal-do/wrangler-assets.toml");
        const name = "Minimal DO relay behind Static Assets (wrangler dev)";
        servers[key] = pathRoomTarget(key, name, `127.0.0.1:${port}`, serverOf(key, group, port));
      })(),
    );
  }
  if (wanted.includes("ws")) {
    tasks.push(
      (async () => {
        const port = await freePort();
        const group = await startGroup("ws-relay", process.execPath, ["bench/servers/ws-relay.mjs", String(port)], {
          cwd: root,
          logFile: path.join(work, "ws-relay.log"),
          ready: (out) => out.includes("ready"),
          timeoutMs: 20_000,
        });
        servers.ws = pathRoomTarget("ws", "Node ws relay (no storage)", `127.0.0.1:${port}`, serverOf("ws-relay", group));
      })(),
    );
  }
  if (wanted.includes("socketio")) {
    tasks.push(
      (async () => {
        const port = await freePort();
        const group = await startGroup(
          "socketio-relay",
          process.execPath,
          ["bench/servers/socketio-relay.mjs", String(port), path.join(work, "socketio.sqlite")],
          {
            cwd: root,
            logFile: path.join(work, "socketio-relay.log"),
            ready: (out) => out.includes("ready"),
            timeoutMs: 20_000,
          },
        );
        servers.socketio = socketIoTarget(`127.0.0.1:${port}`, serverOf("socketio-relay", group));
      })(),
    );
  }
  await Promise.all(tasks);
  return ["baton", "minimal-do", "minimal-do-assets", "ws", "socketio"].filter((k) => servers[k]).map((k) => servers[k]);
}

async function main() {
  const results = { preset: quick ? "quick" : "full", presetConfig: preset, seed, startedAt: new Date(), scenarios: only };
  results.machine = {
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadavg: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
  results.command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;

  results.code = gitDescribe();
  log(`preset ${results.preset}; code ${results.code}; logs and state in ${path.relative(root, work)}`);
  const app = snapshotApp();
  if (only.includes("bundle")) {
    // Before the servers start: wrangler dev must not see the dry run's files appear beside it.
    results.bundle = measureBundle(app, path.join(work, "bundle"));
    log(`worker bundle: ${(results.bundle.raw / 1024).toFixed(1)} KB raw, ${(results.bundle.gzip / 1024).toFixed(1)} KB gzip`);
  }
  if (only.includes("handoff") && wanted.includes("baton")) await startFakeSlackHere();
  const targets = await startServers(app);
  log(`servers up: ${targets.map((t) => t.name).join(", ")}`);
  const baton = targets.find((t) => t.key === "baton");

  if (only.includes("widget")) {
    // Built by scripts/start.mjs into the snapshot (it is what the running Baton serves).
    results.widget = measureWidget(path.join(app, "public"));
    log(`widget: ${results.widget.map((w) => `${w.file} ${(w.gzip / 1024).toFixed(1)} KB gzip`).join(", ")}`);
  }

  // The relay that answers runs where a visitor message is answered: the latency and visitor-message scenarios.
  const answeredTargets = answering ? [...targets, answering] : targets;

  if (only.includes("latency")) {
    const cfg = preset.latency;
    results.latency = Object.fromEntries(answeredTargets.map((t) => [t.key, { runs: [], timeouts: 0, botMissing: 0 }]));
    // The other way too: an agent's line (no bot turn for Baton), Baton's own floor per stored message.
    results.latencyAgent = Object.fromEntries(targets.map((t) => [t.key, { runs: [], timeouts: 0, botMissing: 0 }]));
    for (let r = 0; r < cfg.runs; r++) {
      // Rotate the order each round so no system always runs first (or right after Baton's bot).
      for (const [from, into, among] of [
        ["visitor", results.latency, answeredTargets],
        ["agent", results.latencyAgent, targets],
      ]) {
        const order = among.map((_, i) => among[(i + r) % among.length]);
        for (const target of order) {
          const run = await latencyRun(target, { warmup: cfg.warmup, count: cfg.count, tag: `lat${r}${from}`, from });
          const entry = into[target.key];
          entry.runs.push(summarize(run.samples));
          entry.timeouts += run.timeouts;
          entry.botMissing += run.botMissing;
        }
      }
      const p50s = (into) =>
        Object.keys(into)
          .map((k) => `${k} p50 ${into[k].runs.at(-1).p50.toFixed(2)} ms`)
          .join(", ");
      log(`latency round ${r + 1}/${cfg.runs}: ${p50s(results.latency)}; agent→visitor ${p50s(results.latencyAgent)}`);
    }
  }

  if (only.includes("throughput")) {
    const cfg = preset.throughput;
    results.throughput = Object.fromEntries(targets.map((t) => [t.key, { runs: [] }]));
    for (let r = 0; r < cfg.runs; r++) {
      const order = targets.map((_, i) => targets[(i + r) % targets.length]);
      for (const target of order) {
        const run = await throughputRun(target, { ...cfg, tag: `tp${r}` });
        results.throughput[target.key].runs.push({ ...run, latency: summarize(run.latencies), latencies: undefined });
      }
      log(
        `throughput round ${r + 1}/${cfg.runs}: ${targets.map((t) => `${t.key} ${Math.round(results.throughput[t.key].runs.at(-1).perSecond)} msg/s`).join(", ")}`,
      );
    }
  }

  if (only.includes("visitor-throughput")) {
    const cfg = preset.visitorThroughput;
    const visitorTargets = answeredTargets;
    results.visitorThroughput = Object.fromEntries(visitorTargets.map((t) => [t.key, { runs: [] }]));
    for (let r = 0; r < cfg.runs; r++) {
      const order = visitorTargets.map((_, i) => visitorTargets[(i + r) % visitorTargets.length]);
      for (const target of order) {
        const run = await visitorThroughputRun(target, { ...cfg, tag: `vt${r}` });
        results.visitorThroughput[target.key].runs.push({
          ...run,
          latency: summarize(run.latencies),
          echo: summarize(run.echoLatencies),
          latencies: undefined,
          echoLatencies: undefined,
        });
      }
      log(
        `visitor throughput round ${r + 1}/${cfg.runs}: ${visitorTargets.map((t) => `${t.key} ${Math.round(results.visitorThroughput[t.key].runs.at(-1).perSecond)} msg/s`).join(", ")}`,
      );
    }
  }

  if (only.includes("concurrency")) {
    const cfg = preset.concurrency;
    results.concurrency = {};
    // Every system's rooms are opened first (each alone on the box), then the rounds interleave:
    // round 1 of each system, in an order that rotates with the round, then round 2 of each, and so
    // on, so that a phase of this shared box falls on every system's rounds alike.
    const open = [];
    for (const target of targets) {
      log(`concurrency: ${target.name}, ${cfg.conversations} conversations × 2 sockets`);
      open.push([target, await openConcurrency(target, { ...cfg, log: (m) => log(`  ${m}`) })]);
    }
    log(`concurrency: ${cfg.rounds} rounds × ${cfg.roundMs / 1000} s of each system, interleaved`);
    for (let r = 0; r < cfg.rounds; r++) for (let i = 0; i < open.length; i++) await open[(i + r) % open.length][1].round(r);
    for (const [target, run] of open) {
      const done = await run.finish();
      results.concurrency[target.key] = { ...done, latency: summarize(done.latencies), latencies: undefined };
      log(
        `  ${target.key}: errors ${done.errorTotal}, handoffs ${done.handoffs}, whole-run p99 ${summarize(done.latencies).p99.toFixed(1)} ms, rooms created in ${done.createSeconds.toFixed(1)} s, ${(done.bytesPerConversation / 1024).toFixed(1)} KB/conversation`,
      );
    }
  }

  const restartable = targets.filter((t) => t.server.restart);
  if (only.includes("cold-wake") && restartable.length > 0) {
    const cfg = preset.coldWake;
    log(`cold wake: ${cfg.rooms} rooms each on ${restartable.map((t) => t.key).join(", ")}, then a restart of each runtime`);
    const prepared = [];
    for (const target of restartable) prepared.push(await prepareColdWake(target, cfg));
    // Restarted together (the measurement starts once both are ready), one start-up's wait instead of two.
    const restarts = await Promise.all(restartable.map((t) => t.server.restart()));
    results.coldWake = {};
    for (const [i, target] of restartable.entries()) {
      const run = await measureColdWake(target, prepared[i]);
      results.coldWake[target.key] = {
        rooms: cfg.rooms,
        failed: run.failed,
        downSeconds: restarts[i].downSeconds,
        warmWelcome: summarize(run.warm.map((v) => v.welcomeMs)),
        coldWelcome: summarize(run.cold.map((v) => v.welcomeMs)),
        coldEcho: summarize(run.cold.map((v) => v.echoMs).filter(Number.isFinite)),
      };
      const c = results.coldWake[target.key];
      log(
        `  ${target.key}: open → welcome warm p50 ${c.warmWelcome.p50.toFixed(1)} ms, cold p50 ${c.coldWelcome.p50.toFixed(1)} ms, p99 ${c.coldWelcome.p99.toFixed(1)} ms`,
      );
    }
  }

  if (only.includes("chaos") && baton) {
    const cfg = preset.chaos;
    log(`chaos: ${cfg.conversations} conversations, ${cfg.durationMs / 1000} s`);
    results.chaos = await chaosRun(baton, { ...cfg, seed, restart: baton.server.restart, log: (m) => log(`  ${m}`) });
    log(`  exactly-once and in order: ${results.chaos.passed}/${results.chaos.conversations}`);
  }

  if (only.includes("handoff") && baton && fakeSlack) {
    const cfg = preset.handoff;
    log(`handoff: ${cfg.latencyCount} handoffs one by one, then ${cfg.burst} at once in one channel at Slack's pace`);
    results.handoff = await handoffRun({ http: baton.http, fake: fakeSlack, ...cfg, log: (m) => log(`  ${m}`) });
  }
  if (only.includes("desk") && baton) {
    const cfg = preset.desk;
    log(`desk: ${cfg.desks} desks connected, ${cfg.handoffs} handoffs within ${cfg.windowMs / 1000} s`);
    results.desk = await deskRun({ http: baton.http, ...cfg, log: (m) => log(`  ${m}`) });
    const s = summarize(results.desk.samples);
    log(`  card on a desk p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms; missing ${results.desk.missing}, doubled ${results.desk.doubles}`);
  }

  if (fakeSlack) await fakeSlack.close();

  results.finishedAt = new Date();
  results.wallSeconds = (performance.now() - t0) / 1000;
  results.targets = [...targets, ...(answering && (results.visitorThroughput || results.latency) ? [answering] : [])].map((t) => ({
    key: t.key,
    name: t.name,
  }));
  const { table, markdown } = renderReport(results);
  console.log(`\n${table}`);
  writeFileSync(path.join(root, "bench", "RESULTS.md"), markdown);
  // A percentile with lost messages in it is Infinity, which JSON would write as null.
  writeFileSync(
    path.join(work, "results.json"),
    JSON.stringify(results, (_, v) => (v === Infinity ? "Infinity" : v), 2),
  );
  log(`wrote bench/RESULTS.md (raw numbers in ${path.relative(root, path.join(work, "results.json"))})`);
}

try {
  await main();
} finally {
  await stopAll();
  if (!flag("--keep")) {
    for (const dir of ["app", "baton-state", "minimal-do-state", "minimal-do-assets-state"]) rmSync(path.join(work, dir), { recursive: true, force: true });
    for (const file of ["socketio.sqlite", "socketio.sqlite-wal", "socketio.sqlite-shm"]) rmSync(path.join(work, file), { force: true });
  }
}
