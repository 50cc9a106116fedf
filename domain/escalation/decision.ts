// The decision to hand a conversation to a human, made once per visitor message from the
// qualification state, the detectors and a few counters. Deterministic and explainable: every
// outcome carries reason codes. Opening the handoff, live or capture, is the room's job.
import type { EscalationSettings, Priority, Route } from "./escalation-settings";
import {
  detectCategory,
  detectExplicitRequest,
  detectUrgency,
  isQuestion,
  isSameQuestion,
  isShortNonCommittal,
  maxPriority,
  normalizeText,
  type CategoryMatch,
  type ExplicitRequest,
  type Persona,
  type Urgency,
} from "./intents";
import { confirmedDimensions, hasProgressed, leadLevel, type LeadLevel, type QualificationState } from "./qualification";
import { analyzeSentiment, type SentimentResult } from "./sentiment";

export type Trigger = "hot_lead" | "explicit_request" | "out_of_scope" | "sensitive" | "frustration" | "stall" | "bot_failure" | "manual";

/** offer_human: ask "would you like to talk to someone?"; soft_resource: suggest a guide or case study. */
export type Offer = "none" | "offer_human" | "soft_resource";

/** A human we offered and the visitor has not answered yet; accepting opens the handoff with these. */
export interface PendingOffer {
  trigger: "frustration" | "stall";
  reasons: string[];
  route: Route;
  priority: Priority;
}

/** What the decision remembers between messages. Store the `memory` each decision returns. */
export interface EscalationMemory {
  /** Visitor messages so far. */
  exchanges: number;
  exchangesWithoutProgress: number;
  consecutiveShortAnswers: number;
  consecutiveBotFailures: number;
  /** The last visitor questions, oldest first, for repeated-question detection. */
  recentQuestions: string[];
  softOfferMade: boolean;
  pendingOffer: PendingOffer | null;
  /** `exchanges` when a human was last offered unprompted; offers then pause for a while. */
  lastHumanOfferAt: number | null;
}

/** What the detectors saw in this message. */
export interface Signals {
  explicitRequest: ExplicitRequest | null;
  category: CategoryMatch | null;
  sentiment: SentimentResult;
  shortAnswer: boolean;
  repeatedQuestion: boolean;
  acceptsOffer: boolean;
  /** VIP and time-sensitive cues: they raise the priority of a handoff, they do not open one. */
  urgency: Urgency;
}

export interface EscalationInput {
  settings: EscalationSettings;
  message: { seq: number; text: string };
  /** The qualification before and after this message was folded in. */
  qualification: { before: QualificationState; after: QualificationState };
  memory: EscalationMemory;
  /** A handoff is already pending or live: nothing new is opened. */
  handoffOpen: boolean;
  /**
   * Whether the bot can answer this message (e.g. a knowledge-base hit). `false` counts a bot
   * failure in this exchange, so the Nth unanswerable question escalates in its own exchange.
   * Omit when the message is not a question.
   */
  botAnswerable?: boolean;
  /** Signals from another engine (an LLM); each one given replaces the rules detector's. */
  signals?: Partial<Signals>;
}

export interface EscalationOutcome {
  escalate: boolean;
  trigger: Trigger | null;
  /** Reason codes, primary first: "explicit_phrase:connect me with sales", "category:legal", "persona:N1". */
  reasons: string[];
  route: Route | null;
  priority: Priority;
  offer: Offer;
  suggestManager: boolean;
  /** The lead is hot: the bot asks no further qualifying question. */
  stopQualifying: boolean;
  /** Handoff is disabled for the project: take the visitor's email for a follow-up, no live takeover. */
  captureOnly: boolean;
}

export interface EscalationDecision extends EscalationOutcome {
  leadLevel: LeadLevel;
  signals: Signals;
  memory: EscalationMemory;
}

const RECENT_QUESTIONS = 10;

/** The memory of a conversation that has not started. */
export function initialEscalationMemory(): EscalationMemory {
  return {
    exchanges: 0,
    exchangesWithoutProgress: 0,
    consecutiveShortAnswers: 0,
    consecutiveBotFailures: 0,
    recentQuestions: [],
    softOfferMade: false,
    pendingOffer: null,
    lastHumanOfferAt: null,
  };
}

