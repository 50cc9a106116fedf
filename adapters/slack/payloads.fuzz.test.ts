// Slack's inbound payloads and signatures, fuzzed: the parsers and the verifier never throw, a
// signature not made with the signing secret never passes, and what the schemas accept is only
// what they declare.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interactionPayload, slackEventSchema, slackInteractionSchema } from "./payloads";
import { signSlackRequest, verifySlackSignature } from "./verify";

const SECRET = "test-slack-signing-secret";
const NOW = 1_800_000_000;

const slackish = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  fc.record(
    {
      type: fc.oneof(fc.constantFrom("url_verification", "event_callback", "block_actions", "view_submission"), fc.string({ maxLength: 20 })),
      challenge: fc.oneof(fc.string({ maxLength: 300 }), fc.anything()),
      event_id: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()),
      event: fc.oneof(
        fc.anything({ maxDepth: 2 }),
        fc.record({ type: fc.string(), text: fc.string({ maxLength: 500 }), channel: fc.string({ maxLength: 80 }) }),
      ),
      user: fc.oneof(fc.anything({ maxDepth: 2 }), fc.record({ id: fc.string({ maxLength: 80 }) })),
      actions: fc.oneof(fc.anything({ maxDepth: 2 }), fc.array(fc.record({ action_id: fc.string(), value: fc.string() }), { maxLength: 12 })),
      view: fc.anything({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  ),
);

describe("Slack payload parsers, fuzzed", () => {
  it("the event and interaction schemas never throw, and accept only their declared types", () => {
    fc.assert(
      fc.property(slackish, (input) => {
        const event = slackEventSchema.safeParse(input);
        if (event.success) expect(["url_verification", "event_callback"]).toContain(event.data.type);
        const interaction = slackInteractionSchema.safeParse(input);
        if (interaction.success) expect(["block_actions", "view_submission"]).toContain(interaction.data.type);
      }),
      { numRuns: 1000 },
    );
  });

  it("the interactivity form body is read without throwing, whatever it holds", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 500 }),
          slackish.map((v) => `payload=${encodeURIComponent(JSON.stringify(v) ?? "")}`),
          fc.string().map((s) => `payload=${s}`),
        ),
        (body) => {
          expect(() => interactionPayload(body)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("Slack signatures, fuzzed", () => {
  it("never throw and never pass unless made with the signing secret over this very body", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 300 }),
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }).map((h) => `v0=${h}`),
        ),
        fc.oneof(fc.constant(String(NOW)), fc.string({ maxLength: 14 })),
        async (body, signature, timestamp) => {
          expect((await verifySlackSignature(SECRET, { timestamp, signature }, body, NOW)).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a genuine signature passes only for its own body and timestamp", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.string({ minLength: 1, maxLength: 5 }), async (body, tail) => {
        const signature = await signSlackRequest(SECRET, NOW, body);
        expect((await verifySlackSignature(SECRET, { timestamp: String(NOW), signature }, body, NOW)).ok).toBe(true);
        expect((await verifySlackSignature(SECRET, { timestamp: String(NOW), signature }, body + tail, NOW)).ok).toBe(false);
        expect((await verifySlackSignature(SECRET, { timestamp: String(NOW + 1), signature }, body, NOW)).ok).toBe(false);
        expect((await verifySlackSignature("another-secret", { timestamp: String(NOW), signature }, body, NOW)).ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
