// What we know about the visitor as a lead: problem, authority, company and timing fit, each with a
// confidence and the quotes it rests on, plus a negative persona and the contact details they gave.
// Rules only, updated once per visitor message; the escalation decision reads the lead level.
import { anyPattern } from "../any-pattern";
import { memoizeText } from "../memo";
import { detectPersona, normalizeText, type Persona } from "./intents";

export type Dimension = "problemFit" | "authorityFit" | "companyFit" | "timingFit";
export const DIMENSIONS: readonly Dimension[] = ["problemFit", "authorityFit", "companyFit", "timingFit"];

/** A quote from the visitor that moved a dimension; negative `weight` counts against it. */
export interface Evidence {
  seq: number;
  quote: string;
  signal: string;
  weight: number;
}

export interface DimensionState {
  confidence: number;
  evidence: Evidence[];
}

export interface QualificationState {
  problemFit: DimensionState;
  authorityFit: DimensionState;
  companyFit: DimensionState;
  timingFit: DimensionState;
  /** Sticky: once a visitor shows up as a competitor or researcher, they stay one. */
  persona: Persona | null;
  personaEvidence: Evidence | null;
}

export type LeadLevel = "hot" | "warm" | "cold";

/** A dimension counts as confirmed from this confidence on. */
export const CONFIRMED = 0.6;
/** Evidence kept per dimension; the strongest win. */
const MAX_EVIDENCE = 10;
const MAX_QUOTE = 200;

/** Nothing known yet: every dimension at 0, no persona. */
export function initialQualification(): QualificationState {
  const empty = (): DimensionState => ({ confidence: 0, evidence: [] });
  return {
    problemFit: empty(),
    authorityFit: empty(),
    companyFit: empty(),
    timingFit: empty(),
    persona: null,
    personaEvidence: null,
  };
}

interface Signal {
  dimension: Dimension;
  id: string;
  weight: number;
  pattern: RegExp;
}

const MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec";
const INDUSTRIES =
  "fintech|healthtech|insurtech|edtech|proptech|legaltech|regtech|martech|saas|e-?commerce|ecommerce|marketplace|bank|insurer|retailer|logistics|manufacturer|distributor|wholesaler|utility|charity|agency|startup|scale-?up|hospital|clinic|non-?profit|university|b2b|b2c|company|business|firm|brand|studio|publisher|retail|media|hotel\\s+group|chain|co|operator|provider|group|practice|consultancy";
const NUMBER = "\\d+|one|two|three|four|five|six|ten|twenty|fifty|hundred";
/** Things Northwind-style teams build: web platforms, data pipelines, integrations, AI features. */
const BUILDABLE =
  "portals?|platforms?|dashboards?|pipelines?|integrations?|back-?ends?|apis?|crms?|erps?|checkouts?|onboarding|booking\\s+(?:system|flow|platform|app)|marketplaces?|ai|assistants?|chatbots?|automation|reporting|data|databases?|systems?|mvps?|workflows?|triage|summari[sz]ation|kyc|ordering|software|tooling|backoffice|back\\s+office|monolith|microservices";
const SEASONS =
  "spring|summer|fall|autumn|winter|christmas|xmas|black\\s+friday|cyber\\s+monday|easter|the\\s+holidays|new\\s+year|year[\\s-]end|(?:our\\s+)?(?:busy|peak|holiday|summer|winter)\\s+season";
const EXEC_TITLE = "co-?\\s?founder|founder|owner|ceo|cto|coo|cfo|cmo|cio|cpo|ciso|cro|president|managing\\s+director|chief\\s+\\w+\\s+officer";
const SENIOR_TITLE = "vp|svp|evp|vice\\s+president|director|head|gm|general\\s+manager|managing\\s+partner";

/** A title that opens a sentence or follows a greeting or a name, then "at/of/for …", "here" or a comma. */
function titleIntro(titles: string): RegExp {
  return new RegExp(
    String.raw`(?:^|[.!?;:]\s*|\b(?:hi|hello|hey|hiya|g'day|morning)\b\W*\s*(?:-\s*)?|\b(?:i\s+am|this\s+is)\s+[a-z]+,\s*)(?:the\s+|a\s+|an\s+)?(?:${titles})\b(?:\s+(?:of\s+)?[\w&-]+){0,3}?(?:\s+(?:at|of|for|from|in)\s+(?:a|an|the|our)?\b|\s+here\b|,)`,
  );
}

