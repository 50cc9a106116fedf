import { describe, expect, it } from "vitest";
import { acceptsOffer, decideEscalation, detectSignals, initialEscalationMemory, manualEscalation, type EscalationDecision, type Signals } from "./decision";
import { defaultEscalationSettings, escalationSettingsSchema, type EscalationSettings, type EscalationSettingsInput } from "./escalation-settings";
import { initialQualification, updateQualification } from "./qualification";

const defaults = defaultEscalationSettings();
const settingsWith = (input: EscalationSettingsInput) => escalationSettingsSchema.parse(input);

interface Turn {
  text: string;
  botAnswerable?: boolean;
}
interface PlayOptions {
  settings?: EscalationSettings;
  handoffOpen?: boolean;
  signals?: Partial<Signals>;
}

/** Runs a conversation the way the room does: fold each message, decide, keep the memory. */
function play(turns: readonly (string | Turn)[], options: PlayOptions = {}): EscalationDecision[] {
  let qualification = initialQualification();
  let memory = initialEscalationMemory();
  return turns.map((turn, i) => {
    const { text, botAnswerable } = typeof turn === "string" ? { text: turn, botAnswerable: undefined } : turn;
    const after = updateQualification(qualification, { seq: i + 1, text });
    const decision = decideEscalation({
      settings: options.settings ?? defaults,
      message: { seq: i + 1, text },
      qualification: { before: qualification, after },
      memory,
      handoffOpen: options.handoffOpen ?? false,
      botAnswerable,
      signals: i === turns.length - 1 ? options.signals : undefined,
    });
    qualification = after;
    memory = decision.memory;
    return decision;
  });
}

/** The decision on the last message of a conversation. */
function decideLast(turns: readonly (string | Turn)[], options?: PlayOptions): EscalationDecision {
  const decision = play(turns, options).at(-1);
  if (!decision) throw new Error("empty conversation");
  return decision;
}

const WARM = ["We need to rebuild our onboarding flow."];
const HOT = ["Hi, I'm Ana, the CTO at Acme.", "We're a 50-person fintech.", "We're struggling with onboarding drop-off."];
const N1 = ["We're building a similar product."];
const N2 = ["I'm a student writing a thesis on chatbots."];
const fluff = (n: number) => Array.from({ length: n }, (_, i) => `Just reading page ${i + 1} of your site.`);

