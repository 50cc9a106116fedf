// How negative a visitor message is, and whether it voices frustration, so the rules engine can
// offer a human before the visitor leaves. A small AFINN-style lexicon with negation and
// intensifiers, tuned for chat; no model, no I/O. The threshold lives in the project's settings.
import { anyPattern } from "../any-pattern";
import { MAX_ANALYZED_CHARS, normalizeText } from "./intents";

/** A lexicon hit after negation and intensifiers were applied. */
export interface SentimentWord {
  word: string;
  score: number;
}

export interface FrustrationSignal {
  /** complaint: "this isn't helpful"; dismissive: "whatever"; leaving: "forget it", "bye"; abuse: an insult or a curse at us. */
  kind: "complaint" | "dismissive" | "leaving" | "abuse";
  phrase: string;
}

export interface SentimentResult {
  /** 0 (not negative) … 1 (very negative). */
  negativity: number;
  /** Sum of word scores; below 0 is negative. */
  score: number;
  words: SentimentWord[];
  frustration: FrustrationSignal[];
}

export type SentimentLabel = "frustrated" | "negative" | "neutral" | "positive";

// AFINN-style scores (-5…+5), restricted to words that carry tone in a sales or support chat.
// Words that describe a prospect's business pain ("problem", "struggling") are left out on
// purpose: a visitor explaining a need is not a frustrated visitor.
const LEXICON = new Map<string, number>(
  Object.entries({
    useless: -3,
    pointless: -3,
    worthless: -3,
    terrible: -3,
    awful: -3,
    horrible: -3,
    horrendous: -3,
    worst: -3,
    worse: -2,
    hate: -3,
    hated: -3,
    hates: -3,
    garbage: -3,
    trash: -3,
    rubbish: -3,
    crap: -3,
    crappy: -3,
    sucks: -3,
    suck: -3,
    stupid: -3,
    dumb: -3,
    idiotic: -3,
    ridiculous: -3,
    absurd: -2,
    unacceptable: -3,
    outrageous: -3,
    pathetic: -3,
    disgusting: -3,
    furious: -4,
    angry: -3,
    mad: -2,
    livid: -4,
    pissed: -4,
    shit: -4,
    shitty: -4,
    fuck: -4,
    fucking: -4,
    bullshit: -4,
    wtf: -4,
    ffs: -3,
    damn: -2,
    annoyed: -2,
    annoying: -2,
    irritated: -2,
    irritating: -2,
    frustrated: -2,
    frustrating: -2,
    frustration: -2,
    disappointed: -2,
    disappointing: -2,
    disappointment: -2,
    upset: -2,
    unhappy: -2,
    confused: -2,
    confusing: -2,
    unclear: -1,
    bad: -2,
    poor: -2,
    poorly: -2,
    wrong: -2,
    broken: -2,
    fail: -2,
    failed: -2,
    fails: -2,
    failure: -2,
    waste: -2,
    wasted: -2,
    wasting: -2,
    nonsense: -3,
    unhelpful: -2,
    incompetent: -3,
    lazy: -2,
    ugh: -2,
    meh: -1,
    sigh: -1,
    boring: -2,
    complain: -2,
    complaint: -2,
    slow: -1,
    sad: -2,
    "😡": -4,
    "😠": -3,
    "🤬": -4,
    "😤": -3,
    "🙄": -2,
    "👎": -2,
    "😞": -2,
    "😒": -2,
    good: 2,
    great: 3,
    excellent: 3,
    amazing: 4,
    awesome: 4,
    perfect: 3,
    helpful: 2,
    useful: 2,
    thanks: 2,
    thank: 2,
    thx: 2,
    love: 3,
    nice: 3,
    cool: 1,
    happy: 3,
    glad: 3,
    clear: 1,
    wonderful: 4,
    fantastic: 4,
    brilliant: 4,
    best: 3,
    impressive: 3,
    interested: 2,
    interesting: 2,
    excited: 3,
    appreciate: 2,
    pleased: 3,
    satisfied: 2,
    easy: 1,
    "🙂": 2,
    "😊": 2,
    "👍": 2,
    "🙏": 2,
  }),
);

