// Baton as the bench and the profiler run it: limits no run reaches, so the load, not a limiter,
// is measured. Shared by run.mjs and profile.mjs, and by the e2e server (test/e2e/global-setup.ts).

/** `wrangler dev --var`s: the room's per-sender budget and the alert cap (20 a project an hour: the handoff burst measures Slack's pace). */
export const RATE_LIMIT_VARS = ["--var", "RATE_LIMIT_BURST:100000", "--var", "RATE_LIMIT_PER_SECOND:100000", "--var", "HANDOFF_ALERTS_PER_WINDOW:100000"];

/** A wrangler.toml whose Rate Limiting bindings get thresholds no run reaches (one address creating conversations fast). */
export function withRaisedRateLimits(toml) {
  return toml.replace(/(simple = \{ limit = )\d+/g, (_, head) => `${head}1000000`);
}

/**
 * `node scripts/start.mjs` arguments for Baton under load: its port, state, the raised room limits,
 * and `extra` for the dev server (a config, `--minify=false`). The runtime's inspector runs only
 * with an `inspectorPort` (the profiler attaches to it): it costs every subrequest (scripts/dev-worker.mjs).
 */
export function startArgs({ port, persistTo, inspectorPort, extra = [] }) {
  return [
    "scripts/start.mjs",
    "--port",
    String(port),
    "--persist-to",
    persistTo,
    "--",
    ...RATE_LIMIT_VARS,
    ...extra,
    ...(inspectorPort ? ["--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort)] : []),
    "--log-level",
    "warn",
  ];
}
