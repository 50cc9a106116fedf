// `npm start`: builds the widget, applies local D1 migrations, seeds the demo project and runs the
// worker as `wrangler dev` does (scripts/dev-worker.mjs: wrangler's own dev server, with the
// runtime's inspector off unless asked for) on 127.0.0.1 (PORT, default 8787), then prints the dev
// keys once it answers. Options: --port N, --persist-to DIR (default .wrangler/state), and the
// `wrangler dev` options dev-worker.mjs takes (`npm start -- --var RATE_LIMIT_BURST:1000 --inspect`).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { deskLink } from "./desk-link.mjs";
import { configFromEnvironment } from "./config-env.mjs";
import { parseDevOptions, splitOwnOptions, startDevWorker } from "./dev-worker.mjs";
import { DEMO, seedDemo } from "./seed-demo.mjs";

const { own, rest: passthrough } = optionsOrExit(() => splitOwnOptions(process.argv.slice(2), ["--port", "--persist-to"]));
const port = own["--port"] ?? process.env.PORT ?? "8787";
const persistTo = path.resolve(own["--persist-to"] ?? ".wrangler/state");
const wrangler = path.resolve("node_modules/.bin/wrangler");
const fromEnvironment = configFromEnvironment();
// Bad options fail here, before anything is built or seeded.
const options = optionsOrExit(() =>
  parseDevOptions([
    "--var",
    "BATON_ENV:development",
    "--var",
    `PUBLIC_URL:${process.env.PUBLIC_URL || `http://127.0.0.1:${port}`}`,
    ...fromEnvironment,
    ...passthrough,
  ]),
);
/** `read()`, or a one-line error and exit 2 for options it refuses. */
function optionsOrExit(read) {
  try {
    return read();
  } catch (error) {
    console.error(`npm start: ${error.message}`);
    process.exit(2);
  }
}
const step = (label, fn) => {
  process.stdout.write(`• ${label}… `);
  fn();
  process.stdout.write("done\n");
};

step("Building the widget", () => execFileSync(process.execPath, ["scripts/build-widget.mjs"], { stdio: "pipe" }));
step("Applying D1 migrations", () =>
  execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], { stdio: "pipe", env: { ...process.env, CI: "true" } }),
);
step("Seeding the demo project", () => seedDemo({ persistTo, port, wrangler }));

await startDevWorker({ hostname: "127.0.0.1", port, persistTo, options });

const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 600; i++) {
  await new Promise((r) => setTimeout(r, 200));
  try {
    if ((await fetch(`${base}/v1/health`)).ok) {
      const link = await deskLink({ base }).catch((error) => `(no link: ${error.message})`);
      console.log(`
  Baton ready on ${base}

  Agent desk     ${link}
                 (signs you in as "Demo Agent"; works once, for 24 h: \`npm run desk-link\` makes another)
  Demo page      ${base}/   (ask for a person there, in another tab)
  Project key    ${DEMO.projectKey}   (public, goes in the embed tag)
  Secret key     ${DEMO.secretKey}    (server-side API: agents, settings)
  Agent token    ${DEMO.agentToken}    (agent API and sockets: "Demo Agent")
  Admin token    dev-admin  (POST /v1/projects)

  These keys exist only in local development.
`);
      break;
    }
  } catch {
    // not listening yet
  }
}
