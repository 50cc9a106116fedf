// The webhook's signature is what the README's snippet checks: signed here, verified there.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { verifyBatonWebhook } from "../docs/examples/verify-webhook.mjs";
import { signWebhook } from "./webhook";

describe("the webhook signature", () => {
  it("is v1=<hex HMAC-SHA256 of '{timestamp}.{raw body}'>, and the documented snippet verifies it", async () => {
    const body = JSON.stringify({ id: "job_1", kind: "handoff.opened", note: "ünïcode & <b>" });
    const signature = await signWebhook("whsec_test_0123456789", 1_772_618_400, body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    const check = { secret: "whsec_test_0123456789", timestamp: "1772618400", signature, rawBody: body, now: 1_772_618_400_000 };
    expect(verifyBatonWebhook(check)).toBe(true);
    expect(verifyBatonWebhook({ ...check, rawBody: `${body} ` })).toBe(false);
    expect(verifyBatonWebhook({ ...check, timestamp: "1772618401" })).toBe(false);
    expect(verifyBatonWebhook({ ...check, now: (1_772_618_400 + 301) * 1000 })).toBe(false);
    expect(verifyBatonWebhook({ ...check, signature: signature.replace("v1=", "v0=") })).toBe(false);
    expect(verifyBatonWebhook({ ...check, timestamp: "12abc" })).toBe(false);
  });

  it("the README shows the snippet exactly as tested", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const snippet = readFileSync(new URL("../docs/examples/verify-webhook.mjs", import.meta.url), "utf8").trim();
    expect(readme).toContain(snippet);
  });
});
