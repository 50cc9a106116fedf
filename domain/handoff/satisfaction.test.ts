import { describe, expect, it } from "vitest";
import { parseRating } from "./satisfaction";

describe("reading the visitor's rating", () => {
  it.each([
    ["5", 5],
    ["1", 1],
    [" 3. ", 3],
    ["4/5", 4],
    ["4 / 5", 4],
    ["4/5 thanks", 4],
    ["5 stars", 5],
    ["5 star", 5],
    ["five", 5],
    ["Five stars!", 5],
    ["three out of five", 3],
    ["2 out of 5", 2],
    ["5!! thank you so much", 5],
    ["5, great", 5],
    ["4/5 — quick and friendly", 4],
    ["5 stars, the agent was lovely", 5],
    ["rating: 4", 4],
    ["I'd give it a 4", 4],
    ["★★★★", 4],
    ["⭐⭐⭐⭐⭐", 5],
  ])("%j is a %d", (text, score) => {
    expect(parseRating(text)).toBe(score);
  });

  it.each([
    "",
    "0",
    "6",
    "10/10",
    "I need 3 more licences",
    "3 more questions",
    "5 minutes please",
    "two things: pricing and timing",
    "can I talk to someone again?",
    "45",
    "5/10",
    `5 stars ${"x".repeat(100)}`,
  ])("%j is not a rating", (text) => {
    expect(parseRating(text)).toBeNull();
  });
});
