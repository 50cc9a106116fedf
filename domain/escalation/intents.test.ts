import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultEscalationSettings, escalationSettingsSchema } from "./escalation-settings";
import {
  detectCategory,
  detectExplicitRequest,
  detectPersona,
  detectUrgency,
  dice,
  diceAtLeast,
  extractRefund,
  findPhrase,
  isQuestion,
  isSameQuestion,
  isShortNonCommittal,
  normalizeText,
} from "./intents";

const { categories, refundLimitUsd } = defaultEscalationSettings();

describe("normalizeText", () => {
  it.each([
    ["I'd rather book a call", "i would rather book a call"],
    ["I’m the CTO", "i am the cto"],
    ["we're  a\tfintech", "we are a fintech"],
    ["This isn't helpful", "this is not helpful"],
    ["dont", "do not"],
    ["can't won't", "can not will not"],
    ["It's Acme's product", "it is acme's product"],
    ["zero\u200bwidth", "zerowidth"],
  ])("%j → %j", (text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });
});

describe("detectExplicitRequest fires on requests for a person", () => {
  it.each([
    // The phrasings the issue requires.
    ["can I talk to a person", "can i talk to a person"],
    ["Can I speak to someone on your team?", "can i speak to someone"],
    ["speak to someone on your team", "speak to someone"],
    ["Can you connect me with sales?", "connect me with sales"],
    ["I'd rather just book a call", "i would rather just book a call"],
    ["I’d rather book a call", "i would rather book a call"],
    ["Is there an engineer I can talk to?", "is there an engineer i can talk to"],
    ["Who should I talk to about this?", "who should i talk to"],
    ["can I get a human", "can i get a human"],
    ["real person please", "real person"],
    ["let me talk to an agent", "let me talk to an agent"],
    // Paraphrases.
    ["I want to talk to a real person", undefined],
    ["get me a human", undefined],
    ["I'd like to speak with your sales team", undefined],
    ["Could you put me in touch with someone?", undefined],
    ["transfer me to a human", undefined],
    ["Can I chat with a live agent?", undefined],
    ["please escalate this to a manager", undefined],
    ["Is anyone there?", undefined],
    ["can someone call me back?", undefined],
    ["Please have a sales rep reach out to me", undefined],
    ["I would prefer to talk to someone", undefined],
    ["human", undefined],
    ["Agent please", undefined],
    ["Representative.", undefined],
    ["why can't I talk to a human?", undefined],
    ["can a human take over?", undefined],
    ["Can we schedule a demo?", undefined],
    ["could we hop on a quick call?", undefined],
    ["give me a call", undefined],
    ["I'd love to talk to one of your engineers", undefined],
    ["who's the right person to speak with?", undefined],
    ["Is there someone from sales I can talk to?", undefined],
    ["i need a human", undefined],
    ["let me speak to your team", undefined],
    ["please connect me", undefined],
    ["I want to speak with a human being", undefined],
    ["Can anyone help me?", undefined],
    ["do you have someone I could speak with?", undefined],
    ["OK, can I talk to my account manager?", undefined],
    ["CAN I TALK TO A PERSON", undefined],
    ["pls can i speak to someone", undefined],
  ])("%j", (text, phrase) => {
    const hit = detectExplicitRequest(text);
    expect(hit).not.toBeNull();
    expect(hit?.source).toBe("builtin");
    if (phrase) expect(hit?.phrase).toBe(phrase);
  });
});

