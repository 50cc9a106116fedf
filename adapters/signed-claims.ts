// Short-lived, single-purpose credentials as standard JWTs (HS256, verified by Hono's jwt helper): a
// sign-in link for an agent, an OAuth `state`, a socket grant. Each carries its purpose as `aud`,
// an `exp`, a `jti` (so a single-use one can be spent once) and, in its header, the `kid` of the
// secret that signed it, so secrets rotate: sign with the current one, accept the previous one too.
// Verification never throws: a malformed, foreign, expired or tampered token is simply null.
import { decode, verify } from "hono/jwt";

/** What a token may be used for; a token minted for one purpose is refused for every other. */
export type Purpose = "agent-sign-in" | "slack-oauth-state" | "visitor-socket" | "agent-socket";

export interface Claims {
  /** Who or what the token is about (an agent id, a project id, a conversation id). */
  sub: string;
  /** The project it is scoped to. */
  prj: string;
  /** Anything else the purpose needs (the page to open after sign-in…), strings only. */
  ext?: Record<string, string>;
}

export interface Verified extends Claims {
  jti: string;
  exp: number;
}

/** The secrets of a deployment: tokens are signed with `current`; `previous` still verifies during a rotation. */
export interface KeyRing {
  current: string;
  previous?: string;
}

/** A secret, or a ring of them (a plain string is a ring of one). */
export type Secrets = string | KeyRing;

/** The longest token worth looking at; anything longer is refused unread. */
export const MAX_TOKEN_LENGTH = 4096;

const encoder = new TextEncoder();

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Unpadded base64url (RFC 4648 §5), by table: a token's every part goes through it (btoa and three replaces were a fifth of a signing). */
export function base64url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    if (i + 1 < bytes.length) out += ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

const kids = new Map<string, Promise<string>>();

/** The public name of a secret (`kid`): a short prefix of its SHA-256, which says nothing usable about it. */
export function keyId(secret: string): Promise<string> {
  let kid = kids.get(secret);
  if (!kid) {
    kid = crypto.subtle.digest("SHA-256", encoder.encode(`baton-kid:${secret}`)).then((d) => base64url(new Uint8Array(d)).slice(0, 12));
    kids.set(secret, kid);
  }
  return kid;
}

function ringOf(secrets: Secrets): string[] {
  if (typeof secrets === "string") return [secrets];
  return secrets.previous && secrets.previous !== secrets.current ? [secrets.current, secrets.previous] : [secrets.current];
}

const HS256 = { name: "HMAC", hash: "SHA-256" } as const;
const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** The secret imported once per isolate as an HMAC key for signing and verifying (importing it per call was most of a token's cost). */
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), HS256, false, ["sign", "verify"]);
    hmacKeys.set(secret, key);
  }
  return key;
}

const jsonPart = (value: unknown) => base64url(encoder.encode(JSON.stringify(value)));

/**
 * Signs `claims` for `purpose` with the current secret, valid for `ttlSeconds` from `nowSeconds`:
 * an HS256 JWS whose header names the secret's `kid` (what Hono's `sign` writes for a JWK, with the
 * key imported once instead of on every call); `verifyClaims` reads it with Hono's `verify`.
 */
export async function signClaims(secrets: Secrets, purpose: Purpose, claims: Claims, ttlSeconds: number, nowSeconds: number): Promise<string> {
  const [secret] = ringOf(secrets) as [string];
  const jti = crypto.randomUUID();
  const signed = `${jsonPart({ alg: "HS256", typ: "JWT", kid: await keyId(secret) })}.${jsonPart({ ...claims, aud: purpose, iat: nowSeconds, exp: nowSeconds + ttlSeconds, jti })}`;
  const signature = await crypto.subtle.sign(HS256, await hmacKey(secret), encoder.encode(signed));
  return `${signed}.${base64url(new Uint8Array(signature))}`;
}

/** The secrets that may have signed `token`: the one its `kid` names, or every one for a token without a `kid`. */
async function candidates(secrets: Secrets, token: string): Promise<string[]> {
  let kid: unknown;
  try {
    kid = decode(token).header.kid;
  } catch {
    return [];
  }
  const ring = ringOf(secrets);
  if (kid === undefined) return ring;
  if (typeof kid !== "string") return [];
  const named: string[] = [];
  for (const secret of ring) if ((await keyId(secret)) === kid) named.push(secret);
  return named;
}

/** The claims of a well-formed, correctly signed, unexpired token for `purpose`; null otherwise. */
export async function verifyClaims(secrets: Secrets, purpose: Purpose, token: string, nowSeconds: number): Promise<Verified | null> {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || token.split(".").length !== 3) return null;
  let payload: Record<string, unknown> | null = null;
  for (const secret of await candidates(secrets, token)) {
    try {
      payload = (await verify(token, await hmacKey(secret), { alg: "HS256", aud: purpose, exp: false, iat: false, nbf: false })) as Record<string, unknown>;
      break;
    } catch {
      // not this secret (or not a valid token at all)
    }
  }
  if (!payload) return null;
  const { sub, prj, jti, exp, ext } = payload;
  if (typeof sub !== "string" || typeof prj !== "string" || typeof jti !== "string" || typeof exp !== "number") return null;
  if (exp <= nowSeconds) return null; // checked here against the caller's clock, not the runtime's
  const extra = ext && typeof ext === "object" ? Object.fromEntries(Object.entries(ext).filter(([, v]) => typeof v === "string")) : undefined;
  return { sub, prj, jti, exp, ...(extra ? { ext: extra as Record<string, string> } : {}) };
}
