import { describe, expect, it } from "vitest";
import { parseStoredSettings } from "../domain/settings";
import { shareSettings, storedSettings, versionOf } from "./settings-cache";

describe("settings cache", () => {
  const raw = JSON.stringify({ knowledgeBase: [{ question: "Do you offer a free trial?", answer: "Yes, 14 days." }] });

  it("parses a stored row once per version and hands every caller the same object", () => {
    const first = storedSettings(raw);
    const second = storedSettings(`${raw}`);
    expect(second.settings).toBe(first.settings);
    expect(first.settings).toEqual(parseStoredSettings(raw));
    expect(first.version).toBe(versionOf(raw));
  });

  it("an edited row is a new version, parsed anew", () => {
    const edited = raw.replace("14 days", "30 days");
    expect(versionOf(edited)).not.toBe(versionOf(raw));
    expect(storedSettings(edited).settings.knowledgeBase[0]?.answer).toBe("Yes, 30 days.");
    expect(storedSettings(raw).settings.knowledgeBase[0]?.answer).toBe("Yes, 14 days.");
  });

  it("a copy of known settings (an RPC's) is exchanged for the shared object", () => {
    const { settings, version } = storedSettings(raw);
    expect(shareSettings(version, structuredClone(settings))).toBe(settings);
  });
});