describe("detectExplicitRequest does not fire on near-misses", () => {
  it.each([
    ["a job title with 'human'", "I'm a human resources manager"],
    ["pricing for a kind of user", "pricing for support agents"],
    ["a mention of the visitor's own sales team", "our sales team uses Salesforce"],
    // A question about the team's abilities, for the bot to answer; the visitor has not asked to
    // be handed over. If they follow up with "can I talk to one of them?", that fires.
    ["a question about who is on the team", "do you have people who speak Spanish in your team?"],
    ["talking to the visitor's own team", "I need to talk to my team first"],
    ["talking to the visitor's own manager", "let me talk to my manager"],
    ["someone at the visitor's company", "I should speak to someone at my company"],
    ["a call on the visitor's side", "We have a call with our investors tomorrow"],
    ["a call with the visitor's board", "we need to schedule a call with our board"],
    ["the past", "I spoke to someone last week"],
    ["a refusal", "I don't want to talk to a human"],
    ["a refusal with 'no need'", "no need to connect me with sales yet"],
    ["talking about a topic", "can I talk about pricing?"],
    ["an integration question", "Does your bot connect to Salesforce?"],
    ["the visitor's agents", "Our agents talk to customers all day"],
    ["a capability question", "Can your engineers help us migrate to AWS?"],
    ["hiring a person", "I need a person who can build our app"],
    ["the visitor's support habits", "we talk to support every day"],
    ["a name introduction", "Call me Ana"],
    ["describing a need", "I need someone who knows React"],
    ["a product feature", "is the human handoff feature included?"],
    ["asking whether this is a bot", "are you a bot?"],
    ["a question about the support team", "What does your support team do?"],
    ["hostile markup", "<script>alert('talk')</script>"],
    ["empty text", ""],
  ])("%s: %j", (_name, text) => {
    expect(detectExplicitRequest(text)).toBeNull();
  });
});

describe("detectExplicitRequest: someone senior, everyday words, indirect asks", () => {
  it.each([
    ["asks for a supervisor", "I'd like to speak with a supervisor please", true],
    ["asks for the manager, curtly", "get me your manager", true],
    ["asks for the boss", "let me talk to the boss", true],
    ["asks for someone in charge", "is there someone in charge I could speak to?", true],
    ["asks for someone senior", "can I speak to somebody more senior", true],
    ["has a word with someone", "could I have a word with someone from sales", false],
    ["wants a member of staff to email", "could a member of staff email me tomorrow?", false],
    ["text-speak: sb from ur team", "can u get sb from ur team to ring me", false],
    ["a salesperson should reach out", "please have a salesperson reach out", false],
    ["a person on the line", "any chance of getting a person on the line?", false],
    ["fetch a real person", "fetch me a real person mate", false],
    ["a zoom with a consultant", "I'd love to hop on a zoom with one of your consultants", false],
    ["the quickest way to a person", "what's the quickest way to get hold of your team", false],
    ["give me a bell", "could one of your engineers give me a bell?", false],
    ["reach the team directly", "how can I reach your team directly", false],
    ["email somebody instead", "can I just email someone instead?", false],
    ["a phone number", "is there a phone number I can use?", false],
    ["a proper conversation", "I'd prefer a proper conversation to this", false],
    ["anyone home", "hello? anybody home?", false],
    ["who else to ask", "who else could I ask about this", false],
    ["someone who can answer", "isn't there somebody who can answer this?", false],
    ["go over it with someone", "I'd rather go over this with someone from your side", false],
    ["walk someone through", "I need to walk a person through our architecture", false],
    ["a real contact", "where do I find a real contact?", false],
    ["subject dropped", "would rather talk to a human if possible", false],
  ])("%s: %j", (_name, text, senior) => {
    const hit = detectExplicitRequest(text);
    expect(hit).not.toBeNull();
    expect(hit?.asksForManager === true).toBe(senior);
  });

  it.each([
    ["the visitor's own manager", "my manager asked me to look at agencies"],
    ["the visitor's own boss", "I need to run it past my boss first"],
    ["a feature with 'call' in it", "we'd love to have a call scheduling feature in our app"],
    ["a booking product", "we need patients to book a call with their doctor"],
    ["people who speak a language", "does your team have people who speak portuguese?"],
    ["a past conversation", "I had a word with someone at a conference last year"],
    ["a refusal", "no need to get me a manager, I'm just looking"],
    ["the phone number of a customer", "our app needs to store a customer's phone number"],
    ["a monitored chat question", "is this chat monitored by humans?"],
    ["people in their product", "we want a real person in the loop before our AI sends anything"],
  ])("does not fire on %s: %j", (_name, text) => {
    const hit = detectExplicitRequest(text);
    expect(hit).toBeNull();
  });

  it("asking for one's account manager routes to account management and is not the manager rung", () => {
    const hit = detectExplicitRequest("can I talk to my account manager?");
    expect(hit).toMatchObject({ route: "account_management" });
    expect(hit?.asksForManager).toBeUndefined();
  });
});

