// Secrets, hashes and signed socket tokens. Secrets and tokens are random and shown once; D1
// keeps only their SHA-256. Socket tokens are HMAC-signed claims verified before any upgrade.
import type { Role } from "../protocol/frames";
import type { Role as AgentRole } from "../domain/handoff/handoff-types";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A random, URL-safe identifier or secret with a readable prefix (`pk_`, `sk_`, `at_`, `c_`…). */
export function randomToken(prefix: string, bytes = 24): string {
  return prefix + base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a socket token grants: one role in one conversation of one project, until `exp`. */
export interface SocketClaims {
  role: Role;
  conversationId: string;
  projectId: string;
  /** Agent id and display name; absent for visitors. */
  agentId?: string;
  agentName?: string;
  /** An agent's role on the ladder when the token was issued; the room enforces it on every command. */
  agentRole?: AgentRole;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const keys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

export async function signToken(secret: string, claims: SocketClaims): Promise<string> {
  const body = base64url(encoder.encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(body));
  return `${body}.${base64url(new Uint8Array(signature))}`;
}

/** Returns the claims of a well-formed, correctly signed, unexpired token; null otherwise. */
export async function verifyToken(secret: string, token: string, nowSeconds: number): Promise<SocketClaims | null> {
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined) return null;
  const signature = fromBase64url(sig);
  if (!signature) return null;
  // crypto.subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), signature, encoder.encode(body));
  if (!valid) return null;
  const json = fromBase64url(body);
  if (!json) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(json)) as SocketClaims;
    if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) return null;
    if (claims.role !== "visitor" && claims.role !== "agent") return null;
    return claims;
  } catch {
    return null;
  }
}
