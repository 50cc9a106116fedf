// Slack's endpoints fuzzed through the real worker: correctly signed garbage (events and
// interactivity) never produces a 5xx or touches a conversation; unsigned requests are refused.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signSlackRequest } from "../../adapters/slack/verify";
import { call } from "./helpers";
import { SIGNING_SECRET } from "./slack-helpers";

const body = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ""),
  fc
    .record(
      { type: fc.constantFrom("event_callback", "url_verification", "block_actions"), event: fc.anything({ maxDepth: 2 }), challenge: fc.string() },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.anything({ maxDepth: 3 }).map((v) => `payload=${encodeURIComponent(JSON.stringify(v) ?? "")}`),
  fc
    .record({
      type: fc.constant("block_actions"),
      user: fc.record({ id: fc.string({ minLength: 1, maxLength: 10 }) }),
      actions: fc.array(fc.record({ action_id: fc.string({ maxLength: 40 }), value: fc.string({ maxLength: 60 }) }), { minLength: 1, maxLength: 3 }),
    })
    .map((v) => `payload=${encodeURIComponent(JSON.stringify(v))}`),
);

const counts = async () =>
  JSON.stringify(
    await env.DB.prepare(
      "SELECT (SELECT COUNT(*) FROM handoffs) AS h, (SELECT COUNT(*) FROM decisions) AS d, (SELECT COUNT(*) FROM conversations) AS c",
    ).first(),
  );

describe("Slack's endpoints, fuzzed", () => {
  it.each(["/slack/events", "/slack/interactions"])(
    "%s: signed garbage is never a 5xx and changes nothing; unsigned is refused",
    async (path) => {
      await fc.assert(
        fc.asyncProperty(body, fc.boolean(), async (raw, signed) => {
          const before = await counts();
          const timestamp = Math.floor(Date.now() / 1000);
          const headers: Record<string, string> = {
            "content-type": raw.startsWith("payload=") ? "application/x-www-form-urlencoded" : "application/json",
            "x-slack-request-timestamp": String(timestamp),
            "x-slack-signature": signed ? await signSlackRequest(SIGNING_SECRET, timestamp, raw) : "v0=" + "0".repeat(64),
          };
          const res = await call(path, { method: "POST", body: raw, headers });
          expect(res.status, raw.slice(0, 200)).toBeLessThan(500);
          if (!signed) expect(res.status).toBe(401);
          await res.body?.cancel();
          expect(await counts()).toBe(before);
        }),
        { numRuns: 40 },
      );
    },
    60_000,
  );
});
