// Worker bundle: what `wrangler deploy` would upload, built offline with `--dry-run --outdir` on the
// app snapshot. Every conversation's Durable Object parses this script when it wakes, so its size
// is part of the cold wake; Cloudflare also caps it. Measured raw and gzip (level 9, as the widget).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export function measureBundle(app, outdir) {
  const output = execFileSync(path.join(app, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: app,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  // wrangler's own figure covers every module it would upload (KiB), which is also what the limit counts.
  const upload = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  const files = readdirSync(outdir)
    .filter((f) => /\.(m?js|wasm)$/.test(f))
    .map((file) => {
      const code = readFileSync(path.join(outdir, file));
      return { file, raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
    });
  return {
    files,
    raw: files.reduce((s, f) => s + f.raw, 0),
    gzip: files.reduce((s, f) => s + f.gzip, 0),
    wranglerUploadKiB: upload ? Number(upload[1]) : null,
    wranglerGzipKiB: upload ? Number(upload[2]) : null,
  };
}
