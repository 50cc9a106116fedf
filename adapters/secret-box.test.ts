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

describe("rotating the key of secrets at rest", () => {
  it("a secret sealed before TOKEN_SECRET rotated still opens while TOKEN_SECRET_PREVIOUS holds the old one", async () => {
    const sealed = await seal(env, "xoxb-before");
    const rotated = { ...env, TOKEN_SECRET: "a-new-token-secret-0123456789", TOKEN_SECRET_PREVIOUS: env.TOKEN_SECRET };
    expect(await unseal(rotated, sealed)).toBe("xoxb-before");
    expect(await unseal({ ...env, TOKEN_SECRET: "a-new-token-secret-0123456789" }, sealed)).toBeNull();
    // New secrets are sealed with the new key.
    expect(await unseal({ ...env, TOKEN_SECRET: "a-new-token-secret-0123456789" }, await seal(rotated, "xoxb-after"))).toBe("xoxb-after");
  });

  it("with SECRETS_KEY set, SECRETS_KEY_PREVIOUS opens what the old one sealed, and TOKEN_SECRET no longer matters", async () => {
    const sealed = await seal({ ...env, SECRETS_KEY: "old-secrets-key" }, "hubspot-token");
    expect(await unseal({ ...env, SECRETS_KEY: "new-secrets-key", SECRETS_KEY_PREVIOUS: "old-secrets-key" }, sealed)).toBe("hubspot-token");
    expect(await unseal({ ...env, SECRETS_KEY: "new-secrets-key" }, sealed)).toBeNull();
    expect(await unseal({ ...env, TOKEN_SECRET: "changed", SECRETS_KEY: "old-secrets-key" }, sealed)).toBe("hubspot-token");
  });
});
