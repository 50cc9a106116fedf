// Runs a worker locally the way `wrangler dev` does, through wrangler's programmatic API
// (`unstable_startWorker`, the dev server `wrangler dev` itself is built on), for one reason: the
// `wrangler dev` command always starts the runtime's inspector, and wrangler's inspector proxy
// then turns every subrequest the worker makes (each D1 query, here) into four DevTools events,
// each posted to wrangler's node process and appended to its debug log
// (~/.config/.wrangler/logs). Measured on `POST /v1/conversations`, that was 2-4 ms of CPU in
// node and about 1.2 ms in the proxy for every conversation, more than the worker's own 2.4 ms, and
// gigabytes of log on a busy box (bench/README.md, fifth pass). Here the inspector runs only when
// asked for (`--inspect`, or an `--inspector-port`).
//
// Used by `npm start` (scripts/start.mjs) and by the bench for the minimal relay
// (bench/run.mjs), as `node scripts/dev-worker.mjs --config FILE --port N [--persist-to DIR] …`.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** The `wrangler dev` options this launcher takes, as `npm start -- …` documents them. */
export const DEV_OPTIONS = "--var NAME:value, --config FILE, --minify / --minify=false, --log-level LEVEL, --inspect, --inspector-ip HOST, --inspector-port N";

const LOG_LEVELS = new Set(["debug", "info", "log", "warn", "error", "none"]);

/**
 * Reads `wrangler dev`-style options into what `unstable_startWorker` takes. An option it does
 * not know is an error that names the ones it does, never silently dropped.
 */
export function parseDevOptions(argv) {
  const out = { vars: {}, config: undefined, minify: undefined, logLevel: undefined, inspect: false, inspectorHost: undefined, inspectorPort: undefined };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const eq = token.indexOf("=");
    const flag = eq > 0 ? token.slice(0, eq) : token;
    const inline = eq > 0 ? token.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs a value`);
      i++;
      return next;
    };
    /** A boolean flag: bare is true; `=true`/`=false`, or a following `true`/`false` token (yargs' spellings). */
    const boolean = () => {
      const given = inline ?? (argv[i + 1] === "true" || argv[i + 1] === "false" ? argv[++i] : "true");
      if (given !== "true" && given !== "false") throw new Error(`${flag} takes true or false, not "${given}"`);
      return given === "true";
    };
    switch (flag) {
      case "--var": {
        const pair = value();
        const colon = pair.indexOf(":");
        if (colon <= 0) throw new Error(`--var takes NAME:value, not "${pair}"`);
        out.vars[pair.slice(0, colon)] = pair.slice(colon + 1);
        break;
      }
      case "--config":
      case "-c":
        out.config = value();
        break;
      case "--minify":
        out.minify = boolean();
        break;
      case "--no-minify":
        out.minify = !boolean();
        break;
      case "--log-level": {
        const level = value();
        if (!LOG_LEVELS.has(level)) throw new Error(`--log-level takes one of ${[...LOG_LEVELS].join(", ")}, not "${level}"`);
        out.logLevel = level;
        break;
      }
      case "--inspect":
        out.inspect = boolean();
        break;
      case "--inspector-ip":
        out.inspectorHost = value();
        out.inspect = true;
        break;
      case "--inspector-port": {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--inspector-port takes a port number`);
        out.inspectorPort = port;
        out.inspect = true;
        break;
      }
      default:
        throw new Error(`unsupported option ${token}: this launcher takes ${DEV_OPTIONS}`);
    }
  }
  return out;
}

/**
 * The `--var`s as wrangler's bindings, hidden as `wrangler dev` hides them: its start-up table would
 * otherwise print the first 40 characters of each value (TOKEN_SECRET, OPENAI_API_KEY, …).
 */
export function varBindings(vars) {
  return Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: "plain_text", value, hidden: true }]));
}

/**
 * Starts the worker of `options.config` on `hostname:port`, its state under `persistTo`, with the
 * plain-text `vars` on top of the config's. Resolves with wrangler's worker handle once it listens.
 */
export async function startDevWorker({ hostname = "127.0.0.1", port, persistTo, options }) {
  // wrangler's logger reads its level from the environment: set it before wrangler is loaded.
  if (options.logLevel) process.env.WRANGLER_LOG = options.logLevel;
  process.env.WRANGLER_SEND_METRICS ??= "false";
  const { unstable_startWorker } = await import("wrangler");
  // The Node.js compatibility the config's date and flags ask for, by wrangler's own miniflare
  // (`wrangler dev` asks the same function, and also refuses contradictory flags, which this
  // project's config does not have): startWorker leaves it to its caller.
  const require = createRequire(import.meta.url);
  const { getNodeCompat } = createRequire(require.resolve("wrangler"))("miniflare");
  const nodejsCompatMode = (config) => getNodeCompat(config.compatibility_date, config.compatibility_flags ?? []).mode;
  const bindings = varBindings(options.vars);
  const worker = await unstable_startWorker({
    config: path.resolve(options.config ?? "wrangler.toml"),
    build: { nodejsCompatMode, ...(options.minify === undefined ? {} : { minify: options.minify }) },
    bindings,
    dev: {
      server: { hostname, port: Number(port) },
      inspector: options.inspect
        ? { hostname: options.inspectorHost ?? "127.0.0.1", ...(options.inspectorPort ? { port: options.inspectorPort } : {}) }
        : false,
      ...(persistTo ? { persist: path.resolve(persistTo) } : {}),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    },
  });
  await worker.ready;
  // No signal handlers here: wrangler and miniflare install theirs on import and start (they exit
  // and kill the workerd processes, as under `wrangler dev`).
  return worker;
}

/**
 * A launcher's own options (`names`, each with a value) apart from the dev-server options, which
 * are everything else, with or without a `--` before them: `npm start -- --inspect` arrives as
 * `--inspect` (npm takes the `--`), `node scripts/start.mjs --port 1 -- --config x` keeps its own.
 */
export function splitOwnOptions(argv, names) {
  const own = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") continue;
    if (names.includes(token)) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new Error(`${token} needs a value`);
      own[token] = next;
      i++;
    } else rest.push(token);
  }
  return { own, rest };
}

/** `node scripts/dev-worker.mjs --port N [--ip HOST] [--persist-to DIR] [wrangler dev options]`. */
async function main(argv) {
  const { own, rest } = splitOwnOptions(argv, ["--port", "--ip", "--persist-to"]);
  if (!own["--port"]) throw new Error("--port is required");
  const worker = await startDevWorker({
    hostname: own["--ip"] ?? "127.0.0.1",
    port: own["--port"],
    persistTo: own["--persist-to"],
    options: parseDevOptions(rest),
  });
  console.log(`Ready on ${(await worker.url).origin}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`dev-worker: ${error.message}`);
    process.exit(1);
  });
}
