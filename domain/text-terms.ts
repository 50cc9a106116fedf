// The words the knowledge base is searched by: a message becomes concept terms (lower case, no
// accents, no filler words, light English stemming, and a small thesaurus of how website visitors
// say the same thing: "fee", "charge", "how much" → price). Index and query use the same analysis,
// so an entry and a question meet on concepts, not on spelling. Pure and deterministic.

import { anyPattern } from "./any-pattern";
import { memoizeText } from "./memo";

/** Words that carry no topic in a visitor's question. */
const STOPWORDS = new Set(
  (
    "a an and are as at be been but by can could do does did for from have has had how i if in into is it its me my of on or our ours " +
    "please so that the their them then there these they this those to us was we were what when which who whom why will with would " +
    "you your yours u ur r ya yall about any anything some just tell know want wanna need get got like hi hey hello also much many " +
    "really actually exactly guys guy lot lol ok okay pls plz thanks thank cheers mate kind sort thing things stuff one ones very quite " +
    "even still again maybe perhaps roughly typically usually normally generally ever already other else here yeah yes no not " +
    "is am let should shall may might must say said own whats wats wat wot im ive youre thats dont its " +
    // Question frames: words that shape a question without naming its topic.
    "look check period possible possibly usual realistic realistically something someone somebody anything anyone anybody " +
    "before until together comfortable seriously serious show see find able basically currently right way bit little cool great nice though but so well"
  ).split(" "),
);

/** Multi-word expressions, rewritten before words are split (the right side is analysed again). */
const PHRASES: [RegExp, string][] = [
  [/\bfree of charge\b|\bno (?:cost|charge|fee)s?\b|\bat no cost\b|\bfor nothing\b|\bcomplimentary\b/g, " free "],
  [/\bhow much\b|\bhow mutch\b|\bwhat (?:do|does|would|will) (?:it|you|that|this) (?:cost|charge|run)\b/g, " price "],
  [/\b(?:office|working|work|opening|business|support) hours\b/g, " hours "],
  [/\btime ?zones?\b/g, " timezone "],
  [/\bhow (?:long|soon|quick(?:ly)?|fast)\b/g, " duration "],
  [/\bkick(?:s|ed|ing)? off\b|\bget(?:ting)? (?:going|started)\b/g, " start "],
  [/\bset aside\b|\bset apart\b|\bbudget for\b/g, " price "],
  [/\bfirst steps?\b|\bnext steps?\b/g, " start "],
  [/\btake on\b/g, " services "],
  [/\bwho (?:have|did) you (?:work(?:ed)?|done work|built (?:stuff|things|software))(?: for| with)?\b/g, " client example "],
  [/\bcase stud(?:y|ies)\b|\bsuccess stor(?:y|ies)\b|\btrack record\b|\bpast (?:work|projects?|clients?)\b/g, " example "],
  [/\bhead ?quarter(?:s|ed)?\b|\bhq\b/g, " headquarters "],
  [/\bdata protection\b|\binfo ?sec\b|\binformation security\b/g, " security "],
  [/\bsoc ?2\b|\bsoc ?ii\b/g, " soc2 "],
  [/\biso ?27001\b/g, " iso "],
  [/\bwhat (?:do|does) (?:you|your (?:company|team|agency|firm|business)|northwind(?: labs)?) do\b/g, " services $& "],
  [/\b(?:amazon web services|aws)\b/g, " aws "],
  [/\b(?:google cloud(?: platform)?|gcp)\b/g, " gcp "],
  [/\bgo ?lang\b/g, " golang "],
  [/\b(?:large language models?|llms?|gen ?ai|generative ai|artificial intelligence|machine learning|chat ?gpt|gpt)\b/g, " ai "],
  [/\b(?:the )?(?:states|usa|u\.s\.a?\.?|united states|america)\b/g, " us_country "],
  [/\b(?:uk|u\.k\.|united kingdom|britain|england)\b/g, " uk_country "],
  [/\bweb ?apps?\b|\bweb ?sites?\b|\bweb ?platforms?\b/g, " webplatform "],
  [/\betl(?: pipelines?)?\b|\bdata ?pipelines?\b|\bdata ?warehouses?\b/g, " datapipeline "],
  [/\bput together\b|\bspin up\b/g, " build "],
  [/\bcard payments?\b|\bpayment processing\b/g, " payments stripe "],
];

/**
 * Concept groups: every word of a group (after stemming) is read as the group's first word.
 * General vocabulary of a B2B services website; a project teaches its own words through an entry's
 * question variants and keywords.
 */
