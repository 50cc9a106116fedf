// Rule-based detectors over one visitor message: asking for a human, a sensitive or out-of-scope
// topic, a short non-committal answer, a repeated question, a negative persona. They only read
// text; what to do about a hit is decided in decision.ts. An LLM engine may replace any of them.
import { anyPattern } from "../any-pattern";
import { memoizeText } from "../memo";
import { analyzeTerms } from "../text-terms";
import type { Category, CategoryKind, Priority, Route } from "./escalation-settings";

/** Messages are cut to this length before analysis so hostile input stays cheap. */
export const MAX_ANALYZED_CHARS = 8000;

// --- text ------------------------------------------------------------------------------------

const CONTRACTIONS: [RegExp, string][] = [
  [/\bwon't\b/g, "will not"],
  [/\bcan't\b/g, "can not"],
  [/\bain't\b/g, "is not"],
  [/n't\b/g, " not"],
  [/\bi'm\b/g, "i am"],
  [/\blet's\b/g, "let us"],
  [/\b(it|that|what|who|there|here|he|she|where|how)'s\b/g, "$1 is"],
  [/'re\b/g, " are"],
  [/'ve\b/g, " have"],
  [/'ll\b/g, " will"],
  [/'d\b/g, " would"],
  // The same, typed without the apostrophe.
  [/\b(do|does|did|is|are|was|were|has|have|had|could|would|should)nt\b/g, "$1 not"],
  [/\bcant\b/g, "can not"],
  [/\bwont\b/g, "will not"],
  [/\bim\b/g, "i am"],
  [/\bive\b/g, "i have"],
  [/\byoure\b/g, "you are"],
  [/\bthats\b/g, "that is"],
  [/\bwhats\b/g, "what is"],
  [/\bid (rather|like|love|prefer)\b/g, "i would $1"],
];

/** Lowercase, NFKC, straight apostrophes, contractions expanded ("I'd" → "i would"), spaces collapsed. */
// Every detector normalises the same message in one turn, and the repeated-question check the recent ones.
export const normalizeText: (text: string) => string = memoizeText(normalizeUncached);

function normalizeUncached(text: string): string {
  let t = text
    .slice(0, MAX_ANALYZED_CHARS)
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, "");
  for (const [re, to] of CONTRACTIONS) t = t.replace(re, to);
  return t.replace(/\s+/g, " ").trim();
}

/** Normalized words only: punctuation becomes a space (keeps apostrophes and currency signs). */
function toWords(normalized: string): string {
  return normalized
    .replace(/[^\p{L}\p{N}'$€£]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** A text's normalized words, memoized: every detector of a turn reads the same message's. */
const wordsOf = memoizeText((text: string) => toWords(normalizeText(text)));

const phraseCache = new Map<string, RegExp | null>();

/**
 * Matcher for a settings phrase: case-insensitive, whole words, punctuation-insensitive; a trailing
 * `*` matches any word ending ("refund*" → "refunds", "refunded").
 */
function phraseRegex(phrase: string): RegExp | null {
  const cached = phraseCache.get(phrase);
  if (cached !== undefined) return cached;
  const body = phraseBody(phrase);
  const re = body ? new RegExp(`(?<![\\p{L}\\p{N}])${body}`, "u") : null;
  if (phraseCache.size > 5000) phraseCache.clear();
  phraseCache.set(phrase, re);
  return re;
}

/** The body of a phrase's matcher without its leading boundary, for one combined alternation. */
function phraseBody(phrase: string): string | null {
  const words = toWords(normalizeText(phrase));
  if (!words) return null;
  const body = words
    .split(" ")
    .map((w) => w.replace(/[$]/g, "\\$"))
    .join(" ");
  return `${body}${phrase.trim().endsWith("*") ? "[\\p{L}\\p{N}']*" : "(?![\\p{L}\\p{N}])"}`;
}

const anyCache = new WeakMap<readonly string[], RegExp | null>();

/** One regex for a whole list, compiled once per list: most messages match none, and one test says so. */
function anyPhraseRegex(phrases: readonly string[]): RegExp | null {
  let re = anyCache.get(phrases);
  if (re === undefined) {
    const bodies = phrases.map(phraseBody).filter((b): b is string => b !== null);
    re = bodies.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${bodies.join("|")})`, "u") : null;
    anyCache.set(phrases, re);
  }
  return re;
}

/** The first of `phrases` found in `text` (as a settings phrase, see above), or null. */
export function findPhrase(text: string, phrases: readonly string[]): { phrase: string; matched: string } | null {
  const words = wordsOf(text);
  if (phrases.length > 4 && !anyPhraseRegex(phrases)?.test(words)) return null;
  for (const phrase of phrases) {
    const m = phraseRegex(phrase)?.exec(words);
    if (m) return { phrase, matched: m[0] };
  }
  return null;
}

// --- explicit request for a human --------------------------------------------------------------

/** The visitor asked for a person. `phrase` is what matched, for the reason code. */
export interface ExplicitRequest {
  phrase: string;
  /** builtin and custom come from the rules; llm when another engine supplied the signal. */
  source: "builtin" | "custom" | "llm";
  /** A team the visitor named ("connect me with sales"), if any. */
  route: Route | null;
  /** The visitor asked for someone senior (a manager, a supervisor, someone in charge): the L3 rung. */
  asksForManager?: boolean;
}

const DET = String.raw`(?:a|an|the|your|any|some|one\s+of\s+your|one\s+of\s+the|some\s+of\s+your)`;
const GENERIC = String.raw`(?:(?:real|live|actual|human|senior)\s+)?(?:human\s+beings?|humans?|persons?|people|agents?|representatives?|reps?|operators?|engineers?|developers?|devs?|consultants?|specialists?|experts?|managers?|supervisors?|bosse?s?|members?\s+of\s+(?:staff|(?:your|the)\s+team)|salespeople|salesperson|sales\s+(?:person|people|reps?|representatives?|team|department|guy|folks)|support\s+(?:team|staff|person|agents?|people)|team\s+members?|staff\s+members?|staff|employees?|founders?|account\s+managers?|customer\s+(?:service|support|success)(?:\s+(?:team|reps?|agents?))?|lawyers?|legal\s+team)`;
const BARE = String.raw`(?:(?:real|live|actual)\s+(?:persons?|humans?|agents?|people)|human\s+beings?|humans?|agent|operator|representative|supervisor|the\s+boss|(?:your|the)\s+(?:manager|supervisor|boss|people\s+in\s+charge)|your\s+(?:team|staff|engineers|developers|consultants|guys)|you\s+guys|my\s+account\s+manager|(?:someone|somebody|anyone|anybody)\s+(?:in\s+charge|senior|more\s+senior)|someone|somebody|anyone|anybody|sb|some1|sales|support|customer\s+(?:service|support))`;
/** Not about hiring HR, and not the visitor's own colleagues ("my team", "someone at our company"). */
const NOT_OURS = String.raw`(?!\s+(?:resources|rights|error|nature)\b)(?!\s+(?:at|in|from|on|of)\s+(?:my|our)\b)`;
const HUMAN = String.raw`(?:${DET}\s+${GENERIC}|${BARE})${NOT_OURS}`;
const LEAD = String.raw`(?:^|[.,;:!?]\s*|\b(?:ok|okay|yes|yeah|so|then|hi|hello|hey|now|well|hmm)\s+)`;
const REQ = String.raw`(?:^(?:would|i\s+would)\s+(?:rather|prefer|like|love)(?:\s+to)?|(?:why\s+)?(?:can|could|may|might)(?:\s+not)?\s+(?:i|we)(?:\s+please)?(?:\s+(?:just|maybe|also))?|(?:i|we)\s+(?:would\s+)?(?:really\s+)?(?:much\s+)?(?:like|love|prefer|rather|want|wanna|need|have|must|wish)(?:\s+to)?(?:\s+just)?|let\s+(?:me|us)(?:\s+just)?|(?:is|would)\s+(?:it|there)\s+(?:be\s+)?(?:possible|a\s+way)\s+(?:for\s+(?:me|us)\s+)?to|how\s+(?:do|can|could)\s+(?:i|we)|where\s+(?:do|can)\s+(?:i|we)|(?:it\s+)?would\s+be\s+(?:great|good|better|nice|easier|helpful)\s+to|(?:i\s+am\s+|we\s+are\s+)?(?:happy|glad|open|keen|trying|hoping|looking)\s+to|want\s+to|need\s+to|please|just)`;
const TALK = String.raw`(?:(?:talk|speak|chat|talking|speaking|chatting)(?:\s+(?:directly|quickly|now|briefly|in\s+person))?\s+(?:to|with)|have\s+a\s+(?:quick\s+)?word\s+with|(?:go|run)\s+(?:over|through)\s+(?:this|it|that|things|the\s+details)\s+with|go\s+through\s+with|discuss\s+(?:this|it|that)\s+with)`;
const CONTACT = String.raw`(?:call|phone|ring|email|e-mail|contact|reach\s+out\s+to|get\s+in\s+touch\s+with|get\s+back\s+to)`;
const CONTACT_TAIL = String.raw`(?=\s*(?:$|[.,;:!?]|(?:back|asap|now|please|tomorrow|today|later|soon|at|on|this|next|when|if|by|via|to|about|regarding|and)\b))`;
const SHORT_HUMAN = String.raw`(?:(?:a\s+|an\s+|the\s+|some\s+)?(?:real\s+|live\s+|actual\s+|proper\s+)?(?:human\s+beings?|humans?|persons?|agent|operator|representative|rep|someone\s+real|human\s+support|live\s+(?:chat|support))|(?:your|the|a)\s+(?:manager|supervisor|boss))(?!\s+(?:resources|rights|error|nature)\b)(?=\s*(?:$|[.,;:!?]|(?:please|pls|plz|now|here|instead|asap|rather|mate|then|thanks|thx)\b|to\s+(?:talk|speak|chat|help)\b|on\s+the\s+(?:line|chat|phone)\b|not\s+a\s+(?:bot|robot|machine)\b))`;

const EXPLICIT_PATTERNS: RegExp[] = [
  // "can I talk to a person", "let me talk to an agent", "speak to someone on your team"
  new RegExp(String.raw`(?:${LEAD}|\b${REQ}\s+)(?:please\s+)?(?:just\s+)?${TALK}\s+${HUMAN}`),
  // "connect me with sales", "put me in touch with someone", "escalate this to a manager"
  new RegExp(
    String.raw`\b(?:connect|transfer|put|patch|forward|pass|hand|route|escalate|switch|redirect|get)\s+(?:me|us|this|it|my\s+(?:request|question|case|chat))(?:\s+(?:through|over|directly|now))?\s+(?:to|with|in\s+(?:touch|contact)\s+with)\s+${HUMAN}`,
  ),
  /\b(?:connect|transfer)\s+(?:me|us)(?=\s*(?:$|[.,;:!?]|(?:please|now|asap)\b))/,
  /\b(?:please\s+)?escalate\s+(?:this|it|my\s+(?:case|issue|request|ticket|question)|the\s+(?:case|issue))\b|\bplease\s+escalate\b/,
  // "is there an engineer I can talk to", "is anyone there", "do you have someone I could speak with"
  new RegExp(
    String.raw`\b(?:(?:is|are)\s+there|do\s+you\s+have)\s+(?:(?:${DET}\s+)?${GENERIC}|${BARE})(?:\s+(?:from|on|in|at)\s+(?:your\s+|the\s+)?[a-z]+(?:\s+team)?)?\s+(?:(?:i|we)\s+(?:can|could|might)\s+(?:talk|speak|chat)\s+(?:to|with)|(?:available|around|here|there|online)\b)`,
  ),
  /\bis\s+(?:anyone|anybody|someone|somebody|there\s+anyone|there\s+anybody|a\s+(?:real\s+)?(?:human|person))\s+(?:there|here|around|available|online)\b/,
  // "who should I talk to about this", "who's the right person to speak with"
  /\bwho\s+(?:should|can|could|do|would|shall|might)\s+(?:i|we)\s+(?:talk|speak|reach\s+out|get\s+in\s+touch|contact|ask|email|call|write)(?:\s+(?:to|with))?\b/,
  /\b(?:the\s+)?(?:right|best)\s+person\s+to\s+(?:talk|speak)\s+(?:to|with)\b|\bwho\s+(?:is|would\s+be)\s+the\s+(?:right|best)\s+person\b/,
  // "I'd rather book a call", "can we schedule a demo"
  new RegExp(
    String.raw`(?:${LEAD}|\b${REQ}\s+)(?:please\s+)?(?:just\s+)?(?:book|schedule|set\s+up|arrange|have|get|hop\s+on|jump\s+on|do|organi[sz]e|request)\s+(?:a\s+|an\s+)?(?:(?:quick|short|brief|intro|introductory|discovery|video|phone|zoom|sales|live|personal|free|\d+[\s-]?min(?:ute)?s?)\s+)*(?:call|meeting|demo|consultation|appointment|zoom|teams\s+call|video\s+chat)\b(?!\s+with\s+(?:my|our)\b)(?!\s+(?:scheduling|booking|feature|system|centre|center|app|button|widget|tracking|recording|functionality|flow|integration|tool)\b)`,
  ),
  // "can someone call me", "have a sales rep email me", "give me a call"
  new RegExp(
    String.raw`\b(?:can|could|would|will)\s+(?:someone|somebody|anyone|anybody|a\s+(?:real\s+)?(?:person|human))(?:\s+(?:from|on|at)\s+(?:your|the)\s+team)?\s+(?:please\s+)?(?:help|assist|take\s+over|answer|look\s+at\s+this|(?:jump|hop)\s+on\s+a\s+(?:quick\s+)?(?:call|zoom)|${CONTACT})\b`,
  ),
  new RegExp(String.raw`\b(?:can|could|would|will)\s+(?:${DET}\s+${GENERIC}|sales|support)\s+(?:please\s+)?(?:take\s+over|${CONTACT}\s+(?:me|us))\b`),
  new RegExp(
    String.raw`\b(?:have|get|ask)\s+(?:someone|somebody|sb|some1|${DET}\s+${GENERIC}|sales)(?:\s+(?:from|on|at|in)\s+(?:your|ur|the)\s+(?:team|side|end))?\s+(?:to\s+)?(?:${CONTACT}\s+(?:me|us)|reach\s+out|get\s+in\s+touch|give\s+(?:me|us)\s+a\s+(?:call|ring|bell|buzz|shout))\b`,
  ),
  /\b(?:can|could|would)\s+you\s+(?:please\s+)?(?:call|phone|ring)\s+(?:me|us)\b/,
  /\b(?:can|could|would)\s+you\s+(?:please\s+)?(?:put\s+(?:me|us)\s+in\s+touch|introduce\s+(?:me|us))\b(?!\s+with\s+(?:my|our)\b)/,
  new RegExp(String.raw`(?:${LEAD}|\bplease\s+)(?:call|phone|ring|contact)\s+(?:me|us)${CONTACT_TAIL}`),
  new RegExp(String.raw`\bi\s+would\s+(?:like|love|prefer)\s+(?:for\s+)?(?:someone|somebody|${DET}\s+${GENERIC})\s+to\s+${CONTACT}\s+(?:me|us)\b`),
  /\bgive\s+(?:me|us)\s+a\s+(?:call|ring|bell|buzz)\b/,
  // "can I get a human", "real person please", "agent"
  new RegExp(
    String.raw`(?:(?:\b(?:can|could|may)\s+(?:i|we)\s+(?:please\s+)?(?:get|have)|\b(?:get|give|find|bring|fetch)\s+me|\b(?:i|we)\s+(?:would\s+)?(?:really\s+)?(?:want|need|like|prefer|demand|request))\s+|${LEAD}(?:please\s+)?)${SHORT_HUMAN}`,
  ),
  // Indirect and colloquial requests: "any chance of getting a human on the line?", "how do I reach your team directly?"
  new RegExp(
    String.raw`\b(?:any\s+chance|is\s+it\s+possible)\s+(?:of|to|i\s+could|we\s+could)\s+(?:get(?:ting)?|speak(?:ing)?|talk(?:ing)?)(?:\s+(?:to|with))?\s+${HUMAN}`,
  ),
  new RegExp(
    String.raw`\b(?:can|could|would|will)\s+(?:${DET}\s+${GENERIC}|someone|somebody|sb)(?:\s+(?:from|on|at)\s+(?:your|ur|the)\s+team)?\s+(?:please\s+)?give\s+(?:me|us)\s+a\s+(?:call|ring|bell|buzz|shout)\b`,
  ),
  new RegExp(
    String.raw`\bwhat\s+is\s+the\s+(?:best|quickest|fastest|easiest|simplest|right)\s+way\s+to\s+(?:get\s+(?:hold\s+of|in\s+touch\s+with|through\s+to)|reach|contact|speak\s+(?:to|with)|talk\s+(?:to|with)|call|email|get)\s+(?:${HUMAN}|you(?:\s+guys)?|your\s+team)`,
  ),
  new RegExp(
    String.raw`\bhow\s+(?:do|can|could|would)\s+(?:i|we)\s+(?:reach|contact|get\s+(?:hold\s+of|in\s+touch\s+with|through\s+to)|call|email|phone)\s+(?:${HUMAN}|you(?:\s+guys)?|your\s+team)`,
  ),
  new RegExp(
    String.raw`\b(?:can|could|may)\s+(?:i|we)\s+(?:just\s+)?(?:email|call|phone|ring|message|contact)\s+(?:someone|somebody|sb|a\s+(?:real\s+)?(?:person|human)|${DET}\s+${GENERIC})`,
  ),
  /\bwho\s+else\s+(?:can|could|should|do|would)\s+(?:i|we)\s+(?:ask|talk|speak|contact|reach|go\s+to)\b/,
  /\b(?:is|are)(?:\s+not)?\s+there\s+(?:not\s+)?(?:anyone|anybody|someone|somebody|a\s+(?:real\s+)?(?:person|human))(?:\s+(?:i|we)\s+(?:can|could)\s+(?:actually|really|just)\s+(?:talk|speak|chat)\s+(?:to|with)|\s+(?:who|that)\s+(?:can|could|would)\s+(?:answer|help|explain|look\s+at|deal\s+with|handle))/,
  /\b(?:is\s+there|do\s+you\s+have|what\s+is|can\s+i\s+(?:get|have))\s+(?:a|an|your)\s+(?:direct\s+)?(?:phone|telephone|contact|direct)\s+(?:number|line)\b/,
  /\b(?:prefer|rather|like|want|love)\s+(?:a|to\s+have\s+a)\s+(?:proper|real|actual|human|live)\s+(?:conversation|chat|call|discussion)\b/,
  /(?:^|[.,!?]\s*)(?:hello\W*\s*)?(?:is\s+)?(?:anyone|anybody|somebody|someone)\s+(?:home|there|around|about|awake|alive|here)\s*\??\s*$/,
  /\b(?:humans?|persons?|people)\b.*\bi\s+would\s+(?:really\s+)?(?:like|love)\s+(?:one|them)\s+to\b/,
  new RegExp(String.raw`\b${REQ}\s+(?:walk|take)\s+(?:someone|somebody|a\s+(?:real\s+)?(?:person|human)|${DET}\s+${GENERIC})\s+through\b`),
  /\bwhere\s+(?:can|do|could)\s+(?:i|we)\s+(?:find|get)\s+(?:a|an|the|your)?\s*(?:real\s+|actual\s+|direct\s+|human\s+)?(?:contact|person|human|phone\s+number|email\s+address)\b/,
];

/** The gate in front of the list (any-pattern.ts): most messages ask for nobody, and are then read once. */
const ANY_EXPLICIT = anyPattern(EXPLICIT_PATTERNS);

/** Whom a request asks for is above the first line: a manager, a supervisor, the boss, someone in charge. */
const ASKS_FOR_MANAGER = /\b(?<!account\s)(?:managers?|supervisors?|boss(?:es)?|in\s+charge|senior|head\s+of)\b/;

// Refusals only count in the same clause, just before the request ("I don't need to talk to anyone").
const NEGATED = /\b(?:not|never|no\s+need|without)\b/;

/**
 * Whether the visitor asks for a person: the built-in phrasings (and their paraphrases) plus the
 * project's `extraPhrases`. Deliberately not fired by mentions of people ("I'm a human resources
 * manager", "pricing for support agents", "our sales team uses Salesforce") nor by questions about
 * the team's abilities ("do you have people who speak Spanish in your team?" is a question for the
 * bot, not a request to be handed over), nor by refusals ("I don't want to talk to sales yet").
 */
export function detectExplicitRequest(text: string, extraPhrases: readonly string[] = []): ExplicitRequest | null {
  const t = normalizeText(text);
  for (const re of ANY_EXPLICIT.test(t) ? EXPLICIT_PATTERNS : []) {
    const m = re.exec(t);
    if (!m) continue;
    const phrase = m[0].replace(/^[\s.,;:!?]+/, "").trim();
    const start = m.index + m[0].length - m[0].replace(/^[\s.,;:!?]+/, "").length;
    const clause =
      t
        .slice(0, start)
        .split(/[.,;:!?]/)
        .at(-1) ?? "";
    const window = clause.trim().split(" ").slice(-5).join(" ");
    if (NEGATED.test(window)) continue;
    return { phrase, source: "builtin", route: namedRoute(phrase), ...(ASKS_FOR_MANAGER.test(phrase) ? { asksForManager: true } : {}) };
  }
  const custom = findPhrase(t, extraPhrases);
  return custom ? { phrase: custom.matched, source: "custom", route: namedRoute(custom.matched) } : null;
}

function namedRoute(phrase: string): Route | null {
  if (/\bsales|salesperson\b/.test(phrase)) return "sales";
  if (/\b(?:lawyers?|legal)\b/.test(phrase)) return "legal";
  if (/\baccount\s+managers?\b|\bcustomer\s+success\b/.test(phrase)) return "account_management";
  if (/\b(?:support|customer\s+service)\b/.test(phrase)) return "support";
  return null;
}

// --- sensitive and out-of-scope categories ------------------------------------------------------

export interface RefundMention {
  amount: number;
  /** "USD", "EUR", "GBP", or null when no currency was written. */
  currency: string | null;
  overLimit: boolean;
}

/** A sensitive or out-of-scope topic, with what matched and where it routes. */
export interface CategoryMatch {
  id: string;
  label: string;
  kind: CategoryKind;
  route: Route;
  priority: Priority;
  suggestManager: boolean;
  /** The settings keyword that matched ("refund*"), or "refund_amount" for a bare amount. */
  keyword: string;
  /** Reason codes: "category:refunds_billing", "keyword:refund*", "refund_over_limit:1200>500". */
  reasons: string[];
  refund: RefundMention | null;
  /** Other categories the message also matched, by id. */
  alsoMatched: string[];
}

/** The visitor claiming money, not a prospect describing their refund flow. */
const REFUND_CONTEXT =
  /\b(?:a|my|the|full|partial|want|need|get)\s+refund\b|\brefund\s+(?:me|my|us|of)\b|\brefunded\b|\bmoney\s+back\b|\breimburse\s+(?:me|us)\b|\bcharged\s+(?:me|us|twice)\b|\bovercharged\b|\bchargeback\b|\b(?:want|need|expect|demand)\s+(?:the\s+|my\s+|our\s+)?(?:full\s+|whole\s+)?(?:[$€£]?\d[\d,]*(?:\.\d{1,2})?\s?k?\s?(?:usd|eur|gbp|dollars|euros|pounds)?|money|deposit|payment|cash)\s+back\b/;
const AMOUNT_BEFORE = /(us\$|\$|€|£|usd|eur|gbp)\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?(\s?k\b)?/g;
const AMOUNT_AFTER = /\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?(\s?k)?\s?(usd|dollars?|bucks|eur|euros?|gbp|pounds?|\$|€|£)(?![\p{L}])/gu;
const CURRENCY: Record<string, string> = {
  us$: "USD",
  $: "USD",
  usd: "USD",
  dollar: "USD",
  dollars: "USD",
  bucks: "USD",
  "€": "EUR",
  eur: "EUR",
  euro: "EUR",
  euros: "EUR",
  "£": "GBP",
  gbp: "GBP",
  pound: "GBP",
  pounds: "GBP",
};

/**
 * The largest money amount in a message that talks about a refund, or null. No FX conversion:
 * the limit is compared with the number as written, whatever the currency.
 */
export function extractRefund(text: string, refundLimitUsd: number): RefundMention | null {
  const t = normalizeText(text);
  if (!REFUND_CONTEXT.test(t)) return null;
  let best: { amount: number; currency: string | null } | null = null;
  const consider = (digits: string, k: string | undefined, cur: string) => {
    const amount = Number(digits.replace(/,/g, "")) * (k ? 1000 : 1);
    if (Number.isFinite(amount) && (!best || amount > best.amount)) best = { amount, currency: CURRENCY[cur] ?? null };
  };
  for (const m of t.matchAll(AMOUNT_BEFORE)) consider(m[2] ?? "", m[3], m[1] ?? "");
  for (const m of t.matchAll(AMOUNT_AFTER)) consider(m[1] ?? "", m[2], m[3] ?? "");
  if (!best) {
    const bare = /\brefund(?:ed)?\s+(?:me\s+|us\s+)?(?:of\s+)?(\d{1,3}(?:,\d{3})+|\d{2,})\b/.exec(t) ?? /\b(\d{1,3}(?:,\d{3})+|\d{2,})\s+back\b/.exec(t);
    if (bare) best = { amount: Number((bare[1] ?? "").replace(/,/g, "")), currency: null };
  }
  const found: { amount: number; currency: string | null } | null = best;
  return found ? { ...found, overLimit: found.amount > refundLimitUsd } : null;
}

const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/** The higher of two priorities. */
export function maxPriority(a: Priority, b: Priority): Priority {
  return PRIORITY_RANK[a] >= PRIORITY_RANK[b] ? a : b;
}

/**
 * The sensitive or out-of-scope category a message falls in. When several match, a refund over
 * the limit wins, then sensitive before out-of-scope, then the order of `categories`. A refund over
 * `refundLimitUsd` is always sensitive and suggests a manager, even if no category keyword matched.
 */
export function detectCategory(text: string, categories: readonly Category[], refundLimitUsd: number): CategoryMatch | null {
  // One test over every category's keywords first: most messages match none of them.
  const any = findPhrase(text, allKeywords(categories)) !== null;
  const hits = (any ? categories : []).flatMap((c) => {
    const hit = findPhrase(text, c.keywords);
    return hit ? [{ category: c, keyword: hit.phrase }] : [];
  });
  const refund = extractRefund(text, refundLimitUsd);
  const ranked = [...hits].sort((a, b) => kindRank(a.category.kind) - kindRank(b.category.kind));
  const primary = ranked[0];
  if (!primary && !refund?.overLimit) return null;
  const over = refund?.overLimit === true;
  const base: Omit<CategoryMatch, "reasons" | "alsoMatched"> = primary
    ? {
        id: primary.category.id,
        label: primary.category.label,
        kind: over ? "sensitive" : primary.category.kind,
        route: primary.category.route,
        priority: over ? maxPriority(primary.category.priority, "high") : primary.category.priority,
        suggestManager: primary.category.suggestManager || over,
        keyword: primary.keyword,
        refund,
      }
    : {
        id: "refund_over_limit",
        label: "Refund over the limit",
        kind: "sensitive",
        route: "support",
        priority: "high",
        suggestManager: true,
        keyword: "refund_amount",
        refund,
      };
  const reasons = [`category:${base.id}`, `keyword:${base.keyword}`];
  if (refund && over) reasons.push(`refund_over_limit:${refund.amount}>${refundLimitUsd}`);
  const alsoMatched = ranked.slice(1).map((h) => h.category.id);
  return { ...base, reasons, alsoMatched };
}

const keywordLists = new WeakMap<readonly Category[], string[]>();

/** Every keyword of every category, as one list kept with the settings (so its matcher compiles once). */
function allKeywords(categories: readonly Category[]): string[] {
  let list = keywordLists.get(categories);
  if (!list) {
    list = categories.flatMap((c) => c.keywords);
    keywordLists.set(categories, list);
  }
  return list;
}

function kindRank(kind: CategoryKind): number {
  return kind === "sensitive" ? 0 : 1;
}

// --- VIP and time-sensitive cues -------------------------------------------------------------------

/** What makes a handoff more pressing than its category says: a clock running, or a client who matters. */
export interface Urgency {
  timeSensitive: boolean;
  vip: boolean;
}

const TIME_SENSITIVE =
  /\b(?:urgent(?:ly)?|asap|as\s+soon\s+as\s+possible|right\s+now|immediately|emergency|time[\s-]sensitive|today|tonight|within\s+the\s+hour|(?:is|are)\s+(?:down|offline|broken)|outage|(?:can\s+not|cannot)\s+wait|before\s+(?:end\s+of\s+)?(?:today|tomorrow))\b/;
const VIP =
  /\b(?:vip|key\s+account|one\s+of\s+your\s+(?:biggest|largest|oldest|top|main)\s+(?:clients|customers|accounts)|enterprise\s+(?:client|customer|account)|priority\s+(?:client|customer|support)|premium\s+(?:client|customer|plan))\b/;

/** VIP and time-sensitive cues in one message ("our site is down", "urgent", "we're one of your biggest clients"). */
export function detectUrgency(text: string): Urgency {
  const t = normalizeText(text);
  return { timeSensitive: TIME_SENSITIVE.test(t), vip: VIP.test(t) };
}

// --- conversation shape -------------------------------------------------------------------------

const NON_COMMITTAL_WORDS = new Set([
  "ok",
  "okay",
  "k",
  "kk",
  "okk",
  "okey",
  "maybe",
  "perhaps",
  "possibly",
  "idk",
  "dunno",
  "sure",
  "hmm",
  "hm",
  "hmmm",
  "mm",
  "mmm",
  "mhm",
  "uh",
  "um",
  "umm",
  "meh",
  "fine",
  "yeah",
  "yea",
  "ya",
  "yep",
  "yup",
  "not",
  "i",
  "do",
  "know",
  "guess",
  "suppose",
  "so",
  "probably",
  "whatever",
  "cool",
  "alright",
  "right",
  "see",
  "got",
  "it",
  "oh",
  "ah",
  "eh",
  "well",
  "could",
  "be",
  "sort",
  "kind",
  "of",
  "nah",
  "lol",
]);

/** "ok", "maybe", "idk", "sure", "hmm", "not sure", "i guess", an emoji: an answer that moves nothing. */
export function isShortNonCommittal(text: string): boolean {
  if (!text.trim()) return false;
  const words = wordsOf(text).split(" ").filter(Boolean);
  if (words.length === 0) return true; // only punctuation or emoji: "...", "👍"
  return words.length <= 4 && words.every((w) => NON_COMMITTAL_WORDS.has(w.replace(/(.)\1{2,}$/, "$1$1")));
}

const QUESTION_START = /^(?:what|how|why|when|where|who|which|whom|whose|can|could|do|does|did|is|are|was|will|would|should|may|might|any|have|has)\b/;

/** A question by punctuation or by its first word. */
export function isQuestion(text: string): boolean {
  const t = normalizeText(text);
  return t.includes("?") || QUESTION_START.test(t);
}

const STOPWORDS = new Set([
  "a",
  "an",
  "the",
  "is",
  "are",
  "was",
  "were",
  "be",
  "been",
  "do",
  "does",
  "did",
  "can",
  "could",
  "would",
  "will",
  "should",
  "shall",
  "may",
  "might",
  "i",
  "you",
  "we",
  "they",
  "it",
  "this",
  "that",
  "these",
  "those",
  "my",
  "your",
  "our",
  "their",
  "of",
  "to",
  "for",
  "in",
  "on",
  "at",
  "with",
  "about",
  "and",
  "or",
  "what",
  "how",
  "when",
  "where",
  "which",
  "who",
  "why",
  "there",
  "any",
  "some",
  "me",
  "us",
  "please",
  "tell",
  "know",
  "just",
  "so",
  "if",
  "then",
  "have",
  "has",
  "had",
  "get",
  "again",
  "ok",
  "okay",
  "still",
  "but",
  "not",
  "really",
  "actually",
  "exactly",
  "guys",
  "hi",
  "hello",
  "hey",
]);
/** A Map, never a plain object: looked up by a visitor's word ("constructor" is on Object.prototype). */
const SYNONYMS = new Map<string, string>(
  Object.entries({
    cost: "price",
    costs: "price",
    pricing: "price",
    prices: "price",
    fee: "price",
    fees: "price",
    charge: "price",
    integration: "integrate",
    integrations: "integrate",
    integrates: "integrate",
    connect: "integrate",
    connects: "integrate",
    plans: "plan",
    tiers: "plan",
    tier: "plan",
    supports: "support",
    offer: "provide",
    offers: "provide",
  }),
);

/** A text's words, normalised (memoized: compared with each recent question). */
const termsOf = memoizeText((text: string): ReadonlySet<string> => new Set(analyzeTerms(text)));
const bigramsOf = memoizeText(bigrams);

const contentWords = memoizeText(contentWordsUncached);

function contentWordsUncached(text: string): ReadonlySet<string> {
  const t = wordsOf(text).replace(/\bhow much\b/g, "price");
  const words = t.split(" ").filter((w) => w && !STOPWORDS.has(w));
  return new Set(words.map((w) => SYNONYMS.get(w) ?? (w.length > 4 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w)));
}

/**
 * Whether two messages ask the same thing: the same content words (with light synonyms), the same
 * concepts as the knowledge search reads them ("is the consultation free?" / "is the first call
 * actually free though?"), or near-identical text.
 */
export function isSameQuestion(a: string, b: string): boolean {
  const wa = contentWords(a);
  const wb = contentWords(b);
  if (wa.size === 0 || wb.size === 0) return false; // "ok" twice is not a question asked twice
  return sameWords(wa, wb) || sameWords(termsOf(a), termsOf(b)) || diceAtLeast(wordsOf(a), wordsOf(b), 0.9);
}

function sameWords(wa: ReadonlySet<string>, wb: ReadonlySet<string>): boolean {
  if (wa.size === 0 || wb.size === 0) return false;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  const jaccard = shared / (wa.size + wb.size - shared);
  if (Math.min(wa.size, wb.size) === 1) return jaccard === 1;
  return jaccard >= 0.6;
}

function bigrams(s: string): ReadonlyMap<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
  return m;
}

/**
 * dice(a, b) >= min. The overlap is at most the shorter text's bigram count, so texts whose
 * lengths alone bound the score below `min` (most pairs) are answered without counting.
 */
export function diceAtLeast(a: string, b: string, min: number): boolean {
  const na = Math.max(0, a.length - 1);
  const nb = Math.max(0, b.length - 1);
  if (na + nb === 0) return min <= 0; // dice of two texts without bigrams is 0
  if ((2 * Math.min(na, nb)) / (na + nb) < min) return false;
  return dice(a, b) >= min;
}

/** Sørensen–Dice over character bigrams (with their counts): 1 for equal texts, 0 for nothing shared. */
export function dice(a: string, b: string): number {
  const ga = bigramsOf(a);
  const gb = bigramsOf(b);
  let overlap = 0;
  // forEach, not `for (const [g, n] of ga)`: no entry array per bigram (the repeated-question check runs this for every recent question).
  ga.forEach((n, g) => {
    overlap += Math.min(n, gb.get(g) ?? 0);
  });
  const total = Math.max(0, a.length - 1) + Math.max(0, b.length - 1);
  return total === 0 ? 0 : (2 * overlap) / total;
}

// --- negative personas ----------------------------------------------------------------------------

/** N1: a competitor. N2: a researcher, student or job seeker. Neither is a lead. */
export type Persona = "N1" | "N2";

export interface PersonaMatch {
  persona: Persona;
  phrase: string;
}

const PERSONA_PATTERNS: [Persona, RegExp][] = [
  [
    "N1",
    /\b(?:we|i)\s+(?:are|am)\s+(?:also\s+)?(?:building|developing|making|working\s+on|launching|running)\s+(?:a\s+|an\s+)?(?:very\s+)?(?:similar|competing|comparable|rival)\b/,
  ],
  ["N1", /\bbuilding\s+something\s+(?:very\s+)?similar\b/],
  [
    "N1",
    /\b(?:we|i)\s+(?:are|am|work)\s+(?:at\s+|for\s+|with\s+)?(?:a|an|your|one\s+of\s+your)\s+(?:direct\s+)?(?:competitors?|competing\s+(?:company|agency|firm|product|vendor|business|startup|consultancy|studio|shop|dev\s+shop|software\s+house)|rivals?)\b/,
  ],
  [
    "N1",
    /\b(?:we|i)\s+(?:run|own|are|am|work\s+(?:at|for))\s+(?:a|an)\s+(?:rival|competing|competitor)\s+(?:studio|agency|firm|consultancy|company|shop|business|dev\s+shop|software\s+house)\b/,
  ],
  [
    "N1",
    /\bwe\s+are\s+(?:basically\s+|kind\s+of\s+|sort\s+of\s+|pretty\s+much\s+|technically\s+|actually\s+)?(?:your|a)\s+(?:direct\s+|main\s+|biggest\s+|closest\s+)?(?:competition|competitor|rival)\b/,
  ],
  ["N1", /\bwe\s+are\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}(?:agency|studio|consultancy|dev\s+shop|software\s+house|development\s+shop)\s+(?:too|as\s+well)\b/],
  [
    "N1",
    /\b(?:doing|we\s+do|we\s+offer|we\s+sell)\s+(?:pretty\s+much\s+|basically\s+|exactly\s+|more\s+or\s+less\s+)?(?:what\s+you\s+(?:do|guys\s+do|offer)|the\s+same\s+(?:thing|things|work|stuff)\s+as\s+you)\b/,
  ],
  ["N1", /\b(?:for|doing|conducting|running|part\s+of)\s+(?:(?:a|an|our|my|some)\s+)?competitive\s+(?:analysis|research|intelligence|benchmark\w*)\b/],
  ["N1", /\bcompetitive\s+(?:analysis|research|intelligence)\s+(?:of|on|about)\s+(?:you|your)\b/],
  [
    "N1",
    /\b(?:we|i)\s+(?:offer|sell|provide|do|build|make)\s+(?:the\s+|a\s+)?(?:same|similar)\s+(?:kind\s+of\s+|sort\s+of\s+|type\s+of\s+)?(?:thing|things|service|services|product|products|solution|tool|stuff|work)\b/,
  ],
  ["N1", /\bwe\s+are\s+in\s+the\s+same\s+(?:space|business|market|industry)\b/],
  [
    "N1",
    /\b(?:benchmark(?:ing)?|compar(?:e|ing))\s+(?:you|your\s+\w+)\s+(?:against|with|to)\s+(?:ours|our\s+(?:own\s+)?(?:product|tool|service|solution|offering|platform))\b/,
  ],
  [
    "N2",
    /\bi\s+am\s+(?:a|an)\s+(?:(?:phd|doctoral|master's|masters|graduate|grad|undergraduate|university|college|mba|final[\s-]year|high\s+school|business|computer\s+science|cs)\s+)?(?:students?|phd\s+(?:student|candidate)|undergrad|intern)\b(?!\s+(?:success|services|affairs|experience|loan|portal|housing|information)\b)/,
  ],
  [
    "N2",
    /\bi\s+am\s+(?:an?\s+)?(?:academic\s+|university\s+|phd\s+|doctoral\s+|postdoctoral\s+)?researcher\b(?!\s+(?:at|for|with)\s+(?!(?:a|the)\s+university))|\bacademic\s+research\b/,
  ],
  [
    "N2",
    /(?:^|[.!?,;]\s*|\bhi\W+)(?:an?\s+)?(?:academic\s+|university\s+|phd\s+|doctoral\s+|postdoctoral\s+)?researcher\s+(?:at|from|with)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+)?(?:university|college|institute|school|polytechnic)\b/,
  ],
  // Journalists are researching, not buying (eval/cases/README.md judgement call 6).
  ["N2", /\bi\s+am\s+(?:a|an)\s+(?:freelance\s+|tech\s+|business\s+|staff\s+)?(?:journalist|reporter|correspondent)\b/],
  [
    "N2",
    /\bwriting\s+(?:an?|the|my)\s+(?:article|piece|story|feature|column|news\s+story)\s+(?:on|about|for)\b|\bfor\s+(?:a|an|our|my)\s+(?:trade\s+|tech\s+|online\s+|business\s+)?(?:magazine|newspaper|news\s+outlet|publication)\b/,
  ],
  [
    "N2",
    /\b(?:writing|working\s+on|doing|for|researching)\s+(?:my|a|an|our)\s+(?:(?:master's|masters|bachelor's|bachelor|phd|final|senior|university|college|school|class|course)\s+)?(?:thesis|dissertation|research\s+paper|term\s+paper|(?<!white\s)paper\s+for\s+(?:school|class|university|college)|essay|school\s+project|class\s+project|university\s+project|college\s+project|uni\s+project|assignment|homework|coursework|capstone)\b/,
  ],
  [
    "N2",
    /\bfor\s+my\s+(?:academic\s+)?research\b(?!\s+(?:team|department|platform|lab|group|company|business))|\bfor\s+(?:a|my)\s+(?:research\s+)?(?:survey|study)\s+(?:at|for)\s+(?:my\s+)?(?:university|school|college|class)\b/,
  ],
  ["N2", /\b(?:are|is)\s+(?:you|your\s+(?:company|team|agency))\s+(?:currently\s+|still\s+)?hiring\b/],
  ["N2", /\bjob\s+(?:openings?|opportunit(?:y|ies)|vacanc(?:y|ies)|offers?|application)\b|\bopen\s+(?:positions|roles|vacancies)\b/],
  [
    "N2",
    /\b(?:looking\s+for|seeking|searching\s+for)\s+(?:a\s+|an\s+)?(?:new\s+)?(?:job|internship|position|employment|work\s+placement)\b(?!\s+(?:board|portal|platform|site|marketplace|app|listing))/,
  ],
  ["N2", /\b(?:apply|applying)\s+(?:for|to)\s+(?:a\s+|an\s+|the\s+)?(?:job|position|role|internship)\b|\binternships?\b/],
  ["N2", /\b(?:send|attach|share)\s+(?:you\s+)?my\s+(?:cv|resume|résumé|portfolio)\b|\bwork\s+for\s+you\b|\bjoin\s+your\s+team\b/],
];

/**
 * A negative persona in one message: N1 ("we're building a similar product", "I work at a
 * competitor", "for our competitive analysis") or N2 ("I'm a student writing a thesis", "are you
 * hiring", "for my research paper"). Evaluating competitors or hiring for one's own team is not.
 */
export function detectPersona(text: string): PersonaMatch | null {
  const t = normalizeText(text);
  for (const [persona, re] of PERSONA_PATTERNS) {
    const m = re.exec(t);
    if (m) return { persona, phrase: m[0].trim() };
  }
  return null;
}
