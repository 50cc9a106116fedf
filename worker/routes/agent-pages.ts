// The agent's pages: the sign-in link (spent once, it sets the session cookie and opens its page),
// sign-out, and the shell of the desk, the agent room and the settings. Without a session a page
// says how to get in; a bad link gets a page that says what went wrong, never a stack trace.
import { Hono, type Context } from "hono";
import { findActiveAgent, insertSession, revokeSession, spendSignInLink } from "../../adapters/agent-sessions";
import { isDevelopment } from "../../adapters/config";
import { randomToken, sha256Hex } from "../../adapters/crypto";
import { readSignInToken } from "../../adapters/sign-in-links";
import { findProjectById } from "../../adapters/db";
import type { Env } from "../env";
import { appShell, messagePage, PAGE_HEADERS } from "../pages";
import { checkSameOrigin, clearSessionCookie, sessionOf, setSessionCookie } from "../session";

type Ctx = Context<{ Bindings: Env }>;

/** Link previewers (chat unfurls, mail scanners) fetch links on their own: they must not spend a sign-in. */
const PREVIEWER =
  /slackbot|slack-imgproxy|facebookexternalhit|twitterbot|linkedinbot|discordbot|telegrambot|whatsapp|skypeuripreview|googleimageproxy|bingpreview/i;

function page(c: Ctx, status: 200 | 401 | 403 | 404 | 410, title: string, lines: string[], link?: { href: string; label: string }) {
  return c.body(messagePage(title, lines, link), status, PAGE_HEADERS);
}

/** Where a newcomer gets a fresh link. */
function howToGetALink(c: Ctx): string {
  return isDevelopment(c.env)
    ? "Run `npm run desk-link` in the project folder for a fresh link (npm start prints one too)."
    : "Ask a project admin for a new sign-in link, or use the “Open in browser” button of a fresh alert.";
}

/** The shell for a signed-in agent, or the page that says how to sign in. */
async function agentPage(c: Ctx, adminOnly = false) {
  const signedIn = await sessionOf(c);
  if (!signedIn) return page(c, 401, "Sign in to Baton", ["Agents sign in with a link: there is no password.", howToGetALink(c)]);
  const { agent } = signedIn;
  if (adminOnly && agent.role !== "admin") {
    return page(c, 403, "Admins only", [`${agent.name}, the settings are for project admins.`], { href: "/desk", label: "Back to the desk" });
  }
  const project = await findProjectById(c.env.DB, agent.projectId);
  if (!project) return page(c, 404, "Project not found", ["This project no longer exists."]);
  const boot = {
    agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role },
    project: { id: project.id, name: project.name, publicKey: project.publicKey },
  };
  return c.body(appShell(boot), 200, PAGE_HEADERS);
}

export const agentPageRoutes = new Hono<{ Bindings: Env }>()
  .get("/agent/sign-in", async (c) => {
    if (PREVIEWER.test(c.req.header("user-agent") ?? "")) {
      return page(c, 200, "Sign in to Baton", ["Open this link in your browser to sign in."]);
    }
    const now = new Date();
    const claims = await readSignInToken(c.env, c.req.query("token") ?? "", Math.floor(now.getTime() / 1000));
    if (!claims) {
      return page(c, 401, "This sign-in link has expired", [
        "Sign-in links work once and only for a short while; this one is expired or not valid.",
        howToGetALink(c),
      ]);
    }
    const agent = await findActiveAgent(c.env.DB, claims.prj, claims.sub);
    if (!agent) return page(c, 403, "No access", ["This agent no longer has access to the project. Ask a project admin."]);
    const first = await spendSignInLink(c.env.DB, {
      jti: claims.jti,
      projectId: agent.projectId,
      agentId: agent.id,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
      now: now.toISOString(),
    });
    if (!first) {
      // The same browser following its own link again (a reload, a double click) is simply let through.
      const current = await sessionOf(c);
      if (current?.agent.id === agent.id) return c.redirect(claims.next, 303);
      return page(c, 410, "This sign-in link was already used", ["Each sign-in link works once, so a forwarded or leaked link is useless.", howToGetALink(c)]);
    }
    const token = randomToken("as_", 32);
    await insertSession(c.env.DB, {
      id: randomToken("ses_", 12),
      projectId: agent.projectId,
      agentId: agent.id,
      tokenHash: await sha256Hex(token),
      userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
      now,
    });
    setSessionCookie(c, token);
    c.header("cache-control", "no-store");
    c.header("referrer-policy", "no-referrer");
    return c.redirect(claims.next, 303);
  })
  .post("/agent/sign-out", async (c) => {
    const signedIn = await sessionOf(c);
    if (signedIn) {
      checkSameOrigin(c);
      await revokeSession(c.env.DB, signedIn.agent.projectId, signedIn.session.id, new Date());
    }
    clearSessionCookie(c);
    return page(c, 200, "Signed out", ["This browser is signed out of Baton."]);
  })
  .get("/desk", (c) => agentPage(c))
  .get("/settings", (c) => agentPage(c, true))
  .get("/agent/handoffs/:id{[A-Za-z0-9_-]{1,64}}", (c) => agentPage(c));
