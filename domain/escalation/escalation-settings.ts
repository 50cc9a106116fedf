// The escalation part of a project's settings: what makes the bot hand over, where it routes, when
// the team is open and what the bot may promise. Schema and defaults only; the decision lives in
// decision.ts, the clock math in business-hours.ts. `escalationSettingsSchema.parse({})` works.
import * as z from "zod";

export const ROUTES = ["sales", "account_management", "legal", "support"] as const;
export const CATEGORY_KINDS = ["sensitive", "out_of_scope"] as const;
export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

const MAX_PHRASE = 200;
const phrase = z.string().trim().min(1).max(MAX_PHRASE);

/** "HH:MM", 24-hour; "24:00" is allowed so an interval can run to midnight. */
export const localTimeSchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a local time "HH:MM" (00:00–24:00)');

/** True when the runtime's Intl knows this IANA zone ("Europe/Paris", "UTC"). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const intervalSchema = z
  .strictObject({ start: localTimeSchema, end: localTimeSchema })
  .refine((i) => i.start < i.end, { message: "start must be before end", path: ["end"] });

const daySchema = z.array(intervalSchema).max(12);
const officeDay = (): { start: string; end: string }[] => [{ start: "09:00", end: "18:00" }];

const weeklySchema = z.strictObject({
  mon: daySchema.default(officeDay),
  tue: daySchema.default(officeDay),
  wed: daySchema.default(officeDay),
  thu: daySchema.default(officeDay),
  fri: daySchema.default(officeDay),
  sat: daySchema.default(() => []),
  sun: daySchema.default(() => []),
});

export const businessHoursSchema = z.strictObject({
  timezone: z.string().max(64).refine(isValidTimeZone, { message: "unknown IANA time zone" }).default("Europe/Paris"),
  weekly: weeklySchema.prefault({}),
  /** Local dates ("YYYY-MM-DD") on which the team is closed all day. */
  holidays: z
    .array(z.iso.date())
    .max(366)
    .default(() => []),
  followUp: z
    .strictObject({
      /** Outside hours the promise is "next business morning before this local time". */
      beforeLocalTime: localTimeSchema.default("10:00"),
      /** From this local time on, no same-day reply is promised. */
      noSameDayAfter: localTimeSchema.default("16:00"),
    })
    .prefault({}),
});

export const categorySchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "expected a lowercase id such as refunds_billing"),
  label: z.string().trim().min(1).max(80),
  kind: z.enum(CATEGORY_KINDS),
  route: z.enum(ROUTES),
  /** Phrases matched on word boundaries, case-insensitive; a trailing `*` matches any word ending. */
  keywords: z.array(phrase).min(1).max(100),
  priority: z.enum(PRIORITIES).default("normal"),
  /** Hints the agent to pull in a manager (refunds over the limit, fraud, lawsuits). */
  suggestManager: z.boolean().default(false),
});

const resourceSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  url: z.url({ protocol: /^https?$/ }).max(2000),
  topics: z
    .array(z.string().trim().min(1).max(60))
    .max(20)
    .default(() => []),
});

type CategoryInput = z.input<typeof categorySchema>;

/**
 * The built-in categories; a project that sets `categories` replaces the whole list. Keywords are
 * phrased to catch a visitor who claims, accuses or threatens ("a refund", "this is fraud", "file a
 * chargeback"), not a prospect whose own product deals with refunds, billing or fraud detection.
 */
