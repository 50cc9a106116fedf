import { describe, expect, it } from "vitest";
import { analyzeSentiment, detectFrustration, isFrustrated, scoreSentiment, sentimentLabel, type FrustrationSignal } from "./sentiment";

describe("scoreSentiment", () => {
  it.each([
    ["a neutral product question scores 0", "What integrations do you support?", 0, 0],
    ["a prospect describing their pain is not negative", "We're struggling with churn and it's a real problem", 0, 0],
    ["one mild word stays well under the default threshold", "that's bad", 0.35, 0.45],
    ["two strong words cross the default threshold", "This is terrible and useless", 0.7, 0.85],
    ["hate plus awful crosses the default threshold", "I hate this, it's awful", 0.7, 0.85],
    ["an angry emoji counts", "😡", 0.55, 0.7],
    ["gratitude is not negative", "Thanks, this is great!", 0, 0],
  ])("%s", (_name, text, min, max) => {
    const { negativity } = scoreSentiment(text);
    expect(negativity).toBeGreaterThanOrEqual(min);
    expect(negativity).toBeLessThanOrEqual(max);
  });

  it.each([
    ["negation turns praise into criticism", "this isn't helpful", "helpful", -2],
    ["negation without an apostrophe works too", "this isnt helpful", "helpful", -2],
    ["a negated negative is only mildly positive", "not bad", "bad", 1],
    ["an intensifier strengthens the next word", "I'm so frustrated", "frustrated", -3],
    ["shouting strengthens a word", "USELESS", "useless", -4.5],
    ["a phrase outranks its words", "thanks for nothing", "thanks for nothing", -3],
    ["'no thanks' is a polite no, not a negated thanks", "no thanks", undefined, undefined],
  ])("%s", (_name, text, word, score) => {
    const { words } = scoreSentiment(text);
    expect(words.find((w) => w.word === word)?.score).toBe(score);
    if (word === undefined) expect(words).toEqual([]);
  });

  it("negation stops at the end of a sentence", () => {
    expect(scoreSentiment("Not now. This is great").score).toBe(3);
  });

  it("is more negative with more negative words", () => {
    expect(scoreSentiment("I'm really frustrated and annoyed").negativity).toBeGreaterThan(scoreSentiment("I'm frustrated").negativity);
  });

  it.each([
    ["empty text", ""],
    ["markup", "<script>alert('useless')</script>"],
    ["a very long message", "this is bad ".repeat(5000)],
    ["unicode noise", "\u200b\u0000\uffff💥".repeat(100)],
  ])("survives %s and stays within 0–1", (_name, text) => {
    const r = scoreSentiment(text);
    expect(r.negativity).toBeGreaterThanOrEqual(0);
    expect(r.negativity).toBeLessThanOrEqual(1);
  });
});

