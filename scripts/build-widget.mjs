#!/usr/bin/env node
// Bundles the embeddable widget (widget/index.ts) into public/widget.js: one minified ES2020
// IIFE with no runtime dependencies on the page. Prints its raw, gzip and brotli sizes, since
// every page that embeds Baton downloads it. Then the agent's pages (widget/agent/: desk, room,
// settings, one Preact app) into public/app/: ES modules split per page, loaded only by agents.
// Usage: node scripts/build-widget.mjs [--watch]
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const outfile = path.join(root, "public", "widget.js");
const appDir = path.join(root, "public", "app");
const watch = process.argv.includes("--watch");

/** @type {esbuild.BuildOptions} */
const options = {
  entryPoints: [path.join(root, "widget", "index.ts")],
  outfile,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  banner: { js: "/* Baton chat widget */" },
  plugins: [
    {
      // zod must never reach the page: it would multiply the bundle size.
      name: "no-zod",
      setup(build) {
        build.onResolve({ filter: /^zod(\/|$)/ }, (args) => ({
          errors: [{ text: `the widget must not import zod (imported by ${path.relative(root, args.importer)}); use \`import type\` from protocol/` }],
        }));
      },
    },
    {
      name: "report-size",
      setup(build) {
        build.onEnd(async (result) => {
          if (result.errors.length > 0) return;
          const code = await readFile(outfile);
          const gzip = gzipSync(code, { level: 9 }).length;
          const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
          const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
          console.log(`widget: ${path.relative(root, outfile)} ${kb(code.length)} raw, ${kb(gzip)} gzip, ${kb(brotli)} brotli`);
        });
      },
    },
  ],
};

/** @type {esbuild.BuildOptions} The agent app: lazy page chunks, Preact, uPlot only where the metrics are. */
const appOptions = {
  entryPoints: { main: path.join(root, "widget", "agent", "main.tsx"), app: path.join(root, "widget", "agent", "app.css") },
  outdir: appDir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
  plugins: [options.plugins[0]],
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
  await (await esbuild.context(appOptions)).watch();
  console.log("widget: watching widget/ for changes");
} else {
  await rm(appDir, { recursive: true, force: true });
  await Promise.all([esbuild.build(options), esbuild.build(appOptions)]);
}
