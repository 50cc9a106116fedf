// Short-lived, single-purpose credentials as standard JWTs (HS256 through Hono's jwt helper): a
// sign-in link for an agent, an OAuth `state`, a link into one handoff. Each carries its purpose as
// `aud`, an `exp`, and a `jti` so a single-use one can be spent once. Verification never throws:
// a malformed, foreign, expired or tampered token is simply null.
import { sign, verify } from "hono/jwt";

/** What a token may be used for; a token minted for one purpose is refused for every other. */
export type Purpose = "agent-sign-in" | "slack-oauth-state";

export interface Claims {
  /** Who or what the token is about (an agent id, a project id). */
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

/** Signs `claims` for `purpose`, valid for `ttlSeconds` from `nowSeconds`. */
export async function signClaims(secret: string, purpose: Purpose, claims: Claims, ttlSeconds: number, nowSeconds: number): Promise<string> {
  const jti = crypto.randomUUID();
  return sign({ ...claims, aud: purpose, iat: nowSeconds, exp: nowSeconds + ttlSeconds, jti }, secret, "HS256");
}

/** The claims of a well-formed, correctly signed, unexpired token for `purpose`; null otherwise. */
export async function verifyClaims(secret: string, purpose: Purpose, token: string, nowSeconds: number): Promise<Verified | null> {
  if (token.length > 4096 || token.split(".").length !== 3) return null;
  let payload: Record<string, unknown>;
  try {
    payload = (await verify(token, secret, { alg: "HS256", aud: purpose, exp: false, iat: false, nbf: false })) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { sub, prj, jti, exp, ext } = payload;
  if (typeof sub !== "string" || typeof prj !== "string" || typeof jti !== "string" || typeof exp !== "number") return null;
  if (exp <= nowSeconds) return null; // checked here against the caller's clock, not the runtime's
  const extra = ext && typeof ext === "object" ? Object.fromEntries(Object.entries(ext).filter(([, v]) => typeof v === "string")) : undefined;
  return { sub, prj, jti, exp, ...(extra ? { ext: extra as Record<string, string> } : {}) };
}
