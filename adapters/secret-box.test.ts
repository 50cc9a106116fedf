import { describe, expect, it } from "vitest";
import { seal, unseal } from "./secret-box";

const env = { BATON_ENV: "test", TOKEN_SECRET: "test-token-secret-0123456789abcdef" };

describe("secrets at rest", () => {
  it("round-trip, and never store the plaintext", async () => {
    const sealed = await seal(env, "xoxb-secret-token");
    expect(sealed).not.toContain("xoxb");
    expect(await unseal(env, sealed)).toBe("xoxb-secret-token");
  });

  it("each sealing is different (random IV)", async () => {
    expect(await seal(env, "same")).not.toBe(await seal(env, "same"));
  });

  it("another key, a tampered value or garbage opens to null", async () => {
    const sealed = await seal(env, "xoxb-secret-token");
    expect(await unseal({ ...env, SECRETS_KEY: "another key entirely" }, sealed)).toBeNull();
    const [v, iv, data] = sealed.split(".");
    const flipped = `${v}.${iv}.${data!.slice(0, -4)}AAAA`;
    expect(await unseal(env, flipped)).toBeNull();
    for (const junk of ["", "v1", "v1.a.b", "v2.AAAA.AAAA", "v1.%%%.***", "plain"]) expect(await unseal(env, junk)).toBeNull();
  });
});
