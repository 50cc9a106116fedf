import { describe, expect, it } from "vitest";
import { signClaims, verifyClaims } from "./signed-claims";

const SECRET = "test-secret-0123456789abcdef";
const NOW = 1_800_000_000;

describe("signed, single-purpose claims", () => {
  it("round-trips the claims for the purpose they were minted for", async () => {
    const token = await signClaims(SECRET, "agent-sign-in", { sub: "agt_1", prj: "prj_1", ext: { next: "/desk" } }, 600, NOW);
    expect(await verifyClaims(SECRET, "agent-sign-in", token, NOW + 1)).toMatchObject({ sub: "agt_1", prj: "prj_1", ext: { next: "/desk" }, exp: NOW + 600 });
  });

  it("a token for one purpose is refused for another", async () => {
    const token = await signClaims(SECRET, "slack-oauth-state", { sub: "prj_1", prj: "prj_1" }, 600, NOW);
    expect(await verifyClaims(SECRET, "agent-sign-in", token, NOW)).toBeNull();
  });

  it("expires", async () => {
    const token = await signClaims(SECRET, "agent-sign-in", { sub: "a", prj: "p" }, 60, NOW);
    expect(await verifyClaims(SECRET, "agent-sign-in", token, NOW + 60)).toBeNull();
  });

  it("refuses another secret, a tampered payload and garbage, without throwing", async () => {
    const token = await signClaims(SECRET, "agent-sign-in", { sub: "a", prj: "p" }, 60, NOW);
    expect(await verifyClaims("another-secret", "agent-sign-in", token, NOW)).toBeNull();
    const [h, , s] = token.split(".");
    const forged = `${h}.${btoa(JSON.stringify({ sub: "admin", prj: "p", aud: "agent-sign-in", exp: NOW + 999, jti: "x" })).replace(/=+$/, "")}.${s}`;
    expect(await verifyClaims(SECRET, "agent-sign-in", forged, NOW)).toBeNull();
    for (const junk of ["", "a.b", "a.b.c", "x".repeat(5000), "e30.e30.a", `${h}.%%%.${s}`, "a".repeat(4 * 3 + 1)]) {
      expect(await verifyClaims(SECRET, "agent-sign-in", junk, NOW)).toBeNull();
    }
  });
});
