// The context packet: everything the human taking over needs to act in 30 seconds, so the visitor
// never repeats a word. Built from the room's state and recent transcript; pure and deterministic
// (an LLM may later rewrite `summary`, never the facts around it).
import type { ContextPacket, LeadLevel, Priority, Route, Trigger } from "../../protocol/jobs";
import type { Availability } from "../escalation/availability";
import type { PageInfo, StoredMessage } from "../transcript";
import type { QualificationState, VisitorData } from "../escalation/qualification";
import { TEAM } from "../bot/replies";

/** One bot turn, remembered for "what the bot tried". */
export interface BotLogEntry {
  seq: number;
  question: string;
  outcome: "answer" | "unknown" | "smalltalk";
  entryId?: string;
}

export interface PacketInput {
  trigger: Trigger;
  reasons: string[];
  route: Route | null;
  priority: Priority;
  categoryLabel: string | null;
  qualification: QualificationState;
  leadLevel: LeadLevel;
  sentiment: { negativity: number; label: string };
  visitor: VisitorData;
  page: PageInfo;
  userAgent?: string;
  availability: Availability;
  calendlyUrl?: string;
  /** The visitor-visible transcript, oldest first (recent part is enough). */
  transcript: readonly StoredMessage[];
  botLog: readonly BotLogEntry[];
  conversationStartedAt: string;
  lastVisitorMessageAt: string;
  messageCount: number;
  now: Date;
}

const clip = (text: string, max = 140) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const quote = (text: string, max?: number) => `“${clip(text, max)}”`;
/** Ends a sentence with a full stop unless it already ends with one (inside a closing quote too). */
const sentence = (text: string) => (/[.!?…]”?$/.test(text) ? text : `${text}.`);

function who(visitor: VisitorData): string {
  const name = visitor.name ?? "The visitor";
  const role = visitor.role ? `, ${visitor.role}` : "";
  const company = visitor.company ? ` at ${visitor.company}` : "";
  return `${name}${role}${company}`;
}

function why(input: PacketInput): string {
  const label = input.categoryLabel ? ` (${input.categoryLabel})` : "";
  switch (input.trigger) {
    case "hot_lead":
      return "the lead qualified as hot: problem and authority fit confirmed, with company or timing fit";
    case "explicit_request":
      return "the visitor asked for a person";
    case "out_of_scope":
      return `the question is outside what the bot may answer${label}`;
    case "sensitive":
      return `the question is sensitive${label}`;
    case "frustration":
      return "the visitor was frustrated and accepted the offer of a human";
    case "stall":
      return "the conversation stalled and the visitor accepted the offer of a human";
    case "bot_failure":
      return "the bot failed to answer several questions in a row";
    case "manual":
      return "an agent opened the handoff";
  }
}

function evidence(q: QualificationState, dimension: "problemFit" | "timingFit"): string | null {
  const best = [...q[dimension].evidence].sort((a, b) => b.weight - a.weight)[0];
  return best ? best.quote : null;
}

export function botTried(log: readonly BotLogEntry[]): string[] {
  return log
    .filter((e) => e.outcome !== "smalltalk")
    .map((e) =>
      e.outcome === "answer"
        ? `Answered ${quote(e.question, 80)} from the knowledge base${e.entryId ? ` (${e.entryId})` : ""}`
        : `Could not answer ${quote(e.question, 80)}`,
    );
}

/** 3–5 sentences: who and what, their need, what we know, what the bot did, why a human now. */
export function summarize(input: PacketInput): string {
  const visitorLines = input.transcript.filter((m) => m.from === "visitor");
  const first = visitorLines[0]?.text;
  const last = visitorLines.at(-1)?.text;
  const sentences: string[] = [];
  const quoted = new Set<string>();
  const fresh = (text: string | null | undefined) => (text && ![...quoted].some((q) => q.includes(text)) ? text : null);
  sentences.push(first ? `${who(input.visitor)} opened with ${quote(first)}` : `${who(input.visitor)} started a conversation`);
  if (first) quoted.add(first);
  const problem = fresh(evidence(input.qualification, "problemFit"));
  if (problem) {
    sentences.push(`Their need: ${quote(problem)}`);
    quoted.add(problem);
  }
  const timing = fresh(evidence(input.qualification, "timingFit"));
  if (timing) sentences.push(`Timing: ${quote(timing, 100)}`);
  const answered = input.botLog.filter((e) => e.outcome === "answer").length;
  const failed = input.botLog.filter((e) => e.outcome === "unknown").length;
  sentences.push(
    answered + failed === 0
      ? "The bot had not answered any question yet"
      : `The bot answered ${answered} question${answered === 1 ? "" : "s"} and could not answer ${failed}`,
  );
  sentences.push(`Handed over because ${why(input)}${last && last !== first ? `; last message: ${quote(last)}` : ""}`);
  return sentences.slice(0, 5).map(sentence).join(" ");
}

