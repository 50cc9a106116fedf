// The agent's browser session: an HttpOnly cookie holding a random token (D1 keeps its hash), set
// by a spent sign-in link. Cookie-authenticated writes and socket upgrades must come from our own
// origin, so another site can neither post as the agent nor open the agent's sockets.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { findSession, SESSION_TTL_SECONDS, type AgentSession } from "../adapters/agent-sessions";
import { sha256Hex } from "../adapters/crypto";
import type { Agent } from "../adapters/db";
import { ApiError } from "../adapters/errors";
import type { Env } from "./env";

export const SESSION_COOKIE = "baton_session";

type Ctx = Context<{ Bindings: Env }>;

/** Local development over plain http: the only place the cookie goes without `Secure`. */
export function isLocalhost(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]" || hostname.endsWith(".localhost");
}

export function setSessionCookie(c: Ctx, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: !isLocalhost(c.req.url),
    sameSite: "Lax",
    path: "/",
    maxAge: SESSION_TTL_SECONDS,
  });
}

export function clearSessionCookie(c: Ctx): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: !isLocalhost(c.req.url) });
}

/** The signed-in agent of this request's cookie, or null (no cookie, unknown, revoked, expired). */
export async function sessionOf(c: Ctx): Promise<{ session: AgentSession; agent: Agent } | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token?.startsWith("as_") || token.length > 200) return null;
  return findSession(c.env.DB, await sha256Hex(token), new Date());
}

/**
 * A cookie rides along with any request the browser makes, so a cookie-authenticated write or
 * upgrade is accepted only when the browser says it comes from this very origin.
 */
export function checkSameOrigin(c: Ctx): void {
  const method = c.req.method;
  const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
  if ((method === "GET" || method === "HEAD" || method === "OPTIONS") && !upgrade) return;
  const origin = c.req.header("origin");
  if (!origin || origin !== new URL(c.req.url).origin) {
    throw new ApiError(403, "cross_origin", "Signed-in requests must come from Baton's own pages.");
  }
}