describe("detectExplicitRequest routes and custom phrases", () => {
  it.each([
    ["connect me with sales", "sales"],
    ["can I talk to support?", "support"],
    ["put me in touch with your legal team", "legal"],
    ["can I talk to my account manager?", "account_management"],
    ["can I talk to a person", null],
  ])("%j names the route %s", (text, route) => {
    expect(detectExplicitRequest(text)?.route).toBe(route);
  });

  it.each([
    ["a project phrase", "let me see the boss", ["see the boss"], "see the boss"],
    ["case and punctuation do not matter", "Let me see THE boss!", ["see the boss"], "see the boss"],
    ["a French phrase", "je veux parler à quelqu'un", ["parler à quelqu'un"], "parler à quelqu'un"],
  ])("adds %s from settings", (_name, text, extra, matched) => {
    expect(detectExplicitRequest(text, extra)).toEqual({ phrase: matched, source: "custom", route: null });
  });

  it("ignores a custom phrase that only appears inside a word", () => {
    expect(detectExplicitRequest("the bossanova", ["boss"])).toBeNull();
  });
});

describe("detectCategory", () => {
  it.each([
    ["What would the exact cost be for a 6-month engagement?", "contract_pricing", "out_of_scope", "sales"],
    ["Do you offer discounts for startups?", "contract_pricing", "out_of_scope", "sales"],
    ["Can I get a quote for a mobile app?", "contract_pricing", "out_of_scope", "sales"],
    ["Can you sign our NDA before we share specs?", "legal", "out_of_scope", "legal"],
    ["can we sign a non-disclosure agreement?", "legal", "out_of_scope", "legal"],
    ["Who owns the IP of the code you write?", "legal", "out_of_scope", "legal"],
    ["I'm already working with you and have an issue with my team", "existing_client", "out_of_scope", "account_management"],
    ["What's the salary of your developers?", "internal_info", "out_of_scope", "sales"],
    ["Can you do a technical assessment of our architecture?", "technical_scoping", "out_of_scope", "sales"],
    ["How long would it take to rebuild our backend?", "technical_scoping", "out_of_scope", "sales"],
    ["I want a refund", "refunds_billing", "sensitive", "support"],
    ["I want to cancel my subscription", "refunds_billing", "sensitive", "support"],
    ["I was charged twice this month", "refunds_billing", "sensitive", "support"],
    ["This is fraud", "high_risk", "sensitive", "legal"],
    ["I'll file a chargeback", "high_risk", "sensitive", "legal"],
    ["we will sue you", "high_risk", "sensitive", "legal"],
    ["my lawyer will be in touch", "high_risk", "sensitive", "legal"],
  ])("%j → %s (%s, routed to %s)", (text, id, kind, route) => {
    expect(detectCategory(text, categories, refundLimitUsd)).toMatchObject({ id, kind, route });
  });

  it.each([
    ["a product question", "What does your product do?"],
    ["a request for case studies", "Do you have case studies?"],
    ["a colleague called Sue", "Sue from marketing asked me to reach out"],
    ["a prospect's billing project", "We need help with our billing system"],
    ["a fraud-detection prospect", "we're a fraud detection startup"],
    ["a prospect's chargeback pain", "we're struggling with chargebacks in our store"],
    ["a prospect's refund flow", "we need to rebuild our refund flow"],
    ["a prospect's refund volume", "We process $2M in refunds a year"],
    ["an insurance prospect", "we're a liability insurance startup"],
    ["a prospect scoping their own project", "we're scoping a new project"],
    ["hostile markup", "<img src=x onerror=alert(1)>"],
  ])("ignores %s: %j", (_name, text) => {
    expect(detectCategory(text, categories, refundLimitUsd)).toBeNull();
  });

  it.each([
    [
      "a refund over the limit is sensitive, high and suggests a manager",
      "I want a refund of $1,200",
      { id: "refunds_billing", priority: "high", suggestManager: true },
      { amount: 1200, currency: "USD", overLimit: true },
    ],
    [
      "a refund under the limit stays with support",
      "please refund my 300 dollars",
      { id: "refunds_billing", suggestManager: false },
      { amount: 300, currency: "USD", overLimit: false },
    ],
    ["euros are compared as written (no FX)", "refund me €800", { suggestManager: true }, { amount: 800, currency: "EUR", overLimit: true }],
    ["a k suffix multiplies", "I need a refund of 2k USD", { suggestManager: true }, { amount: 2000, currency: "USD", overLimit: true }],
    ["a bare amount after 'refund of' counts", "I'd like a refund of 600", { suggestManager: true }, { amount: 600, currency: null, overLimit: true }],
  ])("%s", (_name, text, match, refund) => {
    const hit = detectCategory(text, categories, refundLimitUsd);
    expect(hit).toMatchObject({ ...match, refund });
  });

  it("gives the refund-over-limit reason code", () => {
    expect(detectCategory("I want a refund of $1,200", categories, 500)?.reasons).toEqual([
      "category:refunds_billing",
      "keyword:a refund",
      "refund_over_limit:1200>500",
    ]);
  });

  it("follows the project's refund limit", () => {
    expect(detectCategory("I want a refund of $1,200", categories, 2000)?.suggestManager).toBe(false);
  });

  it("prefers a high-risk category and still reports the refund and the other match", () => {
    const hit = detectCategory("I want a refund of $900 or I'll call my lawyer", categories, refundLimitUsd);
    expect(hit).toMatchObject({ id: "high_risk", priority: "urgent", suggestManager: true, alsoMatched: ["refunds_billing"] });
    expect(hit?.reasons).toContain("refund_over_limit:900>500");
  });

  it("prefers sensitive over out-of-scope when both match", () => {
    expect(detectCategory("Send me an exact price, or I'll file a chargeback", categories, refundLimitUsd)?.id).toBe("high_risk");
  });

  it("flags a refund over the limit even when no category covers refunds", () => {
    expect(detectCategory("I want a refund of $900", [], refundLimitUsd)).toMatchObject({
      id: "refund_over_limit",
      kind: "sensitive",
      route: "support",
      suggestManager: true,
    });
  });

  it("matches project categories with a wildcard keyword", () => {
    const custom = escalationSettingsSchema.parse({
      categories: [{ id: "gdpr", label: "GDPR", kind: "out_of_scope", route: "legal", keywords: ["gdpr*"] }],
    }).categories;
    expect(detectCategory("Are you GDPR-compliant?", custom, 500)).toMatchObject({ id: "gdpr", keyword: "gdpr*" });
  });
});