/** The visitor's issue in their words: their stated need, else what they asked that led here. */
function issueOf(input: PacketInput): string | null {
  const problem = evidence(input.qualification, "problemFit");
  if (problem) return problem;
  const said = input.transcript.filter((m) => m.from === "visitor").map((m) => m.text);
  const last = said.at(-1) ?? null;
  // For a plain "can I talk to someone", the issue is what they asked before it.
  if (input.trigger === "explicit_request" || input.trigger === "frustration" || input.trigger === "stall")
    return said.length > 1 ? said[said.length - 2]! : null;
  return last;
}

/**
 * Notes for a booking the visitor makes themselves (Calendly's prefill): only what the visitor said,
 * in their words — never internal reasons or lead scores, which the visitor can read in the link.
 */
export function bookingNotes(qualification: QualificationState, visitor: VisitorData): string {
  const parts: string[] = [];
  const problem = evidence(qualification, "problemFit");
  if (problem) parts.push(`Need: ${quote(problem, 300)}`);
  const timing = evidence(qualification, "timingFit");
  if (timing && timing !== problem) parts.push(`Timing: ${quote(timing, 200)}`);
  const who = [visitor.role, visitor.company].filter(Boolean).join(", ");
  if (who) parts.push(`About me: ${who}`);
  parts.push("(from the chat on our website)");
  return parts.join("\n");
}

/** A first reply the agent can send as is: greets by name, names the issue, no repetition asked. */
export function suggestFirstReply(input: PacketInput): string {
  const firstName = input.visitor.name?.split(/\s+/)[0];
  const greeting = `Hi ${firstName ?? "there"}, thanks for waiting`;
  const team = input.route ? ` — I'm with ${TEAM[input.route].replace(/^our |^your /, "the ")}` : "";
  const topicSource = issueOf(input);
  const topic = topicSource ? ` about ${quote(topicSource, 90)}` : "";
  const next: Record<Trigger, string> = {
    hot_lead: "Would a 20-minute call this week work to go through the specifics?",
    explicit_request: "How can I help?",
    out_of_scope: "Let me get you a proper answer on that.",
    sensitive: "Let me look into this for you properly.",
    frustration: "Sorry the bot couldn't help — let's sort this out together.",
    stall: "Let's get you a straight answer.",
    bot_failure: "Sorry the bot couldn't help — let's sort this out together.",
    manual: "How can I help?",
  };
  return `${greeting}${team}. I've read your conversation${topic}, so no need to repeat anything. ${next[input.trigger]}`;
}

export function buildContextPacket(input: PacketInput): ContextPacket {
  const dim = (d: keyof Pick<QualificationState, "problemFit" | "authorityFit" | "companyFit" | "timingFit">) => ({
    confidence: input.qualification[d].confidence,
    evidence: input.qualification[d].evidence.map((e) => ({ seq: e.seq, quote: e.quote })),
  });
  const { email, name, company, role } = input.visitor;
  return {
    summary: summarize(input),
    botTried: botTried(input.botLog),
    trigger: input.trigger,
    reasons: input.reasons,
    route: input.route,
    priority: input.priority,
    qualification: {
      problemFit: dim("problemFit"),
      authorityFit: dim("authorityFit"),
      companyFit: dim("companyFit"),
      timingFit: dim("timingFit"),
      persona: input.qualification.persona,
    },
    leadLevel: input.leadLevel,
    sentiment: input.sentiment,
    suggestedReply: suggestFirstReply(input),
    visitor: { ...(email ? { email } : {}), ...(name ? { name } : {}), ...(company ? { company } : {}), ...(role ? { role } : {}) },
    page: input.page,
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
    mode: input.availability.mode,
    ...(input.availability.commitment ? { commitment: input.availability.commitment } : {}),
    ...(input.calendlyUrl ? { calendlyUrl: input.calendlyUrl } : {}),
    timestamps: {
      conversationStartedAt: input.conversationStartedAt,
      handoffAt: input.now.toISOString(),
      lastVisitorMessageAt: input.lastVisitorMessageAt,
    },
    messageCount: input.messageCount,
    durationSeconds: Math.max(0, Math.round((input.now.getTime() - Date.parse(input.conversationStartedAt)) / 1000)),
  };
}
