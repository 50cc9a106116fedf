// When the team is emailed: always, or only when no chat channel carried the event (the seed's
// fallback rule), decided from the delivery records.
import { describe, expect, it } from "vitest";
import { decideTeamEmail, isChatDown, type ChatChannelState } from "./email-fallback";

const slack = (over: Partial<ChatChannelState> = {}): ChatChannelState => ({ kind: "slack", healthy: true, delivery: null, alert: null, paced: true, ...over });
const teams = (over: Partial<ChatChannelState> = {}): ChatChannelState => ({
  kind: "teams",
  healthy: true,
  delivery: null,
  alert: null,
  paced: false,
  ...over,
});

describe("email as the fallback of the chat channels", () => {
  it.each([
    ["no chat channel set up", [], undefined, true],
    ["Slack took the job (its poster holds it)", [slack({ delivery: "queued" })], undefined, false],
    ["Slack delivered it", [slack({ delivery: "delivered" })], undefined, false],
    ["Slack's poster re-sent it because Slack is down", [slack({ delivery: "retrying" })], "slack", true],
    ["Slack refused it for good", [slack({ delivery: "failed" })], undefined, true],
    ["Slack is marked failing", [slack({ healthy: false })], undefined, true],
    ["Slack still retrying: the poster's call (it re-sends when Slack is down)", [slack({ delivery: "retrying" })], undefined, false],
    ["a later notice while the handoff's alert never posted", [slack({ delivery: "queued", alert: "retrying" })], undefined, true],
    ["a later notice, the alert was refused", [slack({ delivery: "queued", alert: "failed" })], undefined, true],
    ["Teams answered 500 (retrying in the consumer)", [teams({ delivery: "retrying" })], undefined, true],
    ["Slack down but Teams delivered", [slack({ delivery: "failed" }), teams({ delivery: "delivered" })], undefined, false],
    ["both down", [slack({ healthy: false }), teams({ delivery: "failed" })], undefined, true],
  ] as const)("%s → email: %s", (_name, chats, fallbackFor, send) => {
    expect(decideTeamEmail({ mode: "fallback", chats, ...(fallbackFor ? { fallbackFor } : {}) }).send).toBe(send);
  });

  it("says why, in words the owner reads at the bottom of the email", () => {
    expect(decideTeamEmail({ mode: "always", chats: [slack({ delivery: "delivered" })] })).toEqual({
      send: true,
      why: "you get every handoff by email (email mode: always)",
    });
    expect(decideTeamEmail({ mode: "fallback", chats: [slack({ delivery: "failed" }), teams({ healthy: false })] }).why).toBe(
      "Slack and Teams could not deliver this, so it reached you by email",
    );
    expect(decideTeamEmail({ mode: "fallback", chats: [slack({ delivery: "queued" })] })).toEqual({ send: false, why: "Slack carried it" });
  });

  it("a fallback for one channel does not mark another down", () => {
    expect(isChatDown(teams({ delivery: "delivered" }), "slack")).toBe(false);
    expect(isChatDown(slack({ delivery: "queued" }), "slack")).toBe(true);
  });
});
