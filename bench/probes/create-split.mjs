// Where a conversation's creation spends CPU, by process: Baton started as the bench starts it,
// then 1,000 `GET /v1/health` and 1,000 `POST /v1/conversations` (32 in flight), twice, each
// process's CPU read from /proc: the runtime workerd, the proxy workerd, wrangler's node process
// (the rest of the group) and this client. `--inspect` starts the runtime's inspector, as the
// `wrangler dev` command always does (bench/README.md, fifth pass).
//   node bench/probes/create-split.mjs [--requests 1000] [--inspect]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startArgs, withRaisedRateLimits } from "../lib/baton.mjs";
import { batonTarget } from "../lib/clients.mjs";
import { cpuSeconds, freePort, groupPids, installCleanup, startGroup, stopAll, workerdPids } from "../lib/proc.mjs";

installCleanup();
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const N = Number(option("--requests", "1000"));
const INSPECT = argv.includes("--inspect");
const root = path.resolve(import.meta.dirname, "../..");
const work = mkdtempSync(path.join(os.tmpdir(), "baton-create-split-"));
const config = path.join(root, ".wrangler-create-split.toml");
writeFileSync(config, withRaisedRateLimits(readFileSync(path.join(root, "wrangler.toml"), "utf8")));

try {
  const port = await freePort();
  const inspectorPort = INSPECT ? await freePort() : undefined;
  const group = await startGroup(
    "baton",
    process.execPath,
    startArgs({ port, persistTo: path.join(work, "state"), inspectorPort, extra: ["--config", config] }),
    {
      cwd: root,
      env: { WRANGLER_SEND_METRICS: "false" },
      logFile: path.join(work, "baton.log"),
      ready: (out) => out.includes(`Baton ready on http://127.0.0.1:${port}`),
      timeoutMs: 180_000,
    },
  );
  const { runtime, proxy } = workerdPids(group.pgid, port);
  const rest = groupPids(group.pgid).filter((pid) => pid !== runtime && pid !== proxy);
  const target = batonTarget(`127.0.0.1:${port}`, { pid: () => runtime });
  const pool = async (count, width, fn) => {
    let started = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (started < count) {
          started++;
          await fn();
        }
      }),
    );
  };
  const measure = async (label, fn) => {
    const before = [cpuSeconds([runtime]), cpuSeconds([proxy]), cpuSeconds(rest)];
    const client = process.cpuUsage();
    const t0 = performance.now();
    await pool(N, 32, fn);
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(client);
    const each = (s) => String(Math.round((s * 1e6) / N)).padStart(6);
    console.log(
      `${label.padEnd(24)} ${N} in ${seconds.toFixed(2)} s; µs of CPU each: runtime ${each(cpuSeconds([runtime]) - before[0])}, proxy ${each(cpuSeconds([proxy]) - before[1])}, wrangler's node ${each(cpuSeconds(rest) - before[2])}, client ${each((used.user + used.system) / 1e6)}`,
    );
  };
  console.log(`Baton ${INSPECT ? "with" : "without"} the runtime's inspector`);
  await pool(64, 8, () => target.startConversation()); // warm-up, unmeasured
  for (let round = 0; round < 2; round++) {
    await measure("GET /v1/health", () => fetch(`${target.http}/v1/health`).then((r) => r.text()));
    await measure("POST /v1/conversations", () => target.startConversation());
  }
} finally {
  await stopAll();
  rmSync(config, { force: true });
  rmSync(work, { recursive: true, force: true });
}
