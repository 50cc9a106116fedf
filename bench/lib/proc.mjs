// Child processes of the bench: each server runs in its own process group so that one signal
// ends it with everything it spawned (wrangler -> workerd). Every group is killed on exit and on
// error; /proc gives the RSS and CPU time of a group's processes.
import { spawn } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import net from "node:net";

const live = new Set();

/** A free TCP port on 127.0.0.1 (the kernel picks it; we release it at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `command` in a new process group, logging to `logFile`. Resolves once `ready(output)`
 * (may be async) holds, rejects if it exits or `timeoutMs` passes first.
 */
export function startGroup(name, command, args, { cwd, env, logFile, ready, timeoutMs = 120_000 }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const group = { name, child, pgid: child.pid, output: "", exited: false };
  live.add(group);
  const log = createWriteStream(logFile, { flags: "a" });
  const onData = (chunk) => {
    log.write(chunk);
    if (group.output.length < 200_000) group.output += chunk.toString();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  group.exit = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      group.exited = true;
      live.delete(group);
      log.end();
      resolve({ code, signal });
    });
  });
  const started = new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = async () => {
      let ok = false;
      try {
        ok = await ready(group.output);
      } catch {
        ok = false;
      }
      if (ok) return resolve(group);
      if (group.exited) return reject(new Error(`${name} exited before it was ready; see ${logFile}\n${group.output.slice(-2000)}`));
      if (Date.now() > deadline) return reject(new Error(`${name} not ready after ${timeoutMs} ms; see ${logFile}\n${group.output.slice(-2000)}`));
      setTimeout(poll, 100);
    };
    poll();
  });
  return started;
}

/** Signals the whole group, then SIGKILLs it if it is still there after `graceMs`. */
export async function stopGroup(group, signal = "SIGTERM", graceMs = 5000) {
  if (!group || group.exited) return;
  signalGroup(group, signal);
  const timeout = new Promise((resolve) => setTimeout(resolve, graceMs, "timeout"));
  if ((await Promise.race([group.exit, timeout])) === "timeout") signalGroup(group, "SIGKILL");
  await Promise.race([group.exit, new Promise((resolve) => setTimeout(resolve, 2000))]);
  // The leader may exit before its children; make sure nothing of the group survives.
  for (const pid of groupPids(group.pgid)) safeKill(pid, "SIGKILL");
}

function signalGroup(group, signal) {
  try {
    process.kill(-group.pgid, signal);
  } catch {
    // already gone
  }
  for (const pid of groupPids(group.pgid)) safeKill(pid, signal);
}

function safeKill(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous last resort (process exit): SIGKILL every group we started. */
export function killAllSync() {
  for (const group of live) {
    safeKill(-group.pgid, "SIGKILL");
    for (const pid of groupPids(group.pgid)) safeKill(pid, "SIGKILL");
  }
  live.clear();
}

export async function stopAll() {
  await Promise.all([...live].map((g) => stopGroup(g, "SIGTERM", 3000)));
}

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // fields[0] is state (field 3); pgid is field 5, utime 14, stime 15.
    return { pid, comm, ppid: Number(fields[1]), pgid: Number(fields[2]), utime: Number(fields[11]), stime: Number(fields[12]) };
  } catch {
    return null;
  }
}

function allStats() {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** Pids in process group `pgid`, plus any descendants that left it. */
export function groupPids(pgid) {
  const stats = allStats();
  const members = new Set(stats.filter((s) => s.pgid === pgid).map((s) => s.pid));
  for (let changed = true, rounds = 0; changed && rounds < 10; rounds++) {
    changed = false;
    for (const s of stats) {
      if (!members.has(s.pid) && members.has(s.ppid)) {
        members.add(s.pid);
        changed = true;
      }
    }
  }
  return [...members];
}

/** The pid of the first process named `comm` in the group (e.g. "workerd"), or the leader. */
export function findInGroup(pgid, comm) {
  const pids = groupPids(pgid);
  for (const pid of pids) if (readStat(pid)?.comm === comm) return pid;
  return null;
}

/**
 * `wrangler dev` runs two workerd processes: a proxy that owns the public port and forwards every
 * request and frame, and the runtime that runs the worker and its Durable Objects.
 */
export function workerdPids(pgid, port) {
  const out = { runtime: null, proxy: null };
  for (const pid of groupPids(pgid)) {
    if (readStat(pid)?.comm !== "workerd") continue;
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (cmdline.includes(`entry=127.0.0.1:${port}`)) out.proxy = pid;
    else out.runtime = pid;
  }
  return out;
}

/** Resident set size of one process in bytes (0 if it is gone). */
export function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const TICKS = 100; // USER_HZ on Linux
/** CPU seconds (user + system) used so far by the given processes. */
export function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const s = readStat(pid);
    if (s) ticks += s.utime + s.stime;
  }
  return ticks / TICKS;
}

let hooked = false;
/** Kills every group on exit, Ctrl-C, SIGTERM and uncaught errors. */
export function installCleanup(onFatal) {
  if (hooked) return;
  hooked = true;
  process.on("exit", killAllSync);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}, stopping servers`);
      killAllSync();
      process.exit(130);
    });
  }
  const fatal = (error) => {
    console.error("bench: fatal", error);
    onFatal?.(error);
    killAllSync();
    process.exit(1);
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
}
