// Suggested replies: chosen by what the visitor wrote from the project's templates, fields filled
// or falling back to neutral words, and never one whose template is gone.
import { describe, expect, it } from "vitest";
import { ASK_EMAIL_TEXT, suggestedSteps } from "./suggested-steps";
import {
  DEFAULT_REPLY_TEMPLATES,
  renderTemplate,
  resolveSuggestion,
  suggestReplies,
  templateValues,
  unknownPlaceholders,
  type ReplyTemplate,
} from "./reply-templates";

const values = templateValues({ name: "Ana Lima", company: "Acme" }, "Ben");

describe("choosing a template by content", () => {
  it.each([
    ["Where is my package? The tracking number shows nothing.", "ship_update"],
    ["I was charged twice and want a refund", "refund_offer"],
    ["My delivery hasn't arrived and I'd like my money back", "ship_update"],
    ["Can I talk to a person?", "ack"],
  ])("%j → %s first", (text, id) => {
    expect(suggestReplies(DEFAULT_REPLY_TEMPLATES, [text], values)[0]?.templateId).toBe(id);
  });

  it("offers the matching ones first, then the generic acknowledgement", () => {
    expect(suggestReplies(DEFAULT_REPLY_TEMPLATES, ["refund please"], values).map((s) => s.templateId)).toEqual(["refund_offer", "ack"]);
  });

  it("matches on word boundaries, accents and case aside, with * for endings", () => {
    expect(suggestReplies(DEFAULT_REPLY_TEMPLATES, ["REFUNDED yet?"], values)[0]?.templateId).toBe("refund_offer");
    expect(suggestReplies(DEFAULT_REPLY_TEMPLATES, ["shippingcontainer software"], values)[0]?.templateId).toBe("ack");
  });

  it("uses only the project's templates: a removed one is never suggested, and no templates means no suggestion", () => {
    const withoutRefund = DEFAULT_REPLY_TEMPLATES.filter((t) => t.id !== "refund_offer");
    expect(suggestReplies(withoutRefund, ["I want a refund"], values).map((s) => s.templateId)).toEqual(["ack"]);
    expect(suggestReplies([], ["I want a refund"], values)).toEqual([]);
  });

  it("a suggestion whose template was removed since resolves to nothing, so it cannot be sent", () => {
    const [suggestion] = suggestReplies(DEFAULT_REPLY_TEMPLATES, ["I want a refund"], values);
    expect(resolveSuggestion(DEFAULT_REPLY_TEMPLATES, suggestion!, values)).toContain("refund");
    expect(
      resolveSuggestion(
        DEFAULT_REPLY_TEMPLATES.filter((t) => t.id !== "refund_offer"),
        suggestion!,
        values,
      ),
    ).toBeNull();
  });
});

describe("filling a template", () => {
  it.each([
    ["Hi {{firstName}}, this is {{agent}}.", values, "Hi Ana, this is Ben."],
    ["Hi {{ name }} from {{company}}!", values, "Hi Ana Lima from Acme!"],
    ["Hi {{firstName}}, this is {{agent}}.", {}, "Hi there, this is the team."],
    ["We'll write to {{email}}.", { email: "  " }, "We'll write to your email address."],
    ["Hi {{nmae}}, thanks.", values, "Hi, thanks."],
    ["<b>{{name}}</b>", templateValues({ name: "<script>x</script>" }), "<b><script>x</script></b>"],
  ])("%j → %j", (text, v, out) => {
    expect(renderTemplate(text, v)).toBe(out);
  });

  it("names placeholders that are not fields, for the settings to refuse", () => {
    expect(unknownPlaceholders("Hi {{name}} {{nmae}} {{ order }}")).toEqual(["nmae", "order"]);
  });
});

describe("suggested-step chips", () => {
  const packet = { suggestedReply: "Hi Ana, thanks for waiting.", visitor: { name: "Ana" }, mode: "live" as const };
  it("offer the first reply, the best templates, and ask for an email when there is none", () => {
    const steps = suggestedSteps({ packet, templates: DEFAULT_REPLY_TEMPLATES, visitorTexts: ["I want a refund"], agentName: "Ben" });
    expect(steps.map((s) => s.id)).toEqual(["first-reply", "template:refund_offer", "template:ack", "ask-email"]);
    expect(steps.at(-1)?.text).toBe(ASK_EMAIL_TEXT);
  });

  it("offer the booking link for a hot lead with Calendly, at most four, without repeats", () => {
    const templates: ReplyTemplate[] = [{ id: "same", label: "Same", text: "Hi Ana, thanks for waiting.", keywords: [] }];
    const steps = suggestedSteps({
      packet: { ...packet, visitor: { name: "Ana", email: "ana@acme.test" }, calendlyUrl: "https://calendly.com/x" },
      templates,
      visitorTexts: [],
      agentName: "Ben",
    });
    expect(steps.map((s) => s.id)).toEqual(["first-reply", "offer-call"]);
  });
});
