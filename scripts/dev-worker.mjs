// Runs a worker locally the way `wrangler dev` does, through wrangler's programmatic API
// (`unstable_startWorker`, the dev server `wrangler dev` itself is built on), for one reason: the
// `wrangler dev` command always starts the runtime's inspector, and wrangler's inspector proxy
// then turns every subrequest the worker makes (each D1 query, here) into four DevTools events,
// each posted to wrangler's node process and appended to its debug log
// (~/.config/.wrangler/logs). Measured on `POST /v1/conversations`, that was 2-4 ms of CPU in
// node and 1.4 ms in the proxy for every conversation, more than the worker's own 2.4 ms, and
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
        if (inline === undefined) out.minify = true;
        else if (inline === "true" || inline === "false") out.minify = inline === "true";
        else throw new Error(`--minify takes true or false, not "${inline}"`);
        break;
      case "--no-minify":
        out.minify = false;
        break;
      case "--log-level": {
        const level = value();
        if (!LOG_LEVELS.has(level)) throw new Error(`--log-level takes one of ${[...LOG_LEVELS].join(", ")}, not "${level}"`);
        out.logLevel = level;
        break;
      }
      case "--inspect":
        out.inspect = true;
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
 * Starts the worker of `options.config` on `hostname:port`, its state under `persistTo`, with the
 * plain-text `vars` on top of the config's. Resolves with wrangler's worker handle once it listens.
 */
export async function startDevWorker({ hostname = "127.0.0.1", port, persistTo, options }) {
  // wrangler's logger reads its level from the environment: set it before wrangler is loaded.
  if (options.logLevel) process.env.WRANGLER_LOG = options.logLevel;
  process.env.WRANGLER_SEND_METRICS ??= "false";
  const { unstable_startWorker } = await import("wrangler");
  // The Node.js compatibility the config's date and flags ask for, decided as `wrangler dev`
  // decides it (by wrangler's own miniflare): startWorker leaves it to its caller.
  const require = createRequire(import.meta.url);
  const { getNodeCompat } = createRequire(require.resolve("wrangler"))("miniflare");
  const nodejsCompatMode = (config) => getNodeCompat(config.compatibility_date, config.compatibility_flags ?? []).mode;
  const bindings = Object.fromEntries(Object.entries(options.vars).map(([name, value]) => [name, { type: "plain_text", value }]));
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
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      worker.dispose().finally(() => process.exit(0));
    });
  }
  return worker;
}

/** `node scripts/dev-worker.mjs --port N [--ip HOST] [--persist-to DIR] [wrangler dev options]`. */
async function main(argv) {
  const own = { port: undefined, ip: "127.0.0.1", persistTo: undefined };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--port") own.port = argv[++i];
    else if (argv[i] === "--ip") own.ip = argv[++i];
    else if (argv[i] === "--persist-to") own.persistTo = argv[++i];
    else rest.push(argv[i]);
  }
  if (!own.port) throw new Error("--port is required");
  const worker = await startDevWorker({ hostname: own.ip, port: own.port, persistTo: own.persistTo, options: parseDevOptions(rest) });
  console.log(`Ready on ${(await worker.url).origin}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`dev-worker: ${error.message}`);
    process.exit(1);
  });
}
