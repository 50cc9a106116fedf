import { describe, expect, it } from "vitest";
import { decodeClientFrame, MAX_FRAME_BYTES, MAX_TEXT_LENGTH } from "./frames";

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
