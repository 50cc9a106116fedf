// What Baton's emails say, in plain text and HTML: to the team (a handoff, a ticket, its deadline
// near or missed, with the packet and a sign-in link to the agent room) and to the visitor (the
// promise in writing, and an agent's answer). Visitor-facing mail never carries the packet: the
// summary and lead level are the team's notes, not the visitor's business.
import type { NotificationJob } from "../protocol/jobs";
import { escapeHtml, eventLine, htmlLines, isWebUrl, packetFacts, packetHeadline, packetSections, visitorName } from "./packet-view";

export interface EmailBody {
  subject: string;
  text: string;
  html: string;
}

/** Jobs the team is emailed about (always, or as the fallback when no chat channel carried them). */
export const TEAM_EMAIL_KINDS: ReadonlySet<NotificationJob["kind"]> = new Set([
  "handoff.opened",
  "handoff.reminder",
  "handoff.ticket_created",
  "handoff.ticket_due_soon",
  "handoff.ticket_overdue",
]);

/** Jobs that are an email to the visitor: sent whatever the team's email mode (they are the promise itself). */
export const VISITOR_EMAIL_KINDS: ReadonlySet<NotificationJob["kind"]> = new Set(["handoff.visitor_confirmation", "handoff.ticket_answered"]);

/** "2026-03-09 09:00 UTC": absolute, because a relative "tomorrow" goes stale in a later email. */
export function utcTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC` : iso;
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ").trim();

function layout(title: string, inner: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;line-height:1.5;color:#1f2328;max-width:640px;margin:0 auto;padding:16px">
<h2 style="font-size:18px;margin:0 0 12px">${escapeHtml(title)}</h2>
${inner}
</body></html>`;
}

function subjectFor(job: NotificationJob): string {
  const who = oneLine(visitorName(job.packet));
  const promise = job.ticket?.commitment?.label;
  switch (job.kind) {
    case "handoff.opened":
      return job.packet.mode === "live" ? `${packetHeadline(job.packet)} — ${who}` : `Follow up with ${who}${promise ? ` ${promise}` : ""}`;
    case "handoff.reminder":
      return `Still waiting: ${who} (${packetHeadline(job.packet)})`;
    case "handoff.ticket_created":
      return `Nobody answered ${who} in time: follow up${promise ? ` ${promise}` : ""}`;
    case "handoff.ticket_due_soon":
      return `Due soon: follow up with ${who}${job.ticket?.commitment ? ` by ${utcTime(job.ticket.commitment.by)}` : ""}`;
    case "handoff.ticket_overdue":
      return `Missed: the follow-up promised to ${who} is overdue`;
    default:
      return `${packetHeadline(job.packet)} — ${who}`;
  }
}

/**
 * The team's email for a job: what happened, the packet, and the link to the agent room (a
 * personal sign-in link when the recipient is an agent of the project). `why` says why email.
 */
export function teamEmail(job: NotificationJob, ctx: { projectName: string; handoffUrl: string; signInUrl: string | null; why: string }): EmailBody {
  const subject = `[${oneLine(ctx.projectName)}] ${cut(subjectFor(job), 180)}`;
  const facts = packetFacts(job.packet, job.ticket);
  const sections = packetSections(job.packet);
  const ticket = job.ticket;
  const deadline = ticket?.commitment
    ? `Promised to the visitor: ${ticket.commitment.label} (due ${utcTime(ticket.commitment.by)}).`
    : ticket
      ? "No specific time was promised."
      : "";
  const link = ctx.signInUrl ?? ctx.handoffUrl;
  const linkLabel = ctx.signInUrl ? "Open the handoff (signs you in; the link works once)" : "Open the handoff";
  const text = [
    eventLine(job),
    deadline,
    "",
    ...facts.map((f) => `${f.label}: ${f.value}`),
    "",
    ...sections.flatMap((s) => [`${s.label}:`, s.value, ""]),
    `${linkLabel}: ${link}`,
    "",
    `— Baton · ${ctx.why}`,
  ]
    .filter((line, i, all) => !(line === "" && all[i - 1] === ""))
    .join("\n");
  const html = layout(
    subjectFor(job),
    `<p><strong>${escapeHtml(eventLine(job))}</strong>${deadline ? `<br>${escapeHtml(deadline)}` : ""}</p>
<table style="border-collapse:collapse;margin:8px 0 16px">${facts
      .map(
        (f) =>
          `<tr><td style="padding:2px 12px 2px 0;color:#57606a;vertical-align:top">${escapeHtml(f.label)}</td><td style="padding:2px 0">${htmlLines(f.value)}</td></tr>`,
      )
      .join("")}</table>
${sections.map((s) => `<h3 style="font-size:15px;margin:16px 0 4px">${escapeHtml(s.label)}</h3><p style="margin:0">${htmlLines(s.value)}</p>`).join("\n")}
<p style="margin:24px 0"><a href="${escapeHtml(link)}" style="background:#1f6feb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(linkLabel)}</a></p>
<p style="color:#57606a;font-size:12px">Baton · ${escapeHtml(ctx.why)}</p>`,
  );
  return { subject, text, html };
}