/** The rules detectors over one message, as `decideEscalation` uses them. */
export function detectSignals(text: string, settings: EscalationSettings, memory: EscalationMemory): Signals {
  return {
    explicitRequest: detectExplicitRequest(text, settings.explicitRequestPhrases),
    category: detectCategory(text, settings.categories, settings.refundLimitUsd),
    sentiment: analyzeSentiment(text),
    shortAnswer: isShortNonCommittal(text),
    repeatedQuestion: isQuestion(text) && memory.recentQuestions.some((q) => isSameQuestion(q, text)),
    acceptsOffer: memory.pendingOffer !== null && acceptsOffer(text),
    urgency: detectUrgency(text),
  };
}

/**
 * Whether to hand over now, and how. First match wins:
 * 1. a handoff is already open → nothing;
 * 2. the visitor accepts a pending human offer → escalate with the offer's trigger;
 * 3. explicit request → always escalate, whatever the lead level or persona (N1/N2 go to
 *    support, never sales); with handoff disabled it escalates as `captureOnly`;
 * 4. handoff disabled → nothing else escalates or offers a human (rule 9 still applies);
 * 5. the lead turns hot in this exchange → `hot_lead`, urgent, to sales, `stopQualifying`;
 * 6. a sensitive or out-of-scope category → routed to the category's team (for N1/N2 a
 *    sales-routed category is suppressed: a competitor asking pricing terms is not escalated);
 * 7. the bot failed `botFailureThreshold` times in a row → `bot_failure`;
 * 8. frustration, then a stall (repeated question, short answers, no progress) → no escalation
 *    yet: `offer: "offer_human"`, the offer is remembered, and a "yes" to it on the next message
 *    escalates (rule 2). Unprompted offers pause for `stall.maxExchangesWithoutProgress` exchanges;
 * 9. a warm lead after `warmSoftOfferAfterExchanges` → one `soft_resource` offer, no escalation.
 */
