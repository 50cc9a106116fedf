// Starts the real product once for the e2e project: `scripts/start.mjs` builds the widget,
// migrates a fresh local D1, seeds the demo project and runs the worker in wrangler's dev server on a free port.
// Tests get its base URL through `inject("baseUrl")`; teardown stops the whole process group.
// Every browser here is one address (127.0.0.1) playing dozens of visitors a minute, so the
// server runs on a copy of wrangler.toml whose Rate Limiting thresholds no run reaches (20 new
// conversations a minute from one address refused the later tests on a fast machine). The
// limits themselves are tested in workerd (test/workers).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { withRaisedRateLimits } from "../../bench/lib/baton.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, "../..");
const READY = /Baton ready on (http:\/\/\S+)/;
const START_TIMEOUT_MS = 90_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const persistTo = await mkdtemp(path.join(tmpdir(), "baton-e2e-"));
  // Beside wrangler.toml, since its paths (main, assets, migrations) are relative to it.
  const config = path.join(root, `.wrangler-e2e-${port}.toml`);
  writeFileSync(config, withRaisedRateLimits(readFileSync(path.join(root, "wrangler.toml"), "utf8")));
  const child = spawn(process.execPath, ["scripts/start.mjs", "--port", String(port), "--persist-to", persistTo, "--", "--config", config], {
    cwd: root,
    detached: true, // its own process group, so teardown also stops wrangler and workerd
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", CI: "1" },
  });

  const teardown = async () => {
    await stop(child);
    rmSync(config, { force: true });
    await rm(persistTo, { recursive: true, force: true });
  };

  try {
    const baseUrl = await waitForReady(child);
    project.provide("baseUrl", baseUrl);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

/** Resolves with the base URL once start.mjs prints its ready line; rejects with its output otherwise. */
function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`scripts/start.mjs ${why}. Its output:\n${output.slice(-6000)}`));
    };
    const timer = setTimeout(() => fail(`did not print "Baton ready on …" within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        child.off("exit", onExit);
        // Keep draining the pipes; BATON_E2E_LOGS=1 shows the server's log while the tests run.
        for (const stream of [child.stdout!, child.stderr!]) {
          stream.off("data", onData);
          if (process.env.BATON_E2E_LOGS) stream.pipe(process.stderr);
          else stream.resume();
        }
        resolve(match[1]!.replace(/\/$/, ""));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited early (code ${code}, signal ${signal})`);
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", onExit);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup("SIGTERM");
  const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
  if (!killed) {
    signalGroup("SIGKILL");
    await exited;
  }
  // Children of the group may outlive its leader by a moment; make sure none is left behind.
  signalGroup("SIGKILL");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
