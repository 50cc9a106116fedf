import { describe, expect, it } from "vitest";
import type { HandoffFrame, MessageFrame } from "../protocol/frames";
import { canAskForPerson, handoffLine, receiveHandoff, wantsRating, type HandoffView } from "./handoff";

const AT = "2026-05-04T10:00:00.000Z";
const view = (status: HandoffFrame["status"], mode: HandoffFrame["mode"] = "live", afterSeq = 0): HandoffView => ({ id: "h_1", status, mode, afterSeq });
const message = (seq: number, from: MessageFrame["from"], author?: string): MessageFrame => ({
  type: "message",
  seq,
  from,
  text: `m${seq}`,
  at: AT,
  ...(author !== undefined ? { author: { id: from === "bot" ? "bot" : `ag_${author}`, name: author } } : {}),
});
const botOnly = [message(1, "visitor"), message(2, "bot", "Northwind assistant")];
const withAgent = [...botOnly, message(3, "agent", "Dana")];

describe("the handoff status line", () => {
  it.each([
    { name: "no handoff says nothing", handoff: null, messages: botOnly, line: null },
    {
      name: "a live handoff waiting for the team says it is connecting",
      handoff: view("pending"),
      messages: botOnly,
      line: { tone: "waiting", text: "Connecting you with the team…" },
    },
    {
      name: "a notified live handoff is still connecting",
      handoff: view("notified"),
      messages: botOnly,
      line: { tone: "waiting", text: "Connecting you with the team…" },
    },
    {
      name: "a capture promises an email follow-up",
      handoff: view("pending", "capture"),
      messages: botOnly,
      line: { tone: "offline", text: "The team is offline — we'll follow up by email" },
    },
    {
      name: "a notified capture promises the same",
      handoff: view("notified", "capture"),
      messages: botOnly,
      line: { tone: "offline", text: "The team is offline — we'll follow up by email" },
    },
    {
      name: "a claimed live handoff has a person, not yet named",
      handoff: view("claimed"),
      messages: botOnly,
      line: { tone: "joined", text: "A person has joined" },
    },
    {
      name: "an active handoff has a person, not yet named",
      handoff: view("active", "capture"),
      messages: botOnly,
      line: { tone: "joined", text: "A person has joined" },
    },
    {
      name: "a claimed capture is still followed up by email until someone writes",
      handoff: view("claimed", "capture"),
      messages: botOnly,
      line: { tone: "offline", text: "The team is offline — we'll follow up by email" },
    },
    { name: "an agent's message names who is here", handoff: view("active"), messages: withAgent, line: { tone: "joined", text: "Dana is here" } },
    {
      name: "an agent who writes before the status catches up is here too",
      handoff: view("pending"),
      messages: withAgent,
      line: { tone: "joined", text: "Dana is here" },
    },
    {
      name: "an agent who writes during a capture is here too",
      handoff: view("pending", "capture"),
      messages: withAgent,
      line: { tone: "joined", text: "Dana is here" },
    },
    {
      name: "the latest agent to write is the one named",
      handoff: view("active"),
      messages: [...withAgent, message(4, "agent", "Lee")],
      line: { tone: "joined", text: "Lee is here" },
    },
    {
      name: "an agent without a name is a person",
      handoff: view("active"),
      messages: [...botOnly, message(3, "agent")],
      line: { tone: "joined", text: "A person has joined" },
    },
    {
      name: "an agent with an empty name is a person",
      handoff: view("pending"),
      messages: [...botOnly, message(3, "agent", "")],
      line: { tone: "joined", text: "A person has joined" },
    },
    {
      name: "an agent from an earlier handoff does not count",
      handoff: view("pending", "live", 3),
      messages: withAgent,
      line: { tone: "waiting", text: "Connecting you with the team…" },
    },
    { name: "a resolved handoff is back to normal", handoff: view("resolved"), messages: withAgent, line: null },
    { name: "an abandoned handoff is back to normal", handoff: view("abandoned"), messages: botOnly, line: null },
    {
      name: "a handoff turned into a ticket promises an email",
      handoff: view("converted_to_ticket"),
      messages: botOnly,
      line: { tone: "offline", text: "The team will follow up by email" },
    },
  ])("$name", ({ handoff, messages, line }) => {
    expect(handoffLine(handoff, messages)).toEqual(line);
  });

  it("prints an agent's name as given, markup included (the view writes it as text)", () => {
    expect(handoffLine(view("active"), [message(1, "agent", "<img src=x onerror=alert(1)>")])).toEqual({
      tone: "joined",
      text: "<img src=x onerror=alert(1)> is here",
    });
  });
});

describe("receiving handoff frames", () => {
  const frame = (handoffId: string, status: HandoffFrame["status"], mode: HandoffFrame["mode"] = "live") => ({
    type: "handoff" as const,
    handoffId,
    status,
    mode,
  });

  it("a first frame counts every agent message already on screen (it follows the replay on connect)", () => {
    expect(receiveHandoff(null, frame("h_1", "active"), 12)).toEqual({ id: "h_1", status: "active", mode: "live", afterSeq: 0 });
  });

  it("an update of the same handoff changes its status and mode only", () => {
    const first = receiveHandoff(null, frame("h_1", "pending"), 2);
    expect(receiveHandoff({ ...first, afterSeq: 5 }, frame("h_1", "claimed", "capture"), 9)).toEqual({
      id: "h_1",
      status: "claimed",
      mode: "capture",
      afterSeq: 5,
    });
  });

  it("a new handoff after an earlier one counts only agents who write after it opened", () => {
    const resolved = receiveHandoff(null, frame("h_1", "resolved"), 7);
    const next = receiveHandoff(resolved, frame("h_2", "pending"), 9);
    expect(next).toEqual({ id: "h_2", status: "pending", mode: "live", afterSeq: 9 });
    expect(handoffLine(next, withAgent)).toEqual({ tone: "waiting", text: "Connecting you with the team…" });
    expect(handoffLine(next, [...withAgent, message(10, "agent", "Lee")])).toEqual({ tone: "joined", text: "Lee is here" });
  });
});

describe("what the widget offers around a handoff", () => {
  it("names the person who claimed the conversation", () => {
    expect(handoffLine({ ...view("claimed"), claimedBy: "Dana" }, botOnly)).toEqual({ tone: "joined", text: "Dana has joined" });
    expect(receiveHandoff(null, { type: "handoff", handoffId: "h_1", status: "claimed", mode: "live", claimedBy: "Dana" }, 2)).toMatchObject({
      claimedBy: "Dana",
    });
  });

  it.each([
    [null, true],
    [view("pending"), false],
    [view("notified", "capture"), false],
    [view("claimed"), false],
    [view("active"), false],
    [view("resolved"), true],
    [view("abandoned"), true],
    [view("converted_to_ticket"), true],
  ] as const)("offers “Talk to a person” with %j: %s", (handoff, offered) => {
    expect(canAskForPerson(handoff)).toBe(offered);
  });

  it("asks for a rating once a person resolved it, until the visitor gives one", () => {
    expect(wantsRating(view("resolved"))).toBe(true);
    expect(wantsRating({ ...view("resolved"), satisfaction: 4 })).toBe(false);
    expect(wantsRating(view("active"))).toBe(false);
    expect(wantsRating(null)).toBe(false);
  });
});
