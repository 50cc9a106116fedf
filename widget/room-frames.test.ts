import { describe, expect, it } from "vitest";
import { readRoomFrame } from "./room-frames";

const message = { type: "message", seq: 3, from: "agent", text: "Hi, I'm Dana", at: "2026-05-04T10:00:00.000Z" };
const handoff = { type: "handoff", handoffId: "h_1", status: "pending", mode: "live" };

describe("reading room frames", () => {
  it.each([
    { name: "a welcome", raw: { type: "welcome", protocol: 1, conversationId: "c_1", role: "visitor", lastSeq: 4, bot: { name: "Ava", greeting: "Hi" } } },
    { name: "a message", raw: message },
    { name: "a message with clientId and author", raw: { ...message, clientId: "u1", author: { id: "ag_1", name: "Dana" } } },
    { name: "an error without clientId", raw: { type: "error", code: "rate_limited", message: "slow down" } },
    { name: "an error with clientId", raw: { type: "error", code: "invalid_frame", message: "text: too long", clientId: "u1" } },
    { name: "a pong", raw: { type: "pong" } },
    { name: "a pending live handoff", raw: handoff },
    { name: "a claimed capture", raw: { ...handoff, status: "claimed", mode: "capture" } },
    { name: "a handoff turned into a ticket", raw: { ...handoff, status: "converted_to_ticket" } },
  ])("accepts $name as sent", ({ raw }) => {
    expect(readRoomFrame(JSON.stringify(raw))).toEqual(raw);
  });

  it.each([
    { name: "non-JSON", raw: "<html>502 Bad Gateway</html>" },
    { name: "a binary frame", raw: new ArrayBuffer(4) },
    { name: "JSON that is not an object", raw: "[1,2,3]" },
    { name: "null", raw: "null" },
    { name: "an unknown (future) type", raw: JSON.stringify({ type: "reaction", from: "agent" }) },
    { name: "a typing frame without its flag", raw: JSON.stringify({ type: "typing", from: "agent" }) },
    { name: "the visitor's own typing echoed", raw: JSON.stringify({ type: "typing", from: "visitor", typing: true }) },
    { name: "an agent-only packet", raw: JSON.stringify({ type: "packet", handoffId: "h_1", packet: { summary: "internal" } }) },
    { name: "an agent-only note", raw: JSON.stringify({ type: "note", seq: 4, text: "internal", at: "x", author: { id: "a", name: "b" } }) },
    { name: "a message without seq", raw: JSON.stringify({ ...message, seq: undefined }) },
    { name: "a message with seq 0", raw: JSON.stringify({ ...message, seq: 0 }) },
    { name: "a message with a fractional seq", raw: JSON.stringify({ ...message, seq: 1.5 }) },
    { name: "a message with a string seq", raw: JSON.stringify({ ...message, seq: "3" }) },
    { name: "a message from an unknown sender", raw: JSON.stringify({ ...message, from: "admin" }) },
    { name: "a message whose text is not a string", raw: JSON.stringify({ ...message, text: { html: "<b>x</b>" } }) },
    { name: "a welcome without lastSeq", raw: JSON.stringify({ type: "welcome", protocol: 1, conversationId: "c" }) },
    { name: "an error without a message", raw: JSON.stringify({ type: "error", code: "x" }) },
    { name: "a handoff without an id", raw: JSON.stringify({ ...handoff, handoffId: undefined }) },
    { name: "a handoff with an empty id", raw: JSON.stringify({ ...handoff, handoffId: "" }) },
    { name: "a handoff with an unknown status", raw: JSON.stringify({ ...handoff, status: "<script>" }) },
    { name: "a handoff with an unknown mode", raw: JSON.stringify({ ...handoff, mode: "telepathy" }) },
    { name: "a handoff whose status is not a string", raw: JSON.stringify({ ...handoff, status: ["pending"] }) },
  ])("ignores $name", ({ raw }) => {
    expect(readRoomFrame(raw)).toBeNull();
  });

  it("keeps only the fields it knows, dropping a malformed author", () => {
    const frame = readRoomFrame(JSON.stringify({ ...message, author: { id: 1 }, html: "<script>", clientId: "" }));
    expect(frame).toEqual(message);
  });

  it("keeps only what it shows of a handoff: the trigger and unknown fields are dropped", () => {
    const frame = readRoomFrame(JSON.stringify({ ...handoff, trigger: "a_trigger_from_the_future", packet: { summary: "internal" } }));
    expect(frame).toEqual(handoff);
  });

  it("reads the claimer's name and the rating from a handoff, and an agent's typing with their name", () => {
    expect(readRoomFrame(JSON.stringify({ ...handoff, status: "claimed", claimedBy: { id: "a", name: "Dana" }, satisfaction: 4 }))).toEqual({
      ...handoff,
      status: "claimed",
      claimedBy: "Dana",
      satisfaction: 4,
    });
    expect(readRoomFrame(JSON.stringify({ type: "typing", from: "agent", typing: true, author: { id: "a", name: "Dana" } }))).toEqual({
      type: "typing",
      typing: true,
      name: "Dana",
    });
    expect(readRoomFrame(JSON.stringify({ ...handoff, satisfaction: 0 }))).toEqual(handoff);
  });

  it("keeps hostile text verbatim", () => {
    const text = "<script>alert(1)</script>";
    expect(readRoomFrame(JSON.stringify({ ...message, text }))).toMatchObject({ text });
  });
});
