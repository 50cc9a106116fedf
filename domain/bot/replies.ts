// What the bot says around a handoff, in one place: summarise back, propose with context, collect
// the minimum (one email, asked once), and be honest about availability. Templates, not an LLM:
// the words that carry a promise must say exactly what the rules decided.
import type { Route, Trigger } from "../../protocol/jobs";
import type { Availability } from "../escalation/availability";

export const TEAM: Record<Route, string> = {
  sales: "our sales team",
  account_management: "your account manager",
  legal: "our legal team",
  support: "our support team",
};

export interface HandoffReplyInput {
  trigger: Trigger;
  route: Route | null;
  availability: Availability;
  /** A short reflection of what the visitor told us, or null when there is too little to reflect. */
  summaryBack: string | null;
  email: string | null;
  calendlyLink: string | null;
  resource: { title: string; url: string } | null;
}

function opening(trigger: Trigger, team: string): string {
  switch (trigger) {
    case "hot_lead":
      return `Based on what you've described, a conversation with ${team} would be much more useful than more back-and-forth here.`;
    case "explicit_request":
      return "Of course — let me get you a person.";
    case "out_of_scope":
    case "sensitive":
      return `That's a question I can't answer accurately here — it depends on specifics that need a direct conversation with ${team}.`;
    case "bot_failure":
      return "I haven't been able to answer your questions well, so let me get a person from the team.";
    case "frustration":
    case "stall":
      return "Great — I'll bring someone in.";
    case "manual":
      return "Someone from the team is going to pick this up.";
  }
}

/** The bot's message in the exchange where a handoff opens. */
export function handoffReply(input: HandoffReplyInput): string {
  const team = TEAM[input.route ?? "sales"];
  const parts: string[] = [];
  if (input.summaryBack) parts.push(input.summaryBack);
  parts.push(opening(input.trigger, team));
  const { availability } = input;
  if (availability.mode === "live") {
    parts.push("I've passed them our whole conversation, so you won't need to repeat anything — someone will join this chat shortly.");
    if (input.calendlyLink) parts.push(`If you'd rather pick a time that suits you, you can book a call directly: ${input.calendlyLink}`);
    if (!input.email) parts.push("In case we get disconnected, what's the best email to reach you?");
    return parts.join(" ");
  }
  // Honest about why: inside open hours with nobody reachable is not "offline" with hours that are open.
  if (availability.reason === "no_channel") parts.push("Nobody from the team can join the chat right now.");
  else parts.push(`Our team is offline right now — we're available ${availability.hoursLabel}.`);
  const when = availability.commitment ? ` ${availability.commitment.label}` : " as soon as the team is back";
  if (input.email) parts.push(`Someone will email you at ${input.email}${when}, with the context of our conversation.`);
  else
    parts.push(
      `If you leave your email, someone will get back to you${when} — with the context of our conversation, so you won't need to repeat anything. What's the best email to reach you?`,
    );
  if (input.resource) parts.push(`While you wait, this might help: ${input.resource.title} — ${input.resource.url}`);
  return parts.join(" ");
}

/** Thanks for the email, restating the promise. */
export function emailReceivedReply(email: string, availability: { mode: "live" | "capture"; commitment: { label: string } | null }): string {
  if (availability.mode === "live") return `Thanks — noted ${email}. Someone from the team will join here shortly.`;
  const when = availability.commitment ? ` ${availability.commitment.label}` : " as soon as the team is back";
  return `Thanks! Someone from the team will email you at ${email}${when}.`;
}

export const INVALID_EMAIL_REPLY = "That email doesn't look quite right — could you double-check it?";

export const OFFER_HUMAN_REPLY =
  "I don't think I'm giving you what you need here. Would it be more useful to speak directly with someone from the team? I'll make sure they have the context from our conversation, so you don't have to repeat yourself.";

export function softResourceReply(resource: { title: string; url: string }): string {
  return `If it helps, here's something on that: ${resource.title} — ${resource.url}`;
}

/** Calendly's prefill parameters: name, email, and a1 (the first booking question: our summary). */
export function calendlyLink(base: string, prefill: { name?: string; email?: string; notes: string }): string {
  const url = new URL(base);
  if (prefill.name) url.searchParams.set("name", prefill.name);
  if (prefill.email) url.searchParams.set("email", prefill.email);
  url.searchParams.set("a1", prefill.notes.slice(0, 1000));
  return url.toString();
}