describe("explicit request: always escalates", () => {
  it.each([
    ["a cold visitor", [], "can I talk to a person", "sales", "normal"],
    ["a warm lead", WARM, "Can I speak to someone on your team?", "sales", "high"],
    ["a lead that is already hot", HOT, "connect me with sales", "sales", "urgent"],
    ["a competitor (N1), who goes to support, never sales", N1, "connect me with sales", "support", "low"],
    ["a student (N2), who goes to support", N2, "Is there an engineer I can talk to?", "support", "low"],
    ["a visitor naming the legal team", [], "put me in touch with your legal team", "legal", "normal"],
    ["a visitor asking about a refund, routed by the category", [], "can I talk to someone about a refund?", "support", "high"],
    ["a competitor asking about an NDA, routed to legal", N1, "can I talk to someone about an NDA?", "legal", "normal"],
  ])("for %s", (_name, history, text, route, priority) => {
    const d = decideLast([...history, text]);
    expect(d).toMatchObject({ escalate: true, trigger: "explicit_request", route, priority, captureOnly: false });
    expect(d.reasons[0]).toMatch(/^explicit_phrase:/);
  });

  it("gives the matched phrase as the reason code", () => {
    expect(decideLast(["Can you connect me with sales?"]).reasons).toEqual(["explicit_phrase:connect me with sales"]);
  });

  it("names the persona in the reasons", () => {
    expect(decideLast([...N1, "can I talk to a person"]).reasons).toContain("persona:N1");
  });

  it("wins over a lead turning hot in the same message, and still stops qualifying", () => {
    const d = decideLast(["Hi, I'm Ana, the CTO at Acme.", "We're a 50-person fintech.", "We're struggling with churn, can I talk to someone?"]);
    expect(d).toMatchObject({ trigger: "explicit_request", priority: "urgent", stopQualifying: true, leadLevel: "hot" });
  });

  it("wins over a category in the same message, keeping the category as a reason", () => {
    const d = decideLast(["I'd like to speak to someone about the exact cost of a 6-month engagement"]);
    expect(d).toMatchObject({ trigger: "explicit_request", route: "sales" });
    expect(d.reasons).toContain("category:contract_pricing");
  });

  it("with handoff disabled, still escalates, as a capture only", () => {
    const d = decideLast(["can I get a human"], { settings: settingsWith({ handoffEnabled: false }) });
    expect(d).toMatchObject({ escalate: true, trigger: "explicit_request", captureOnly: true });
  });

  it.each([
    ["a supervisor", "I want to speak with a supervisor"],
    ["the manager", "get me your manager"],
    ["someone in charge", "is there someone in charge I can talk to?"],
  ])("asking for %s suggests the manager rung (L3) with its own reason code", (_name, text) => {
    const decision = decideLast([text]);
    expect(decision).toMatchObject({ escalate: true, trigger: "explicit_request", suggestManager: true });
    expect(decision.reasons).toContain("asks_for_manager");
  });

  it("asking for a person, not someone senior, does not suggest the manager", () => {
    const decision = decideLast(["can I talk to a person"]);
    expect(decision.suggestManager).toBe(false);
    expect(decision.reasons).not.toContain("asks_for_manager");
  });

  it("fires on a project's own phrase", () => {
    const d = decideLast(["je veux parler à quelqu'un"], { settings: settingsWith({ explicitRequestPhrases: ["parler à quelqu'un"] }) });
    expect(d).toMatchObject({ escalate: true, reasons: ["explicit_phrase:parler à quelqu'un"] });
  });

  it.each([
    ["I'm a human resources manager"],
    ["pricing for support agents"],
    ["our sales team uses Salesforce"],
    ["do you have people who speak Spanish in your team?"],
  ])("does not fire on the near-miss %j", (text) => {
    expect(decideLast([text]).trigger).not.toBe("explicit_request");
  });
});

describe("hot lead: escalates in the exchange the threshold is crossed", () => {
  it("escalates on the third message, not before", () => {
    const decisions = play(HOT);
    expect(decisions.map((d) => [d.leadLevel, d.escalate])).toEqual([
      ["cold", false],
      ["warm", false],
      ["hot", true],
    ]);
    expect(decisions[2]).toMatchObject({ trigger: "hot_lead", route: "sales", priority: "urgent", stopQualifying: true, offer: "none" });
  });

  it.each([
    ["a title, a headcount and a season", ["Founder here. We're a 40-person e-commerce brand and need our warehouse system integrated before Black Friday"], 1],
    [
      "a title without 'I am', then the problem and a quarter",
      ["Head of Data at Orla Retail (UK, 500 employees)", "our reporting pipeline breaks every week and we want to rebuild it this quarter"],
      2,
    ],
    [
      "an approved budget as authority",
      [
        "looking for a partner to modernise our customer portal",
        "we're a utility with roughly 900 employees",
        "the budget sits with me and we need to start in August",
      ],
      3,
    ],
  ])("escalates %s, in the exchange it turns hot", (_name, turns, at) => {
    const decisions = play(turns);
    expect(decisions.findIndex((d) => d.trigger === "hot_lead") + 1).toBe(at);
  });

  it("problem, company and timing without authority stay warm", () => {
    expect(decideLast(["We're an e-commerce brand with 80 staff", "we want to launch a loyalty app next quarter"])).toMatchObject({
      escalate: false,
      leadLevel: "warm",
    });
  });

  it("explains itself with the confirmed dimensions", () => {
    expect(decideLast(HOT).reasons).toEqual(["lead:hot", "problem_fit:0.6", "authority_fit:0.8", "company_fit:0.86"]);
  });

  it("escalates with timing instead of company", () => {
    expect(decideLast(["I'm the founder.", "We need to rebuild our app by March."])).toMatchObject({ trigger: "hot_lead" });
  });

  it("does not escalate again once hot, but keeps the bot from qualifying", () => {
    expect(decideLast([...HOT, "What happens next?"])).toMatchObject({ escalate: false, trigger: null, stopQualifying: true });
  });

  it("keeps a same-message category as a secondary reason", () => {
    const d = decideLast(["Hi, I'm Ana, the CTO at Acme.", "We're a 50-person fintech.", "We're struggling with churn; can I get a quote for a rebuild?"]);
    expect(d).toMatchObject({ trigger: "hot_lead", route: "sales" });
    expect(d.reasons).toContain("category:contract_pricing");
  });

  it.each([
    ["a competitor", ["We're building a similar product.", "I'm the CTO at Acme.", "We're a 50-person fintech.", "We need to launch by March."]],
    ["a student", ["I'm a student writing a thesis.", "I'm the CTO of my student startup.", "We need to launch by March.", "We're a 5-person team."]],
  ])("never fires for %s, whatever the dimensions", (_name, turns) => {
    expect(play(turns).some((d) => d.trigger === "hot_lead")).toBe(false);
  });

  it("does not fire with handoff disabled", () => {
    const d = decideLast(HOT, { settings: settingsWith({ handoffEnabled: false }) });
    expect(d).toMatchObject({ escalate: false, trigger: null, reasons: ["handoff_disabled"], stopQualifying: true });
  });
});

