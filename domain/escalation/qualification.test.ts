import { describe, expect, it } from "vitest";
import {
  CONFIRMED,
  confirmedDimensions,
  extractVisitorData,
  hasProgressed,
  initialQualification,
  isValidEmail,
  leadLevel,
  mergeVisitorData,
  updateQualification,
  type Dimension,
  type QualificationState,
} from "./qualification";

const fold = (...texts: string[]): QualificationState =>
  texts.reduce((state, text, i) => updateQualification(state, { seq: i + 1, text }), initialQualification());

const withConfidence = (c: Partial<Record<Dimension, number>>, persona: QualificationState["persona"] = null): QualificationState => {
  const s = initialQualification();
  for (const [d, v] of Object.entries(c) as [Dimension, number][]) s[d].confidence = v;
  s.persona = persona;
  return s;
};

describe("updateQualification confirms a dimension from one clear statement", () => {
  it.each<[string, Dimension]>([
    ["We need to rebuild our onboarding flow.", "problemFit"],
    ["We're struggling with churn in our mobile app.", "problemFit"],
    ["We're looking for a partner to build our patient portal.", "problemFit"],
    ["Our biggest challenge is onboarding drop-off.", "problemFit"],
    ["We are looking for an agency to help with our data platform.", "problemFit"],
    ["I'm the CTO.", "authorityFit"],
    ["I'm the founder of a small studio.", "authorityFit"],
    ["Hi, I'm Ana, the CTO at Acme.", "authorityFit"],
    ["I'm head of engineering at Initech.", "authorityFit"],
    ["As VP of Product, I own this.", "authorityFit"],
    ["I lead the data team.", "authorityFit"],
    ["I make the final decision on vendors.", "authorityFit"],
    ["It's my budget.", "authorityFit"],
    ["We're a 50-person fintech.", "companyFit"],
    ["We have 200 employees across Europe.", "companyFit"],
    ["We're a Series B company.", "companyFit"],
    ["We want this live this quarter.", "timingFit"],
    ["We need to launch by January.", "timingFit"],
    ["It's urgent, ASAP please.", "timingFit"],
    ["We have a hard deadline.", "timingFit"],
    ["We'd like to start within 3 weeks.", "timingFit"],
    ["Next month would be ideal.", "timingFit"],
  ])("%j confirms %s", (text, dimension) => {
    const state = fold(text);
    expect(state[dimension].confidence).toBeGreaterThanOrEqual(CONFIRMED);
    expect(state[dimension].evidence[0]).toMatchObject({ seq: 1, quote: text });
  });

  it.each<[string, string, Dimension]>([
    ["a manager is weaker than an executive", "I'm a product manager.", "authorityFit"],
    ["a company name alone is weak evidence", "I work at Acme.", "companyFit"],
    ["an industry alone is weak evidence", "We're a fintech.", "companyFit"],
    ["'this year' is a vague timeline", "Sometime this year.", "timingFit"],
    ["planning to build is a softer need", "We want to build a mobile app.", "problemFit"],
  ])("%s: %j stays under confirmed but counts", (_name, text, dimension) => {
    const c = fold(text)[dimension].confidence;
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(CONFIRMED);
  });
});

