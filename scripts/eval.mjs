#!/usr/bin/env node
// `npm run eval`: bundles eval/report.ts with esbuild (Node 20 runs no TypeScript) and runs it, so
// the figures come from the same domain code the worker ships. Arguments pass through.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const result = await esbuild.build({
  entryPoints: [path.join(root, "eval", "report.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  write: false,
  logLevel: "warning",
});
const dir = await mkdtemp(path.join(os.tmpdir(), "baton-eval-"));
const file = path.join(dir, "report.mjs");
try {
  await writeFile(file, result.outputFiles[0].contents);
  await import(pathToFileURL(file).href);
} finally {
  await rm(dir, { recursive: true, force: true });
}