describe("out-of-scope and sensitive: routed to the category's team", () => {
  it.each([
    ["contract or pricing terms", "What would the exact cost be for a 6-month engagement?", "out_of_scope", "sales", "normal", false],
    ["legal / NDA", "Can you sign our NDA before we share specs?", "out_of_scope", "legal", "normal", false],
    ["IP ownership", "Who owns the IP of the code you write?", "out_of_scope", "legal", "normal", false],
    ["existing-client support", "I'm already working with you and have an issue with my team", "out_of_scope", "account_management", "high", false],
    ["internal information", "What's the salary of your developers?", "out_of_scope", "sales", "normal", false],
    ["deep technical scoping", "Can you do a technical assessment of our architecture?", "out_of_scope", "sales", "normal", false],
    ["a refund", "I want a refund", "sensitive", "support", "high", false],
    ["a cancellation", "I want to cancel my subscription", "sensitive", "support", "high", false],
    ["a refund over the limit", "I want a refund of $1,200", "sensitive", "support", "high", true],
    ["fraud", "This is fraud", "sensitive", "legal", "urgent", true],
    ["a chargeback threat", "I'll file a chargeback", "sensitive", "legal", "urgent", true],
    ["a lawsuit", "we will sue you", "sensitive", "legal", "urgent", true],
  ])("%s", (_name, text, trigger, route, priority, suggestManager) => {
    expect(decideLast([text])).toMatchObject({ escalate: true, trigger, route, priority, suggestManager, offer: "none" });
  });

  it("gives the category, keyword and refund reason codes", () => {
    expect(decideLast(["I want a refund of $1,200"]).reasons).toEqual(["category:refunds_billing", "keyword:a refund", "refund_over_limit:1200>500"]);
  });

  it("raises the priority for a warm lead", () => {
    expect(decideLast([...WARM, "Can you sign our NDA?"])).toMatchObject({ trigger: "out_of_scope", priority: "high" });
  });

  it.each([
    ["a competitor asking pricing terms", N1, "What would the exact cost be for a 6-month engagement?", "N1", "contract_pricing"],
    ["a competitor asking for discounts", N1, "Do you offer discounts?", "N1", "contract_pricing"],
    ["a student asking internal information", N2, "What's the salary of your developers?", "N2", "internal_info"],
    ["a persona revealed in the same message", [], "For our competitive analysis, what's your day rate?", "N1", "contract_pricing"],
  ])("does not escalate %s (sales is closed to N1/N2)", (_name, history, text, persona, category) => {
    const d = decideLast([...history, text]);
    expect(d).toMatchObject({ escalate: false, trigger: null, offer: "none" });
    expect(d.reasons).toEqual([`suppressed:${category}`, `persona:${persona}`]);
  });

  it("still routes a persona's non-sales question (a student asking about an NDA goes to legal)", () => {
    expect(decideLast([...N2, "Do you sign NDAs?"])).toMatchObject({ escalate: true, trigger: "out_of_scope", route: "legal", priority: "normal" });
    expect(decideLast([...N2, "Do you sign NDAs?"]).reasons).toContain("persona:N2");
  });

  it.each([
    ["a fraud-detection prospect", "we're a fraud detection startup"],
    ["a prospect's refund flow", "we need to rebuild our refund flow"],
    ["a prospect's billing system", "We need help with our billing system"],
  ])("ignores the near-miss: %s", (_name, text) => {
    expect(decideLast([text]).escalate).toBe(false);
  });
});

