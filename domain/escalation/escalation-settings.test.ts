import { describe, expect, it } from "vitest";
import { DEFAULT_CATEGORIES, defaultEscalationSettings, escalationSettingsSchema, isValidTimeZone } from "./escalation-settings";

describe("escalation settings defaults", () => {
  const defaults = defaultEscalationSettings();

  it.each([
    ["handoffEnabled", true],
    ["explicitRequestPhrases", []],
    ["sentimentThreshold", 0.7],
    ["botFailureThreshold", 3],
    ["stall.maxExchangesWithoutProgress", 8],
    ["stall.shortAnswerStreak", 2],
    ["stall.repeatedQuestion", true],
    ["warmSoftOfferAfterExchanges", 6],
    ["refundLimitUsd", 500],
    ["businessHours.timezone", "Europe/Paris"],
    ["businessHours.weekly.mon", [{ start: "09:00", end: "18:00" }]],
    ["businessHours.weekly.fri", [{ start: "09:00", end: "18:00" }]],
    ["businessHours.weekly.sat", []],
    ["businessHours.weekly.sun", []],
    ["businessHours.holidays", []],
    ["businessHours.followUp.beforeLocalTime", "10:00"],
    ["businessHours.followUp.noSameDayAfter", "16:00"],
    ["responseTimeoutMinutes", 5],
    ["reminderGraceMinutes", 2],
    ["calendlyUrl", undefined],
    ["resources", []],
  ])("an empty object gives %s = %j", (path, value) => {
    const actual = path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], defaults);
    expect(actual).toEqual(value);
  });

  it("ships one category for each topic the bot must not answer alone", () => {
    expect(defaults.categories.map((c) => [c.id, c.kind, c.route])).toEqual([
      ["high_risk", "sensitive", "legal"],
      ["policy_exception", "sensitive", "support"],
      ["refunds_billing", "sensitive", "support"],
      ["contract_pricing", "out_of_scope", "sales"],
      ["legal", "out_of_scope", "legal"],
      ["existing_client", "out_of_scope", "account_management"],
      ["internal_info", "out_of_scope", "sales"],
      ["technical_scoping", "out_of_scope", "sales"],
    ]);
  });

  it("fills category defaults (priority, suggestManager) for the built-in list", () => {
    const highRisk = defaults.categories.find((c) => c.id === "high_risk");
    const legal = defaults.categories.find((c) => c.id === "legal");
    expect(highRisk).toMatchObject({ priority: "urgent", suggestManager: true });
    expect(legal).toMatchObject({ priority: "normal", suggestManager: false });
  });

  it("gives each parse its own copy of the defaults", () => {
    const a = defaultEscalationSettings();
    a.categories[0]?.keywords.push("mutated");
    a.businessHours.weekly.mon.push({ start: "20:00", end: "21:00" });
    const b = defaultEscalationSettings();
    expect(b.categories[0]?.keywords).not.toContain("mutated");
    expect(b.businessHours.weekly.mon).toHaveLength(1);
    expect(DEFAULT_CATEGORIES[0]?.keywords).not.toContain("mutated");
  });
});

describe("escalation settings accept", () => {
  it.each([
    [
      "a partial stall object, keeping the other stall defaults",
      { stall: { shortAnswerStreak: 3 } },
      (s: Parsed) => s.stall.maxExchangesWithoutProgress === 8 && s.stall.shortAnswerStreak === 3,
    ],
    [
      "a day that runs to midnight",
      { businessHours: { weekly: { sat: [{ start: "00:00", end: "24:00" }] } } },
      (s: Parsed) => s.businessHours.weekly.sat.length === 1 && s.businessHours.weekly.mon.length === 1,
    ],
    [
      "several intervals a day (lunch break)",
      {
        businessHours: {
          weekly: {
            mon: [
              { start: "09:00", end: "12:30" },
              { start: "14:00", end: "18:00" },
            ],
          },
        },
      },
      (s: Parsed) => s.businessHours.weekly.mon.length === 2,
    ],
    ["a far-away IANA zone", { businessHours: { timezone: "Pacific/Auckland" } }, (s: Parsed) => s.businessHours.timezone === "Pacific/Auckland"],
    ["UTC", { businessHours: { timezone: "UTC" } }, (s: Parsed) => s.businessHours.timezone === "UTC"],
    ["holiday dates", { businessHours: { holidays: ["2026-12-25", "2028-02-29"] } }, (s: Parsed) => s.businessHours.holidays.length === 2],
    ["a Calendly URL", { calendlyUrl: "https://calendly.com/acme/intro" }, (s: Parsed) => s.calendlyUrl === "https://calendly.com/acme/intro"],
    [
      "resources with topics",
      { resources: [{ title: "Fintech case study", url: "https://acme.dev/cases/fintech", topics: ["fintech"] }] },
      (s: Parsed) => s.resources[0]?.topics[0] === "fintech",
    ],
    [
      "a replacement category list",
      { categories: [{ id: "gdpr", label: "GDPR", kind: "out_of_scope", route: "legal", keywords: ["gdpr*"] }] },
      (s: Parsed) => s.categories.length === 1 && s.categories[0]?.priority === "normal",
    ],
    [
      "the edges of every range",
      { sentimentThreshold: 0, responseTimeoutMinutes: 10, stall: { maxExchangesWithoutProgress: 6 }, botFailureThreshold: 1 },
      (s: Parsed) => s.responseTimeoutMinutes === 10,
    ],
    [
      "hostile text as plain data",
      { explicitRequestPhrases: ["<script>alert(1)</script>"] },
      (s: Parsed) => s.explicitRequestPhrases[0] === "<script>alert(1)</script>",
    ],
  ])("%s", (_name, input, check) => {
    const parsed = escalationSettingsSchema.parse(input);
    expect(check(parsed)).toBe(true);
  });
});

