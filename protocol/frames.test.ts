import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentMessageFrame, decodeClientFrame, MAX_CLIENT_ID_LENGTH, MAX_FRAME_BYTES, MAX_TEXT_LENGTH, visitorMessageFrame } from "./frames";

describe("decoding client frames", () => {
  it("trims text and keeps the clientId", () => {
    expect(decodeClientFrame("visitor", JSON.stringify({ type: "visitor.message", clientId: "c", text: "  hi  " }))).toEqual({
      ok: true,
      frame: { type: "visitor.message", clientId: "c", text: "hi" },
    });
  });

  it("decodes binary frames as UTF-8 JSON", () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ type: "ping" }));
    expect(decodeClientFrame("agent", bytes)).toEqual({ ok: true, frame: { type: "ping" } });
  });

  it.each([
    ["visitor", "not json", "bad_json"],
    ["visitor", "null", "unknown_type"],
    ["visitor", "[]", "unknown_type"],
    ["visitor", JSON.stringify({ type: "room.hack" }), "unknown_type"],
    ["visitor", JSON.stringify({ type: "agent.note", text: "x" }), "forbidden_type"],
    ["agent", JSON.stringify({ type: "visitor.message", clientId: "c", text: "x" }), "forbidden_type"],
    ["visitor", JSON.stringify({ type: "visitor.message", clientId: "", text: "x" }), "invalid_frame"],
    ["visitor", JSON.stringify({ type: "visitor.message", clientId: "c", text: "x".repeat(MAX_TEXT_LENGTH + 1) }), "invalid_frame"],
    ["agent", JSON.stringify({ type: "agent.message", clientId: "c", text: "\n\t " }), "invalid_frame"],
    ["visitor", "x".repeat(MAX_FRAME_BYTES + 1), "frame_too_large"],
  ] as const)("a %s sending %j gets %s", (role, raw, code) => {
    const result = decodeClientFrame(role, raw);
    expect(result).toMatchObject({ ok: false, code });
  });

  it("names the offending field", () => {
    const result = decodeClientFrame("visitor", JSON.stringify({ type: "visitor.message", clientId: "c" }));
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^text:/) });
  });
});

describe("frame limits are bytes", () => {
  it("a frame of 11,000 euro signs is 33,000 bytes of UTF-8: too large, though it is 11,000 characters", () => {
    const text = "€".repeat(11_000);
    expect(text.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(decodeClientFrame("visitor", text)).toMatchObject({ ok: false, code: "frame_too_large" });
    expect(decodeClientFrame("visitor", new TextEncoder().encode(text))).toMatchObject({ ok: false, code: "frame_too_large" });
  });

  it("exactly the limit in multi-byte characters still decodes as far as JSON goes", () => {
    const padding = "é".repeat((MAX_FRAME_BYTES - 2) / 2); // 2 bytes each, plus the two quotes
    expect(new TextEncoder().encode(JSON.stringify(padding)).length).toBe(MAX_FRAME_BYTES);
    expect(decodeClientFrame("visitor", JSON.stringify(padding))).toMatchObject({ ok: false, code: "unknown_type" });
  });
});

describe("the decoder, fuzzed", () => {
  const CODES = ["bad_json", "frame_too_large", "unknown_type", "forbidden_type", "invalid_frame"];
  const frameLike = fc.record(
    {
      type: fc.oneof(fc.constantFrom("visitor.message", "agent.message", "agent.note", "ping", "room.x", "__proto__"), fc.string(), fc.anything()),
      clientId: fc.oneof(fc.string({ maxLength: 120 }), fc.anything()),
      text: fc.oneof(fc.string({ maxLength: 4100 }), fc.string({ unit: "grapheme", maxLength: 50 }), fc.anything()),
    },
    { requiredKeys: [] },
  );
  const raw = fc.oneof(
    fc.string({ maxLength: 2000 }),
    fc.json(),
    frameLike.map((f) => JSON.stringify(f) ?? "null"),
    fc.uint8Array({ maxLength: 2000 }),
    fc.string({ unit: "binary", maxLength: 12_000 }),
  );

  it("never throws; every result is a frame of the sender's role or an error with a known code and a short message", () => {
    fc.assert(
      fc.property(fc.constantFrom("visitor" as const, "agent" as const), raw, (role, input) => {
        const result = decodeClientFrame(role, input);
        if (result.ok) {
          const allowed = role === "visitor" ? ["visitor.message", "ping"] : ["agent.message", "agent.note", "ping"];
          expect(allowed).toContain(result.frame.type);
          if ("text" in result.frame) expect(result.frame.text.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
        } else {
          expect(CODES).toContain(result.code);
          expect(result.message.length).toBeLessThan(200);
          if (result.clientId !== undefined) expect(result.clientId.length).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the message frames' hand check", () => {
  it("decodes every message frame exactly as its schema does", () => {
    const around = (n: number) => fc.integer({ min: Math.max(0, n - 2), max: n + 2 });
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", " ", "\n", "\t", "é", "\u00a0", "\u2003"), maxLength: 12 }),
      around(MAX_TEXT_LENGTH).map((n) => "x".repeat(n)),
      around(MAX_TEXT_LENGTH).map((n) => ` ${"x".repeat(n)} `),
      fc.constantFrom(null, 7, true, ["hi"], { text: "hi" }),
    );
    const clientId = fc.oneof(
      fc.string({ maxLength: 4 }),
      around(MAX_CLIENT_ID_LENGTH).map((n) => "c".repeat(n)),
      fc.constantFrom(null, 1, undefined),
    );
    const frame = fc.record(
      { type: fc.constantFrom("visitor.message", "agent.message"), clientId, text, extra: fc.string({ maxLength: 3 }) },
      { requiredKeys: ["type"] },
    );
    fc.assert(
      fc.property(frame, (value) => {
        const role = value.type === "visitor.message" ? "visitor" : "agent";
        const schema = value.type === "visitor.message" ? visitorMessageFrame : agentMessageFrame;
        const raw = JSON.stringify(value);
        const expected = schema.safeParse(JSON.parse(raw));
        const decoded = decodeClientFrame(role, raw);
        expect(decoded.ok).toBe(expected.success);
        if (decoded.ok && expected.success) expect(decoded.frame).toEqual(expected.data);
      }),
      { numRuns: 3000 },
    );
  });
});