describe("bot failure: the Nth unanswerable question in a row escalates", () => {
  const unanswerable = (text: string): Turn => ({ text, botAnswerable: false });
  const three = [unanswerable("Do you support SAML?"), unanswerable("Can you host in Switzerland?"), unanswerable("Do you have a Kotlin SDK?")];

  it("escalates on the third, in its own exchange", () => {
    const decisions = play(three);
    expect(decisions.map((d) => d.escalate)).toEqual([false, false, true]);
    expect(decisions[2]).toMatchObject({ trigger: "bot_failure", route: "sales", priority: "normal", reasons: ["bot_failures:3>=3"] });
  });

  it("resets the count after escalating", () => {
    expect(decideLast(three).memory.consecutiveBotFailures).toBe(0);
  });

  it("an answered question resets the streak", () => {
    const turns = [three[0], three[1], { text: "What's your SLA?", botAnswerable: true }, three[2]] as Turn[];
    expect(play(turns).some((d) => d.escalate)).toBe(false);
  });

  it("a statement (botAnswerable omitted) neither counts nor resets", () => {
    const turns = [three[0], three[1], { text: "We're based in Lyon." }, three[2]] as Turn[];
    expect(play(turns).map((d) => d.escalate)).toEqual([false, false, false, true]);
  });

  it("follows the project's threshold", () => {
    const d = play(three.slice(0, 2), { settings: settingsWith({ botFailureThreshold: 2 }) });
    expect(d.map((x) => x.trigger)).toEqual([null, "bot_failure"]);
  });

  it("sends a student's failures to support, low priority", () => {
    expect(decideLast([...N2, ...three])).toMatchObject({ trigger: "bot_failure", route: "support", priority: "low" });
  });

  it("gives way to a category in the same message", () => {
    expect(decideLast([three[0], three[1], unanswerable("Will you sign our NDA?")] as Turn[])).toMatchObject({ trigger: "out_of_scope" });
  });
});

describe("frustration: a human is offered directly", () => {
  it.each([
    ["this isn't helpful", "frustration_complaint:this is not helpful"],
    ["you're not answering my question", "frustration_complaint:you are not answering"],
    ["useless", "frustration_complaint:useless"],
    ["forget it", "frustration_leaving:forget it"],
    ["whatever", "frustration_dismissive:whatever"],
  ])("%j offers a human without escalating yet", (text, reason) => {
    const d = decideLast([text]);
    expect(d).toMatchObject({ escalate: false, trigger: "frustration", offer: "offer_human", route: "sales", priority: "high" });
    expect(d.reasons).toContain(reason);
    expect(d.memory.pendingOffer).toMatchObject({ trigger: "frustration", route: "sales" });
  });

  it("fires on negativity alone at the threshold", () => {
    const d = decideLast(["I hate this, it's awful"]);
    expect(d).toMatchObject({ trigger: "frustration", offer: "offer_human", reasons: ["negativity:0.78>=0.7"] });
  });

  it("follows the project's sentiment threshold", () => {
    expect(decideLast(["I hate this, it's awful"], { settings: settingsWith({ sentimentThreshold: 0.9 }) }).trigger).toBeNull();
  });

  it("does not fire on a polite goodbye", () => {
    expect(decideLast(["ok thanks, bye!"]).offer).toBe("none");
  });

  it.each(["yes please", "sure, connect me", "ok", "Yes!", "that would be great"])("opens the handoff when the visitor accepts with %j", (reply) => {
    const d = decideLast(["this isn't helpful", reply]);
    expect(d).toMatchObject({ escalate: true, trigger: "frustration", route: "sales", priority: "high" });
    expect(d.reasons).toEqual(["frustration_complaint:this is not helpful", "offer_accepted"]);
  });

  it("keeps the offer's trigger when the acceptance is itself an explicit request", () => {
    const d = decideLast(["this isn't helpful", "yes, connect me with sales"]);
    expect(d).toMatchObject({ escalate: true, trigger: "frustration" });
  });

  it("does not escalate when the visitor declines, and does not offer again right away", () => {
    const d = play(["this isn't helpful", "no thanks", "this is useless"]);
    expect(d.map((x) => [x.escalate, x.offer])).toEqual([
      [false, "offer_human"],
      [false, "none"],
      [false, "none"],
    ]);
    expect(d[2]?.reasons).toContain("offer_cooldown");
  });

  it("treats a change of subject as a decline", () => {
    expect(decideLast(["this isn't helpful", "what about pricing?", "yes please"]).escalate).toBe(false);
  });

  it("offers again once the cooldown has passed", () => {
    const d = decideLast(["this isn't helpful", "no thanks", ...fluff(6), "this is useless"]);
    expect(d).toMatchObject({ trigger: "frustration", offer: "offer_human" });
  });

  it("offers a competitor a human too, routed to support", () => {
    expect(decideLast([...N1, "this isn't helpful"])).toMatchObject({ offer: "offer_human", route: "support", priority: "normal" });
  });
});