export const DEFAULT_CATEGORIES: readonly CategoryInput[] = [
  {
    id: "high_risk",
    label: "High-risk words (fraud, chargeback, lawsuit)",
    kind: "sensitive",
    route: "legal",
    priority: "urgent",
    suggestManager: true,
    keywords: [
      "this is fraud",
      "that is fraud",
      "it is fraud",
      "fraudulent",
      "a scam",
      "scammed",
      "scamming",
      "chargeback",
      "file a chargeback",
      "lawsuit*",
      "sue you",
      "sue your",
      "suing",
      "my lawyer*",
      "our lawyer*",
      "my attorney*",
      "our attorney*",
      "legal action",
      "breach of contract",
      "small claims",
      "report you",
      "reporting you",
      "trading standards",
      "ombudsman",
      "consumer protection",
      "better business bureau",
      "dispute the charge*",
      "dispute this charge*",
      "dispute the payment*",
      "dispute the invoice",
      "disputing the charge*",
      "disputing the payment*",
      "raise a dispute",
      "file a dispute",
      "open a dispute",
      "reverse the charge*",
      "reverse the payment*",
    ],
  },
  {
    // The runbook's L3: a policy exception is a manager's call, whoever asks for it.
    id: "policy_exception",
    label: "Policy exception",
    kind: "sensitive",
    route: "support",
    priority: "high",
    suggestManager: true,
    keywords: [
      "make an exception",
      "an exception for us",
      "an exception for me",
      "exception to your policy",
      "exception to the policy",
      "special exception",
      "waive the fee",
      "waive the charge",
      "waive the deposit",
      "waive the cancellation",
      "bend the rules",
      "outside your policy",
      "against your policy",
      "override the policy",
    ],
  },
  {
    id: "refunds_billing",
    label: "Refunds, billing or cancellation",
    kind: "sensitive",
    route: "support",
    priority: "high",
    keywords: [
      "a refund",
      "my refund",
      "the refund",
      "full refund",
      "partial refund",
      "refund me",
      "refund my",
      "refund us",
      "refunded",
      "money back",
      "deposit back",
      "payment back",
      "reimburse me",
      "reimburse us",
      "billing issue*",
      "billing problem*",
      "billing question*",
      "billing error*",
      "my invoice*",
      "our invoice*",
      "the invoice",
      "wrong invoice",
      "charged twice",
      "double charged",
      "overcharged",
      "charged me",
      "cancel my",
      "cancel our",
      "cancel the subscription",
      "cancel subscription",
      "cancellation",
      "payment failed",
      "failed payment",
    ],
  },
  {
    id: "contract_pricing",
    label: "Contract or pricing terms",
    kind: "out_of_scope",
    route: "sales",
    keywords: [
      "exact cost",
      "exact price",
      "exact pricing",
      "precise quote",
      "get a quote",
      "custom quote",
      "quote for",
      "contract terms",
      "commercial terms",
      "payment terms",
      "pricing terms",
      "discount*",
      "rate card",
      "day rate",
      "daily rate",
      "hourly rate",
      "statement of work",
      "sow",
      "msa",
      "master services agreement",
      "would it cost",
      "will it cost",
      "cost for a",
      "retainer",
      "volume pricing",
      "enterprise pricing",
      "negotiat*",
      "cost exactly",
      "price exactly",
      "how much exactly",
      "exactly how much",
      "instalment*",
      "installment*",
      "payment plan*",
      "spread payment*",
      "spread the payment*",
      "spread the cost",
      "deferred payment*",
      "net 30",
      "net 60",
    ],
  },
  {
    id: "legal",
    label: "Legal, NDA or IP",
    kind: "out_of_scope",
    route: "legal",
    keywords: [
      "nda",
      "ndas",
      "non disclosure",
      "confidentiality agreement",
      "intellectual property",
      "ip ownership",
      "own the ip",
      "owns the ip",
      "ip rights",
      "limitation of liability",
      "liability cap",
      "your liability",
      "liable",
      "indemnif*",
      "data processing agreement",
      "dpa",
      "governing law",
      "legal terms",
      "governed by",
      "contract under",
      "jurisdiction",
      "english law",
      "uk law",
      "portuguese law",
      "which law",
      "what law",
      "copyright",
      "owns the code",
      "own the code",
      "code ownership",
      "non compete",
      "non-compete",
      "non solicit*",
      "warranty",
      "warranties",
      "terms and conditions",
      "legal question*",
    ],
  },
  {
    id: "existing_client",
    label: "Existing client support",
    kind: "out_of_scope",
    route: "account_management",
    priority: "high",
    keywords: [
      "already working with you",
      "already work with you",
      "already working with your",
      "already a client",
      "already a customer",
      "existing client",
      "existing customer",
      "current client",
      "our account manager",
      "my account manager",
      "our project with you",
      "our contract with you",
      "we're a client",
      "we are a client",
      "we're your client",
      "as a client of yours",
      "the team you assigned",
      "you set up for us",
      "you built for us",
      "you built us",
      "your team built for us",
      "you made for us",
      "you developed for us",
      "built by your team",
      "our site is down",
      "our website is down",
      "our app is down",
      "production is down",
      "prod is down",
      "having an outage",
      "we have an outage",
      "there is an outage",
      "this is an emergency",
      "it is an emergency",
      "vip client",
      "vip customer",
      "one of your biggest clients",
      "one of your largest clients",
      "one of your biggest customers",
      "key account",
      "priority client",
      "premium client",
      "enterprise client",
    ],
  },
  {
    id: "internal_info",
    label: "Internal or non-public information",
    kind: "out_of_scope",
    route: "sales",
    keywords: [
      "internal process*",
      "internal information",
      "internal documents",
      "salary",
      "salaries",
      "your revenue",
      "your margins",
      "your profit*",
      "employee names",
      "org chart",
      "non public",
      "personal phone",
      "personal email",
      "home address",
      "developers get paid",
      "engineers get paid",
      "staff get paid",
      "employees get paid",
      "pay your developers",
      "pay your engineers",
      "pay your staff",
      "pay your employees",
    ],
  },
  {
    id: "technical_scoping",
    label: "Deep technical scoping",
    kind: "out_of_scope",
    route: "sales",
    keywords: [
      "technical assessment",
      "architecture review",
      "review our architecture",
      "review our code",
      "audit our",
      "effort estimate",
      "estimate the effort",
      "detailed estimate",
      "how long would it take",
      "how many hours would",
      "how many developers would",
      "scope the project",
      "help us scope",
      "technical scoping",
      "feasibility",
      "is it feasible",
    ],
  },
];

