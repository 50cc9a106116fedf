#!/usr/bin/env node
// Mints a sign-in link for the local demo agent through the API (the secret key sk_demo), the one
// place links are made: `npm start` prints one, `npm run desk-link` another (each works once).
// Usage: node scripts/desk-link.mjs [--port N] [--agent agt_demo] [--next /desk] [--ttl seconds]
import { DEMO } from "./seed-demo.mjs";

/** A fresh, single-use link that signs `agentId` in and opens `next`. */
export async function deskLink({ base, agentId = DEMO.agentId, next = "/desk", ttlSeconds = 24 * 3600 }) {
  const res = await fetch(`${base}/v1/agents/${encodeURIComponent(agentId)}/sign-in-link`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEMO.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ next, ttlSeconds }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`could not mint a sign-in link: HTTP ${res.status} ${body?.error?.message ?? ""}`);
  return body.url;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const base = `http://127.0.0.1:${arg("--port", process.env.PORT ?? "8787")}`;
  try {
    const url = await deskLink({ base, agentId: arg("--agent", DEMO.agentId), next: arg("--next", "/desk"), ttlSeconds: Number(arg("--ttl", 24 * 3600)) });
    console.log(url);
  } catch (error) {
    console.error(`${error.message}\nIs \`npm start\` running on ${base}?`);
    process.exit(1);
  }
}