/** Multi-word entries, checked before single words. */
const PHRASES: Record<string, number> = {
  "thanks for nothing": -3,
  "fed up": -3,
  "waste of time": -3,
  "give up": -2,
  "no thanks": 0,
  "no thank you": 0,
};
/** The multi-word entries by their first word, in PHRASES' order (the first that matches wins). */
const PHRASES_BY_FIRST = new Map<string, { phrase: string; tokens: string[]; score: number }[]>();
for (const [phrase, score] of Object.entries(PHRASES)) {
  const tokens = phrase.split(" ");
  const first = tokens[0] ?? "";
  PHRASES_BY_FIRST.set(first, [...(PHRASES_BY_FIRST.get(first) ?? []), { phrase, tokens, score }]);
}

/** The multi-word entry that starts at tokens[i], if any. */
function phraseAt(tokens: readonly string[], i: number): { phrase: string; tokens: string[]; score: number } | undefined {
  const candidates = PHRASES_BY_FIRST.get(tokens[i] ?? "");
  if (!candidates) return undefined;
  for (const candidate of candidates) {
    let k = 1;
    while (k < candidate.tokens.length && tokens[i + k] === candidate.tokens[k]) k++;
    if (k === candidate.tokens.length) return candidate;
  }
  return undefined;
}

const NEGATORS = new Set(["not", "no", "never", "hardly", "barely", "without", "nothing", "neither", "nor", "cannot"]);
const INTENSIFIERS = new Set([
  "so",
  "very",
  "really",
  "extremely",
  "totally",
  "completely",
  "absolutely",
  "utterly",
  "super",
  "incredibly",
  "truly",
  "seriously",
  "too",
]);
/** Gratitude is not negated: "no thanks" is a polite no, not a negative remark. */
const NOT_NEGATABLE = new Set(["thanks", "thank", "thx"]);
const NEGATION_SCOPE = 3;
/** Negativity = 1 - e^(-net/SCALE): net 2 ("bad") ≈ 0.39, 5 ≈ 0.71, 8 ≈ 0.86. */
const SCALE = 4;

/** Lexicon score of a message: negativity 0–1 and the words that produced it. */
export function scoreSentiment(text: string): Omit<SentimentResult, "frustration"> {
  const original = text.slice(0, MAX_ANALYZED_CHARS);
  const tokens = tokenize(normalizeText(original));
  const shouting = new Set((original.match(/\b[A-Z]{3,}\b/g) ?? []).map((w) => w.toLowerCase()));
  const words: SentimentWord[] = [];
  const situation = situationClauses(tokens);
  let negationLeft = 0;
  let boost = 1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    if (token === "|") {
      negationLeft = 0;
      boost = 1;
      continue;
    }
    const phrase = phraseAt(tokens, i);
    // A Map, never a plain object: a visitor's word is looked up ("constructor" is on Object.prototype).
    const base = phrase ? phrase.score : LEXICON.get(token);
    if (phrase) i += phrase.tokens.length - 1;
    if (base === undefined) {
      if (NEGATORS.has(token)) negationLeft = NEGATION_SCOPE + 1;
      if (INTENSIFIERS.has(token)) boost = 1.5;
      if (negationLeft > 0) negationLeft--;
      continue;
    }
    let score = base * boost * (shouting.has(token) ? 1.5 : 1);
    // "not helpful" is as negative as "helpful" is positive; "not bad" is only mildly positive.
    if (negationLeft > 0 && !NOT_NEGATABLE.has(token)) score = score > 0 ? -score : -score / 2;
    // "our current agency is terrible": the visitor's own situation, a need rather than anger at us.
    if (score < 0 && situation[i]) score = 0;
    if (score !== 0) words.push({ word: phrase?.phrase ?? token, score: round(score) });
    negationLeft = Math.max(0, negationLeft - 1);
    boost = 1;
  }
  const score = round(words.reduce((sum, w) => sum + w.score, 0));
  const negativity = score < 0 ? round(1 - Math.exp(score / SCALE)) : 0;
  return { negativity, score, words };
}