describe("detectCategory closes the gaps: disputes, threats to report, bare legal questions, payment terms, clients' systems", () => {
  it.each([
    ["a dispute with the bank", "I'm going to dispute the charge with my bank", "high_risk"],
    ["a dispute, in other words", "we will raise a dispute with our card provider", "high_risk"],
    ["reversing the payment", "I'll ask my bank to reverse the payment", "high_risk"],
    ["reporting to a regulator", "if this isn't fixed I'll be reporting you to trading standards", "high_risk"],
    ["the ombudsman", "I'm taking this to the ombudsman", "high_risk"],
    ["a bare amount back", "I want the full 6000 back", "refund_over_limit"],
    ["a deposit back", "we want our deposit back", "refunds_billing"],
    ["governing law", "is your contract under Portuguese or English law?", "legal"],
    ["jurisdiction", "which jurisdiction applies to your contracts?", "legal"],
    ["code ownership", "who owns the code when we part ways?", "legal"],
    ["a non-compete", "is there a non-compete clause?", "legal"],
    ["warranties", "what warranty do you give on the software?", "legal"],
    ["instalments", "could we spread payment over 12 monthly instalments?", "contract_pricing"],
    ["an exact price", "what would 6 months with 3 devs cost exactly", "contract_pricing"],
    ["a system the team built for the client", "someone got into the admin panel your team built for us", "existing_client"],
    ["an outage", "our site is down and customers can't check out", "existing_client"],
    ["a VIP", "we're one of your biggest clients and nobody is answering", "existing_client"],
    ["pay", "how much do your developers get paid?", "internal_info"],
    ["a policy exception", "could you make an exception and waive the cancellation fee?", "policy_exception"],
    ["bending the rules", "surely you can bend the rules for a loyal client", "policy_exception"],
  ])("%s: %j is %s", (_name, text, id) => {
    expect(detectCategory(text, categories, 500)?.id).toBe(id);
  });

  it.each([
    ["a prospect whose product handles disputes", "we need a dispute management tool for our marketplace"],
    ["a report the visitor writes", "I'm reporting to my board on vendors next week"],
    ["a law firm as a prospect", "we're a law firm looking for a new client portal"],
    ["a downtime question for the bot", "what happens if our servers go down at night?"],
    ["GDPR, which the security entry answers", "is this GDPR compliant?"],
    ["a liability cap is legal, not an outage", "what's your liability cap if the software causes an outage?"],
    ["exception handling in their code", "our app needs better exception handling"],
  ])("%s: %j is not a sensitive category", (_name, text) => {
    const hit = detectCategory(text, categories, 500);
    expect(hit === null || hit.kind === "out_of_scope").toBe(true);
    expect(hit?.id).not.toBe("high_risk");
    expect(hit?.id).not.toBe("existing_client");
  });
});