// Patterns run on normalized text (lowercase, contractions expanded: "we're" → "we are").
const SIGNALS: Signal[] = [
  // Problem: a need, a project, a pain.
  {
    dimension: "problemFit",
    id: "partner_to_build",
    weight: 0.7,
    pattern:
      /\blooking\s+for\s+(?:a\s+|an\s+|some\s+)?(?:\w+\s+)?(?:partner|agency|team|studio|firm|vendor|contractor|devs?|developers?|engineers?)\s+to\s+(?:build|develop|help|design|create|ship|launch|rebuild|migrate|implement|modernise|modernize|replace|automate|integrate|connect|fix)\b/,
  },
  {
    dimension: "problemFit",
    id: "looking_for",
    weight: 0.6,
    pattern:
      /\b(?:we|i)\s+(?:are|am)\s+(?:currently\s+|actively\s+)?looking\s+for\s+(?:a\s+|an\s+)?(?:\w+\s+)?(?:partner|agency|team|vendor|solution|tool|platform|developers?|consultants?|help|way|provider|contractor|studio|firm|replacement|alternative)\b/,
  },
  {
    dimension: "problemFit",
    id: "struggling",
    weight: 0.6,
    pattern:
      /\b(?:we|i)\s+(?:are|am|have\s+been|keep)\s+(?:really\s+|constantly\s+)?(?:struggling|having\s+(?:trouble|issues|problems|a\s+hard\s+time)|stuck|losing\s+(?:customers|money|leads|deals|time|users)|drowning)\b/,
  },
  {
    dimension: "problemFit",
    id: "pain_statement",
    weight: 0.6,
    pattern: /\bour\s+(?:biggest\s+|main\s+|real\s+|current\s+)?(?:problem|challenge|pain(?:\s+point)?|bottleneck|issue|goal)\s+is\b/,
  },
  {
    dimension: "problemFit",
    id: "we_need",
    weight: 0.6,
    pattern:
      /\b(?:we|i)\s+(?:really\s+|urgently\s+)?need\s+(?:to\s+(?!(?:talk|speak|chat|contact|ask|know|check|think|discuss|see|run|get\s+approval|go|understand|compare|decide|wait)\b)\w+|help\s+with|a\s+(?:new\s+)?(?:partner|team|vendor|solution|tool|way|platform|system|app|website|rebuild|developer))\b/,
  },
  { dimension: "problemFit", id: "need_help_with", weight: 0.6, pattern: /\b(?:need|want|looking\s+for)\s+help\s+(?:with|building|to)\b/ },
  {
    dimension: "problemFit",
    id: "project",
    weight: 0.5,
    pattern:
      /\b(?:we|i)\s+(?:have|are\s+planning|are\s+starting|are\s+kicking\s+off)\s+(?:a|an)\s+(?:new\s+|big\s+)?(?:project|initiative|rebuild|migration|mvp|rollout)\b/,
  },
  {
    dimension: "problemFit",
    id: "want_to_build",
    weight: 0.5,
    pattern:
      /\b(?:we|i)\s+(?:want|would\s+like|plan|are\s+planning|intend|hope)\s+to\s+(?:build|launch|migrate|automate|replace|scale|rebuild|modernize|modernise|integrate|develop|create|ship|redesign|implement|improve|reduce|cut|speed\s+up|move|add)\b/,
  },
  {
    dimension: "problemFit",
    id: "too_slow",
    weight: 0.4,
    pattern: /\btakes?\s+(?:us\s+)?(?:way\s+)?too\s+(?:long|much)\b|\bcosts?\s+us\s+(?:a\s+lot|too\s+much|\$?\d)/,
  },
  { dimension: "problemFit", id: "building", weight: 0.4, pattern: /\bwe\s+are\s+(?:building|developing|migrating|launching|rebuilding|replacing|scaling)\b/ },
  {
    // "we need a proper data pipeline", "and need Shopify and our warehouse talking", "we want a B2B ordering portal"
    dimension: "problemFit",
    id: "needs_buildable",
    weight: 0.6,
    pattern: new RegExp(
      String.raw`(?:(?:^|[,;:]\s*)|\b(?:we|i|and|so|just|also|really|urgently)\s+(?:\w+\s+)?)(?:need|want|would\s+like|are\s+after|are\s+planning|are\s+looking\s+for|require)\b(?!\s+to\s+(?:talk|speak|chat|know|check|ask|think|understand|compare|decide|wait)\b)(?:(?!\b(?:call|talk|speak|chat|email|contact|know|ask)\b)[^.!?]){0,70}?\b(?:${BUILDABLE})\b`,
    ),
  },
  {
    // "our claims portal is ancient", "our reporting pipeline breaks every week", "the current one keeps falling over"
    dimension: "problemFit",
    id: "broken_system",
    weight: 0.6,
    pattern: new RegExp(
      String.raw`\b(?:our|the\s+current|the\s+old|my)\s+(?:[\w-]+\s+){0,3}(?:${BUILDABLE}|app|apps|site|website|jobs?|scripts?|one|stack|setup|tools?)\s+(?:(?:keeps?\s+|constantly\s+|regularly\s+|always\s+|often\s+|still\s+)?(?:fails?|failing|breaks?|breaking|crash(?:es)?|crashing|falls?\s+over|falling\s+over|goes\s+down|going\s+down|(?:can\s+not|cannot)\s+(?:cope|scale|keep\s+up|handle))|(?:is|are|has\s+become|became|feels?)\s+(?:\w+\s+){0,2}?(?:ancient|old|outdated|legacy|broken|a\s+mess|slow|unreliable|painful|clunky|manual|a\s+nightmare|held\s+together)|needs?\s+(?:rebuilding|replacing|fixing|an\s+overhaul|a\s+rebuild|modernising|modernizing|work))\b`,
    ),
  },
  {
    // Manual work a system should do: "re-keying orders from email", "reconciling payouts by hand", "runs on faxes and spreadsheets"
    dimension: "problemFit",
    id: "manual_work",
    weight: 0.5,
    pattern:
      /\bre-?keying\b|\bby\s+hand\b|\bmanually\b|\bcopy(?:ing)?(?:\s+and\s+past(?:e|ing))?\s+data\b|\bruns?\s+(?:\w+\s+){0,2}on\s+(?:faxes|fax|spreadsheets|excel|paper|email|whatsapp)\b|\b(?:scattered|spread|split)\s+across\s+(?:\d+|several|multiple|many|three|four|five)\s+(?:systems|tools|spreadsheets|databases|crms)\b|\blives\s+in\s+(?:\d+|several|multiple|many|three|four|five)\s+(?:systems|tools|places|spreadsheets)\b|\bended\s+up\s+with\s+(?:\d+|several|multiple|three|four|five)\s+(?:different\s+)?(?:crms|systems|tools|databases)\b/,
  },
  {
    // "want it automated", "need it fixed", "want to automate it", "need the two connected"
    dimension: "problemFit",
    id: "wants_it_done",
    weight: 0.6,
    pattern:
      /\b(?:want|need|would\s+like)\s+(?:it|this|them|that|these|those|the\s+two|both|everything|it\s+all)\s+(?:all\s+)?(?:automated|fixed|sorted|integrated|connected|merged|rebuilt|built|replaced|migrated|modernised|modernized|in\s+one\s+(?:place|dashboard|system))\b|\b(?:want|need|would\s+like)\s+to\s+(?:automate|integrate|connect|merge|modernise|modernize)\b|\bneeds?\s+(?:rebuilding|replacing|fixing|modernising|modernizing|an\s+overhaul|a\s+rebuild|to\s+be\s+(?:rebuilt|replaced|fixed|modernised|modernized|automated|integrated|merged))\b|\bneed\s+(?:extra|more)\s+(?:hands|developers|engineers|capacity|devs)\b/,
  },
  {
    dimension: "problemFit",
    id: "no_project",
    weight: -0.6,
    pattern:
      /\bno\s+(?:project|need|plans?|use\s+case)\s+(?:yet|right\s+now|at\s+the\s+moment|for\s+now|currently|as\s+of\s+now)\b|\bno\s+project\s+(?:in\s+mind|on\s+the\s+go)\b|\bnot\s+(?:ready|looking)\s+(?:yet|right\s+now)\b|\bjust\s+(?:browsing|nosing\s+around|looking\s+around)\b/,
  },
  // Authority: decides, owns the budget, leads.
  {
    dimension: "authorityFit",
    id: "exec_role",
    weight: 0.8,
    pattern:
      /\b(?:i\s+am|as)\s+(?:the\s+|a\s+|one\s+of\s+the\s+|our\s+)?(?:co-?\s?founder|founder|owner|ceo|cto|coo|cfo|cmo|cio|cpo|ciso|president|managing\s+director|chief\s+\w+\s+officer)\b|\bi\s+(?:founded|own|run)\s+(?:the|our|a|this)\s+(?:company|business|startup|agency|firm)\b/,
  },
  {
    dimension: "authorityFit",
    id: "head_of",
    weight: 0.7,
    pattern: /\b(?:i\s+am|as)\s+(?:the\s+|a\s+|an\s+|our\s+)?(?:[\w-]+\s+){0,2}?(?:head|vp|vice\s+president|director|svp|evp|gm|general\s+manager)\b/,
  },
  // A title as the introduction itself: "VP Engineering at a Series B healthtech", "Founder here.", "Head of Data at Orla Retail".
  // Same ids as the "I am …" rules above, so one stated role never counts twice.
  { dimension: "authorityFit", id: "exec_role", weight: 0.8, pattern: titleIntro(EXEC_TITLE) },
  { dimension: "authorityFit", id: "head_of", weight: 0.7, pattern: titleIntro(SENIOR_TITLE) },
  {
    dimension: "authorityFit",
    id: "owner_of",
    weight: 0.8,
    pattern:
      /\bi\s+(?:own|run|founded|started|co-?founded)\s+(?:the|our|a|an|this|my)\s+(?:[\w-]+\s+){0,3}(?:company|business|startup|agency|firm|chain|shop|store|group|brand|studio|practice|clinic|restaurant|hotel|distributor|consultancy)\b/,
  },
  {
    dimension: "authorityFit",
    id: "decides",
    weight: 0.7,
    pattern:
      /\bi\s+(?:make|am\s+making)\s+(?:the\s+)?(?:final\s+)?(?:decision|call|decisions)\b|\bi\s+(?:decide|sign\s+off|approve|have\s+(?:the\s+)?final\s+say)\b|\bi\s+am\s+(?:the\s+)?(?:final\s+)?decision[\s-]?maker\b|\bit\s+is\s+my\s+(?:call|decision)\b/,
  },
  {
    dimension: "authorityFit",
    id: "i_lead",
    weight: 0.6,
    pattern:
      /\bi\s+(?:lead|run|head|manage|oversee)\s+(?:the\s+|our\s+|a\s+)?(?:[\w-]+\s+){0,2}(?:team|department|org|organization|division|function|engineering|product|platform|program|operations)\b/,
  },
  {
    dimension: "authorityFit",
    id: "owns_budget",
    weight: 0.6,
    pattern:
      /\bmy\s+budget\b|\bi\s+(?:have|own|control|hold|manage)\s+(?:the\s+)?budget\b|\bbudget(?:'s|\s+is|\s+has\s+been|\s+was)?\s+(?:already\s+)?(?:approved|allocated|secured|signed\s+off|agreed|in\s+place|ring-?fenced|set\s+aside)\b|\bbudget\s+(?:sits|lies|is|rests)\s+with\s+me\b|\bi\s+own\s+(?:this|it|the\s+project)\b|\b(?:money|funding|cash)(?:'s|\s+is|\s+has\s+been)?\s+(?:already\s+)?(?:set\s+aside|in\s+the\s+bank|secured|ready|in\s+place|approved|raised)\b/,
  },
  { dimension: "authorityFit", id: "manager_role", weight: 0.4, pattern: /\bi\s+am\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}(?:manager|team\s+lead|lead)\b/ },
  {
    dimension: "authorityFit",
    id: "needs_approval",
    weight: -0.4,
    pattern:
      /\b(?:need|have)\s+to\s+(?:check|run\s+(?:it|this)\s+(?:by|past)|ask|get\s+(?:approval|sign[\s-]?off)\s+from|talk\s+to|discuss\s+(?:it|this)\s+with|convince)\s+(?:with\s+)?(?:my|our)\s+(?:boss|manager|cto|ceo|founder|co-?founder|team|director|head|vp|lead|leadership|board|management|procurement)\b/,
  },
  {
    dimension: "authorityFit",
    id: "not_decision_maker",
    weight: -0.6,
    pattern:
      /\bi\s+am\s+not\s+(?:the\s+)?(?:decision[\s-]?maker|one\s+who\s+decides|in\s+charge)\b|\bnot\s+my\s+(?:call|decision)\b|\bi\s+am\s+(?:just\s+)?(?:an\s+)?intern\b/,
  },
  // Company: size, industry, stage, name.
  {
    dimension: "companyFit",
    id: "size_and_industry",
    weight: 0.6,
    pattern: new RegExp(String.raw`\bwe\s+are\s+(?:a|an)\s+(?:${NUMBER})[\s-](?:person|people|employee|strong|member)\s+(?:[\w-]+\s+)?(?:${INDUSTRIES})\b`),
  },
  {
    dimension: "companyFit",
    id: "headcount",
    weight: 0.6,
    pattern: new RegExp(
      String.raw`(?:\b(?:we\s+(?:have|are|employ)|team\s+of|company\s+of|about|around|over|nearly|almost|roughly|approximately|some)\s+~?\s*(?:\d[\d,]*\+?|${NUMBER})|(?:^|[\s(~,])\d[\d,]*\+?(?:ish)?)\s+(?:employees|people|engineers|developers|staff|ftes?|headcount)\b(?!\s+(?:use|used|visit|visited|signed|bought|downloaded|read|saw)\b)`,
    ),
  },
  {
    dimension: "companyFit",
    id: "stage_or_revenue",
    weight: 0.6,
    pattern:
      /\b(?:series\s+[a-e]|seed[\s-]stage|seed\s+round|pre-?seed|bootstrapped|publicly\s+traded|listed\s+company|family[\s-]owned|venture[\s-]backed|vc[\s-]backed)\b|[$€£]?\d+(?:\.\d+)?\s?(?:m|k|million|bn|billion)\s+(?:arr|revenue|in\s+revenue|users|customers|gmv|turnover|a\s+year|per\s+year|annually)\b|\b(?:turn\s*over|turnover|revenue|arr|gmv)\s+(?:of\s+|is\s+)?(?:about\s+|around\s+|roughly\s+|over\s+)?[$€£]?\d+(?:\.\d+)?\s?(?:m|k|bn|million|billion)\b/,
  },
  {
    // "at a logistics company", "of a family-owned distributor", "we're a b2b saas company" (a bare "we're a fintech" stays weak)
    dimension: "companyFit",
    id: "industry",
    weight: 0.6,
    pattern: new RegExp(
      String.raw`\b(?:at|of|for|with)\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}(?:${INDUSTRIES})\s*(?:$|[,.;)!?]|\s(?:in|based|with|that|and|here|of|from|company|business|firm|brand|startup)\b)|\bwe\s+are\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}(?:${INDUSTRIES})\s+(?:company|business|firm|brand|startup|group|provider|co)\b`,
    ),
  },
  { dimension: "companyFit", id: "industry", weight: 0.4, pattern: new RegExp(String.raw`\bwe\s+are\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}(?:${INDUSTRIES})\b`) },
  {
    // "a 120-person logistics company", "a 400-bed hospital", "a 15-shop bakery chain", "a chain of 12 dental clinics"
    // ("we're a 50-person fintech" is size_and_industry above: one statement, one piece of evidence)
    dimension: "companyFit",
    id: "headcount",
    weight: 0.6,
    pattern: new RegExp(
      String.raw`(?<!\bwe\s+are\s+)\b(?:a|an|our)\s+(?:~|about\s+|around\s+)?(?:\d[\d,]*\+?|${NUMBER})(?:ish)?[\s-](?:person|people|employee|staff|strong|member|seat|bed|shop|store|location|site|clinic|hotel|branch)s?\b|\bchain\s+of\s+\d+\b|\bwe\s+(?:have|run|operate|own)\s+(?:\d[\d,]*|${NUMBER})\s+(?:hotels|stores|shops|clinics|sites|locations|offices|warehouses|restaurants|gyms|branches|schools|hospitals|farms|venues)\b`,
    ),
  },

  // Timing: a date, a quarter, a deadline, urgency.
  { dimension: "timingFit", id: "this_or_next_period", weight: 0.7, pattern: /\b(?:this|next)\s+(?:quarter|month|week|sprint)\b/ },
  {
    dimension: "timingFit",
    id: "by_date",
    weight: 0.7,
    pattern: new RegExp(
      String.raw`\b(?:by|before|until|for|in|ahead\s+of|in\s+time\s+for|from|start\s+in|starting|live\s+by)\s+(?:the\s+|our\s+)?(?:(?:end|start|beginning|middle)\s+of\s+(?:the\s+)?(?:month|quarter|year|q[1-4]|next\s+(?:month|quarter|year))|q[1-4]|${MONTHS}|${SEASONS}|next\s+(?:month|quarter|year))\b|\b(?:end|start)\s+of\s+q[1-4]\b`,
    ),
  },
  { dimension: "timingFit", id: "asap", weight: 0.7, pattern: /\b(?:asap|as\s+soon\s+as\s+possible|urgent(?:ly)?|right\s+away|immediately|straight\s+away)\b/ },
  { dimension: "timingFit", id: "deadline", weight: 0.6, pattern: /\b(?:deadline|hard\s+date|go[\s-]live|launch\s+date|due\s+date)\b/ },
  {
    dimension: "timingFit",
    id: "within_weeks",
    weight: 0.6,
    pattern: new RegExp(String.raw`\b(?:in|within)\s+(?:the\s+next\s+)?(?:${NUMBER}|a\s+few|a|a\s+couple\s+of|couple\s+of)\s+(?:weeks?|months?)\b`),
  },
  { dimension: "timingFit", id: "this_year", weight: 0.4, pattern: /\b(?:this|next)\s+year\b/ },
  {
    dimension: "timingFit",
    id: "no_rush",
    weight: -0.5,
    pattern:
      /\b(?:no\s+rush|just\s+(?:exploring|browsing|looking\s+around|curious|researching)|no\s+(?:timeline|deadline)|not\s+any\s?time\s+soon|someday|some\s+day|long[\s-]term\s+(?:idea|plan))\b/,
  },
];