export const escalationSettingsSchema = z.strictObject({
  /** Off: the bot never hands over on its own; an explicit request still becomes a capture. */
  handoffEnabled: z.boolean().default(true),
  /** Extra phrases that count as "I want a human", added to the built-in detector. */
  explicitRequestPhrases: z
    .array(phrase)
    .max(100)
    .default(() => []),
  /** Negativity (0–1) at or above which the visitor counts as frustrated. */
  sentimentThreshold: z.number().min(0).max(1).default(0.7),
  /** Consecutive questions the bot could not answer before it hands over. */
  botFailureThreshold: z.int().min(1).max(10).default(3),
  stall: z
    .strictObject({
      /** Exchanges with no new qualification signal before a human is offered. */
      maxExchangesWithoutProgress: z.int().min(6).max(8).default(8),
      /** Consecutive short non-committal answers ("ok", "idk") that count as a stall. */
      shortAnswerStreak: z.int().min(2).max(5).default(2),
      /** Whether asking the same question again counts as a stall. */
      repeatedQuestion: z.boolean().default(true),
    })
    .prefault({}),
  /** A warm lead gets one soft offer (a resource) after this many exchanges. */
  warmSoftOfferAfterExchanges: z.int().min(3).max(20).default(6),
  categories: z
    .array(categorySchema)
    .max(50)
    .refine((list) => new Set(list.map((c) => c.id)).size === list.length, {
      message: "category ids must be unique",
    })
    .prefault(() => DEFAULT_CATEGORIES.map((c) => ({ ...c, keywords: [...c.keywords] }))),
  /** A refund above this amount is sensitive and suggests a manager. No FX conversion is done. */
  refundLimitUsd: z.number().min(0).max(1_000_000).default(500),
  businessHours: businessHoursSchema.prefault({}),
  /** Minutes an agent has to answer a live handoff before it turns into a capture. */
  responseTimeoutMinutes: z.int().min(2).max(10).default(5),
  /** Extra minutes after the reminder before the timeout is final. */
  reminderGraceMinutes: z.int().min(0).max(10).default(2),
  /** Minutes a visitor may be gone while waiting for a human before the handoff counts as abandoned. */
  abandonAfterMinutes: z.int().min(1).max(60).default(10),
  calendlyUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  /** Offered while the visitor waits, matched to the conversation by topic. */
  resources: z
    .array(resourceSchema)
    .max(50)
    .default(() => []),
});

export type EscalationSettings = z.output<typeof escalationSettingsSchema>;
export type EscalationSettingsInput = z.input<typeof escalationSettingsSchema>;
export type BusinessHours = z.output<typeof businessHoursSchema>;
export type TimeInterval = z.output<typeof intervalSchema>;
export type Weekday = (typeof WEEKDAYS)[number];
export type Category = z.output<typeof categorySchema>;
export type CategoryKind = (typeof CATEGORY_KINDS)[number];
export type Route = (typeof ROUTES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type Resource = z.output<typeof resourceSchema>;
export type StallSettings = EscalationSettings["stall"];

/** Working defaults: Mon–Fri 9:00–18:00 Europe/Paris, the built-in categories, handoff on. */
export function defaultEscalationSettings(): EscalationSettings {
  return escalationSettingsSchema.parse({});
}