const THESAURUS: string[][] = [
  [
    "price",
    "pricing",
    "cost",
    "costs",
    "charge",
    "charges",
    "fee",
    "fees",
    "rate",
    "rates",
    "pricey",
    "expensive",
    "cheap",
    "affordable",
    "spend",
    "budget",
    "quote",
    "pay",
    "paid",
    "bill",
    "money",
    "invest",
    "investment",
    "ballpark",
  ],
  ["free", "gratis", "trial", "freebie"],
  ["start", "begin", "beginning", "commence", "kickoff", "onboard", "onboarding"],
  ["duration", "long", "length", "timeline", "timeframe", "turnaround", "weeks", "months", "soon", "quick", "quickly", "fast", "speed", "deliver", "delivery"],
  ["location", "located", "locate", "based", "office", "offices", "headquarters", "country", "city", "situated", "where", "near", "nearby", "anywhere"],
  [
    "hours",
    "open",
    "available",
    "availability",
    "timezone",
    "weekend",
    "weekends",
    "saturday",
    "sunday",
    "monday",
    "friday",
    "fridays",
    "days",
    "evening",
    "night",
    "morning",
    "late",
    "early",
    "close",
    "closing",
    "around",
    "reply",
    "respond",
    "response",
  ],
  [
    "security",
    "secure",
    "safe",
    "safely",
    "safety",
    "protect",
    "protection",
    "infosec",
    "compliance",
    "compliant",
    "privacy",
    "questionnaire",
    "certified",
    "certification",
    "gdpr",
    "posture",
  ],
  ["integrate", "integration", "connect", "connector", "hook", "plug", "sync", "api", "apis"],
  ["example", "examples", "portfolio", "reference", "references", "referee", "referees", "testimonial", "testimonials", "showcase"],
  ["services", "service", "offer", "offering", "capability", "capabilities", "specialise", "specialize", "specialty", "speciality", "specialism", "expertise"],
  ["build", "make", "develop", "create", "design"],
  ["company", "business", "firm", "agency", "studio", "consultancy"],
  ["engineer", "engineers", "developer", "developers", "devs", "programmer", "programmers", "team"],
  ["language", "languages", "technology", "technologies", "tech", "stack", "tools", "framework", "frameworks"],
  ["client", "clients", "customer", "customers"],
  ["call", "consultation", "consult", "consults", "chat", "meeting", "conversation", "session"],
  ["project", "projects", "engagement", "engagements"],
  ["first", "initial", "intro", "introductory"],
  ["data", "information"],
  ["release", "launch", "live", "ship", "version", "mvp", "prototype", "golive"],
  ["remote", "distributed", "remotely"],
  ["europe", "european"],
  ["host", "hosting", "hosted", "store", "stored", "reside", "residency"],
];

/** One test for all of PHRASES: a text none of them matches (most messages) skips the replacements. */
const ANY_PHRASE = anyPattern(PHRASES.map(([re]) => re));

/**
 * Lower case, accents and apostrophes folded, the phrases above rewritten; no splitting yet.
 * Memoized: the detectors' terms and the knowledge search's query normalise the same message.
 */
const normalize = memoizeText(normalizeUncached);

function normalizeUncached(text: string): string {
  let t = text
    .slice(0, 2000)
    // "US" in capitals is the country, not the pronoun.
    .replace(/\bU\.?S\.?(?=\s|$|[?!.,])/g, " us_country ")
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/'s\b/g, "")
    .replace(/n't\b/g, " not")
    .replace(/'(?:re|ve|ll|d|m)\b/g, "");
  // A replacement is only ever made where some phrase matched, so if none matches none is made.
  if (ANY_PHRASE.test(t)) for (const [re, to] of PHRASES) t = t.replace(re, to);
  return t;
}

/**
 * Irregular forms the suffix rules cannot reach. A Map, never a plain object: a visitor's word is
 * looked up in it, and "constructor" or "__proto__" would find Object.prototype's own.
 */
const IRREGULAR = new Map<string, string>(
  Object.entries({
    built: "build",
    done: "do",
    made: "make",
    ran: "run",
    began: "begin",
    begun: "begin",
    sent: "send",
    paid: "pay",
    kept: "keep",
    spent: "spend",
  }),
);

/** A light English stemmer: plurals, -ing, -ed, -ly, -ation; enough to make "integrations" meet "integrate". */
export function stem(word: string): string {
  let w = IRREGULAR.get(word) ?? word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (/(?:ch|sh|x|zz)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 5 && w.endsWith("ly")) w = w.slice(0, -2);
  else if (w.length > 6 && w.endsWith("ation")) w = w.slice(0, -5);
  else if (w.length > 5 && w.endsWith("tion")) w = w.slice(0, -3);
  // Doubled final consonants ("running", "planned") and a silent e ("make" / "making") meet.
  if (/([bdfgmnprt])\1$/.test(w)) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

const CONCEPT = new Map<string, string>();
for (const group of THESAURUS) {
  const head = stem(group[0]!);
  for (const word of group) if (!CONCEPT.has(stem(word))) CONCEPT.set(stem(word), head);
}

/** One word as the index sees it: null for filler, else its concept. */
export function conceptOf(word: string): string | null {
  if (word.length < 2 && !/\d/.test(word)) return null;
  if (STOPWORDS.has(word)) return null;
  const stemmed = stem(word);
  if (STOPWORDS.has(stemmed)) return null;
  return CONCEPT.get(stemmed) ?? stemmed;
}

/** The raw words of a text after normalisation (for MiniSearch's tokenizer). */
export function tokenize(text: string): string[] {
  return normalize(text)
    .split(/[^a-z0-9_]+/)
    .filter(Boolean);
}

/** A text as the concept terms it is searched by, in order (duplicates kept). Memoized: do not mutate. */
export const analyzeTerms: (text: string) => readonly string[] = memoizeText(analyzeTermsUncached);

function analyzeTermsUncached(text: string): string[] {
  const out: string[] = [];
  for (const word of tokenize(text)) {
    const concept = conceptOf(word);
    if (concept) out.push(concept);
  }
  return out;
}