/** The gate in front of the rules (any-pattern.ts): most sentences match none, and are then read once. */
const ANY_SIGNAL = anyPattern(SIGNALS.map((s) => s.pattern));

/** A visitor message, identified by its room sequence number. */
export interface VisitorMessage {
  seq: number;
  text: string;
}

/**
 * Fold one visitor message into the state: every matching rule adds its quote as evidence and
 * moves the confidence (noisy-OR for support, proportional decay for evidence against). The same
 * rule never counts twice in one dimension. Company names the visitor gives ("at Acme") count as
 * company evidence. Returns a new state; the input is not modified.
 */
export function updateQualification(state: QualificationState, message: VisitorMessage): QualificationState {
  // Copied only once a sentence has something to record: most messages leave it as it was.
  let next: QualificationState | null = null;
  for (const sentence of sentences(message.text)) {
    const normalized = normalizeText(sentence);
    const hits: Omit<Signal, "pattern">[] = ANY_SIGNAL.test(normalized) ? SIGNALS.filter((s) => s.pattern.test(normalized)) : [];
    const data = extractVisitorData(sentence);
    if (data.company) hits.push({ dimension: "companyFit", id: "company_name", weight: 0.4 });
    const authority = data.role ? roleAuthority(data.role) : null;
    if (authority) hits.push(authority);
    const persona = (next ?? state).persona ? null : detectPersona(sentence);
    if (hits.length === 0 && !persona) continue;
    next ??= structuredClone(state);
    const quote = sentence.length > MAX_QUOTE ? `${sentence.slice(0, MAX_QUOTE - 1)}…` : sentence;
    for (const hit of hits) apply(next[hit.dimension], { seq: message.seq, quote, signal: hit.id, weight: hit.weight });
    if (persona) {
      next.persona = persona.persona;
      next.personaEvidence = { seq: message.seq, quote, signal: persona.phrase, weight: 1 };
    }
  }
  return next ?? state;
}

