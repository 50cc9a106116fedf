// The context packet (and a job's ticket) as the channels outside Slack show it: a headline, a
// list of labelled facts and the lines of an event, as plain values. Email renders them as text
// and HTML, HubSpot as the note's HTML, Teams as an Adaptive Card. Visitor text stays text: every
// renderer escapes it (escapeHtml here; Teams uses TextRuns, which are never parsed as Markdown).
import type { ContextPacket, JobTicket, NotificationJob } from "../protocol/jobs";

const TRIGGER: Record<ContextPacket["trigger"], string> = {
  hot_lead: "Hot lead",
  explicit_request: "Asked for a person",
  out_of_scope: "Out of scope",
  sensitive: "Sensitive",
  frustration: "Frustrated visitor",
  stall: "Conversation stalled",
  bot_failure: "The bot could not answer",
  manual: "Opened by an agent",
};

/** "Hot lead", "Asked for a person", "Refund over $500", "Sensitive: legal"… */
export function packetHeadline(packet: ContextPacket): string {
  const refund = packet.reasons.map((r) => /^refund_over_limit:(\d+)>(\d+)/.exec(r)).find(Boolean);
  if (refund) return `Refund over $${refund[2]}`;
  const category = packet.reasons.map((r) => /^category:([\w-]+)/.exec(r)?.[1]).find(Boolean);
  const base = TRIGGER[packet.trigger];
  return category && (packet.trigger === "sensitive" || packet.trigger === "out_of_scope") ? `${base}: ${category.replace(/[_-]+/g, " ")}` : base;
}

export function visitorName(packet: ContextPacket): string {
  return packet.visitor.name?.trim() || packet.visitor.email || "A visitor";
}

export interface Fact {
  label: string;
  value: string;
}

const mark = (confidence: number) => (confidence >= 0.6 ? "confirmed" : confidence > 0 ? "partial" : "unknown");

/** The packet's fields, in the order a person reads them; empty ones left out. */
export function packetFacts(packet: ContextPacket, ticket?: JobTicket): Fact[] {
  const v = packet.visitor;
  const q = packet.qualification;
  const who = [v.name, v.role, v.company].filter(Boolean).join(", ");
  const promise = ticket?.commitment ?? (packet.mode === "capture" ? packet.commitment : undefined);
  const facts: Fact[] = [
    { label: "Visitor", value: who || "Anonymous visitor" },
    { label: "Email", value: v.email ?? "" },
    // A logged-in visitor: the site's user id, and whether the site proved it (identity verification).
    { label: "Signed-in user", value: v.userId ? `${v.userId} (${v.verified ? "verified by the site" : "not verified"})` : "" },
    { label: "Why", value: packetHeadline(packet) },
    { label: "Lead", value: `${packet.leadLevel} · priority ${packet.priority}${packet.route ? ` · ${packet.route.replace(/_/g, " ")}` : ""}` },
    {
      label: "Qualification",
      value: `problem ${mark(q.problemFit.confidence)}, authority ${mark(q.authorityFit.confidence)}, company ${mark(q.companyFit.confidence)}, timing ${mark(q.timingFit.confidence)}`,
    },
    { label: "Page", value: packet.page.url ? `${packet.page.title ? `${packet.page.title} — ` : ""}${packet.page.url}` : "" },
    { label: "Mode", value: packet.mode === "live" ? "live chat" : "follow-up (nobody could join live)" },
    // A live handoff's commitment is only its fallback: nothing was promised to the visitor yet.
    { label: "Promised", value: promise?.label ?? "" },
    { label: "Due", value: promise?.by ?? "" },
    { label: "Started", value: packet.timestamps.conversationStartedAt },
    { label: "Handed over", value: packet.timestamps.handoffAt },
  ];
  return facts.filter((f) => f.value);
}

/** The longer parts of the packet: summary, what the bot tried, the suggested first reply. */
export function packetSections(packet: ContextPacket): Fact[] {
  return [
    { label: "Summary", value: packet.summary },
    { label: "What the bot tried", value: packet.botTried.join("\n") },
    { label: "Suggested first reply", value: packet.suggestedReply },
  ].filter((f) => f.value.trim());
}

/** One line saying what happened in a job, for a timeline (the CRM note) and a notice (Teams, email). */
export function eventLine(job: NotificationJob): string {
  const agent = job.notice?.agent?.name || "someone";
  const note = job.notice?.note ? `: ${job.notice.note}` : ".";
  const promise = job.ticket?.commitment?.label ?? job.packet.commitment?.label;
  switch (job.kind) {
    case "handoff.opened":
      return job.packet.mode === "live" ? "Handed over to the team (live)." : `Captured for follow-up${promise ? ` — promised ${promise}` : ""}.`;
    case "handoff.updated":
      return "The packet was updated.";
    case "handoff.claimed":
      return `Claimed by ${agent}.`;
    case "handoff.snoozed":
      return `Snoozed by ${agent}.`;
    case "handoff.snooze_end":
      return "The snooze ended: the visitor is still waiting.";
    case "handoff.reminder":
      return "Reminder: nobody has answered yet.";
    case "handoff.escalated":
      return `Escalated to the ${job.notice?.level ?? "next"} level by ${agent}${note}`;
    case "handoff.resolved":
      return `Resolved by ${agent}${note}`;
    case "handoff.reopened":
      return "The visitor wrote again: reopened.";
    case "handoff.ticket_created":
      return `Nobody answered in time: a ticket was created${promise ? ` — promised ${promise}` : ""}.`;
    case "handoff.abandoned":
      return "The visitor left before anyone answered.";
    case "handoff.ticket_due_soon":
      return `The follow-up promise falls due soon${promise ? ` (${promise})` : ""}.`;
    case "handoff.ticket_overdue":
      return `The follow-up promise was missed${promise ? ` (${promise})` : ""}: nobody answered in time.`;
    case "handoff.ticket_answered":
      return `Answered by ${agent}${note}`;
    case "handoff.ticket_closed":
      return `Ticket closed by ${agent}${note}`;
    case "handoff.ticket_reopened":
      return `Ticket reopened by ${agent}.`;
    case "handoff.visitor_confirmation":
      return "The visitor was sent the promise by email.";
    case "handoff.message":
      return job.message ? `${job.message.from}: ${job.message.text}` : "";
    case "handoff.taken_over":
      return `Taken over by ${agent}${note}`;
  }
}

/** Text for HTML: the five characters that could open markup or break an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Text for HTML with its line breaks kept. */
export function htmlLines(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, "<br>");
}

/** Only http(s) URLs become links; anything else stays text. */
export function isWebUrl(url: string | undefined): url is string {
  return Boolean(url && /^https?:\/\//i.test(url));
}
