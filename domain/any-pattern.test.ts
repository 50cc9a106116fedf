import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyPattern } from "./any-pattern";
import { analyzeSentiment, detectFrustration } from "./escalation/sentiment";
import { detectExplicitRequest } from "./escalation/intents";
import { initialQualification, updateQualification } from "./escalation/qualification";

// Patterns of the shapes the detectors' lists use: anchors, lookarounds, word boundaries, nested groups.
const PATTERNS: RegExp[] = [
  /\bforget (?:it|about it)\b/,
  /^(?:whatever|ugh+|meh)$/,
  /\b(?:good)?bye\b|\bi am (?:out|leaving|done)\b(?! with)/,
  /\b(?<!account\s)(?:managers?|boss(?:es)?)\b/,
  /(?:^|[.,!?]\s*)(?:is\s+)?(?:anyone|someone)\s+(?:there|here)\s*\??\s*$/,
  /\bwho\s+(?:can|could)\s+(?:i|we)\s+(?:talk|speak)(?:\s+(?:to|with))?\b/,
];
const WORDS = [
  "forget",
  "it",
  "about",
  "whatever",
  "ugh",
  "ughh",
  "meh",
  "bye",
  "goodbye",
  "i",
  "am",
  "out",
  "done",
  "with",
  "account",
  "manager",
  "managers",
  "boss",
  "anyone",
  "someone",
  "there",
  "here",
  "is",
  "who",
  "can",
  "we",
  "talk",
  "to",
  "?",
  ".",
  "!",
  ",",
  "hello",
];
const text = fc.array(fc.constantFrom(...WORDS), { maxLength: 9 }).chain((words) => fc.constantFrom(" ", "  ").map((sep) => words.join(sep)));

describe("anyPattern: one alternation for a list of patterns", () => {
  it("matches a text exactly when one of the patterns does", () => {
    const gate = anyPattern(PATTERNS);
    fc.assert(
      fc.property(text, (t) => {
        expect(gate.test(t)).toBe(PATTERNS.some((re) => re.test(t)));
      }),
      { numRuns: 2000 },
    );
  });

  it("matches nothing for an empty list", () => {
    expect(anyPattern([]).test("")).toBe(false);
    expect(anyPattern([]).test("anything")).toBe(false);
  });

  it("keeps the list's flags, and refuses what joining would change", () => {
    expect(anyPattern([/é/iu, /x/giu]).flags).toBe("iu");
    expect(() => anyPattern([/a/, /b/i])).toThrow(/flags/);
    expect(() => anyPattern([/(a)\1/])).toThrow(/backreference/);
  });
});

describe("the gated detectors say what the ungated lists said", () => {
  // Texts that open each gate, and near misses that must not.
  const cases = [
    "this is not helpful",
    "you do not understand",
    "whatever",
    "Ugh!!!",
    "come on...",
    "come on",
    "welcome on board",
    "useless bot",
    "you are so stupid",
    "forget it",
    "thanks, bye",
    "bye",
    "can I talk to a person?",
    "I don't want to talk to sales",
    "is anyone there?",
    "What are your prices?",
    "🙄",
    "seriously",
  ];
  it("on frustration, dismissal, abuse and leaving", () => {
    expect(detectFrustration("this is not helpful")).toEqual([{ kind: "complaint", phrase: "this is not helpful" }]);
    expect(detectFrustration("Ugh!!!")).toEqual([{ kind: "dismissive", phrase: "ugh" }]);
    expect(detectFrustration("come on...")).toEqual([{ kind: "dismissive", phrase: "come on" }]);
    expect(detectFrustration("welcome on board")).toEqual([]);
    expect(detectFrustration("🙄")).toEqual([{ kind: "dismissive", phrase: "🙄" }]);
    expect(detectFrustration("you are so stupid").map((f) => f.kind)).toContain("abuse");
    expect(detectFrustration("forget it")).toEqual([{ kind: "leaving", phrase: "forget it" }]);
    expect(detectFrustration("thanks, bye")).toEqual([]); // polite: a leave-taking with thanks
    expect(detectFrustration("What are your prices?")).toEqual([]);
    for (const c of cases) expect(analyzeSentiment(c).frustration).toEqual(detectFrustration(c));
  });

  it("on explicit requests", () => {
    expect(detectExplicitRequest("can I talk to a person?")).toMatchObject({ source: "builtin" });
    expect(detectExplicitRequest("I don't want to talk to sales")).toBeNull();
    expect(detectExplicitRequest("is anyone there?")).toMatchObject({ source: "builtin" });
    expect(detectExplicitRequest("What are your prices?")).toBeNull();
    expect(detectExplicitRequest("I want a word with the owner", ["word with the owner"])).toMatchObject({ source: "custom" });
  });

  it("on the qualification's rules", () => {
    const start = initialQualification();
    const found = updateQualification(start, { seq: 1, text: "We are looking for a partner to build our booking app. Our launch is in 3 months." });
    expect(found.problemFit.evidence.map((e) => e.signal)).toContain("partner_to_build");
    expect(found.timingFit.confidence).toBeGreaterThan(0);
    expect(updateQualification(start, { seq: 2, text: "What are your prices?" })).toBe(start); // nothing to record: the same state
  });
});
