import fc from "fast-check";
import { sign, verify } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { signSocketToken, verifySocketToken } from "./crypto";
import { base64url, keyId, signClaims, verifyClaims } from "./signed-claims";

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

describe("the token format", () => {
  it("encodes base64url exactly as the platform's base64, unpadded and URL-safe, for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const reference = Buffer.from(bytes).toString("base64url");
        expect(base64url(bytes)).toBe(reference);
      }),
    );
  });

  it("is a standard HS256 JWT: Hono's reference verify accepts ours, and tokens Hono signed (issued before the key cache) still verify", async () => {
    const ours = await signClaims(SECRET, "visitor-socket", { sub: "c_1", prj: "p_1" }, 600, NOW);
    expect(await verify(ours, SECRET, { alg: "HS256", aud: "visitor-socket", exp: false, iat: false, nbf: false })).toMatchObject({
      sub: "c_1",
      prj: "p_1",
      exp: NOW + 600,
    });
    const k = btoa(SECRET).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const theirs = await sign(
      { sub: "c_2", prj: "p_1", aud: "visitor-socket", iat: NOW, exp: NOW + 600, jti: "j" },
      { kty: "oct", k, alg: "HS256", kid: await keyId(SECRET) },
      "HS256",
    );
    expect(theirs.split(".")[0]).toBe(ours.split(".")[0]); // the same header, kid included
    expect(await verifyClaims(SECRET, "visitor-socket", theirs, NOW)).toMatchObject({ sub: "c_2", jti: "j" });
  });
});

describe("key rotation", () => {
  const OLD = "old-secret-0123456789abcdef";
  const NEW = "new-secret-0123456789abcdef";

  it("names the signing secret in the header's kid, never the secret itself", async () => {
    const token = await signClaims({ current: NEW, previous: OLD }, "visitor-socket", { sub: "c_1", prj: "p" }, 60, NOW);
    const header = JSON.parse(atob(token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(header).toMatchObject({ alg: "HS256", typ: "JWT", kid: await keyId(NEW) });
    expect(header.kid).not.toContain(NEW);
    expect(await keyId(NEW)).not.toBe(await keyId(OLD));
  });

  it("a token signed before the rotation still verifies with the previous secret, and stops once it is dropped", async () => {
    const before = await signClaims(OLD, "visitor-socket", { sub: "c_1", prj: "p" }, 600, NOW);
    expect(await verifyClaims({ current: NEW, previous: OLD }, "visitor-socket", before, NOW)).toMatchObject({ sub: "c_1" });
    expect(await verifyClaims({ current: NEW }, "visitor-socket", before, NOW)).toBeNull();
    const after = await signClaims({ current: NEW, previous: OLD }, "visitor-socket", { sub: "c_2", prj: "p" }, 600, NOW);
    expect(await verifyClaims(NEW, "visitor-socket", after, NOW)).toMatchObject({ sub: "c_2" });
    expect(await verifyClaims(OLD, "visitor-socket", after, NOW)).toBeNull();
  });

  it("a kid naming no secret of the ring is refused without trying the others", async () => {
    const foreign = await signClaims("someone-else's-secret", "visitor-socket", { sub: "c", prj: "p" }, 600, NOW);
    expect(await verifyClaims({ current: NEW, previous: OLD }, "visitor-socket", foreign, NOW)).toBeNull();
  });
});

describe("socket tokens", () => {
  it("carry one role in one conversation; a visitor's is no agent's", async () => {
    const visitor = await signSocketToken(SECRET, { role: "visitor", conversationId: "c_1", projectId: "p_1" }, 60, NOW);
    expect(await verifySocketToken(SECRET, visitor, NOW)).toEqual({ role: "visitor", conversationId: "c_1", projectId: "p_1", exp: NOW + 60 });
    const agent = await signSocketToken(SECRET, { role: "agent", conversationId: "c_1", projectId: "p_1", agentId: "a_1", agentName: "Ada" }, 60, NOW);
    expect(await verifySocketToken(SECRET, agent, NOW)).toMatchObject({ role: "agent", agentId: "a_1", agentName: "Ada" });
    // A sign-in link is a JWT under the same secret, for another purpose: never a socket.
    const link = await signClaims(SECRET, "agent-sign-in", { sub: "c_1", prj: "p_1" }, 60, NOW);
    expect(await verifySocketToken(SECRET, link, NOW)).toBeNull();
  });
});

describe("the verifier, fuzzed", () => {
  const alphabet = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.+/%".split(""));
  const b64ish = fc.string({ unit: alphabet, maxLength: 300 });

  it("never throws and never accepts: arbitrary strings, base64url-ish parts of any length (1 mod 4 included)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 600 }),
          fc.tuple(b64ish, b64ish, b64ish).map((p) => p.join(".")),
          b64ish,
        ),
        async (token) => {
          expect(await verifyClaims(SECRET, "agent-sign-in", token, NOW)).toBeNull();
          expect(await verifySocketToken({ current: SECRET, previous: "p" }, token, NOW)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("any change to a genuine token's header, payload or signature is refused", async () => {
    const token = await signSocketToken(SECRET, { role: "visitor", conversationId: "c_1", projectId: "p_1" }, 600, NOW);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.string({ unit: alphabet, minLength: 1, maxLength: 3 }), async (at, insert) => {
        const tampered = token.slice(0, at) + insert + token.slice(at + 1);
        fc.pre(tampered !== token);
        const verified = await verifySocketToken(SECRET, tampered, NOW);
        // base64url has slack in its last character's low bits: a token that decodes to the same bytes is the same token.
        if (verified) expect(verified).toEqual(await verifySocketToken(SECRET, token, NOW));
      }),
      { numRuns: 300 },
    );
  });
});
