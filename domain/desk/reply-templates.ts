// Suggested replies for the agent room: the project's templates (kept in its settings), picked by
// what the visitor wrote, with {{fields}} filled from the packet and falling back to neutral words
// when unknown. A suggestion names its template; one whose template is gone is never sent. Pure,
// no zod: the browser runs it as is.

export interface ReplyTemplate {
  /** Lowercase id, unique in the project ("refund_offer"). */
  id: string;
  label: string;
  /** The reply, with {{name}}, {{firstName}}, {{company}}, {{email}}, {{agent}} placeholders. */
  text: string;
  /** Words or phrases in the visitor's messages that make this template fit; none: a generic reply. */
  keywords: string[];
}

/** The placeholders a template may use, and what each says when the value is unknown. */
export const TEMPLATE_FIELDS = {
  name: "there",
  firstName: "there",
  company: "your team",
  email: "your email address",
  agent: "the team",
} as const;
export type TemplateField = keyof typeof TEMPLATE_FIELDS;

/** The templates a project starts with: an acknowledgement, a shipping update, a refund offer. */
export const DEFAULT_REPLY_TEMPLATES: readonly ReplyTemplate[] = [
  {
    id: "ack",
    label: "Acknowledge",
    text: "Hi {{firstName}}, thanks for waiting — I'm {{agent}} and I've read your conversation, so no need to repeat anything. I'm looking into this now.",
    keywords: [],
  },
  {
    id: "ship_update",
    label: "Shipping update",
    text: "Hi {{firstName}}, I've looked up your delivery. Let me confirm where it is and when you can expect it — one moment.",
    keywords: ["shipping", "shipped", "delivery", "deliver*", "package", "parcel", "tracking", "courier", "where is my order", "order status", "arrive*"],
  },
  {
    id: "refund_offer",
    label: "Offer a refund",
    text: "Hi {{firstName}}, I'm sorry about this. I can offer you a refund — let me confirm the details with you before I process it.",
    keywords: ["refund*", "money back", "reimburse*", "charged twice", "double charged", "overcharged", "return it", "cancel*"],
  },
];

export type TemplateValues = Partial<Record<TemplateField, string | undefined>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/**
 * A field of TEMPLATE_FIELDS itself, by a Set of its names: `in` would also find "constructor" or
 * "toString" on Object.prototype (and `Object.hasOwn` is newer than the ES2020 the agent app targets).
 */
const FIELD_NAMES: ReadonlySet<string> = new Set(Object.keys(TEMPLATE_FIELDS));
const isTemplateField = (field: string): field is TemplateField => FIELD_NAMES.has(field);

/** The placeholders in `text` that are not template fields ("{{nmae}}"): settings refuse them. */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((f) => !isTemplateField(f));
}

/** `text` with every placeholder filled: the value when known, the field's neutral words otherwise. */
export function renderTemplate(text: string, values: TemplateValues): string {
  const filled = text.replace(PLACEHOLDER, (_, field: string) => {
    if (!isTemplateField(field)) return "";
    const value = values[field as TemplateField]?.trim();
    return value || TEMPLATE_FIELDS[field as TemplateField];
  });
  return filled
    .replace(/[ \t]{2,}/g, " ")
    .replace(/ ([,.!?;:])/g, "$1")
    .trim();
}

/** The values the packet knows: the visitor's name (and first name), company and email, and the agent's name. */
export function templateValues(visitor: { name?: string; company?: string; email?: string }, agentName?: string): TemplateValues {
  const name = visitor.name?.trim();
  return { name, firstName: name?.split(/\s+/)[0], company: visitor.company, email: visitor.email, agent: agentName?.trim() || undefined };
}

const normalise = (text: string) =>
  ` ${text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()} `;

/** Whether `keyword` occurs in the normalised text on word boundaries; a trailing `*` matches any ending. */
function mentions(haystack: string, keyword: string): boolean {
  const prefix = keyword.endsWith("*");
  const needle = normalise(prefix ? keyword.slice(0, -1) : keyword).trim();
  if (!needle) return false;
  return prefix ? haystack.includes(` ${needle}`) : haystack.includes(` ${needle} `);
}

export interface Suggestion {
  templateId: string;
  label: string;
  text: string;
}

/**
 * Up to `limit` suggestions for what the visitor wrote: templates whose keywords appear, most hits
 * first, then the generic ones (no keywords). Built only from `templates`: what the project removed
 * is never suggested.
 */
export function suggestReplies(templates: readonly ReplyTemplate[], visitorTexts: readonly string[], values: TemplateValues, limit = 3): Suggestion[] {
  const haystack = normalise(visitorTexts.join(" \n "));
  const scored = templates.map((template, index) => ({
    template,
    index,
    hits: template.keywords.filter((k) => mentions(haystack, k)).length,
  }));
  const matched = scored.filter((s) => s.hits > 0).sort((a, b) => b.hits - a.hits || a.index - b.index);
  const generic = scored.filter((s) => s.template.keywords.length === 0);
  return [...matched, ...generic]
    .slice(0, limit)
    .map(({ template }) => ({ templateId: template.id, label: template.label, text: renderTemplate(template.text, values) }));
}

/** The text to put in the composer for `suggestion`, or null when its template no longer exists (never send it then). */
export function resolveSuggestion(templates: readonly ReplyTemplate[], suggestion: Suggestion, values: TemplateValues): string | null {
  const template = templates.find((t) => t.id === suggestion.templateId);
  return template ? renderTemplate(template.text, values) : null;
}