const COMPLAINTS: RegExp[] = [
  /\b(?:this|that|it|you|your (?:answers?|replies|bot)|the bot)(?: is| are| was| were)? not (?:really |very |at all |even )?(?:helpful|helping|useful|working|what i (?:asked|wanted|need|meant|am looking for))\b/,
  /\b(?:this|that|it) (?:is|was) not what i (?:asked|wanted|meant)\b/,
  /\byou (?:clearly |just |really |still |obviously |simply )?(?:are|do|did|can) not (?:answer(?:ing)?|understand(?:ing)?|get(?:ting)? it|listen(?:ing)?|help(?:ing)?)\b/,
  /\b(?:this|that|it) (?:does|did) not (?:answer|help)\b/,
  /\b(?:useless|pointless|worthless|waste of (?:my )?time|thanks for nothing)\b/,
  /\b(?:stupid|dumb|useless|terrible|annoying) (?:bot|chatbot|ai|robot|machine)\b/,
  /\bi (?:already|just) (?:told|said|asked|answered|explained)\b/,
  /\bare you (?:even |actually |really )?(?:listening|reading|paying attention)\b|\bare you even\b/,
  /\bi have (?:already )?asked (?:you )?(?:this |that |it )?(?:twice|three times|\w+ times|again|already|before)\b/,
  /\b(?:the )?worst (?:answer|reply|response|bot|chatbot|service|experience|website|support)\b/,
  // Strong words only: "a bit of a vague answer" is a visitor carrying on, not a visitor about to leave.
  /\b(?:absolute |complete |total |utter )?(?:rubbish|useless|garbage|terrible|awful|pathetic|crap|crappy|shit|shitty|stupid|dumb) (?:answers?|repl(?:y|ies)|responses?|bot|chatbot|service)\b/,
  /\bnothing (?:here |you said )?(?:answers|helps|works|makes sense)\b|\b(?:does|did) not answer (?:my|the) question\b/,
  /\bwtf\b|\bwhat the (?:fuck|hell|heck)\b/,
  /\b(?:going|running|talking) (?:round |around )?in circles\b/,
  /\bthis is (?:so |really |very |incredibly |absolutely |just |beyond )?(?:ridiculous|absurd|unacceptable|a joke|frustrating|annoying|pointless|useless|hopeless|infuriating)\b/,
  /\bi am (?:so |really |very |getting |pretty )?(?:frustrated|annoyed|fed up|tired of this)\b/,
  /\b(?:just )?(?:answer|read) (?:my|the) (?:question|message)\b/,
];
const LEAVING: RegExp[] = [
  /\bforget (?:it|about it)\b/,
  /\bnever ?mind\b|\bnvm\b/,
  /\bi give up\b/,
  /\bi (?:will|am going to|am gonna) (?:go|look|try|ask) (?:elsewhere|somewhere else|someone else|a competitor)\b/,
  /\bi (?:will|am going to) (?:go with|use) (?:a competitor|someone else|another (?:company|vendor|provider|agency|tool))\b/,
  /\b(?:good)?bye\b|\bi am (?:out|leaving|done)\b(?! with)/,
];
const DISMISSIVE = /^(?:whatever|ugh+|meh|sigh|come on|seriously|wtf|ffs|smh|🙄)$/;
/** Insults and curses aimed at the bot, the team or the company (not a visitor describing their own day). */
const ABUSE: RegExp[] = [
  /\b(?:you|you guys|your (?:bot|ai|chatbot|company|team|answers?|people)|this (?:bot|thing|ai|chat|chatbot|company))(?: is| are)? (?:so |really |completely |utterly |totally |such )?(?:a |an )?(?:thick|dense|clueless|brain ?dead|idiots?|idiotic|morons?|moronic|stupid|dumb|useless|pathetic|incompetent|worthless|a joke|a scam|garbage|rubbish|trash|crap|shit)\b/,
  /\bthick as (?:a )?(?:brick|two short planks|mince)\b/,
  /\b(?:you|bunch of|such|what an?|total|complete|absolute|utter)\s+(?:\w+\s+)?(?:idiots?|morons?|imbeciles?|clowns|muppets?|numpties|wankers?|tossers?|twats?|assholes?|arseholes?|dickheads?|bastards?)\b/,
  /\b(?:fuck|screw|sod|bugger|piss) (?:you|off|this)\b|\bshut up\b|\bgo to hell\b/,
];