export function decideEscalation(input: EscalationInput): EscalationDecision {
  const { settings, message, memory } = input;
  const { before, after } = input.qualification;
  const signals: Signals = { ...detectSignals(message.text, settings, memory), ...input.signals };
  const levelBefore = leadLevel(before);
  const level = leadLevel(after);
  const persona = after.persona;
  const next = advanceMemory(memory, message.text, signals, hasProgressed(before, after), input.botAnswerable);
  const personaReasons = persona ? [`persona:${persona}`] : [];
  const category = signals.category;
  const decide = (outcome: Partial<EscalationOutcome>, memoryAfter = next): EscalationDecision => {
    const decided: EscalationOutcome = {
      escalate: false,
      trigger: null,
      reasons: [],
      route: null,
      priority: "low",
      offer: "none",
      suggestManager: category?.suggestManager ?? false,
      stopQualifying: level === "hot",
      captureOnly: false,
      ...outcome,
    };
    return { ...pressing(decided, signals.urgency, persona), leadLevel: level, signals, memory: memoryAfter };
  };

  if (input.handoffOpen) return decide({ reasons: ["handoff_already_open"] });

  const pending = memory.pendingOffer;
  if (pending && signals.acceptsOffer) {
    return decide({
      escalate: true,
      trigger: pending.trigger,
      reasons: [...pending.reasons, "offer_accepted"],
      route: pending.route,
      priority: pending.priority,
      captureOnly: !settings.handoffEnabled,
    });
  }

  const explicit = signals.explicitRequest;
  if (explicit) {
    return decide({
      escalate: true,
      trigger: "explicit_request",
      reasons: [`explicit_phrase:${explicit.phrase}`, ...(explicit.asksForManager ? ["asks_for_manager"] : []), ...personaReasons, ...secondary(category)],
      route: routeFor(persona, explicit.route ?? category?.route ?? null),
      priority: maxPriority(leadPriority(level, persona), category?.priority ?? "low"),
      suggestManager: explicit.asksForManager === true || (category?.suggestManager ?? false),
      captureOnly: !settings.handoffEnabled,
    });
  }

  // A resource is not a human: a warm lead still gets it when handoff is off or nothing else fired.
  const softOfferOr = (reasons: string[]): EscalationDecision =>
    level === "warm" && !memory.softOfferMade && next.exchanges >= settings.warmSoftOfferAfterExchanges
      ? decide({ reasons: [`warm_lead_soft_offer:exchanges:${next.exchanges}`, ...reasons], offer: "soft_resource" }, { ...next, softOfferMade: true })
      : decide({ reasons });

  if (!settings.handoffEnabled) return softOfferOr(["handoff_disabled"]);

  if (level === "hot" && levelBefore !== "hot") {
    const dims = confirmedDimensions(after).map((d) => `${snake(d)}:${after[d].confidence}`);
    return decide({
      escalate: true,
      trigger: "hot_lead",
      reasons: ["lead:hot", ...dims, ...secondary(category)],
      route: "sales",
      priority: "urgent",
      stopQualifying: true,
    });
  }

  const suppressed: string[] = [];
  if (category) {
    if (persona && category.route === "sales") {
      suppressed.push(`suppressed:${category.id}`, ...personaReasons);
    } else {
      return decide({
        escalate: true,
        trigger: category.kind,
        reasons: [...category.reasons, ...personaReasons],
        route: category.route,
        priority: maxPriority(category.priority, persona ? "low" : leadPriority(level, null)),
        suggestManager: category.suggestManager,
      });
    }
  }

  if (next.consecutiveBotFailures >= settings.botFailureThreshold) {
    return decide(
      {
        escalate: true,
        trigger: "bot_failure",
        reasons: [`bot_failures:${next.consecutiveBotFailures}>=${settings.botFailureThreshold}`, ...personaReasons, ...suppressed],
        route: routeFor(persona, null),
        priority: leadPriority(level, persona),
      },
      { ...next, consecutiveBotFailures: 0 },
    );
  }

  const frustration = frustrationReasons(signals.sentiment, settings.sentimentThreshold);
  const stall = level === "hot" ? [] : stallReasons(next, signals, settings);
  const offerTrigger = frustration.length > 0 ? "frustration" : stall.length > 0 ? "stall" : null;
  if (offerTrigger) {
    const cooling = memory.lastHumanOfferAt !== null && next.exchanges - memory.lastHumanOfferAt < settings.stall.maxExchangesWithoutProgress;
    const reasons = [...(offerTrigger === "frustration" ? frustration : stall), ...personaReasons, ...suppressed];
    if (!cooling) {
      const offer: PendingOffer = {
        trigger: offerTrigger,
        reasons,
        route: routeFor(persona, null),
        priority: offerTrigger === "frustration" ? (persona ? "normal" : "high") : leadPriority(level, persona),
      };
      return decide(
        { trigger: offerTrigger, reasons, route: offer.route, priority: offer.priority, offer: "offer_human" },
        { ...next, pendingOffer: offer, lastHumanOfferAt: next.exchanges, exchangesWithoutProgress: 0, consecutiveShortAnswers: 0 },
      );
    }
    suppressed.push("offer_cooldown", ...reasons);
  }

  return softOfferOr(suppressed);
}

/**
 * A handoff that opens with a clock running ("our site is down", "urgent") or for a client who
 * matters ("we're one of your biggest clients") is urgent, with the cue as a reason code; a VIP also
 * suggests the manager. A competitor or researcher gets no bump. Cues never open a handoff themselves.
 */
function pressing(outcome: EscalationOutcome, urgency: Urgency, persona: Persona | null): EscalationOutcome {
  if (!outcome.escalate || persona || (!urgency.timeSensitive && !urgency.vip)) return outcome;
  const cues = [...(urgency.timeSensitive ? ["time_sensitive"] : []), ...(urgency.vip ? ["vip"] : [])];
  return { ...outcome, priority: "urgent", reasons: [...outcome.reasons, ...cues], suggestManager: outcome.suggestManager || urgency.vip };
}

/** A human handoff started by an agent or an operator, not by the rules. */
export function manualEscalation(reason: string, route: Route = "support", priority: Priority = "normal"): EscalationOutcome {
  return {
    escalate: true,
    trigger: "manual",
    reasons: [`manual:${reason}`],
    route,
    priority,
    offer: "none",
    suggestManager: false,
    stopQualifying: false,
    captureOnly: false,
  };
}

