// Secrets, hashes, signed socket tokens and identity hashes. Secrets and tokens are random and
// shown once; D1 keeps only their SHA-256. Socket tokens are standard JWTs (signed-claims.ts),
// verified before any upgrade; identity hashes are the HMAC a customer's server computes.
import type { Role } from "../protocol/frames";
import type { Role as AgentRole } from "../domain/handoff/handoff-types";
import { signClaims, verifyClaims, type Secrets } from "./signed-claims";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A random, URL-safe identifier or secret with a readable prefix (`pk_`, `sk_`, `at_`, `c_`…). */
export function randomToken(prefix: string, bytes = 24): string {
  return prefix + base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** HMAC-SHA256 of `message` under `secret`, as lowercase hex (what `userHash` is). */
export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

/** Constant-time comparison of two strings of the same alphabet (hex digests). */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
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

/** Signs a socket grant as a JWT (`aud` visitor-socket or agent-socket, `sub` the conversation). */
export function signSocketToken(secrets: Secrets, claims: Omit<SocketClaims, "exp">, ttlSeconds: number, nowSeconds: number): Promise<string> {
  const agent =
    claims.role === "agent"
      ? { ext: { agentId: claims.agentId ?? "", agentName: claims.agentName ?? "", ...(claims.agentRole ? { agentRole: claims.agentRole } : {}) } }
      : {};
  return signClaims(secrets, `${claims.role}-socket`, { sub: claims.conversationId, prj: claims.projectId, ...agent }, ttlSeconds, nowSeconds);
}

/** The claims of a valid, unexpired socket token for `role`'s socket; null for anything else. Never throws. */
async function verifyFor(role: Role, secrets: Secrets, token: string, nowSeconds: number): Promise<SocketClaims | null> {
  const verified = await verifyClaims(secrets, `${role}-socket`, token, nowSeconds);
  if (!verified) return null;
  const base = { role, conversationId: verified.sub, projectId: verified.prj, exp: verified.exp };
  if (role === "visitor") return base;
  const agentId = verified.ext?.agentId;
  if (!agentId) return null;
  const agentRole = verified.ext?.agentRole;
  return { ...base, agentId, agentName: verified.ext?.agentName ?? "", ...(agentRole ? { agentRole: agentRole as AgentRole } : {}) };
}

/** Verifies a socket token of either role. */
export async function verifySocketToken(secrets: Secrets, token: string, nowSeconds: number): Promise<SocketClaims | null> {
  return (await verifyFor("visitor", secrets, token, nowSeconds)) ?? (await verifyFor("agent", secrets, token, nowSeconds));
}
