import { describe, expect, it } from "vitest";
import { isSafeNext, readSignInToken, signInUrl } from "./sign-in-links";

const env = { BATON_ENV: "test", TOKEN_SECRET: "test-token-secret-0123456789abcdef", PUBLIC_URL: "https://baton.example.com/" };
const NOW = 1_800_000_000;

describe("agent sign-in links", () => {
  it("open the page they were minted for, as the agent they name", async () => {
    const url = new URL(await signInUrl(env, { agentId: "agt_1", projectId: "prj_1", next: "/agent/handoffs/h_abc" }, NOW));
    expect(url.origin + url.pathname).toBe("https://baton.example.com/agent/sign-in");
    const claims = await readSignInToken(env, url.searchParams.get("token")!, NOW + 60);
    expect(claims).toMatchObject({ sub: "agt_1", prj: "prj_1", next: "/agent/handoffs/h_abc" });
  });

  it("expire after their time to live", async () => {
    const url = new URL(await signInUrl(env, { agentId: "a", projectId: "p", next: "/desk", ttlSeconds: 60 }, NOW));
    expect(await readSignInToken(env, url.searchParams.get("token")!, NOW + 61)).toBeNull();
  });

  it.each([
    ["/desk", true],
    ["/agent/handoffs/h_1-x", true],
    ["/settings", true],
    ["https://evil.example/desk", false],
    ["//evil.example", false],
    ["/desk/../../x", false],
    ["javascript:alert(1)", false],
    ["/agent/handoffs/<script>", false],
  ])("only same-origin agent pages are a place to go next: %s → %s", (next, safe) => {
    expect(isSafeNext(next)).toBe(safe);
  });

  it("a link minted with an unsafe next opens the desk instead", async () => {
    const url = new URL(await signInUrl(env, { agentId: "a", projectId: "p", next: "https://evil.example" }, NOW));
    expect((await readSignInToken(env, url.searchParams.get("token")!, NOW))?.next).toBe("/desk");
  });
});