/** To the visitor, once we have their address: what we promised, in writing. */
export function visitorConfirmationEmail(job: NotificationJob, ctx: { projectName: string }): EmailBody {
  const project = oneLine(ctx.projectName);
  const name = job.packet.visitor.name ? ` ${oneLine(job.packet.visitor.name)}` : "";
  const promise = job.ticket?.commitment?.label ?? job.packet.commitment?.label;
  const when = promise ? promise : "as soon as someone from the team is back";
  const page = isWebUrl(job.packet.page.url) ? job.packet.page.url : null;
  const subject = `${project}: we'll get back to you ${when}`;
  const lines = [
    `Hi${name},`,
    "",
    `Thanks for your message to ${project}. Nobody from the team could reply right away, so here is our promise: someone will get back to you ${when}, with the context of your conversation, so you won't need to repeat anything.`,
    "",
    "If you think of anything to add, just reply to this email.",
    ...(page ? ["", `Your conversation started on ${page}`] : []),
    "",
    `— ${project}`,
  ];
  const html = layout(
    `We'll get back to you ${when}`,
    `<p>Hi${escapeHtml(name)},</p>
<p>Thanks for your message to ${escapeHtml(project)}. Nobody from the team could reply right away, so here is our promise: someone will get back to you <strong>${escapeHtml(when)}</strong>, with the context of your conversation, so you won't need to repeat anything.</p>
<p>If you think of anything to add, just reply to this email.</p>
${page ? `<p style="color:#57606a">Your conversation started on <a href="${escapeHtml(page)}">${escapeHtml(cut(page, 120))}</a></p>` : ""}
<p>— ${escapeHtml(project)}</p>`,
  );
  return { subject, text: lines.join("\n"), html };
}

/** To the visitor: an agent's answer to their ticket (it is also in the chat, should they come back). */
export function ticketReplyEmail(job: NotificationJob, ctx: { projectName: string }): EmailBody {
  const project = oneLine(ctx.projectName);
  const agent = oneLine(job.notice?.agent?.name || `The ${project} team`);
  const reply = job.notice?.note ?? "";
  const name = job.packet.visitor.name ? ` ${oneLine(job.packet.visitor.name)}` : "";
  const page = isWebUrl(job.packet.page.url) ? job.packet.page.url : null;
  const subject = `Re: your question to ${project}`;
  const text = [
    `Hi${name},`,
    "",
    reply,
    "",
    `— ${agent}, ${project}`,
    ...(page ? ["", `You can also reply in the chat on ${page}: this answer is there too.`] : ["", "You can reply to this email."]),
  ].join("\n");
  const html = layout(
    `Re: your question to ${project}`,
    `<p>Hi${escapeHtml(name)},</p>
<p>${htmlLines(reply)}</p>
<p>— ${escapeHtml(agent)}, ${escapeHtml(project)}</p>
${page ? `<p style="color:#57606a">You can also reply in the chat on <a href="${escapeHtml(page)}">${escapeHtml(cut(page, 120))}</a>: this answer is there too.</p>` : `<p style="color:#57606a">You can reply to this email.</p>`}`,
  );
  return { subject, text, html };
}