const DECLINE =
  /^(?:no|nope|nah|not\s+(?:now|yet|really|right\s+now|today|sure|necessary|needed)|maybe\s+later|later|i\s+am\s+(?:good|fine|ok|okay|alright)|that\s+is\s+(?:ok|okay|fine|alright)|do\s+not|never\s?mind|no\s+thanks?|no\s+thank\s+you)\b/;
const ACCEPT =
  /^(?:oh\s+|well\s+|um+\s+)?(?:yes|yeah|yep|yup|ya|yea|sure|ok|okay|okey|alright|all\s+right|absolutely|definitely|of\s+course|please(?:\s+do)?|go\s+ahead|sounds\s+(?:good|great|perfect|fine)|that\s+would\s+(?:be\s+)?(?:great|good|helpful|nice|perfect|useful|lovely)|let\s+us\s+do\s+(?:it|that)|why\s+not|i\s+would\s+(?:like|love)\s+that|do\s+it|perfect|great|good\s+idea|connect\s+me|that\s+works|i\s+would\s+appreciate\s+(?:it|that)|go\s+on(?:\s+then)?|go\s+for\s+it|fine|if\s+you\s+must|i\s+suppose|i\s+guess\s+so)\b/;

/**
 * Whether a reply accepts an offer to talk to a human: "yes please", "sure, connect me", "ok".
 * "No thanks", "not now", "not sure" and "yes, but first…" do not.
 */
export function acceptsOffer(text: string): boolean {
  const t = normalizeText(text).replace(/^[^\p{L}]+/u, "");
  if (DECLINE.test(t)) return false;
  if (ACCEPT.test(t)) return !/\b(?:but|first|wait|before)\b/.test(t);
  return detectExplicitRequest(text) !== null;
}

function advanceMemory(memory: EscalationMemory, text: string, signals: Signals, progressed: boolean, botAnswerable: boolean | undefined): EscalationMemory {
  const questions = isQuestion(text) ? [...memory.recentQuestions, text.slice(0, 500)].slice(-RECENT_QUESTIONS) : memory.recentQuestions;
  return {
    exchanges: memory.exchanges + 1,
    exchangesWithoutProgress: progressed ? 0 : memory.exchangesWithoutProgress + 1,
    consecutiveShortAnswers: signals.shortAnswer ? memory.consecutiveShortAnswers + 1 : 0,
    consecutiveBotFailures: botAnswerable === false ? memory.consecutiveBotFailures + 1 : botAnswerable === true ? 0 : memory.consecutiveBotFailures,
    recentQuestions: questions,
    softOfferMade: memory.softOfferMade,
    // Any reply answers a pending offer; a "no" or a change of subject counts as a decline.
    pendingOffer: null,
    lastHumanOfferAt: memory.lastHumanOfferAt,
  };
}

function frustrationReasons(sentiment: SentimentResult, threshold: number): string[] {
  const reasons = sentiment.frustration.map((f) => `frustration_${f.kind}:${f.phrase}`);
  if (sentiment.negativity >= threshold) reasons.push(`negativity:${sentiment.negativity}>=${threshold}`);
  return reasons;
}

function stallReasons(memory: EscalationMemory, signals: Signals, settings: EscalationSettings): string[] {
  const { stall } = settings;
  const reasons: string[] = [];
  if (stall.repeatedQuestion && signals.repeatedQuestion) reasons.push("stall:repeated_question");
  if (memory.consecutiveShortAnswers >= stall.shortAnswerStreak) reasons.push(`stall:short_answers:${memory.consecutiveShortAnswers}`);
  if (memory.exchangesWithoutProgress >= stall.maxExchangesWithoutProgress) reasons.push(`stall:no_progress:${memory.exchangesWithoutProgress}`);
  return reasons;
}

/** N1/N2 never reach sales: their handoffs go to support. */
function routeFor(persona: Persona | null, named: Route | null): Route {
  if (persona) return named && named !== "sales" ? named : "support";
  return named ?? "sales";
}

function leadPriority(level: LeadLevel, persona: Persona | null): Priority {
  if (persona) return "low";
  return level === "hot" ? "urgent" : level === "warm" ? "high" : "normal";
}

function secondary(category: CategoryMatch | null): string[] {
  return category ? [`category:${category.id}`] : [];
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
