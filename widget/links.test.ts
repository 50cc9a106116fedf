import { describe, expect, it } from "vitest";
import { splitLinks } from "./links";

/** A link part as written, with the href and label expected for it. */
const link = (text: string, label: string, href = text) => ({ text, href, label });
const CALENDLY = "https://calendly.com/northwind-labs/intro-call?name=Sam&a1=CTO+at+Acme%2C+%E2%80%9Crebuild+onboarding%E2%80%9D";

describe("splitting text into plain runs and links", () => {
  it.each([
    { name: "text without URLs stays one plain run", text: "No links here.", parts: [{ text: "No links here." }] },
    { name: "empty text stays one empty run", text: "", parts: [{ text: "" }] },
    {
      name: "a URL on its own is a link",
      text: "https://northwind.example/security",
      parts: [link("https://northwind.example/security", "northwind.example/security")],
    },
    {
      name: "a URL mid-sentence keeps the words around it",
      text: "Read https://northwind.example/security before the call",
      parts: [{ text: "Read " }, link("https://northwind.example/security", "northwind.example/security"), { text: " before the call" }],
    },
    {
      name: "a full stop after a URL ends the sentence, not the URL",
      text: `Book here: ${CALENDLY}. Or tell me more.`,
      parts: [{ text: "Book here: " }, link(CALENDLY, "calendly.com/northwind-labs/intro-call…"), { text: ". Or tell me more." }],
    },
    {
      name: "a URL in parentheses leaves the closing one outside",
      text: "(see http://example.com/a)",
      parts: [{ text: "(see " }, link("http://example.com/a", "example.com/a"), { text: ")" }],
    },
    {
      name: "balanced parentheses stay inside the URL",
      text: "https://en.wikipedia.org/wiki/Cat_(disambiguation)!",
      parts: [link("https://en.wikipedia.org/wiki/Cat_(disambiguation)", "en.wikipedia.org/wiki/Cat_(disambiguation)"), { text: "!" }],
    },
    {
      name: "closing quotes and an ellipsis are punctuation",
      text: "you mentioned “https://acme.example/signup”…",
      parts: [{ text: "you mentioned “" }, link("https://acme.example/signup", "acme.example/signup"), { text: "”…" }],
    },
    {
      name: "a resource after a dash, then another URL",
      text: "Security & GDPR overview — https://northwind.example/security and https://northwind.example/guides/discovery-sprint",
      parts: [
        { text: "Security & GDPR overview — " },
        link("https://northwind.example/security", "northwind.example/security"),
        { text: " and " },
        link("https://northwind.example/guides/discovery-sprint", "northwind.example/guides/discovery-sprint"),
      ],
    },
    {
      name: "an uppercase scheme is normalised in the href and label only",
      text: "HTTPS://Example.com/X",
      parts: [link("HTTPS://Example.com/X", "example.com/X", "https://example.com/X")],
    },
    {
      name: "a bare host is labelled with the host alone",
      text: "http://example.com",
      parts: [link("http://example.com", "example.com", "http://example.com/")],
    },
    { name: "a port stays in the label", text: "http://127.0.0.1:8787/demo", parts: [link("http://127.0.0.1:8787/demo", "127.0.0.1:8787/demo")] },
    {
      name: "a long path is cut in the label, never in the href",
      text: "https://docs.example/a/very/long/path/that/goes/on/and/on/for/ever",
      parts: [link("https://docs.example/a/very/long/path/that/goes/on/and/on/for/ever", "docs.example/a/very/long/path/that/goes/on/and/on/fo…")],
    },
    {
      name: "a look-alike host shows in its ASCII (punycode) form",
      text: "https://аpple.example/login",
      parts: [link("https://аpple.example/login", "xn--pple-43d.example/login", "https://xn--pple-43d.example/login")],
    },
    { name: "a fragment is left out of the label", text: "https://a.example/#top", parts: [link("https://a.example/#top", "a.example…")] },
  ])("$name", ({ text, parts }) => {
    expect(splitLinks(text)).toEqual(parts);
  });

  it.each([
    { name: "a javascript: anchor", text: `<a href="javascript:alert(1)">x</a>` },
    { name: "a bare javascript: URL", text: "javascript:alert(document.cookie)" },
    { name: "a data: URL", text: "data:text/html,<script>alert(1)</script>" },
    { name: "a vbscript: URL", text: "vbscript:msgbox(1)" },
    { name: "a protocol-relative URL", text: "//evil.example/x" },
    { name: "a scheme without a host", text: "see https:// for details" },
    { name: "an http URL glued to a word", text: "notahttps://evil.example" },
    { name: "a host that does not parse", text: "https://exa%mple.com" },
  ])("leaves $name as plain text", ({ text }) => {
    expect(splitLinks(text)).toEqual([{ text }]);
  });

  it("keeps an anchor's markup as text and links only the URL inside it", () => {
    const parts = splitLinks(`<a href="https://evil.example/x" onclick="alert(1)">click</a>`);
    expect(parts.filter((p) => p.href)).toEqual([link("https://evil.example/x", "evil.example/x")]);
    expect(parts.map((p) => p.text).join("")).toBe(`<a href="https://evil.example/x" onclick="alert(1)">click</a>`);
  });

  it("never loses or adds a character", () => {
    const text = `Hi <b>there</b> — https://a.example/x?y=1&z=<2>, (http://b.example) and ‘https://c.example’… ${CALENDLY}.`;
    expect(
      splitLinks(text)
        .map((p) => p.text)
        .join(""),
    ).toBe(text);
  });

  it("gives every link an http(s) href", () => {
    const text = "https://a.example http://b.example/ ftp://c.example mailto:x@y.example javascript:void(0)";
    expect(splitLinks(text).flatMap((p) => (p.href ? [new URL(p.href).protocol] : []))).toEqual(["https:", "http:"]);
  });
});
