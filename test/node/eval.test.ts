// The evaluation set as a test: `npm test` fails when any figure of `npm run eval` falls below its
// floor in eval/floors.json. The same harness and the same real room transition as the report.
import { describe, expect, it } from "vitest";
import { EVAL_CASES, demoSettings } from "../../eval/cases";
import floors from "../../eval/floors.json";
import { GROUPS, belowFloors, runAll, runCase, score, type Floors } from "../../eval/harness";
import { TRIGGERS } from "../../protocol/jobs";

const settings = demoSettings();

describe("the evaluation set", () => {
  it("is well formed: unique ids prefixed by their group, 1–6 turns, known triggers and knowledge entries", () => {
    const ids = new Set<string>();
    const entries = new Set(settings.knowledgeBase.map((e) => e.id));
    for (const c of EVAL_CASES) {
      expect(ids.has(c.id), c.id).toBe(false);
      ids.add(c.id);
      expect(GROUPS, c.id).toContain(c.group);
      expect(c.id.startsWith(`${c.group}-`), c.id).toBe(true);
      expect(c.turns.length, c.id).toBeGreaterThanOrEqual(1);
      expect(c.turns.length, c.id).toBeLessThanOrEqual(6);
      expect(c.expect.handoff, c.id).toBe(c.expect.trigger !== null);
      if (c.expect.trigger) expect(TRIGGERS, c.id).toContain(c.expect.trigger);
      if (c.expect.entryId) expect(entries.has(c.expect.entryId), c.id).toBe(true);
    }
    expect(ids.size).toBe(361);
  });

  it("is run through the room itself: a handoff, its trigger and the bot's answer come from transition()", () => {
    const asked = runCase(
      { id: "probe-1", group: "explicit", turns: ["can I talk to a person?"], expect: { handoff: true, trigger: "explicit_request" } },
      settings,
    );
    expect(asked).toMatchObject({ handoff: true, trigger: "explicit_request", route: "sales" });
    expect(asked.botSaid.at(-1)).toMatch(/let me get you a person/);
    const known = runCase({ id: "probe-2", group: "knowledge", turns: ["what does your company do?"], expect: { handoff: false, trigger: null } }, settings);
    expect(known).toMatchObject({ handoff: false, entryId: "services", lastReply: "answer" });
  });

  it("every figure is at or above its floor (eval/floors.json)", () => {
    const report = score(runAll(EVAL_CASES, settings));
    expect(belowFloors(report, floors as Floors)).toEqual([]);
  });

  it("a figure below its floor is reported in words", () => {
    const report = score(runAll(EVAL_CASES.slice(0, 5), settings));
    const impossible: Floors = { ...(floors as Floors), triggerAccuracy: 1.01 };
    expect(belowFloors(report, impossible)).toEqual(expect.arrayContaining([expect.stringMatching(/^trigger accuracy .* < floor/)]));
  });
});