describe("updateQualification reads hot-lead evidence stated in everyday words", () => {
  it.each<[string, Dimension]>([
    ["VP Engineering at a Series B healthtech", "authorityFit"],
    ["Founder here. Quick question.", "authorityFit"],
    ["Hello! Director of Operations at Kestrel Freight here", "authorityFit"],
    ["Hi, I'm Priya, VP Operations at Coastline Hotels", "authorityFit"],
    ["I'm the ecommerce director", "authorityFit"],
    ["the digital budget sits with me", "authorityFit"],
    ["budget's signed off", "authorityFit"],
    ["budget is already approved", "authorityFit"],
    ["i own a 15-shop bakery chain", "authorityFit"],
    ["as Head of Analytics I own this", "authorityFit"],
    ["a 120-person logistics company", "companyFit"],
    ["Head of Data at Orla Retail (UK, 500 employees)", "companyFit"],
    ["head of platform at a streaming startup, 60ish people", "companyFit"],
    ["we turn over about £20m a year", "companyFit"],
    ["I run IT at a 400-bed hospital", "companyFit"],
    ["we have 14 hotels across the coast", "companyFit"],
    ["we're a b2b saas company", "companyFit"],
    ["it has to ship by spring", "timingFit"],
    ["before Black Friday ideally", "timingFit"],
    ["we need it ahead of the summer season", "timingFit"],
    ["in time for christmas", "timingFit"],
    ["by the start of next quarter", "timingFit"],
    ["the regulator deadline is end of Q2", "timingFit"],
    ["we need a proper data pipeline", "problemFit"],
    ["our claims portal is ancient", "problemFit"],
    ["our reporting pipeline breaks every week", "problemFit"],
    ["our field reporting app needs rebuilding", "problemFit"],
    ["we want it automated before year end", "problemFit"],
    ["we're building a new backend and need extra hands", "problemFit"],
    ["looking for devs to build a data pipeline from our IoT sensors", "problemFit"],
    ["We want to add AI triage to our patient intake", "problemFit"],
  ])("%j confirms %s", (text, dimension) => {
    expect(fold(text)[dimension].confidence).toBeGreaterThanOrEqual(CONFIRMED);
  });

  it.each<[string, string, Dimension]>([
    ["someone else's title", "my boss is the CEO", "authorityFit"],
    ["a title in a question", "do you work with a CTO or a product person?", "authorityFit"],
    ["people who use the product are not a headcount", "500 people use our app every day", "companyFit"],
    ["a bare industry", "We're a fintech.", "companyFit"],
    ["a happy system is not a problem", "our app is great", "problemFit"],
    ["the past is not a problem", "our old website was built by another agency", "problemFit"],
    ["wanting a call is not a problem", "I'd like someone to call me about your services", "problemFit"],
    ["a season without a deadline", "summer is lovely in Lisbon", "timingFit"],
  ])("%s: %j does not confirm", (_name, text, dimension) => {
    expect(fold(text)[dimension].confidence).toBeLessThan(CONFIRMED);
  });

  it("'no project yet' counts against a problem said before it", () => {
    expect(fold("we need a new booking system", "actually no project yet, just browsing").problemFit.confidence).toBeLessThan(CONFIRMED);
  });

  it("one stated role is one piece of evidence, however many rules read it", () => {
    const state = fold("Hi, I'm Ana, the CTO at Acme.");
    expect(state.authorityFit.evidence.map((e) => e.signal)).toEqual(["exec_role"]);
  });
});

describe("updateQualification ignores near-misses", () => {
  it.each<[string, string, Dimension]>([
    ["asking for a human is not a need", "I need to talk to a human", "problemFit"],
    ["checking with the boss is not a need", "I need to check with my boss", "problemFit"],
    ["a question is not a need", "What do you do?", "problemFit"],
    ["'at the moment' is not a company", "I'm looking at this at the moment", "companyFit"],
    ["a month in another sense is not a deadline", "May I ask something?", "timingFit"],
    ["markup is not a signal", "<script>alert('CTO')</script>", "authorityFit"],
  ])("%s: %j", (_name, text, dimension) => {
    expect(fold(text)[dimension].confidence).toBe(0);
  });
});

describe("updateQualification with evidence against", () => {
  it.each<[string, string[], Dimension, number]>([
    ["needing the boss's approval lowers authority", ["I'm the head of marketing.", "I'll need to check with my CEO first."], "authorityFit", CONFIRMED],
    ["saying you are not the decision maker lowers authority", ["I'm a product manager.", "I'm not the decision maker."], "authorityFit", 0.3],
    ["'just browsing' lowers timing", ["Maybe next month.", "Honestly we're just exploring."], "timingFit", CONFIRMED],
  ])("%s", (_name, texts, dimension, below) => {
    const before = fold(...texts.slice(0, 1));
    const after = fold(...texts);
    expect(after[dimension].confidence).toBeLessThan(before[dimension].confidence);
    expect(after[dimension].confidence).toBeLessThan(below);
    expect(after[dimension].evidence.some((e) => e.weight < 0)).toBe(true);
  });
});