describe("stall: a human is offered directly", () => {
  it("on a repeated question", () => {
    const d = play(["How much does it cost?", "How much does it cost??"]);
    expect(d[0]?.offer).toBe("none");
    expect(d[1]).toMatchObject({ escalate: false, trigger: "stall", offer: "offer_human", reasons: ["stall:repeated_question"], priority: "normal" });
  });

  it("on a paraphrased repeat", () => {
    expect(decideLast(["What's your pricing?", "ok but what does it cost?"])).toMatchObject({ trigger: "stall" });
  });

  it("not on a different question", () => {
    expect(decideLast(["Do you integrate with Salesforce?", "Do you integrate with HubSpot?"]).trigger).toBeNull();
  });

  it("not on repeats when the project turned repetition off", () => {
    const settings = settingsWith({ stall: { repeatedQuestion: false } });
    expect(decideLast(["How much does it cost?", "How much does it cost??"], { settings }).trigger).toBeNull();
  });

  it.each([
    ["two short answers in a row", ["ok", "maybe"], "stall:short_answers:2"],
    ["idk then hmm", ["idk", "hmm"], "stall:short_answers:2"],
  ])("on %s", (_name, turns, reason) => {
    expect(decideLast(turns)).toMatchObject({ trigger: "stall", offer: "offer_human", reasons: [reason] });
  });

  it("not on one short answer", () => {
    expect(decideLast(["We build apps.", "ok"]).trigger).toBeNull();
  });

  it("not when a real answer breaks the streak", () => {
    expect(decideLast(["ok", "We have 20 engineers.", "maybe"]).trigger).toBeNull();
  });

  it("follows the project's short-answer streak", () => {
    const settings = settingsWith({ stall: { shortAnswerStreak: 3 } });
    expect(play(["ok", "maybe", "hmm"], { settings }).map((d) => d.trigger)).toEqual([null, null, "stall"]);
  });

  it("after 8 exchanges without progress (the default), not 7", () => {
    const d = play(fluff(8));
    expect(d[6]?.trigger).toBeNull();
    expect(d[7]).toMatchObject({ trigger: "stall", offer: "offer_human", reasons: ["stall:no_progress:8"] });
  });

  it("follows the project's window (6)", () => {
    const settings = settingsWith({ stall: { maxExchangesWithoutProgress: 6 } });
    expect(play(fluff(6), { settings })[5]?.trigger).toBe("stall");
  });

  it("a qualification signal resets the no-progress count", () => {
    const d = play([...fluff(6), "We need to rebuild our onboarding flow.", ...fluff(2)]);
    expect(d.some((x) => x.trigger === "stall")).toBe(false);
  });

  it("never stalls a hot lead (it is already with a human)", () => {
    expect(play([...HOT, "ok", "sure", "hmm"]).some((d) => d.trigger === "stall")).toBe(false);
  });

  it("frustration wins over a stall in the same message", () => {
    expect(decideLast(["How much does it cost?", "How much does it cost?? this isn't helpful"])).toMatchObject({ trigger: "frustration" });
  });

  it("an offer restarts the stall counters", () => {
    const d = decideLast(["ok", "maybe"]);
    expect(d.memory).toMatchObject({ consecutiveShortAnswers: 0, exchangesWithoutProgress: 0, lastHumanOfferAt: 2 });
  });
});

