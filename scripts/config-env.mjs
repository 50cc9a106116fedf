// Which of this shell's variables `npm start` passes into the worker: every variable Baton reads
// (the ConfigVars interface in adapters/config.ts, so the list cannot drift), as `--var` flags.
// BATON_ENV and PUBLIC_URL are set by start.mjs itself.
import { readFileSync } from "node:fs";
import path from "node:path";

const OWN = new Set(["BATON_ENV", "PUBLIC_URL"]);

/** The names ConfigVars declares, read from its source. */
export function configVarNames(root = process.cwd()) {
  const source = readFileSync(path.join(root, "adapters/config.ts"), "utf8");
  const block = /export interface ConfigVars \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? "";
  return [...block.matchAll(/^\s+([A-Z][A-Z0-9_]*)\?:/gm)].map((m) => m[1]);
}

/** `--var NAME:value` for each variable Baton reads that is set in `environment`. */
export function configFromEnvironment(environment = process.env, root = process.cwd()) {
  return configVarNames(root)
    .filter((name) => !OWN.has(name) && environment[name])
    .flatMap((name) => ["--var", `${name}:${environment[name]}`]);
}