describe("detectUrgency: VIP and time-sensitive cues", () => {
  it.each([
    ["our production site is down", { timeSensitive: true, vip: false }],
    ["this is urgent, we need help today", { timeSensitive: true, vip: false }],
    ["as soon as possible please", { timeSensitive: true, vip: false }],
    ["we're one of your biggest clients", { timeSensitive: false, vip: true }],
    ["we're a key account", { timeSensitive: false, vip: true }],
    ["what's your pricing?", { timeSensitive: false, vip: false }],
    ["we can wait, no rush", { timeSensitive: false, vip: false }],
  ])("%j", (text, expected) => {
    expect(detectUrgency(text)).toEqual(expected);
  });
});

describe("extractRefund", () => {
  it.each([
    ["I want a refund of $1,200", 1200],
    ["refund of 1200 USD please", 1200],
    ["I want my money back, $75", 75],
    ["I was charged twice, $49 each", 49],
    ["I want a refund", null],
    ["We process $2M in refunds a year", null],
    ["Our plan costs $900", null],
  ])("%j → %s", (text, amount) => {
    expect(extractRefund(text, 500)?.amount ?? null).toBe(amount);
  });
});

describe("findPhrase", () => {
  it.each([
    ["whole words only", "the bossanova", ["boss"], null],
    ["a trailing * matches word endings", "we were refunded", ["refund*"], "refund*"],
    ["punctuation in the text is ignored", "non-disclosure?", ["non disclosure"], "non disclosure"],
    ["regex characters in a phrase cannot inject a pattern", "is it (a+b)?", ["(a+b)"], "(a+b)"],
    ["a phrase of only punctuation never matches", "anything at all", ["?!"], null],
  ])("%s", (_name, text, phrases, expected) => {
    expect(findPhrase(text, phrases)?.phrase ?? null).toBe(expected);
  });
});

describe("isShortNonCommittal", () => {
  it.each(["ok", "OK.", "Maybe", "idk", "sure", "hmm", "hmmmm", "not sure", "I guess", "i don't know", "ok sure", "👍", "...", "meh"])(
    "%j is non-committal",
    (text) => expect(isShortNonCommittal(text)).toBe(true),
  );

  it.each(["yes", "no", "We are a 50-person fintech", "ok, what about pricing?", "sure, we need it by March", "", "   "])("%j is not", (text) =>
    expect(isShortNonCommittal(text)).toBe(false),
  );
});

describe("isQuestion", () => {
  it.each([
    ["How much is it?", true],
    ["how much is it", true],
    ["can you do mobile apps", true],
    ["We need a mobile app.", false],
    ["ok", false],
  ])("%j → %s", (text, expected) => expect(isQuestion(text)).toBe(expected));
});

describe("isSameQuestion", () => {
  it.each([
    ["How much does it cost?", "how much does it cost??"],
    ["What does it cost?", "How much does it cost"],
    ["What's your pricing?", "what is the price"],
    ["Do you integrate with Salesforce?", "does it have a salesforce integration?"],
    ["how long does onboarding take?", "How long does onboarding take"],
    ["Can you build mobile apps?", "can you build mobile apps, please"],
  ])("%j repeats %j", (a, b) => expect(isSameQuestion(a, b)).toBe(true));

  it.each([
    ["Do you integrate with Salesforce?", "Do you integrate with HubSpot?"],
    ["How much does it cost?", "How long does onboarding take?"],
    ["ok", "ok"],
    ["Can I host it on my own servers?", "Do you offer a mobile SDK?"],
    ["", ""],
  ])("%j differs from %j", (a, b) => expect(isSameQuestion(a, b)).toBe(false));
});