/** Authority implied by a stated role; ids match the rules above so a role never counts twice. */
function roleAuthority(role: string): Omit<Signal, "pattern"> | null {
  const r = role.toLowerCase();
  if (/^(?:co-?\s?founder|founder|owner|ceo|cto|coo|cfo|cmo|cio|cpo|ciso|president|managing director|chief )/.test(r)) {
    return { dimension: "authorityFit", id: "exec_role", weight: 0.8 };
  }
  if (/^(?:head|vp|vice president|director|svp|evp)\b/.test(r)) return { dimension: "authorityFit", id: "head_of", weight: 0.7 };
  if (/\b(?:manager|lead)$/.test(r)) return { dimension: "authorityFit", id: "manager_role", weight: 0.4 };
  return null;
}

function apply(dim: DimensionState, evidence: Evidence): void {
  if (dim.evidence.some((e) => e.signal === evidence.signal)) return;
  const w = evidence.weight;
  dim.confidence = round(w >= 0 ? 1 - (1 - dim.confidence) * (1 - w) : dim.confidence * (1 + w));
  dim.evidence.push(evidence);
  if (dim.evidence.length > MAX_EVIDENCE) {
    const weakest = dim.evidence.reduce((min, e, i, all) => (Math.abs(e.weight) < Math.abs(all[min]?.weight ?? Infinity) ? i : min), 0);
    dim.evidence.splice(weakest, 1);
  }
}