describe("warm lead after 6+ exchanges: a soft offer, not an escalation", () => {
  it("offers a resource on the 6th exchange", () => {
    const d = play([...WARM, ...fluff(5)]);
    expect(d[4]?.offer).toBe("none");
    expect(d[5]).toMatchObject({ escalate: false, trigger: null, offer: "soft_resource", priority: "low", reasons: ["warm_lead_soft_offer:exchanges:6"] });
  });

  it("offers it only once", () => {
    expect(decideLast([...WARM, ...fluff(6)]).offer).toBe("none");
  });

  it("not to a cold visitor", () => {
    expect(play(fluff(6)).some((d) => d.offer === "soft_resource")).toBe(false);
  });

  it("not to a student, who is never a lead", () => {
    expect(play([...N2, ...WARM, ...fluff(5)]).some((d) => d.offer === "soft_resource")).toBe(false);
  });

  it("follows the project's exchange count", () => {
    const settings = settingsWith({ warmSoftOfferAfterExchanges: 4 });
    expect(play([...WARM, ...fluff(3)], { settings })[3]?.offer).toBe("soft_resource");
  });

  it("still comes with handoff disabled: a resource is not a human", () => {
    const settings = settingsWith({ handoffEnabled: false });
    expect(decideLast([...WARM, ...fluff(5)], { settings })).toMatchObject({ offer: "soft_resource", escalate: false });
  });

  it("gives way to a stall offer in the same exchange", () => {
    expect(play([...WARM, ...fluff(3), "ok", "maybe"])[5]).toMatchObject({ trigger: "stall", offer: "offer_human" });
  });
});

describe("handoff disabled", () => {
  const settings = settingsWith({ handoffEnabled: false });

  it.each([
    ["frustration", ["this isn't helpful"]],
    ["a category", ["Can you sign our NDA?"]],
    ["a stall", ["ok", "maybe"]],
    [
      "bot failures",
      [
        { text: "a?", botAnswerable: false },
        { text: "b?", botAnswerable: false },
        { text: "c?", botAnswerable: false },
      ],
    ],
  ])("nothing happens on %s", (_name, turns) => {
    expect(decideLast(turns, { settings })).toMatchObject({ escalate: false, offer: "none", reasons: ["handoff_disabled"] });
  });
});

describe("a handoff already open", () => {
  it.each([
    ["an explicit request", ["can I talk to a person"]],
    ["a hot lead", HOT],
    ["a category", ["I want a refund"]],
    ["frustration", ["this isn't helpful"]],
  ])("opens nothing new on %s", (_name, turns) => {
    expect(decideLast(turns, { handoffOpen: true })).toMatchObject({ escalate: false, offer: "none", reasons: ["handoff_already_open"] });
  });

  it("still counts the exchange", () => {
    expect(decideLast(["hello", "hello again"], { handoffOpen: true }).memory.exchanges).toBe(2);
  });
});

describe("signals from another engine", () => {
  it("an LLM-detected request replaces the rules' miss", () => {
    const d = decideLast(["I would love for a living being to look at this"], {
      signals: { explicitRequest: { phrase: "llm:wants_human", source: "llm", route: null } },
    });
    expect(d).toMatchObject({ escalate: true, trigger: "explicit_request", reasons: ["explicit_phrase:llm:wants_human"] });
  });

  it("an LLM saying 'no category' overrides a rules keyword", () => {
    expect(decideLast(["I want a refund"], { signals: { category: null } }).escalate).toBe(false);
  });
});