// Gates in front of the lists (any-pattern.ts): most messages match none, and are then read once per list.
const ANY_COMPLAINT = anyPattern(COMPLAINTS);
const ANY_ABUSE = anyPattern(ABUSE);
const ANY_LEAVING = anyPattern(LEAVING);
/**
 * A word of DISMISSIVE in the text itself, the gate in front of building the bare text it is tested
 * on: each word of the bare text is a run of the text's own characters (what is stripped becomes a
 * space), so a bare text DISMISSIVE matches has one of these in the text.
 */
const DISMISSIVE_WORD = /whatever|ugh|meh|sigh|come|seriously|wtf|ffs|smh|🙄/u;

/** Frustration phrases in a message. A leave-taking with thanks ("thanks, bye") is polite, not frustration. */
export function detectFrustration(text: string): FrustrationSignal[] {
  return frustrationSignals(text, () => scoreSentiment(text).score > 0);
}

/** detectFrustration, with the text's politeness (a positive sentiment score) asked only if a leaving phrase needs it. */
function frustrationSignals(text: string, polite: () => boolean): FrustrationSignal[] {
  const t = normalizeText(text.slice(0, MAX_ANALYZED_CHARS));
  const found: FrustrationSignal[] = [];
  if (ANY_COMPLAINT.test(t)) {
    for (const re of COMPLAINTS) {
      const m = re.exec(t);
      if (m && !found.some((f) => f.phrase === m[0])) found.push({ kind: "complaint", phrase: m[0] });
    }
  }
  if (DISMISSIVE_WORD.test(t)) {
    const bare = t
      .replace(/[^\p{L}\p{N}\p{Extended_Pictographic}\s]/gu, " ")
      .replace(/\s+/g, " ")
      .trim();
    if (DISMISSIVE.test(bare)) found.push({ kind: "dismissive", phrase: bare });
  }
  if (ANY_ABUSE.test(t)) {
    for (const re of ABUSE) {
      const m = re.exec(t);
      if (m && !found.some((f) => f.phrase === m[0])) found.push({ kind: "abuse", phrase: m[0] });
    }
  }
  if (ANY_LEAVING.test(t) && !polite()) {
    for (const re of LEAVING) {
      const m = re.exec(t);
      if (m) found.push({ kind: "leaving", phrase: m[0] });
    }
  }
  return found;
}

let lastAnalyzed: { text: string; result: SentimentResult } | null = null;

/** Score and frustration phrases in one pass, as the escalation decision consumes them (the last message's is remembered). */
export function analyzeSentiment(text: string): SentimentResult {
  if (lastAnalyzed?.text === text) return lastAnalyzed.result;
  const scored = scoreSentiment(text); // scored once: the frustration check reads its politeness
  const result = { ...scored, frustration: frustrationSignals(text, () => scored.score > 0) };
  lastAnalyzed = { text, result };
  return result;
}

/** Frustrated when a frustration phrase was said or negativity reaches the project's threshold. */
export function isFrustrated(result: SentimentResult, threshold: number): boolean {
  return result.frustration.length > 0 || result.negativity >= threshold;
}

/** One word for the context packet. */
export function sentimentLabel(result: SentimentResult, threshold: number): SentimentLabel {
  if (isFrustrated(result, threshold)) return "frustrated";
  if (result.negativity >= 0.35) return "negative";
  return result.score > 0 ? "positive" : "neutral";
}

const OWN = new Set(["our", "my", "their"]);
const ABOUT_US = new Set(["you", "your", "yours", "bot", "chatbot", "assistant", "chat", "answer", "answers", "reply"]);

/** Per token: whether it sits in a clause that opens on the visitor's own things ("our app is broken") and never mentions us. */
function situationClauses(tokens: readonly string[]): boolean[] {
  const out: boolean[] = new Array(tokens.length).fill(false);
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i] !== "|") continue;
    const clause = tokens.slice(start, i);
    const own = OWN.has(clause[0] ?? "") && !clause.some((t) => ABOUT_US.has(t));
    for (let k = start; k < i; k++) out[k] = own;
    start = i + 1;
  }
  return out;
}

/** Words, emoji, and "|" for clause breaks (negation and intensifiers stop there). */
function tokenize(normalized: string): string[] {
  return normalized.match(/\p{Extended_Pictographic}|[\p{L}\p{N}']+|[.,;:!?]+/gu)?.map((t) => (/^[.,;:!?]+$/.test(t) ? "|" : t)) ?? [];
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