describe("detectPersona", () => {
  it.each([
    ["we're building a similar product", "N1"],
    ["I work at a competitor", "N1"],
    ["for our competitive analysis, what do you charge?", "N1"],
    ["We are a competitor of yours, just curious", "N1"],
    ["we offer the same services", "N1"],
    ["we're in the same space as you", "N1"],
    ["I'm benchmarking you against our own product", "N1"],
    ["I'm a student writing a thesis", "N2"],
    ["I'm a PhD student", "N2"],
    ["are you hiring?", "N2"],
    ["Is your company hiring?", "N2"],
    ["for my research paper", "N2"],
    ["Do you have any internships?", "N2"],
    ["I'd like to send you my CV", "N2"],
    ["I'm looking for a job", "N2"],
    ["Any job openings?", "N2"],
    // Everyday words for the same two personas.
    ["I run a rival studio in Madrid", "N1"],
    ["we're a competing consultancy", "N1"],
    ["we're a dev agency too", "N1"],
    ["doing pretty much what you do, but in Porto", "N1"],
    ["we build the same kind of stuff as you guys", "N1"],
    ["we're basically your competition in the UK lol", "N1"],
    ["researcher at the University of Leeds here", "N2"],
    ["I'm a university researcher", "N2"],
    ["I'm a journalist at a tech outlet", "N2"],
    ["I'm writing an article on AI chatbots for a trade magazine", "N2"],
  ])("%j → %s", (text, persona) => {
    expect(detectPersona(text)?.persona).toBe(persona);
  });

  it.each([
    ["a prospect comparing vendors", "how do you compare to your competitors?"],
    ["a prospect evaluating options", "we're evaluating competitors"],
    ["a prospect whose competitor is a client", "our competitor uses your product"],
    ["a prospect hiring for their own team", "we're hiring engineers and need help"],
    ["a job title containing 'student'", "I'm a student success manager"],
    ["a prospect's research team", "our research team needs a dashboard"],
    ["a job-board product", "we are looking for a job board solution"],
    ["a marketing white paper", "we need a white paper for our launch"],
    ["a prospect building for a market", "we're building a product for fintechs"],
    ["an agency as a prospect", "we're a marketing agency and need a client portal"],
    ["a prospect's rival", "our rival just launched an app, we need one too"],
    ["a researcher at a company", "I'm a researcher at a biotech firm and we need a data pipeline"],
    ["a prospect who publishes", "we're a publisher and want to rebuild our website"],
    ["an article feature in their product", "our app lets users write an article and share it"],
  ])("ignores %s: %j", (_name, text) => {
    expect(detectPersona(text)).toBeNull();
  });
});

describe("detectors on hostile input", () => {
  const nasty = [
    "can i ".repeat(2000),
    "is there ".repeat(1500) + "an engineer",
    "a ".repeat(4000),
    "$1".repeat(3000),
    "refund ".repeat(1000) + "$" + "9".repeat(400),
    `${"<script>".repeat(500)}talk to a human`,
  ];

  // A pathological pattern would hang here until the test times out; no timing is asserted.
  it.each(nasty.map((t, i) => [i, t] as const))("adversarial input %i is analysed without error", (_i, text) => {
    expect(() => {
      detectExplicitRequest(text, ["custom phrase"]);
      detectCategory(text, categories, refundLimitUsd);
      detectPersona(text);
      isShortNonCommittal(text);
      isSameQuestion(text, text);
    }).not.toThrow();
  });
});

describe("diceAtLeast", () => {
  it("answers exactly as dice(a, b) >= min, with or without the length bound", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "c", " ", "ab"), maxLength: 40 });
    fc.assert(
      fc.property(text, text, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, min) => diceAtLeast(a, b, min) === dice(a, b) >= min),
      { numRuns: 2000 },
    );
  });

  it("keeps near-identical questions and drops ones of very different length", () => {
    expect(diceAtLeast("how much does it cost", "how much does it cost?", 0.9)).toBe(true);
    expect(diceAtLeast("how much does it cost", "how much", 0.9)).toBe(false);
  });
});
