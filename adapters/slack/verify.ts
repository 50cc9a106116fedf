// Slack request signatures (v0): HMAC-SHA256 of "v0:{timestamp}:{raw body}" with the app's
// signing secret, compared in constant time, within five minutes of our clock. Checked before
// anything else on /slack/*; without a signing secret nothing is accepted.
const encoder = new TextEncoder();
export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: "not_configured" | "missing" | "stale" | "invalid" };

function hexToBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export async function verifySlackSignature(
  secret: string | undefined,
  headers: { timestamp: string | null | undefined; signature: string | null | undefined },
  rawBody: string,
  nowSeconds: number,
): Promise<SignatureCheck> {
  if (!secret) return { ok: false, reason: "not_configured" };
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: "missing" };
  const ts = Number(timestamp);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - ts) > MAX_SKEW_SECONDS) return { ok: false, reason: "stale" };
  const given = signature.startsWith("v0=") ? hexToBytes(signature.slice(3)) : null;
  if (!given) return { ok: false, reason: "invalid" };
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  // subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify("HMAC", key, given, encoder.encode(`v0:${timestamp}:${rawBody}`));
  return valid ? { ok: true } : { ok: false, reason: "invalid" };
}

/** What Slack itself sends: used by tests and the bench's fake to sign requests the same way. */
export async function signSlackRequest(secret: string, timestamp: number, rawBody: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`v0:${timestamp}:${rawBody}`)));
  return `v0=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
