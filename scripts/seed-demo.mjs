// Seeds (or refreshes) the local demo project: projectKey pk_demo, secretKey sk_demo and one agent
// "Demo Agent" (an admin, so the settings page opens too) with token at_demo. Local development
// only: these keys are public by design. Unless EMAIL_FROM configures email for the whole
// deployment, the demo project emails its agent (through the simulated send_email binding), so the
// dev outbox shows what would have gone out.
// Usage: node scripts/seed-demo.mjs --persist-to DIR --port N
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const DEMO = { projectId: "prj_demo", projectKey: "pk_demo", secretKey: "sk_demo", agentId: "agt_demo", agentToken: "at_demo" };

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const quote = (value) => `'${String(value).replace(/'/g, "''")}'`;

export function demoSql(port, { email = !process.env.EMAIL_FROM } = {}) {
  const demo = JSON.parse(readFileSync(new URL("./demo-project.json", import.meta.url), "utf8"));
  const origins = [...new Set([8787, Number(port)].flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]))];
  const now = new Date().toISOString();
  return `
INSERT INTO projects (id, name, public_key, secret_hash, allowed_origins, settings, created_at)
VALUES (${quote(DEMO.projectId)}, ${quote(demo.name)}, ${quote(DEMO.projectKey)}, ${quote(sha256(DEMO.secretKey))},
        ${quote(JSON.stringify(origins))}, ${quote(JSON.stringify(demo.settings))}, ${quote(now)})
ON CONFLICT(id) DO UPDATE SET name = excluded.name, allowed_origins = excluded.allowed_origins, settings = excluded.settings,
  settings_rev = CASE WHEN projects.settings IS excluded.settings THEN projects.settings_rev ELSE projects.settings_rev + 1 END;
INSERT INTO agents (id, project_id, name, email, role, token_hash, created_at)
VALUES (${quote(DEMO.agentId)}, ${quote(DEMO.projectId)}, 'Demo Agent', 'demo.agent@example.com', 'admin', ${quote(sha256(DEMO.agentToken))}, ${quote(now)})
ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role, token_hash = excluded.token_hash, disabled_at = NULL;
${
  email
    ? `INSERT INTO project_channels (project_id, kind, config, secret, enabled, health, updated_at)
VALUES (${quote(DEMO.projectId)}, 'email', ${quote(JSON.stringify({ from: "baton@northwind-labs.test", ownerEmail: "demo.agent@example.com", mode: "fallback", provider: "binding" }))}, NULL, 1, 'ok', ${quote(now)})
ON CONFLICT(project_id, kind) DO NOTHING;`
    : ""
}
`;
}

export function seedDemo({ persistTo, port, wrangler }) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "baton-seed-")), "seed.sql");
  writeFileSync(file, demoSql(port));
  execFileSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file], { stdio: "pipe" });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  seedDemo({ persistTo: arg("--persist-to", ".wrangler/state"), port: arg("--port", "8787"), wrangler: path.resolve("node_modules/.bin/wrangler") });
  console.log("Seeded the demo project (pk_demo / sk_demo / at_demo).");
}
