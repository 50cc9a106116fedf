// The minimal DO relay's memory by step, taken as `npm run profile -- --kind memory` takes
// Baton's (lib/memory-phases.mjs): bare (bench/minimal-do/wrangler.toml, the bench's reference)
// and behind Static Assets as Baton is (wrangler-assets.toml). Starts each under `wrangler dev`
// in turn and prints one table: node bench/probes/relay-memory.mjs [--rooms 300]
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { pathRoomTarget } from "../lib/clients.mjs";
import { cdp } from "../lib/inspector.mjs";
import { conversationSteps, memoryPhases, phasesTable, warmMessagePath } from "../lib/memory-phases.mjs";
import { freePort, installCleanup, startGroup, stopGroup, workerdPids } from "../lib/proc.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const i = process.argv.indexOf("--rooms");
const ROOMS = Math.max(1, Number(i > 0 ? process.argv[i + 1] : 300));
const work = path.join(root, "bench", ".tmp", `relay-memory-${new Date().toISOString().replace(/[:.]/g, "-")}`);
mkdirSync(work, { recursive: true });
installCleanup();

async function measure(key, config) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const http = `http://127.0.0.1:${port}`;
  const group = await startGroup(
    key,
    path.join(root, "node_modules", ".bin", "wrangler"),
    // biome-ignore format: one flag and its value a line would hide the command
    ["dev", "--config", config, "--ip", "127.0.0.1", "--port", String(port), "--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort),
      "--persist-to", path.join(work, `${key}-state`), "--show-interactive-dev-session=false", "--log-level", "warn"],
    {
      cwd: root,
      env: { WRANGLER_REGISTRY_PATH: path.join(work, `registry-${key}`), WRANGLER_SEND_METRICS: "false" },
      logFile: path.join(work, `${key}.log`),
      ready: async () => (await fetch(`${http}/health`, { signal: AbortSignal.timeout(2000) })).ok,
      timeoutMs: 180_000,
    },
  );
  try {
    const { runtime } = workerdPids(group.pgid, port);
    const target = pathRoomTarget(key, key, `127.0.0.1:${port}`, null);
    const inspector = cdp(`ws://127.0.0.1:${inspectorPort}/ws`, `${http}/health`);
    await inspector.ready;
    const answered = (frame) => frame.type === "message";
    await warmMessagePath(target, { answered }); // as Baton's (bench/profile.mjs)
    const steps = conversationSteps({
      target,
      count: ROOMS,
      plainRequest: () => fetch(`${http}/health`).then((r) => r.text()),
      makeRooms: (set) => [["rooms named (no request)", async () => set(await Promise.all(Array.from({ length: ROOMS }, () => target.newRoom())))]],
      answered,
    });
    const heapUsed = async () => (await inspector.send("Runtime.getHeapUsage")).usedSize;
    const phases = await memoryPhases({ pid: runtime, rooms: ROOMS, collect: () => inspector.send("HeapProfiler.collectGarbage"), steps, heapUsed });
    inspector.close();
    return phases;
  } finally {
    await stopGroup(group, "SIGKILL", 1000);
  }
}

try {
  const systems = {
    "minimal relay": await measure("bare", "bench/minimal-do/wrangler.toml"),
    "relay behind Static Assets": await measure("assets", "bench/minimal-do/wrangler-assets.toml"),
  };
  console.log(`${ROOMS} conversations, runtime RSS by step:\n\n${phasesTable(systems)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