/** The dimensions at or above CONFIRMED. */
export function confirmedDimensions(state: QualificationState): Dimension[] {
  return DIMENSIONS.filter((d) => state[d].confidence >= CONFIRMED);
}

/**
 * hot: problem + authority + (company or timing) confirmed. warm: problem confirmed, or any two
 * dimensions. cold otherwise, and always for a negative persona: a competitor is never a lead.
 */
export function leadLevel(state: QualificationState): LeadLevel {
  if (state.persona) return "cold";
  const c = new Set(confirmedDimensions(state));
  if (c.has("problemFit") && c.has("authorityFit") && (c.has("companyFit") || c.has("timingFit"))) return "hot";
  if (c.has("problemFit") || c.size >= 2) return "warm";
  return "cold";
}

/** Whether a message moved any dimension up: the stall counter resets on progress. */
export function hasProgressed(before: QualificationState, after: QualificationState): boolean {
  return DIMENSIONS.some((d) => after[d].confidence > before[d].confidence);
}

// --- visitor-provided data ------------------------------------------------------------------------

export interface VisitorData {
  email?: string;
  /** Something that looked like an email but is not valid ("ana@acme"), so the bot can ask again. */
  invalidEmail?: string;
  name?: string;
  company?: string;
  role?: string;
}

const EMAIL_CANDIDATE = /[^\s<>()[\]{},;:"'`]+@[^\s<>()[\]{},;:"'`]+/g;
const EMAIL_VALID = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24}$/;

