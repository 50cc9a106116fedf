import { describe, expect, it } from "vitest";
import { readUser } from "./config";

const HASH = "a".repeat(64);

describe("a logged-in visitor from the embed tag", () => {
  it("reads data-user-id with its hash, name and email", () => {
    expect(readUser({ userId: " 42 ", userHash: HASH, userName: "Ana", userEmail: "ana@acme.test" })).toEqual({
      id: "42",
      hash: HASH,
      name: "Ana",
      email: "ana@acme.test",
    });
  });

  it("no user id, no user; a malformed hash or email is left out for the server to judge", () => {
    expect(readUser({})).toBeUndefined();
    expect(readUser({ userId: "   ", userHash: HASH })).toBeUndefined();
    expect(readUser({ userId: "x".repeat(201) })).toBeUndefined();
    expect(readUser({ userId: "7", userHash: "<script>", userEmail: "not an email" })).toEqual({ id: "7" });
  });
});
