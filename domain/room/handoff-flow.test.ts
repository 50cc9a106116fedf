// Whole conversations played through the pure room transition (the rules bot answering), one
// per cell of the escalation matrix that the room itself acts on: live vs capture, the packet,
// the email asked once, Calendly for hot leads only, and never escalating researchers to sales.
import { describe, expect, it } from "vitest";
import { contextPacketSchema, notificationJobSchema, type NotificationJob } from "../../protocol/jobs";
import { createRoom, transition } from "./transition";
import type { Effect, RoomContext, RoomState } from "./room-types";
import { replyFromKnowledge } from "../bot/rules-bot";
import { settingsSchema, type SettingsInput } from "../settings";

const allWeek = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ start: "00:00", end: "24:00" }]]));
const alwaysOpen = { timezone: "Europe/Paris", weekly: allWeek };
const knowledgeBase = [{ id: "trial", question: "Do you offer a free trial?", answer: "Yes, 14 days.", keywords: ["trial"] }];

interface Played {
  state: RoomState;
  effects: Effect[];
  bot: string[];
  jobs: NotificationJob[];
}

function play(
  texts: string[],
  options: { settings?: SettingsInput; now?: Date; hasChannel?: boolean; visitor?: { name?: string; email?: string } } = {},
): Played {
  const settings = settingsSchema.parse({ knowledgeBase, businessHours: alwaysOpen, ...options.settings });
  const now = options.now ?? new Date("2026-03-04T10:00:00Z");
  let ids = 0;
  let state = createRoom(
    { conversationId: "c_1", projectId: "prj_1", page: { url: "https://acme.test/pricing" }, ...(options.visitor ? { visitor: options.visitor } : {}) },
    now,
  );
  const all: Effect[] = [];
  const transcript: Parameters<typeof transition>[2]["transcript"][number][] = [];
  const apply = (event: Parameters<typeof transition>[1]) => {
    const ctx: RoomContext = {
      now,
      newId: (p) => `${p}${++ids}`,
      settings,
      hasChannel: options.hasChannel ?? true,
      agentsOnline: 0,
      engineWritesReplies: false,
      transcript: [...transcript],
    };
    const out = transition(state, event, ctx);
    state = out.state;
    all.push(...out.effects);
    for (const e of out.effects) if (e.type === "append") transcript.push(e.message);
    for (const e of out.effects) {
      if (e.type === "analyze") apply({ type: "visitor.analyzed", seq: e.seq, text: e.text, hints: null });
      if (e.type === "bot-turn")
        apply({
          type: "bot.reply",
          reply: replyFromKnowledge(e.text, settings.knowledgeBase),
          inReplyTo: e.seq,
          question: e.text,
          ...(e.append ? { append: e.append } : {}),
        });
    }
  };
  texts.forEach((text, i) => {
    apply({ type: "visitor.message", clientId: `v${i}`, text });
  });
  const bot = all.flatMap((e) => (e.type === "append" && e.message.from === "bot" ? [e.message.text] : []));
  // Handoff notifications; the transcript lines mirrored to channels are covered in mirror.test.ts.
  const jobs = all.flatMap((e) => (e.type === "sync" && e.op.kind === "enqueue" && e.op.job.kind !== "handoff.message" ? [e.op.job] : []));
  return { state, effects: all, bot, jobs };
}