type Parsed = ReturnType<typeof defaultEscalationSettings>;

describe("escalation settings reject, naming the field", () => {
  it.each([
    ["an unknown top-level field", { escalateAlways: true }, ""],
    ["an unknown nested field", { stall: { maxTurns: 5 } }, "stall"],
    ["a sentiment threshold above 1", { sentimentThreshold: 1.5 }, "sentimentThreshold"],
    ["a negative sentiment threshold", { sentimentThreshold: -0.1 }, "sentimentThreshold"],
    ["a response timeout under 2 minutes", { responseTimeoutMinutes: 1 }, "responseTimeoutMinutes"],
    ["a response timeout over 10 minutes", { responseTimeoutMinutes: 11 }, "responseTimeoutMinutes"],
    ["a fractional response timeout", { responseTimeoutMinutes: 2.5 }, "responseTimeoutMinutes"],
    ["a stall window under 6 exchanges", { stall: { maxExchangesWithoutProgress: 5 } }, "stall.maxExchangesWithoutProgress"],
    ["a stall window over 8 exchanges", { stall: { maxExchangesWithoutProgress: 9 } }, "stall.maxExchangesWithoutProgress"],
    ["a bot-failure threshold of 0", { botFailureThreshold: 0 }, "botFailureThreshold"],
    ["a negative refund limit", { refundLimitUsd: -1 }, "refundLimitUsd"],
    ["an unknown time zone", { businessHours: { timezone: "Mars/Olympus_Mons" } }, "businessHours.timezone"],
    ["a time past 24:00", { businessHours: { weekly: { mon: [{ start: "09:00", end: "25:00" }] } } }, "businessHours.weekly.mon.0.end"],
    ["a time without a leading zero", { businessHours: { weekly: { mon: [{ start: "9:00", end: "18:00" }] } } }, "businessHours.weekly.mon.0.start"],
    ["an interval that ends before it starts", { businessHours: { weekly: { tue: [{ start: "18:00", end: "09:00" }] } } }, "businessHours.weekly.tue.0.end"],
    ["an unknown weekday", { businessHours: { weekly: { funday: [] } } }, "businessHours.weekly"],
    ["an impossible holiday date", { businessHours: { holidays: ["2026-02-30"] } }, "businessHours.holidays.0"],
    ["a follow-up time in the wrong format", { businessHours: { followUp: { beforeLocalTime: "10am" } } }, "businessHours.followUp.beforeLocalTime"],
    ["a javascript: Calendly URL", { calendlyUrl: "javascript:alert(1)" }, "calendlyUrl"],
    ["a resource without a URL", { resources: [{ title: "Guide" }] }, "resources.0.url"],
    [
      "a category routed to an unknown team",
      { categories: [{ id: "x", label: "X", kind: "sensitive", route: "marketing", keywords: ["x"] }] },
      "categories.0.route",
    ],
    ["a category with no keywords", { categories: [{ id: "x", label: "X", kind: "sensitive", route: "legal", keywords: [] }] }, "categories.0.keywords"],
    [
      "duplicate category ids",
      {
        categories: [
          { id: "x", label: "X", kind: "sensitive", route: "legal", keywords: ["a"] },
          { id: "x", label: "Y", kind: "sensitive", route: "legal", keywords: ["b"] },
        ],
      },
      "categories",
    ],
    ["an oversized phrase", { explicitRequestPhrases: ["x".repeat(201)] }, "explicitRequestPhrases.0"],
    ["too many phrases", { explicitRequestPhrases: Array.from({ length: 101 }, (_, i) => `phrase ${i}`) }, "explicitRequestPhrases"],
    ["a string where a boolean belongs", { handoffEnabled: "yes" }, "handoffEnabled"],
  ])("%s", (_name, input, path) => {
    const result = escalationSettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it.each([null, "settings", 42, [], undefined])("garbage instead of an object (%j)", (input) => {
    expect(escalationSettingsSchema.safeParse(input).success).toBe(false);
  });
});

describe("isValidTimeZone", () => {
  it.each([
    ["Europe/Paris", true],
    ["Asia/Tokyo", true],
    ["UTC", true],
    ["Europe/Pariss", false],
    ["", false],
    ["<script>", false],
  ])("%s → %s", (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});
