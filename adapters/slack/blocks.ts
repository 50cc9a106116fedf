// What Baton shows in Slack: the alert (Block Kit) with Take Over / View Full / Snooze / Open in
// browser, the alert once claimed, the thread's lines and controls, and the modals. Every piece
// of visitor text goes through `mrkdwn()` (or plain_text), so "<!channel>" or "<http://x|click>"
// typed by a visitor neither pings anyone nor becomes a link.
import type { ContextPacket, NotificationJob } from "../../protocol/jobs";

/** Escapes text for Slack mrkdwn: the three characters Slack itself asks to escape. */
export function mrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack's own length limits, so a long visitor message never makes a post fail. */
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export const ACTIONS = {
  takeOver: "baton.take_over",
  viewFull: "baton.view_full",
  snooze: "baton.snooze",
  openBrowser: "baton.open_browser",
  resolve: "baton.resolve",
  backToBot: "baton.back_to_bot",
  note: "baton.note",
} as const;
export const NOTE_MODAL = "baton.note_modal";

type Block = Record<string, unknown>;

const TRIGGER_HEADLINE: Record<ContextPacket["trigger"], string> = {
  hot_lead: "🔥 Hot lead",
  explicit_request: "🙋 Asked for a person",
  out_of_scope: "🧭 Out of scope",
  sensitive: "⚠️ Sensitive",
  frustration: "😤 Frustrated visitor",
  stall: "⏳ Conversation stalled",
  bot_failure: "🤖 The bot could not answer",
  manual: "🖐️ Opened by an agent",
};

/** "🔥 Hot lead", "🙋 Asked for a person", "💸 Refund over $500", "⚠️ Sensitive: legal"… */
export function headline(packet: ContextPacket): string {
  const refund = packet.reasons.map((r) => /^refund_over_limit:(\d+)>(\d+)/.exec(r)).find(Boolean);
  if (refund) return `💸 Refund over $${refund[2]}`;
  const category = packet.reasons.map((r) => /^category:([\w-]+)/.exec(r)?.[1]).find(Boolean);
  const base = TRIGGER_HEADLINE[packet.trigger];
  return category && (packet.trigger === "sensitive" || packet.trigger === "out_of_scope") ? `${base}: ${category.replace(/[_-]+/g, " ")}` : base;
}

const LEAD: Record<ContextPacket["leadLevel"], string> = { hot: "🔥 hot", warm: "🌤 warm", cold: "❄️ cold" };

function qualificationLine(packet: ContextPacket): string {
  const q = packet.qualification;
  const mark = (c: number) => (c >= 0.6 ? "✅" : c > 0 ? "➖" : "❔");
  return `${mark(q.problemFit.confidence)} problem  ${mark(q.authorityFit.confidence)} authority  ${mark(q.companyFit.confidence)} company  ${mark(q.timingFit.confidence)} timing`;
}