describe("updateQualification bookkeeping", () => {
  it("does not modify the state it is given", () => {
    const start = initialQualification();
    const snapshot = structuredClone(start);
    updateQualification(start, { seq: 1, text: "I'm the CTO and we need to rebuild by March." });
    expect(start).toEqual(snapshot);
  });

  it("does not count the same rule twice in one dimension", () => {
    const once = fold("I'm the CTO.");
    const twice = fold("I'm the CTO.", "As I said, I'm the CTO.");
    expect(twice.authorityFit.confidence).toBe(once.authorityFit.confidence);
    expect(twice.authorityFit.evidence).toHaveLength(1);
  });

  it("combines independent signals into a higher confidence", () => {
    const one = fold("We need to rebuild our onboarding.").problemFit.confidence;
    const two = fold("We need to rebuild our onboarding.", "We're struggling with drop-off.").problemFit.confidence;
    expect(two).toBeGreaterThan(one);
    expect(two).toBeLessThanOrEqual(1);
  });

  it("quotes the sentence and the message seq, not the whole message", () => {
    const state = updateQualification(initialQualification(), { seq: 7, text: "Hello there. We're a 50-person fintech. Thanks!" });
    expect(state.companyFit.evidence[0]).toEqual({ seq: 7, quote: "We're a 50-person fintech.", signal: "size_and_industry", weight: 0.6 });
  });

  it("cuts long quotes", () => {
    const state = fold(`We need to rebuild ${"everything ".repeat(100)}`);
    expect(state.problemFit.evidence[0]?.quote.length).toBeLessThanOrEqual(200);
  });

  it.each([
    ["a competitor", "We're building a similar product, how do you price it?", "N1"],
    ["a student", "I'm a student writing a thesis on chatbots.", "N2"],
    ["a job seeker", "Are you hiring?", "N2"],
  ])("records %s as a persona with evidence", (_name, text, persona) => {
    const state = updateQualification(initialQualification(), { seq: 3, text });
    expect(state.persona).toBe(persona);
    expect(state.personaEvidence).toMatchObject({ seq: 3, quote: text });
  });

  it("keeps the first persona even if a later message sounds like a buyer", () => {
    const state = fold("I work at a competitor.", "I'm a student too, honestly.", "I'm the CTO.");
    expect(state.persona).toBe("N1");
    expect(state.personaEvidence?.seq).toBe(1);
  });
});

describe("leadLevel", () => {
  it.each<[string, Partial<Record<Dimension, number>>, QualificationState["persona"], string]>([
    ["problem + authority + company is hot", { problemFit: 0.6, authorityFit: 0.8, companyFit: 0.6 }, null, "hot"],
    ["problem + authority + timing is hot", { problemFit: 0.7, authorityFit: 0.7, timingFit: 0.7 }, null, "hot"],
    ["problem + authority alone is warm", { problemFit: 0.9, authorityFit: 0.9 }, null, "warm"],
    ["problem + company + timing without authority is warm", { problemFit: 0.9, companyFit: 0.9, timingFit: 0.9 }, null, "warm"],
    ["problem alone is warm", { problemFit: 0.6 }, null, "warm"],
    ["two dimensions without problem are warm", { authorityFit: 0.8, companyFit: 0.6 }, null, "warm"],
    ["one dimension other than problem is cold", { authorityFit: 0.8 }, null, "cold"],
    ["just under the threshold does not count", { problemFit: 0.59, authorityFit: 0.8, companyFit: 0.8 }, null, "warm"],
    ["nothing is cold", {}, null, "cold"],
    ["a competitor with every dimension is cold", { problemFit: 1, authorityFit: 1, companyFit: 1, timingFit: 1 }, "N1", "cold"],
    ["a researcher with every dimension is cold", { problemFit: 1, authorityFit: 1, companyFit: 1, timingFit: 1 }, "N2", "cold"],
  ])("%s", (_name, confidences, persona, level) => {
    expect(leadLevel(withConfidence(confidences, persona))).toBe(level);
  });

  it("turns hot in the message that confirms the last dimension", () => {
    const messages = ["Hi, I'm Ana, the CTO at Acme.", "We're a 50-person fintech.", "We're struggling with onboarding drop-off."];
    const levels = messages.map((_, i) => leadLevel(fold(...messages.slice(0, i + 1))));
    expect(levels).toEqual(["cold", "warm", "hot"]);
  });

  it("lists confirmed dimensions", () => {
    expect(confirmedDimensions(withConfidence({ problemFit: 0.6, timingFit: 0.2, companyFit: 0.9 }))).toEqual(["problemFit", "companyFit"]);
  });
});