/** Whether a string is a deliverable-looking email address (syntax only). */
export function isValidEmail(value: string): boolean {
  const v = value.trim().toLowerCase();
  const [local = "", domain = ""] = v.split("@");
  return (
    v.length <= 254 &&
    local.length >= 1 &&
    local.length <= 64 &&
    domain.length >= 4 &&
    EMAIL_VALID.test(v) &&
    !local.startsWith(".") &&
    !local.endsWith(".") &&
    !v.includes("..")
  );
}

const NOT_NAMES = new Set([
  "interested",
  "looking",
  "just",
  "here",
  "from",
  "with",
  "based",
  "trying",
  "curious",
  "sorry",
  "fine",
  "good",
  "happy",
  "not",
  "also",
  "currently",
  "building",
  "working",
  "new",
  "still",
  "very",
  "so",
  "really",
  "actually",
  "sure",
  "glad",
  "okay",
  "ok",
  "wondering",
  "back",
  "the",
  "a",
  "an",
  "in",
  "on",
  "at",
  "english",
  "french",
  "spanish",
  "german",
  "italian",
  "american",
  "british",
  "canadian",
  "dutch",
  "hi",
  "hello",
  "hey",
  "thanks",
  "ready",
  "afraid",
  "responsible",
  "head",
  "ceo",
  "cto",
  "founder",
]);
const NOT_COMPANIES = new Set([
  "the",
  "a",
  "an",
  "i",
  "my",
  "our",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
  "christmas",
  "easter",
  "home",
  "night",
  "work",
  "least",
  "first",
  "last",
  "this",
  "that",
  "some",
  "google meet",
  "zoom",
]);
const NAME_WORD = String.raw`[\p{Lu}][\p{Ll}'’-]+`;
const ROLE = String.raw`(?:co-?\s?founder|founder|owner|ceo|cto|coo|cfo|cmo|cio|cpo|ciso|president|managing\s+director|chief\s+[a-z]+\s+officer|(?:head|vp|vice\s+president|director|svp|evp)(?:\s+of)?(?:\s+[a-z&-]+){1,3}|(?:head|vp|director)|(?:[a-z-]+\s+){0,2}(?:manager|lead|engineer|developer|designer|consultant|analyst|architect|marketer|recruiter|administrator|specialist))`;
const ROLE_STOP = /\s+(?:at|for|with|in|and|here|from)\b.*$/i;

