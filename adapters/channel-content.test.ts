// What the channels outside Slack show: the email bodies (text and HTML, visitor text escaped, no
// packet in the visitor's mail, no line breaks in a subject) and Teams' card (TextRuns only).
import { describe, expect, it } from "vitest";
import type { NotificationJob } from "../protocol/jobs";
import { teamEmail, ticketReplyEmail, utcTime, visitorConfirmationEmail } from "./email-content";
import { escapeHtml, packetFacts } from "./packet-view";
import { teamsCard } from "./teams";

const dim = { confidence: 0, evidence: [] };
const job = (over: Partial<NotificationJob> = {}): NotificationJob => ({
  id: "job_1",
  kind: "handoff.opened",
  projectId: "prj_1",
  conversationId: "c_1",
  handoffId: "h_1",
  at: "2026-03-04T10:00:00.000Z",
  status: "pending",
  packet: {
    summary: 'Wants <script>alert("x")</script> pricing\nfor 40 seats',
    botTried: [],
    trigger: "explicit_request",
    reasons: [],
    route: "sales",
    priority: "normal",
    qualification: { problemFit: { confidence: 0.9, evidence: [] }, authorityFit: dim, companyFit: dim, timingFit: dim, persona: null },
    leadLevel: "warm",
    sentiment: { negativity: 0, label: "neutral" },
    suggestedReply: "Hi!",
    visitor: { name: "Ana\r\nBcc: evil@x.test", email: "ana@acme.test" },
    page: { url: "https://acme.test/pricing" },
    mode: "capture",
    timestamps: { conversationStartedAt: "2026-03-04T09:58:00.000Z", handoffAt: "2026-03-04T10:00:00.000Z", lastVisitorMessageAt: "2026-03-04T10:00:00.000Z" },
    messageCount: 3,
    durationSeconds: 120,
  },
  ticket: {
    id: "t_1",
    status: "open",
    reason: "outside_hours",
    createdAt: "2026-03-04T10:00:00.000Z",
    commitment: { by: "2026-03-05T09:00:00.000Z", label: "before 10:00 CET tomorrow" },
  },
  ...over,
});

describe("the team's email", () => {
  it("carries the packet, the promise with an absolute due time, and the link; visitor text is escaped; the subject is one line", () => {
    const mail = teamEmail(job(), { projectName: "Acme", handoffUrl: "https://b.test/agent/handoffs/h_1", signInUrl: null, why: "no chat channel is set up" });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toBe("[Acme] Follow up with Ana Bcc: evil@x.test before 10:00 CET tomorrow");
    expect(mail.text).toContain("Promised to the visitor: before 10:00 CET tomorrow (due 2026-03-05 09:00 UTC).");
    expect(mail.text).toContain("Open the handoff: https://b.test/agent/handoffs/h_1");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; pricing<br>for 40 seats");
  });

  it("a personal sign-in link is named as one", () => {
    const mail = teamEmail(job(), { projectName: "Acme", handoffUrl: "https://b.test/x", signInUrl: "https://b.test/agent/sign-in?token=t", why: "w" });
    expect(mail.text).toContain("Open the handoff (signs you in; the link works once): https://b.test/agent/sign-in?token=t");
  });
});

describe("the visitor's emails", () => {
  it("the confirmation states the promise and never the team's packet", () => {
    const mail = visitorConfirmationEmail(job(), { projectName: "Acme" });
    expect(mail.subject).toBe("Acme: we'll get back to you before 10:00 CET tomorrow");
    expect(mail.text).toContain("someone will get back to you before 10:00 CET tomorrow");
    for (const part of [mail.text, mail.html]) {
      expect(part).not.toContain("40 seats"); // the summary
      expect(part).not.toContain("warm"); // the lead level
    }
  });

  it("the answer to their ticket, as text and escaped HTML", () => {
    const mail = ticketReplyEmail(
      job({ kind: "handoff.ticket_answered", notice: { to: "visitor", agent: { id: "a", name: "Bea" }, note: "Yes <b>we</b> can\nSee you" } }),
      {
        projectName: "Acme",
      },
    );
    expect(mail.text).toContain("Yes <b>we</b> can\nSee you");
    expect(mail.html).toContain("Yes &lt;b&gt;we&lt;/b&gt; can<br>See you");
    expect(mail.text).toContain("— Bea, Acme");
  });
});

describe("Teams' card", () => {
  it("holds visitor text in TextRuns only, and opens the handoff in the browser", () => {
    const card = teamsCard(job({ packet: { ...job().packet, summary: "[click](https://evil.example) **bold**" } }), {
      handoff: "https://b.test/agent/handoffs/h_1",
    }) as any;
    const content = card.attachments[0].content;
    expect(content.actions).toEqual([{ type: "Action.OpenUrl", title: "Open in browser", url: "https://b.test/agent/handoffs/h_1" }]);
    const blocks = content.body as any[];
    expect(new Set(blocks.map((b) => b.type))).toEqual(new Set(["RichTextBlock"]));
    expect(new Set(blocks.flatMap((b) => b.inlines.map((i: any) => i.type)))).toEqual(new Set(["TextRun"]));
    expect(JSON.stringify(blocks)).toContain("[click](https://evil.example) **bold**");
  });
});

describe("the packet's facts", () => {
  it("name a promise only when one was made to the visitor", () => {
    const live = { ...job().packet, mode: "live" as const, commitment: { by: "2026-03-04T17:00:00.000Z", label: "before 18:00 CET today" } };
    expect(packetFacts(live).map((f) => f.label)).not.toContain("Promised");
    expect(packetFacts({ ...live, mode: "capture" }).find((f) => f.label === "Promised")?.value).toBe("before 18:00 CET today");
  });

  it("leave out what is empty and name the promise", () => {
    const facts = packetFacts(job().packet, job().ticket);
    expect(facts.map((f) => f.label)).toEqual([
      "Visitor",
      "Email",
      "Why",
      "Lead",
      "Qualification",
      "Page",
      "Mode",
      "Promised",
      "Due",
      "Started",
      "Handed over",
    ]);
    expect(escapeHtml(`<a href="x">'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&lt;/a&gt;");
    expect(utcTime("nonsense")).toBe("nonsense");
  });
});
