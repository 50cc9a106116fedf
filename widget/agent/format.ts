// How the agent app words times and the handoff's codes: "2 min ago", "explicit request", "P1".
import type { Trigger } from "../../protocol/jobs";

/** "just now", "45 s ago", "2 min ago", "3 h ago", "2 d ago". */
export function timeAgo(iso: string | null | undefined, now: number): string {
  const at = Date.parse(iso ?? "");
  if (!Number.isFinite(at)) return "";
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 10) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** A local date and time, short. */
export function when(iso: string | null | undefined): string {
  const at = Date.parse(iso ?? "");
  return Number.isFinite(at) ? new Date(at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "—";
}

export const TRIGGER_LABEL: Record<Trigger, string> = {
  explicit_request: "Asked for a person",
  hot_lead: "Hot lead",
  out_of_scope: "Out of the bot's scope",
  sensitive: "Sensitive",
  frustration: "Frustrated",
  stall: "Conversation stalled",
  bot_failure: "Bot could not answer",
  manual: "Opened by an agent",
};

export const STATUS_LABEL: Record<string, string> = {
  pending: "Waiting",
  notified: "Waiting",
  claimed: "Claimed",
  active: "In conversation",
  resolved: "Resolved",
  abandoned: "Visitor left",
  converted_to_ticket: "Ticket",
};

/** A reason code as a line a person reads: "category:refunds_billing" → "Category: refunds billing". */
export function reasonLabel(code: string): string {
  const [head, ...rest] = code.split(":");
  const tail = rest.join(":").replace(/_/g, " ");
  const name = (head ?? "").replace(/_/g, " ");
  const cap = name.charAt(0).toUpperCase() + name.slice(1);
  return tail ? `${cap}: ${tail}` : cap;
}

/** A summary flattened to one line and clipped. */
export function oneLine(text: string, max = 180): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function visitorName(visitor: { name?: string; email?: string }): string {
  return visitor.name || visitor.email || "Visitor";
}