/**
 * Contact details a visitor typed in one message: a valid email (or the invalid attempt), a name
 * ("I'm Ana", "my name is Ana Lopez", "Ana here"), a company ("at Acme", "I work for Acme Corp")
 * and a role ("I'm the CTO", "as head of engineering"). Only what was said; nothing is guessed.
 */
// Compiled once: every visitor message runs them.
const NAME_PATTERNS = [
  new RegExp(String.raw`\bmy\s+name\s+is\s+([\p{L}'’-]+(?:\s+${NAME_WORD})?)`, "iu"),
  new RegExp(
    String.raw`\b(?:[Ii]'m|[Ii]\s+am|[Tt]his\s+is|[Ii]t's|[Ii]t\s+is|[Cc]all\s+me)\s+(${NAME_WORD}(?:\s+${NAME_WORD})?)(?=\s*(?:$|[,.!?]|\s(?:from|at|with|here|and|the|a|an|i|CTO|CEO|COO|CFO|head|founder|co-founder)\b))`,
    "u",
  ),
  new RegExp(String.raw`^(?:(?:hi|hello|hey)[,!]?\s+)?(${NAME_WORD})\s+(?:here\b|from\s+[\p{Lu}\d])`, "iu"),
];
const ROLE_PATTERN = new RegExp(
  String.raw`\b(?:i'm|i\s+am|as|i\s+work\s+as|my\s+(?:role|title|position)\s+is)\s+(?:the\s+|a\s+|an\s+|our\s+)?(${ROLE})\b`,
  "i",
);

