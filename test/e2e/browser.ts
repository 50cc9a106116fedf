// Where the browser tests find Chromium (Debian's, never a downloaded one), and how they start it.
// vitest.config.ts asks `browserAvailability()` whether the e2e project runs at all.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** `CHROMIUM_PATH` when set, else Debian's package. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || "/usr/bin/chromium";
}

/**
 * Whether the browser project runs. Without Chromium a newcomer's `npm test` skips it with one line
 * that says how to install it; under CI (CI=true) a missing browser fails the run instead.
 */
export function browserAvailability(env: NodeJS.ProcessEnv = process.env): { run: true } | { run: false; message: string; fatal: boolean } {
  const file = chromiumPath(env);
  if (existsSync(file)) return { run: true };
  const fatal = env.CI === "true" || env.CI === "1";
  const install = "install it with `sudo apt-get install -y chromium` (or set CHROMIUM_PATH)";
  return fatal
    ? { run: false, fatal, message: `CI=true but ${file} does not exist: the browser tests must run in CI; ${install}.` }
    : { run: false, fatal, message: `Browser tests (e2e) skipped: ${file} not found; ${install}.` };
}

/** Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