describe("opening a handoff", () => {
  it("an explicit request opens a live handoff in the same exchange: row, job, frame and a human promised", () => {
    const { state, effects, bot, jobs } = play(["Do you offer a free trial?", "Can I talk to a person?"]);
    expect(state.handoff).toMatchObject({ status: "pending", mode: "live", trigger: "explicit_request" });
    expect(effects.some((e) => e.type === "sync" && e.op.kind === "upsert-handoff")).toBe(true);
    expect(effects.some((e) => e.type === "broadcast" && e.frame.type === "handoff" && e.frame.mode === "live")).toBe(true);
    expect(jobs).toHaveLength(1);
    expect(notificationJobSchema.safeParse(jobs[0]).success).toBe(true);
    expect(bot.at(-1)).toMatch(/someone will join this chat shortly/);
    expect(bot.at(-1)).toMatch(/what's the best email/i);
  });

  it("the context packet is complete and actionable", () => {
    const { jobs } = play(["Hi, I'm Ana. We need to rebuild our customer onboarding flow.", "Do you offer a free trial?", "Can you connect me with sales?"]);
    const packet = contextPacketSchema.parse(jobs[0]!.packet);
    const sentences = packet.summary.split(/(?<=[.!?])\s+(?=[A-Z“])/);
    expect(sentences.length).toBeGreaterThanOrEqual(3);
    expect(sentences.length).toBeLessThanOrEqual(5);
    expect(packet.summary).toContain("Ana");
    expect(packet.botTried).toEqual(expect.arrayContaining([expect.stringMatching(/^Answered “Do you offer a free trial\?”/)]));
    expect(packet.suggestedReply).toMatch(/^Hi Ana/);
    expect(packet.suggestedReply).toContain("rebuild our customer onboarding flow");
    expect(packet).toMatchObject({
      trigger: "explicit_request",
      visitor: { name: "Ana" },
      page: { url: "https://acme.test/pricing" },
      mode: "live",
      messageCount: 5,
    });
    expect(packet.qualification.problemFit.confidence).toBeGreaterThan(0);
    expect(packet.timestamps.handoffAt).toBe("2026-03-04T10:00:00.000Z");
  });

  it("an email given via the API is not asked again", () => {
    const { bot } = play(["I want to speak to a human"], { visitor: { email: "ana@acme.test" } });
    expect(bot.at(-1)).not.toMatch(/email/i);
  });

  it("with no notification channel the handoff becomes a capture even inside hours", () => {
    const { state } = play(["Can I talk to a person?"], { hasChannel: false });
    expect(state.handoff).toMatchObject({ mode: "capture", availability: { reason: "no_channel" } });
  });

  it("inside open hours with nobody reachable the bot says so, never that the team is offline", () => {
    const { bot } = play(["Can I talk to a person?"], { hasChannel: false });
    expect(bot[0]).toContain("Nobody from the team can join the chat right now.");
    expect(bot[0]).not.toMatch(/offline|we're available/);
    expect(bot[0]).toMatch(/If you leave your email, someone will get back to you .*What's the best email/);
  });
});

describe("outside business hours", () => {
  const saturday = new Date("2026-03-07T15:00:00Z");
  const weekdays = { businessHours: { timezone: "Europe/Paris" } }; // the default Mon–Fri 9:00–18:00

  it("is transparent, commits to a specific time, asks for an email once and confirms it", () => {
    const { state, bot, jobs } = play(["Can I talk to a person?", "sure, it's ana@acme.test"], { settings: weekdays, now: saturday });
    expect(state.handoff).toMatchObject({ mode: "capture" });
    expect(bot[0]).toContain("Our team is offline right now — we're available Mon–Fri 9:00–18:00 CET.");
    expect(bot[0]).toContain("before 10:00 CET on Monday");
    expect(bot[0]).toMatch(/What's the best email/);
    expect(bot[1]).toBe("Thanks! Someone from the team will email you at ana@acme.test before 10:00 CET on Monday.");
    // The capture is a ticket with the promise's deadline; once the address is known, the visitor gets it in writing.
    expect(jobs.map((j) => j.kind)).toEqual(["handoff.opened", "handoff.updated", "handoff.visitor_confirmation"]);
    expect(jobs[1]!.packet.visitor.email).toBe("ana@acme.test");
    expect(jobs[1]!.packet.commitment?.label).toBe("before 10:00 CET on Monday");
    expect(state.handoff?.ticket).toMatchObject({ reason: "outside_hours", status: "open", commitment: { label: "before 10:00 CET on Monday" } });
    expect(jobs[0]!.ticket).toMatchObject({ status: "open", commitment: { by: "2026-03-09T09:00:00.000Z" } });
    expect(jobs[2]!.notice).toEqual({ to: "visitor" });
  });

  it("asks again only when the email is invalid, and the bot keeps helping otherwise", () => {
    const { bot, jobs } = play(["Can I talk to a person?", "ana@acme", "Do you offer a free trial?"], { settings: weekdays, now: saturday });
    expect(bot[1]).toMatch(/doesn't look quite right/);
    expect(bot[2]).toBe("Yes, 14 days.");
    expect(jobs).toHaveLength(1);
  });

  it("offers a relevant resource while the visitor waits", () => {
    const resources = [
      { title: "Security overview", url: "https://acme.test/security", topics: ["security"] },
      { title: "Onboarding case study", url: "https://acme.test/onboarding", topics: ["onboarding"] },
    ];
    const { bot } = play(["We need help with our onboarding. Can I talk to someone?"], { settings: { ...weekdays, resources }, now: saturday });
    expect(bot[0]).toContain("While you wait, this might help: Onboarding case study — https://acme.test/onboarding");
  });
});

describe("who gets what", () => {
  const calendlyUrl = "https://calendly.com/acme/intro";
  const hot = ["We're struggling with our onboarding flow and need to rebuild it this quarter.", "I'm the CTO at Acme, a 50-person fintech."];

  it("a hot lead is escalated at once with a prefilled Calendly link", () => {
    const { state, bot } = play(hot, { settings: { calendlyUrl } });
    expect(state.handoff).toMatchObject({ trigger: "hot_lead", leadLevel: "hot" });
    const link = /https:\/\/calendly\.com\/acme\/intro\?\S+/.exec(bot.at(-1) ?? "")?.[0];
    expect(link).toBeDefined();
    const notes = new URL(link!).searchParams.get("a1");
    expect(notes).toContain("Need: “We're struggling with our onboarding flow");
    expect(notes).toContain("CTO");
    expect(notes).not.toMatch(/hot|lead|Handed over/i); // the visitor can read the link: no internal scoring
    expect(state.handoff?.packet.calendlyUrl).toBe(link);
  });

  it("a warm lead asking for a human gets a human but no Calendly link", () => {
    const { state, bot } = play(["We need to rebuild our onboarding flow.", "Can I talk to a person?"], { settings: { calendlyUrl } });
    expect(state.handoff?.leadLevel).not.toBe("hot");
    expect(bot.at(-1)).not.toContain("calendly");
  });

  it("a competitor researching pricing terms is not escalated", () => {
    const { state } = play(["We're building a similar product and doing competitive analysis.", "What would the exact cost be for a 6-month engagement?"]);
    expect(state.handoff).toBeNull();
  });

  it("a competitor asking for a human gets one, routed away from sales", () => {
    const { state } = play(["We're building a similar product and doing competitive analysis.", "Can I talk to a person?"]);
    expect(state.handoff).toMatchObject({ trigger: "explicit_request" });
    expect(state.handoff?.route).not.toBe("sales");
  });

  it("three unanswerable questions hand over with bot_failure in the third exchange", () => {
    const { state, bot } = play(["What's the weather in Paris?", "Who won the match last night?", "What is the capital of Peru?"]);
    expect(state.handoff).toMatchObject({ trigger: "bot_failure" });
    expect(bot).toHaveLength(3);
    expect(bot[2]).toMatch(/haven't been able to answer/);
    expect(state.handoff?.packet.botTried).toHaveLength(3);
  });

  it("frustration gets a human offered, and accepting opens the handoff", () => {
    const offered = play(["This isn't helpful at all, you're not answering my question."]);
    expect(offered.state.handoff).toBeNull();
    expect(offered.bot.at(-1)).toMatch(/Would it be more useful to speak directly with someone/);
    const accepted = play(["This isn't helpful at all, you're not answering my question.", "yes please"]);
    expect(accepted.state.handoff).toMatchObject({ trigger: "frustration" });
  });

  it("a legal question is routed to the legal team", () => {
    const { state, bot } = play(["Who owns the IP of the code you write, and will you sign our NDA?"]);
    expect(state.handoff).toMatchObject({ route: "legal" });
    expect(bot.at(-1)).toContain("our legal team");
  });

  it("once open, no second handoff opens and the bot keeps answering until someone claims it", () => {
    const { jobs, bot } = play(["Can I talk to a person?", "Can I talk to a person?", "Do you offer a free trial?"], { visitor: { email: "a@b.co" } });
    expect(jobs).toHaveLength(1);
    expect(bot.at(-1)).toBe("Yes, 14 days.");
  });
});
