import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_SETTINGS_BYTES, oversizedSettingsField, parseStoredSettings, settingsSchema } from "./settings";

const entry = (i: number) => ({
  question: `Question number ${i}?`.padEnd(500, "q"),
  answer: "a".repeat(4000),
  keywords: Array.from({ length: 30 }, (_, k) => `kw${k}`.padEnd(60, "k")),
});

describe("settings that storage accepts", () => {
  it("the defaults fit, with room to spare", () => {
    const defaults = settingsSchema.parse({});
    expect(oversizedSettingsField(defaults)).toBeNull();
    expect(defaults).toMatchObject({ identityVerification: false, retentionDays: 90 });
  });

  it("a few hundred full-size knowledge entries pass the schema but not storage, which names knowledgeBase", () => {
    const settings = settingsSchema.parse({ knowledgeBase: Array.from({ length: 300 }, (_, i) => entry(i)) });
    expect(oversizedSettingsField(settings)).toMatchObject({ field: "knowledgeBase", bytes: expect.any(Number) });
    expect(oversizedSettingsField(settings)!.bytes).toBeGreaterThan(MAX_SETTINGS_BYTES);
  });

  it("measures UTF-8 bytes, not characters", () => {
    const settings = settingsSchema.parse({ knowledgeBase: Array.from({ length: 90 }, (_, i) => ({ ...entry(i), answer: "€".repeat(4000) })) });
    expect(JSON.stringify(settings).length).toBeLessThan(MAX_SETTINGS_BYTES);
    expect(oversizedSettingsField(settings)?.field).toBe("knowledgeBase");
  });

  it("retention is between a day and ten years", () => {
    for (const retentionDays of [0, -1, 3651, 1.5, "90"]) expect(settingsSchema.safeParse({ retentionDays }).success).toBe(false);
    expect(settingsSchema.parse({ retentionDays: 30 }).retentionDays).toBe(30);
  });
});

describe("the settings schema, fuzzed", () => {
  const fields = fc.constantFrom(...Object.keys(settingsSchema.shape));
  const partial = fc.dictionary(
    fc.oneof(fields, fc.string({ maxLength: 20 })),
    fc.oneof(
      fc.anything(),
      fc.json().map((j) => JSON.parse(j)),
    ),
    { maxKeys: 6 },
  );

  it("never throws on any input, and whatever it accepts is storable or named by the size check", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), partial), (input) => {
        const parsed = settingsSchema.safeParse(input);
        if (parsed.success) {
          const over = oversizedSettingsField(parsed.data);
          if (over) expect(Object.keys(parsed.data)).toContain(over.field);
          expect(settingsSchema.parse(JSON.parse(JSON.stringify(parsed.data)))).toEqual(parsed.data); // stored settings read back the same
        } else {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("stored settings of any shape read back as working settings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (stored) => {
        expect(() => parseStoredSettings(stored)).not.toThrow();
        expect(parseStoredSettings(stored).botName.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