/**
 * What a text says about its writer (email, name, company, role). Memoized: a message is read for
 * the visitor's details and, sentence by sentence, for the qualification, and most messages are
 * one sentence. The result is frozen, as it is shared.
 */
export const extractVisitorData: (text: string) => Readonly<VisitorData> = memoizeText((text) => Object.freeze(extractUncached(text)));

function extractUncached(text: string): VisitorData {
  const t = text
    .slice(0, 4000)
    .normalize("NFKC")
    .replace(/[\u2018\u2019]/g, "'");
  const out: VisitorData = {};
  for (const raw of t.match(EMAIL_CANDIDATE) ?? []) {
    const candidate = raw.replace(/[.,;:!?)]+$/, "").toLowerCase();
    if (isValidEmail(candidate)) {
      out.email ??= candidate;
    } else out.invalidEmail ??= candidate;
  }
  if (out.email) delete out.invalidEmail;
  const name = NAME_PATTERNS.reduce<string | undefined>((found, pattern) => found ?? pattern.exec(t)?.[1], undefined);
  const cleanName = name?.split(/\s+/).filter((w) => !NOT_NAMES.has(w.toLowerCase()));
  if (cleanName?.length && cleanName.length === name?.split(/\s+/).length) {
    out.name = cleanName.map((w) => (w[0] ?? "").toUpperCase() + w.slice(1)).join(" ");
  }
  const company = findCompany(t);
  if (company) out.company = company;
  const role =
    ROLE_PATTERN.exec(t)?.[1] ??
    /,\s*(?:the\s+|our\s+)?(CEO|CTO|COO|CFO|CMO|CIO|CPO|[Ff]ounder|[Cc]o-?founder|[Hh]ead\s+of\s+[a-zA-Z]+|VP\s+(?:of\s+)?[a-zA-Z]+)\b/.exec(t)?.[1];
  if (role) {
    const trimmed = role.replace(ROLE_STOP, "").trim();
    if (trimmed) out.role = /^[a-z]{2,4}$/i.test(trimmed) && !/^(?:lead|head|owner)$/i.test(trimmed) ? trimmed.toUpperCase() : trimmed;
  }
  return out;
}

function findCompany(t: string): string | undefined {
  const leads = [
    /\b(?:work|working|employed)\s+(?:at|for|with)\s+/gi,
    /\b(?:i'm|i\s+am|we're|we\s+are)\b[^.!?]{0,40}?\b(?:at|from)\s+/gi,
    /\b(?:CEO|CTO|COO|CFO|CMO|CIO|CPO|founder|co-?founder|head\s+of\s+\w+|VP\s+(?:of\s+)?\w+|director|manager|engineer|developer|lead)\s+(?:at|of)\s+/gi,
    /\b(?:my|our)\s+company\s+is\s+(?:called\s+)?|\bcompany(?:'s)?\s+name\s+is\s+/gi,
    /(?:^|\b(?:i'm|i\s+am|this\s+is|it's)\s+)(?:(?:hi|hello|hey)[,!]?\s+)?(?!(?:hi|hello|hey|greetings|writing|here)\b)[\p{Lu}][\p{Ll}'-]+\s+(?:here\s+)?from\s+/giu,
  ];
  for (const lead of leads) {
    for (const m of t.matchAll(lead)) {
      const rest = t.slice((m.index ?? 0) + m[0].length);
      const words: string[] = [];
      for (const w of rest.split(/\s+/)) {
        const clean = w.replace(/[,.;:!?)]+$/, "");
        if (!/^[\p{Lu}\d][\p{L}\d&.'-]*$/u.test(clean) && clean !== "&") break;
        words.push(clean);
        if (words.length === 4 || clean !== w) break;
      }
      const company = words.join(" ").replace(/[.'-]+$/, "");
      if (company && !NOT_COMPANIES.has(company.toLowerCase()) && company.length <= 80) return company;
    }
  }
  return undefined;
}

/** Later values win (a visitor may correct their email); a valid email clears an invalid attempt. */
export function mergeVisitorData(previous: VisitorData, next: VisitorData): VisitorData {
  const merged: VisitorData = { ...previous, ...next };
  if (merged.email) delete merged.invalidEmail;
  return merged;
}

function sentences(text: string): string[] {
  return text
    .slice(0, 4000)
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