describe("detectFrustration", () => {
  it.each<[string, FrustrationSignal["kind"]]>([
    ["this isn't helpful", "complaint"],
    ["This is not helpful at all", "complaint"],
    ["you're not answering my question", "complaint"],
    ["You don't understand", "complaint"],
    ["that doesn't answer my question", "complaint"],
    ["that's not what I asked", "complaint"],
    ["useless", "complaint"],
    ["What a waste of time", "complaint"],
    ["stupid bot", "complaint"],
    ["I already told you that", "complaint"],
    ["are you even listening?", "complaint"],
    ["we're going in circles", "complaint"],
    ["this is ridiculous", "complaint"],
    ["I'm getting frustrated", "complaint"],
    ["just answer the question", "complaint"],
    ["thanks for nothing", "complaint"],
    ["whatever", "dismissive"],
    ["ugh", "dismissive"],
    ["seriously?", "dismissive"],
    ["🙄", "dismissive"],
    ["forget it", "leaving"],
    ["never mind", "leaving"],
    ["nvm", "leaving"],
    ["bye", "leaving"],
    ["I give up", "leaving"],
    ["I'll go elsewhere", "leaving"],
    ["I'm going to go with another vendor", "leaving"],
  ])("%j is frustration (%s)", (text, kind) => {
    expect(detectFrustration(text).map((f) => f.kind)).toContain(kind);
  });

  it.each([
    ["a polite goodbye", "ok thanks, bye!"],
    ["a thank-you", "that's helpful, thank you"],
    ["denying frustration", "I'm not frustrated, just curious"],
    ["a product question with 'useful'", "Is this useful for a fintech?"],
    ["'forget' inside another word", "Forgetting passwords is a big problem for our users"],
    ["'whatever' in a real sentence", "whatever works best for your team works for us"],
    ["a neutral question", "Do you integrate with HubSpot?"],
  ])("%s is not frustration", (_name, text) => {
    expect(detectFrustration(text)).toEqual([]);
  });

  it("the visitor's own situation is not anger at us, unless the clause is about us", () => {
    expect(scoreSentiment("our app is broken and awful").negativity).toBe(0);
    expect(scoreSentiment("my experience with your bot is awful").negativity).toBeGreaterThan(0);
  });

  it("reports each phrase once", () => {
    expect(detectFrustration("that's not what I asked")).toHaveLength(1);
  });
});

describe("detectFrustration: insults, abuse and the phrasings beside the lexicon", () => {
  it.each<[string, FrustrationSignal["kind"]]>([
    ["your bot is thick as a brick", "abuse"],
    ["you guys are clueless", "abuse"],
    ["this chatbot is a joke", "abuse"],
    ["you idiots", "abuse"],
    ["screw you", "abuse"],
    ["shut up and get me an answer", "abuse"],
    ["wtf is this", "complaint"],
    ["that's the worst answer I've ever had", "complaint"],
    ["absolute rubbish answer mate", "complaint"],
    ["this is so frustrating", "complaint"],
    ["nothing here answers my question", "complaint"],
    ["you clearly don't understand what I'm asking", "complaint"],
    ["I've asked three times now, are you actually listening?", "complaint"],
  ])("%j is frustration (%s)", (text, kind) => {
    expect(detectFrustration(text).map((f) => f.kind)).toContain(kind);
  });

  it.each([
    ["mild annoyance, carrying on", "hmm, bit of a vague answer but ok. what about timelines?"],
    ["disappointment at a price", "oof, pricier than I hoped"],
    ["self-deprecation", "sorry if I'm being slow, but do you work with Go?"],
    ["a mild swear word about their plans", "damn, I was hoping you were in London"],
    ["hating forms, not us", "i hate filling in forms so i'm asking here"],
    ["a prospect's pain", "our current agency is terrible and our app is broken, we need someone better"],
    ["their own product's pain", "my checkout is awful and slow"],
    ["an insult word inside another word", "we sell clownfish and need a shop"],
    ["a product that blocks abuse", "we need a filter that blocks words like idiot in our forum"],
  ])("%s is not frustration: %j", (_name, text) => {
    expect(isFrustrated(analyzeSentiment(text), 0.7)).toBe(false);
  });
});

describe("isFrustrated and sentimentLabel", () => {
  it.each([
    ["a frustration phrase, whatever the score", "you're not answering my question", 0.7, true, "frustrated"],
    ["negativity at the threshold", "This is terrible and useless", 0.7, true, "frustrated"],
    ["negativity under a strict threshold", "I hate this", 0.9, false, "negative"],
    ["mild negativity under the default", "that's bad", 0.7, false, "negative"],
    ["a lower threshold catches milder messages", "that's bad", 0.3, true, "frustrated"],
    ["neutral", "What does it cost?", 0.7, false, "neutral"],
    ["positive", "great, thanks", 0.7, false, "positive"],
  ])("%s", (_name, text, threshold, frustrated, label) => {
    const r = analyzeSentiment(text);
    expect(isFrustrated(r, threshold)).toBe(frustrated);
    expect(sentimentLabel(r, threshold)).toBe(label);
  });
});