describe("detectSignals", () => {
  it("collects every detector for one message", () => {
    const s = detectSignals("can I talk to someone about a refund? this isn't helpful", defaults, initialEscalationMemory());
    expect(s.explicitRequest?.phrase).toBe("can i talk to someone");
    expect(s.category?.id).toBe("refunds_billing");
    expect(s.sentiment.frustration).toHaveLength(1);
    expect(s).toMatchObject({ shortAnswer: false, repeatedQuestion: false, acceptsOffer: false });
  });

  it("only reads an acceptance when an offer is pending", () => {
    const pending = {
      ...initialEscalationMemory(),
      pendingOffer: { trigger: "stall" as const, reasons: [], route: "sales" as const, priority: "normal" as const },
    };
    expect(detectSignals("yes please", defaults, initialEscalationMemory()).acceptsOffer).toBe(false);
    expect(detectSignals("yes please", defaults, pending).acceptsOffer).toBe(true);
  });
});

describe("memory", () => {
  it("keeps only the last 10 questions", () => {
    const d = decideLast(Array.from({ length: 15 }, (_, i) => `Question number ${i} about topic ${i}?`));
    expect(d.memory.recentQuestions).toHaveLength(10);
    expect(d.memory.recentQuestions[0]).toBe("Question number 5 about topic 5?");
  });

  it("counts exchanges", () => {
    expect(decideLast(fluff(3)).memory.exchanges).toBe(3);
  });

  it("survives hostile input", () => {
    const d = decideLast([`<script>alert(1)</script>${"x".repeat(10_000)}`]);
    expect(d.escalate).toBe(false);
    expect(d.memory.recentQuestions).toEqual([]);
  });
});

describe("manualEscalation", () => {
  it("escalates for an operator's reason", () => {
    expect(manualEscalation("agent_took_over")).toEqual({
      escalate: true,
      trigger: "manual",
      reasons: ["manual:agent_took_over"],
      route: "support",
      priority: "normal",
      offer: "none",
      suggestManager: false,
      stopQualifying: false,
      captureOnly: false,
    });
  });

  it("takes a route and a priority", () => {
    expect(manualEscalation("vip", "sales", "urgent")).toMatchObject({ route: "sales", priority: "urgent" });
  });
});

describe("acceptsOffer", () => {
  it.each([
    "yes",
    "Yes please",
    "yeah",
    "yep",
    "sure",
    "Sure, connect me",
    "ok",
    "okay!",
    "please do",
    "go ahead",
    "sounds good",
    "that would be great",
    "why not",
    "absolutely",
    "I'd like that",
    "connect me with sales",
    "can I talk to someone",
    "👍 yes",
  ])("%j accepts", (text) => expect(acceptsOffer(text)).toBe(true));

  it.each([
    "no",
    "No thanks",
    "nope",
    "not now",
    "maybe later",
    "not sure",
    "I'm good",
    "no, I'll keep chatting",
    "yes, but first tell me the price",
    "ok but what about pricing?",
    "what about pricing?",
    "",
    "<script>yes</script>",
  ])("%j does not", (text) => expect(acceptsOffer(text)).toBe(false));
});

describe("VIP and time-sensitive cues: more pressing handoffs, never a handoff of their own", () => {
  it("a request for a person with the clock running is urgent, with the cue as a reason", () => {
    const decision = decideLast(["can someone call me right now? it's urgent"]);
    expect(decision).toMatchObject({ escalate: true, trigger: "explicit_request", priority: "urgent" });
    expect(decision.reasons).toContain("time_sensitive");
  });

  it("a client's outage opens as existing-client support, urgent", () => {
    const decision = decideLast(["our site is down and customers can't check out"]);
    expect(decision).toMatchObject({ escalate: true, trigger: "out_of_scope", route: "account_management", priority: "urgent" });
    expect(decision.reasons).toEqual(expect.arrayContaining(["category:existing_client", "time_sensitive"]));
  });

  it("a VIP is urgent and suggests the manager", () => {
    const decision = decideLast(["we're one of your biggest clients and I need an answer on our invoice"]);
    expect(decision).toMatchObject({ escalate: true, priority: "urgent", suggestManager: true });
    expect(decision.reasons).toContain("vip");
  });

  it.each(["this is urgent", "we need it asap", "today if possible"])("%j alone opens nothing", (text) => {
    expect(decideLast([text]).escalate).toBe(false);
  });

  it("a competitor in a hurry gets no bump", () => {
    const decision = decideLast([...N1, "can I talk to someone right now?"]);
    expect(decision).toMatchObject({ escalate: true, route: "support", priority: "low" });
    expect(decision.reasons).not.toContain("time_sensitive");
  });
});
