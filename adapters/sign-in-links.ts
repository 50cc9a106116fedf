// Password-less sign-in for agents: a signed, single-use, expiring link that opens one page (the
// desk, or the agent room of one handoff) as one agent. Minted here for Slack, email and the admin
// API alike; spent once by GET /agent/sign-in, which sets the session cookie.
import { publicUrl, tokenSecret, type ConfigVars } from "./config";
import { signClaims, verifyClaims, type Verified } from "./signed-claims";

/** How long a sign-in link stays valid unless the caller says otherwise. */
export const SIGN_IN_TTL_SECONDS = 15 * 60;
export const SIGN_IN_PATH = "/agent/sign-in";

export interface SignInLink {
  agentId: string;
  projectId: string;
  /** The page to open after sign-in: `/desk` or `/agent/handoffs/<id>` (a path on this origin). */
  next: string;
  ttlSeconds?: number;
}

/** Only same-origin paths of the agent UI, so a link can never bounce an agent elsewhere. */
export function isSafeNext(next: string): boolean {
  return /^\/(desk|settings|agent\/handoffs\/[A-Za-z0-9_-]{1,64})(\?[\w=&%-]*)?$/.test(next);
}

/** An absolute URL that signs `agentId` in and opens `next`. */
export async function signInUrl(env: ConfigVars, link: SignInLink, nowSeconds: number, origin?: string): Promise<string> {
  const next = isSafeNext(link.next) ? link.next : "/desk";
  const token = await signClaims(
    tokenSecret(env),
    "agent-sign-in",
    { sub: link.agentId, prj: link.projectId, ext: { next } },
    link.ttlSeconds ?? SIGN_IN_TTL_SECONDS,
    nowSeconds,
  );
  return `${publicUrl(env, origin)}${SIGN_IN_PATH}?token=${encodeURIComponent(token)}`;
}

/** The claims of a sign-in token that is well formed, correctly signed and unexpired (whether it was spent is D1's to say). */
export async function readSignInToken(env: ConfigVars, token: string, nowSeconds: number): Promise<(Verified & { next: string }) | null> {
  const claims = await verifyClaims(tokenSecret(env), "agent-sign-in", token, nowSeconds);
  if (!claims) return null;
  const next = claims.ext?.next && isSafeNext(claims.ext.next) ? claims.ext.next : "/desk";
  return { ...claims, next };
}
