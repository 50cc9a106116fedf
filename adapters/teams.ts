// Microsoft Teams through an incoming webhook (a Workflows "post to a channel when a webhook
// request is received" flow, or a legacy connector): the packet as an Adaptive Card with an
// "Open in browser" action. Visitor text goes in TextRuns, which Teams never parses as Markdown,
// so "[click](http://evil)" stays text. The webhook URL is a secret: it alone authorizes a post.
import type { NotificationJob } from "../protocol/jobs";
import { eventLine, packetFacts, packetHeadline, packetSections, visitorName } from "./packet-view";
import { postJson } from "./outbound";

/** The jobs Teams shows: new handoffs, and what needs someone now. Thread-like lines and bookkeeping are left out. */
export const TEAMS_KINDS: ReadonlySet<NotificationJob["kind"]> = new Set([
  "handoff.opened",
  "handoff.reminder",
  "handoff.snooze_end",
  "handoff.escalated",
  "handoff.reopened",
  "handoff.ticket_created",
  "handoff.ticket_due_soon",
  "handoff.ticket_overdue",
]);

type Element = Record<string, unknown>;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const run = (text: string, style: Element = {}): Element => ({ type: "TextRun", text: cut(text, 3000), ...style });
const rich = (...inlines: Element[]): Element => ({ type: "RichTextBlock", inlines });

/** The Adaptive Card for one job (the full packet for a new handoff, a short notice otherwise). */
export function teamsCard(job: NotificationJob, links: { handoff: string }): Element {
  const { packet } = job;
  const title = `${packetHeadline(packet)} — ${visitorName(packet)}`;
  const body: Element[] = [rich(run(title, { weight: "Bolder", size: "Medium" }))];
  if (job.kind !== "handoff.opened")
    body.push(rich(run(eventLine(job), { weight: "Bolder", color: job.kind === "handoff.ticket_overdue" ? "Attention" : "Default" })));
  for (const fact of packetFacts(packet, job.ticket)) body.push(rich(run(`${fact.label}: `, { weight: "Bolder" }), run(fact.value)));
  if (job.kind === "handoff.opened" || job.kind === "handoff.ticket_created") {
    for (const section of packetSections(packet)) {
      body.push(rich(run(section.label, { weight: "Bolder" })), rich(run(cut(section.value, 2000))));
    }
  }
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          msteams: { width: "Full" },
          body,
          actions: [{ type: "Action.OpenUrl", title: "Open in browser", url: links.handoff }],
        },
      },
    ],
  };
}

/** Posts the card; throws RetryableError (network, 5xx, 429) or PermanentError (other 4xx). */
export async function postToTeams(webhookUrl: string, job: NotificationJob, links: { handoff: string }): Promise<void> {
  await postJson("Teams", webhookUrl, teamsCard(job, links));
}
