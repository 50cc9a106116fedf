// Hostile text from visitors through every renderer that leaves Baton, fuzzed: the team's and the
// visitor's email (HTML escaped, subjects one line), Teams (TextRuns only), Slack (mrkdwn that can
// neither ping nor link), and a logged-in visitor's identity shown as verified only when it is.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NotificationJob } from "../protocol/jobs";
import { teamEmail, ticketReplyEmail, visitorConfirmationEmail } from "./email-content";
import { escapeHtml, packetFacts } from "./packet-view";
import { alertMessage } from "./slack/blocks";
import { teamsCard } from "./teams";

const dim = { confidence: 0, evidence: [] };
const job = (visitor: NotificationJob["packet"]["visitor"], summary: string, note = "ok"): NotificationJob => ({
  id: "job_1",
  kind: "handoff.opened",
  projectId: "prj_1",
  conversationId: "c_1",
  handoffId: "h_1",
  at: "2026-03-04T10:00:00.000Z",
  status: "pending",
  notice: { to: "visitor", agent: { id: "a", name: "Bea" }, note },
  packet: {
    summary,
    botTried: [summary],
    trigger: "explicit_request",
    reasons: [],
    route: "sales",
    priority: "normal",
    qualification: { problemFit: dim, authorityFit: dim, companyFit: dim, timingFit: dim, persona: null },
    leadLevel: "warm",
    sentiment: { negativity: 0, label: "neutral" },
    suggestedReply: summary,
    visitor,
    page: {},
    mode: "capture",
    commitment: { by: "2026-03-05T09:00:00.000Z", label: "before 10:00 CET tomorrow" },
    timestamps: { conversationStartedAt: "2026-03-04T09:58:00.000Z", handoffAt: "2026-03-04T10:00:00.000Z", lastVisitorMessageAt: "2026-03-04T10:00:00.000Z" },
    messageCount: 3,
    durationSeconds: 120,
  },
});

const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "</td></tr></table>",
        "<!channel>",
        "<@U123>",
        "<http://evil.example|click>",
        "[click](https://evil.example)",
        "**bold**",
        "\r\nBcc: evil@x.test",
        "&amp;&lt;",
        "'\"`",
      ),
      fc.string({ maxLength: 20 }),
      fc.string({ unit: "grapheme", maxLength: 8 }),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((parts) => parts.join(" "));

/** Every mrkdwn text object in Slack blocks. */
function mrkdwnTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(mrkdwnTexts);
  if (!node || typeof node !== "object") return [];
  const o = node as Record<string, unknown>;
  const own = o.type === "mrkdwn" && typeof o.text === "string" ? [o.text] : [];
  return [...own, ...Object.values(o).flatMap(mrkdwnTexts)];
}

const ctx = { projectName: "Acme", handoffUrl: "https://b.test/agent/handoffs/h_1", signInUrl: null, why: "w" };

describe("hostile visitor text through every renderer, fuzzed", () => {
  it("email HTML never carries markup from the visitor, and subjects stay one line", () => {
    fc.assert(
      fc.property(hostile, hostile, (name, summary) => {
        const j = job({ name, userId: name, verified: false }, summary, summary);
        for (const mail of [
          teamEmail(j, ctx),
          visitorConfirmationEmail(j, { projectName: "Acme" }),
          ticketReplyEmail({ ...j, kind: "handoff.ticket_answered" }, { projectName: "Acme" }),
        ]) {
          expect(mail.subject).not.toMatch(/[\r\n]/);
          // No element or handler from the visitor, and the layout's own tables still close where they open.
          for (const tag of mail.html.match(/<[a-zA-Z][^>]*>/g) ?? []) expect(tag).not.toMatch(/^<(script|img|svg|iframe)\b|\son\w+\s*=/i);
          expect((mail.html.match(/<table\b/g) ?? []).length).toBe((mail.html.match(/<\/table>/g) ?? []).length);
          expect((mail.html.match(/<td\b/g) ?? []).length).toBe((mail.html.match(/<\/td>/g) ?? []).length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("Teams holds visitor text in TextRuns only; Slack's mrkdwn can neither ping nor link", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const j = job({ name: text, userId: text, verified: true }, text);
        const blocks = (teamsCard(j, { handoff: "https://b.test/x" }) as any).attachments[0].content.body as any[];
        expect(new Set(blocks.flatMap((b) => b.inlines.map((i: any) => i.type)))).toEqual(new Set(["TextRun"]));
        // Slack parses mrkdwn (and the fallback text) for pings and links; plain_text it shows as is.
        const message = alertMessage({ handoffId: "h_1", packet: j.packet });
        for (const mrkdwn of [message.text, ...mrkdwnTexts(message.blocks)]) expect(mrkdwn).not.toMatch(/<!channel>|<@U123>|<http:\/\/evil\.example\|/);
      }),
      { numRuns: 300 },
    );
  });
});

describe("a logged-in visitor's identity", () => {
  it("reaches the CRM, email and Teams as a fact, verified only when the site proved it", () => {
    const facts = (v: NotificationJob["packet"]["visitor"]) => packetFacts(job(v, "s").packet).find((f) => f.label === "Signed-in user")?.value;
    expect(facts({ userId: "u-7", verified: true })).toBe("u-7 (verified by the site)");
    expect(facts({ userId: "u-7", verified: false })).toBe("u-7 (not verified)");
    expect(facts({ userId: "u-7" })).toBe("u-7 (not verified)");
    expect(facts({ name: "Ana" })).toBeUndefined();
    expect(teamEmail(job({ userId: "<b>u</b>", verified: true }, "s"), ctx).html).toContain(escapeHtml("<b>u</b> (verified by the site)"));
  });

  it("and Slack's alert", () => {
    const text = (v: NotificationJob["packet"]["visitor"]) => JSON.stringify(alertMessage({ handoffId: "h_1", packet: job(v, "s").packet }).blocks);
    expect(text({ name: "Ana", userId: "u-7", verified: true })).toContain("✅ verified user u-7");
    expect(text({ name: "Ana", userId: "u-7", verified: false })).toContain("⚠️ unverified user u-7");
    expect(text({ name: "Ana" })).not.toMatch(/verified/);
  });
});