function slackDate(iso: string, format: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<!date^${seconds}^${format}|${iso}>` : mrkdwn(iso);
}

function who(packet: ContextPacket): string {
  const v = packet.visitor;
  const name = v.name ? `*${mrkdwn(v.name)}*` : "*Anonymous visitor*";
  const extra = [v.role, v.company].filter(Boolean).map((s) => mrkdwn(s!));
  const email = v.email ? ` · ${mrkdwn(v.email)}` : "";
  // A logged-in visitor: the site's user id, and whether the site proved it (identity verification).
  const user = v.userId ? ` · ${v.verified ? "✅ verified" : "⚠️ unverified"} user ${mrkdwn(v.userId)}` : "";
  return `${name}${extra.length ? ` (${extra.join(", ")})` : ""}${email}${user}`;
}

function contextFields(packet: ContextPacket): Block {
  const page = packet.page.url ? `<${encodeURI(packet.page.url).replace(/[<>|]/g, "")}|${mrkdwn(cut(packet.page.title || packet.page.url, 80))}>` : "—";
  return {
    type: "section",
    fields: [
      { type: "mrkdwn", text: `*Visitor*\n${who(packet)}` },
      { type: "mrkdwn", text: `*Lead*\n${LEAD[packet.leadLevel]} · ${packet.priority}` },
      { type: "mrkdwn", text: `*Page*\n${page}` },
      { type: "mrkdwn", text: `*Waiting since*\n${slackDate(packet.timestamps.handoffAt, "{time} ({ago})")}` },
    ],
  };
}

/** Only http(s) links ever become links; anything else stays text. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** The alert for a new handoff, posted to the project's channel. */
export function alertMessage(job: Pick<NotificationJob, "handoffId" | "packet"> & Partial<Pick<NotificationJob, "ticket">>): { text: string; blocks: Block[] } {
  const { packet, handoffId } = job;
  const promise = job.ticket?.commitment;
  const followUp = promise ? `follow-up by email, promised ${mrkdwn(promise.label)} (${slackDate(promise.by, "{date_short} {time}")})` : "follow-up by email";
  const title = headline(packet);
  const safePacket = isWebUrl(packet.page.url ?? "") ? packet : { ...packet, page: { ...packet.page, url: undefined } };
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: cut(`${title} — ${packet.visitor.name ?? "a visitor"}`, 150), emoji: true } },
    contextFields(safePacket),
    { type: "section", text: { type: "mrkdwn", text: `*Summary*\n${mrkdwn(cut(packet.summary, 2800))}` } },
    { type: "context", elements: [{ type: "mrkdwn", text: `${qualificationLine(packet)} · ${packet.mode === "live" ? "live chat" : followUp}` }] },
    {
      type: "actions",
      block_id: `baton.alert.${handoffId}`,
      elements: [
        { type: "button", action_id: ACTIONS.takeOver, style: "primary", text: { type: "plain_text", text: "Take Over" }, value: handoffId },
        { type: "button", action_id: ACTIONS.viewFull, text: { type: "plain_text", text: "View Full" }, value: handoffId },
        {
          type: "static_select",
          action_id: ACTIONS.snooze,
          placeholder: { type: "plain_text", text: "Snooze" },
          options: [5, 15, 30].map((m) => ({ text: { type: "plain_text", text: `Snooze ${m} min` }, value: `${handoffId}:${m}` })),
        },
        { type: "button", action_id: ACTIONS.openBrowser, text: { type: "plain_text", text: "Open in browser" }, value: handoffId },
      ],
    },
  ];
  return { text: `${title}: ${mrkdwn(cut(packet.summary, 300))}`, blocks };
}

/** The alert once claimed: same context, "Claimed by @name", no Take Over button. */
export function claimedMessage(
  job: Pick<NotificationJob, "handoffId" | "packet">,
  claimer: { name: string; slackUserId?: string },
  at: string,
): { text: string; blocks: Block[] } {
  const alert = alertMessage(job);
  const by = claimer.slackUserId ? `<@${claimer.slackUserId}>` : `*${mrkdwn(claimer.name)}*`;
  const blocks = alert.blocks.filter((b) => b.type !== "actions");
  blocks.push(
    { type: "context", elements: [{ type: "mrkdwn", text: `✋ Claimed by ${by} ${slackDate(at, "{ago}")}` }] },
    {
      type: "actions",
      block_id: `baton.claimed.${job.handoffId}`,
      elements: [
        { type: "button", action_id: ACTIONS.viewFull, text: { type: "plain_text", text: "View Full" }, value: job.handoffId },
        { type: "button", action_id: ACTIONS.openBrowser, text: { type: "plain_text", text: "Open in browser" }, value: job.handoffId },
      ],
    },
  );
  return { text: `${headline(job.packet)}: claimed by ${claimer.name}`, blocks };
}

/** The first thread reply after a claim: who has it, and the controls that only make sense now. */
export function threadControls(handoffId: string, claimerName: string): { text: string; blocks: Block[] } {
  const text = `*${mrkdwn(claimerName)}* has taken over. Replies in this thread go to the visitor; use *Internal note* for the team only.`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      {
        type: "actions",
        block_id: `baton.thread.${handoffId}`,
        elements: [
          { type: "button", action_id: ACTIONS.resolve, style: "primary", text: { type: "plain_text", text: "Resolve" }, value: handoffId },
          { type: "button", action_id: ACTIONS.backToBot, text: { type: "plain_text", text: "Back to bot" }, value: handoffId },
          { type: "button", action_id: ACTIONS.note, text: { type: "plain_text", text: "Internal note" }, value: handoffId },
        ],
      },
    ],
  };
}

export interface MirroredMessage {
  from: "visitor" | "agent" | "bot" | "system";
  kind: "message" | "note";
  text: string;
  author?: { name: string };
}

/** One transcript line in the thread, labelled so nobody mistakes an internal note for a reply. */
export function threadLine(message: MirroredMessage): string {
  const body = mrkdwn(cut(message.text, 3500));
  if (message.kind === "note") return `🔒 *Internal note* by ${mrkdwn(message.author?.name ?? "an agent")} (not sent to the visitor):\n${body}`;
  switch (message.from) {
    case "visitor":
      return `💬 *Visitor:* ${body}`;
    case "agent":
      return `🧑‍💼 *${mrkdwn(message.author?.name ?? "Agent")}* (to the visitor, from the browser): ${body}`;
    case "bot":
      return `🤖 *Bot:* ${body}`;
    case "system":
      return `_${body}_`;
  }
}

/** A lifecycle notice in the thread (reminder, snooze end, escalation, resolution…). */
export function noticeLine(job: NotificationJob): string | null {
  const n = job.notice;
  const agent = n?.agent ? mrkdwn(n.agent.name) : "someone";
  switch (job.kind) {
    case "handoff.snoozed":
      return `😴 Snoozed by ${agent}${n?.until ? ` until ${slackDate(n.until, "{time}")}` : ""}.`;
    case "handoff.snooze_end":
      return "⏰ Snooze is over — the visitor is still waiting. Take Over from the alert above.";
    case "handoff.reminder":
      return "⏰ Reminder: nobody has answered yet. The visitor is still waiting.";
    case "handoff.escalated":
      return `⬆️ Escalated to the ${n?.level ?? "next"} level by ${agent}${n?.note ? `: ${mrkdwn(cut(n.note, 1000))}` : "."}`;
    case "handoff.resolved":
      return `✅ Resolved by ${agent}${n?.note ? `: ${mrkdwn(cut(n.note, 1000))}` : "."}`;
    case "handoff.reopened":
      return "↩️ The visitor wrote again: the conversation is open again.";
    case "handoff.ticket_created": {
      const promise = job.ticket?.commitment ?? job.packet.commitment;
      return `🎫 Nobody answered in time: a ticket was created${promise ? ` (promised ${mrkdwn(promise.label)})` : ""}.`;
    }
    case "handoff.abandoned":
      return "👋 The visitor left before anyone answered.";
    case "handoff.ticket_due_soon": {
      const c = job.ticket?.commitment;
      return `⏳ The follow-up promised to the visitor is due${c ? ` ${slackDate(c.by, "{time} ({ago})")} (“${mrkdwn(c.label)}”)` : " soon"}. Nobody has answered yet.`;
    }
    case "handoff.ticket_overdue":
      return `🚨 Promise missed: nobody answered the visitor${job.ticket?.commitment ? ` ${mrkdwn(job.ticket.commitment.label)}` : " in time"}. The ticket is overdue.`;
    case "handoff.ticket_closed":
      return `🗂️ Ticket closed by ${agent}${n?.note ? `: ${mrkdwn(cut(n.note, 1000))}` : "."}`;
    case "handoff.ticket_reopened":
      return `↩️ Ticket reopened by ${agent}.`;
    default:
      return null;
  }
}

/** View Full: the whole packet and the transcript, in a modal. */
export function packetModal(packet: ContextPacket, transcript: readonly MirroredMessage[]): Block {
  const lines = transcript.map(threadLine).join("\n");
  const blocks: Block[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${mrkdwn(headline(packet))}*\n${who(packet)}` } },
    { type: "section", text: { type: "mrkdwn", text: `*Summary*\n${mrkdwn(cut(packet.summary, 2800))}` } },
    { type: "section", text: { type: "mrkdwn", text: `*Why the bot handed over*\n${mrkdwn(cut(packet.reasons.join(", ") || packet.trigger, 2800))}` } },
    { type: "section", text: { type: "mrkdwn", text: `*Qualification*\n${qualificationLine(packet)} · lead ${LEAD[packet.leadLevel]}` } },
    { type: "section", text: { type: "mrkdwn", text: `*What the bot tried*\n${mrkdwn(cut(packet.botTried.join("\n") || "—", 2800))}` } },
    { type: "section", text: { type: "mrkdwn", text: `*Suggested first reply*\n${mrkdwn(cut(packet.suggestedReply, 2800))}` } },
    { type: "divider" },
    { type: "section", text: { type: "mrkdwn", text: `*Transcript*\n${cut(lines || "—", 2900)}` } },
  ];
  return { type: "modal", title: { type: "plain_text", text: "Handoff" }, close: { type: "plain_text", text: "Close" }, blocks };
}

/** Internal note: a modal whose submission stays inside the team. */
export function noteModal(handoffId: string): Block {
  return {
    type: "modal",
    callback_id: NOTE_MODAL,
    private_metadata: handoffId,
    title: { type: "plain_text", text: "Internal note" },
    submit: { type: "plain_text", text: "Save note" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "note",
        label: { type: "plain_text", text: "Only the team sees this — never the visitor." },
        element: { type: "plain_text_input", action_id: "text", multiline: true, max_length: 3000 },
      },
    ],
  };
}