describe("hasProgressed", () => {
  it.each([
    ["a new signal is progress", "We need to rebuild our app.", true],
    ["small talk is not", "Nice weather today", false],
    ["evidence against is not", "just browsing", false],
  ])("%s", (_name, text, expected) => {
    const before = initialQualification();
    expect(hasProgressed(before, updateQualification(before, { seq: 1, text }))).toBe(expected);
  });
});

describe("extractVisitorData", () => {
  it.each([
    ["Hi, I'm Ana, the CTO at Acme.", { name: "Ana", company: "Acme", role: "CTO" }],
    ["my name is ana lopez and my email is Ana.Lopez@Acme.io.", { name: "Ana Lopez", email: "ana.lopez@acme.io" }],
    ["Ana here from Globex", { name: "Ana", company: "Globex" }],
    ["This is Bob from Umbrella Labs", { name: "Bob", company: "Umbrella Labs" }],
    ["I'm the head of engineering at Initech", { company: "Initech", role: "head of engineering" }],
    ["I work for Acme Corp as a product manager", { company: "Acme Corp", role: "product manager" }],
    ["I am VP of Sales at Stark Industries", { company: "Stark Industries", role: "VP of Sales" }],
    ["our company is called Pied Piper", { company: "Pied Piper" }],
    ["sure: ana@acme.com", { email: "ana@acme.com" }],
    ["email: ana@acme", { invalidEmail: "ana@acme" }],
    ["ana@@acme.com", { invalidEmail: "ana@@acme.com" }],
    ["I'm Interested in pricing", {}],
    ["I'm looking at this at the moment", {}],
    ["I'm at Christmas dinner", {}],
    ["call me tomorrow", {}],
    ["ping me at <script>alert(1)</script>", {}],
    ["", {}],
  ])("%j → %j", (text, expected) => {
    expect(extractVisitorData(text)).toEqual(expected);
  });

  it("keeps a valid email and drops an invalid attempt in the same message", () => {
    expect(extractVisitorData("ana@acme, sorry: ana@acme.com")).toEqual({ email: "ana@acme.com" });
  });
});

describe("isValidEmail", () => {
  it.each([
    ["ana@acme.com", true],
    ["ana.lopez+chat@mail.acme.co.uk", true],
    ["ANA@ACME.IO", true],
    ["ana@acme", false],
    ["@acme.com", false],
    ["ana@.com", false],
    ["ana..lopez@acme.com", false],
    [".ana@acme.com", false],
    ["ana@acme..com", false],
    ["ana@-acme.com", false],
    ["ana lopez@acme.com", false],
    [`${"a".repeat(65)}@acme.com`, false],
    [`ana@${"a".repeat(250)}.com`, false],
    ["<script>@acme.com", false],
  ])("%j → %s", (email, valid) => {
    expect(isValidEmail(email)).toBe(valid);
  });
});

describe("mergeVisitorData", () => {
  it.each([
    ["later values win (a corrected email)", { email: "ana@old.com", name: "Ana" }, { email: "ana@new.com" }, { email: "ana@new.com", name: "Ana" }],
    ["a valid email clears an invalid attempt", { invalidEmail: "ana@acme" }, { email: "ana@acme.com" }, { email: "ana@acme.com" }],
    ["an invalid attempt after a valid email is dropped", { email: "ana@acme.com" }, { invalidEmail: "oops@x" }, { email: "ana@acme.com" }],
    ["an invalid attempt is kept when there is no email", {}, { invalidEmail: "ana@acme" }, { invalidEmail: "ana@acme" }],
  ])("%s", (_name, previous, next, expected) => {
    expect(mergeVisitorData(previous, next)).toEqual(expected);
  });
});
