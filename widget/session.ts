// Where a visitor's conversation survives a page reload: one localStorage record per project key,
// and the HTTP call that starts a conversation. Storage may be unavailable (privacy modes,
// sandboxed frames); the widget then still works for the lifetime of the page.
import type { Outgoing } from "./store";

/** What `POST /v1/conversations` returns: everything needed to (re)open the conversation's socket. */
export interface Session {
  conversationId: string;
  visitorToken: string;
  socketUrl: string;
}

export interface SavedState {
  session?: Session;
  /** Messages the room had not acknowledged when the page went away. */
  outbox: Outgoing[];
  /** The highest seq the visitor has had on screen, for the unread badge. */
  readSeq: number;
  /** How the project's bot presented itself last time, so the panel shows it before the socket opens. */
  bot?: BotInfo;
}

/** `welcome.bot`: the name and greeting the project configured. */
export interface BotInfo {
  name: string;
  greeting: string;
}

/** A logged-in visitor as the site's embed describes them (`data-user-*`); `hash` proves `id` (identity verification). */
export interface VisitorUser {
  id: string;
  hash?: string;
  name?: string;
  email?: string;
}

/** One record per project key, and per logged-in user: a second person on the same browser never resumes the first one's chat. */
const storageKey = (projectKey: string, userId?: string) => (userId ? `baton:${projectKey}:user:${userId}` : `baton:${projectKey}`);

/** Reads the saved record, tolerating anything (old versions, hand edits, disabled storage). */
export function loadSaved(projectKey: string, userId?: string): SavedState {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(storageKey(projectKey, userId)) ?? "null");
    if (typeof raw !== "object" || raw === null) return { outbox: [], readSeq: 0 };
    const r = raw as Partial<Record<keyof SavedState, unknown>>;
    return {
      ...(isSession(r.session) ? { session: r.session } : {}),
      outbox: Array.isArray(r.outbox) ? r.outbox.filter(isOutgoing).map(({ clientId, text, at }) => ({ clientId, text, at, status: "pending" as const })) : [],
      readSeq: typeof r.readSeq === "number" ? r.readSeq : 0,
      ...(isBot(r.bot) ? { bot: { name: r.bot.name, greeting: r.bot.greeting } } : {}),
    };
  } catch {
    return { outbox: [], readSeq: 0 };
  }
}

export function saveState(projectKey: string, saved: SavedState, userId?: string): void {
  try {
    localStorage.setItem(storageKey(projectKey, userId), JSON.stringify(saved));
  } catch {
    // Storage full or disabled: the conversation simply will not survive a reload.
  }
}

export type StartResult = { ok: true; session: Session } | { ok: false; retryable: boolean; message: string; retryAfterMs?: number };

/** A Retry-After header in seconds (what the API sends with a 429) as milliseconds, capped at 5 minutes; nothing if absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(Number(header.trim()) * 1000, 300_000);
}

/** An http(s) URL as the server accepts it (at most 2,000 characters), or nothing: `file:`, `about:` and the like are not sent. */
export function httpUrl(value: string): string | undefined {
  return /^https?:\/\//i.test(value) && value.length <= 2000 ? value : undefined;
}

/** What the conversation learns about the page it started on. */
export function pageInfo(href: string, title: string, referrer: string): { url?: string; title: string; referrer?: string } {
  const url = httpUrl(href);
  const from = httpUrl(referrer);
  return { ...(url ? { url } : {}), title: title.slice(0, 300), ...(from ? { referrer: from } : {}) };
}

/** The `visitor` part of the start request: who the site says the visitor is, when it says so. */
function visitorOf(user: VisitorUser | undefined) {
  if (!user) return undefined;
  return {
    userId: user.id,
    ...(user.hash ? { userHash: user.hash } : {}),
    ...(user.name ? { name: user.name } : {}),
    ...(user.email ? { email: user.email } : {}),
  };
}

/** Starts a conversation. Refusals (bad key, origin not allowed, unverified identity, bad body) are not worth retrying. */
export async function startConversation(api: string, projectKey: string, user?: VisitorUser): Promise<StartResult> {
  const page = pageInfo(location.href, document.title, document.referrer);
  const visitor = visitorOf(user);
  let res: Response;
  try {
    res = await fetch(new URL("/v1/conversations", api), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ projectKey, page, ...(visitor ? { visitor } : {}) }),
    });
  } catch {
    return { ok: false, retryable: true, message: "network error" };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok && isSession(body))
    return { ok: true, session: { conversationId: body.conversationId, visitorToken: body.visitorToken, socketUrl: body.socketUrl } };
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  const message = typeof error?.message === "string" ? error.message : `HTTP ${res.status}`;
  const after = res.status === 429 ? retryAfterMs(res.headers.get("retry-after")) : undefined;
  return { ok: false, retryable: res.status >= 500 || res.status === 429, message, ...(after === undefined ? {} : { retryAfterMs: after }) };
}

/** The socket URL for the next attempt: on the API's origin, ws/wss to match, resuming after `since`. */
export function socketUrl(session: Session, api: string, since: number): string {
  const url = new URL(session.socketUrl, api);
  url.protocol = url.protocol === "https:" || url.protocol === "wss:" ? "wss:" : "ws:";
  url.searchParams.set("since", String(since));
  return url.href;
}

function isSession(v: unknown): v is Session {
  const s = v as Partial<Record<keyof Session, unknown>> | null;
  return typeof s === "object" && s !== null && typeof s.conversationId === "string" && typeof s.visitorToken === "string" && typeof s.socketUrl === "string";
}

function isBot(v: unknown): v is BotInfo {
  const b = v as Partial<Record<keyof BotInfo, unknown>> | null;
  return typeof b === "object" && b !== null && typeof b.name === "string" && typeof b.greeting === "string";
}

function isOutgoing(v: unknown): v is Outgoing {
  const o = v as Partial<Record<keyof Outgoing, unknown>> | null;
  return typeof o === "object" && o !== null && typeof o.clientId === "string" && typeof o.text === "string" && typeof o.at === "string";
}
