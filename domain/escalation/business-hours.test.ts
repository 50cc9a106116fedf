import { describe, expect, it } from "vitest";
import { describeHours, followUpCommitment, isOpen, nextOpening, zoneLabel } from "./business-hours";
import { businessHoursSchema, type EscalationSettingsInput } from "./escalation-settings";

type HoursInput = NonNullable<EscalationSettingsInput["businessHours"]>;
const hours = (input: HoursInput = {}) => businessHoursSchema.parse(input);

const paris = hours();
const lunchBreak = hours({
  weekly: {
    mon: [
      { start: "09:00", end: "12:30" },
      { start: "14:00", end: "18:00" },
    ],
    tue: [
      { start: "09:00", end: "12:30" },
      { start: "14:00", end: "18:00" },
    ],
    wed: [
      { start: "14:00", end: "18:00" },
      { start: "09:00", end: "12:30" },
    ],
    thu: [
      { start: "09:00", end: "12:30" },
      { start: "14:00", end: "18:00" },
    ],
    fri: [{ start: "09:00", end: "13:00" }],
  },
});
const tokyo = hours({ timezone: "Asia/Tokyo" });
const auckland = hours({ timezone: "Pacific/Auckland" });
const allDay = [{ start: "00:00", end: "24:00" }];
const alwaysOpen = hours({ weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } });
const sundayNight = hours({ weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sun: [{ start: "01:00", end: "04:00" }] } });
const christmas = hours({ holidays: ["2026-12-24", "2026-12-25"] });
const easterMonday = hours({ holidays: ["2026-04-06"] });
const yearEnd = hours({
  holidays: ["2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-25", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01"],
});
const never = hours({ weekly: { mon: [], tue: [], wed: [], thu: [], fri: [] } });

describe("isOpen", () => {
  it.each([
    ["a summer Wednesday at 08:59 CEST is closed", paris, "2026-07-01T06:59:00Z", false],
    ["a summer Wednesday at 09:00 CEST is open", paris, "2026-07-01T07:00:00Z", true],
    ["a summer Wednesday at 17:59 CEST is open", paris, "2026-07-01T15:59:00Z", true],
    ["closing time itself (18:00 CEST) is closed", paris, "2026-07-01T16:00:00Z", false],
    ["a winter Wednesday at 09:00 CET (08:00 UTC) is open", paris, "2026-01-14T08:00:00Z", true],
    ["a winter Wednesday at 08:30 CET is closed", paris, "2026-01-14T07:30:00Z", false],
    ["the Friday before the March DST change opens at 09:00 CET (08:00 UTC)", paris, "2026-03-27T08:00:00Z", true],
    ["the Monday after the March DST change opens at 09:00 CEST (07:00 UTC)", paris, "2026-03-30T07:00:00Z", true],
    ["the Monday after the March DST change is still closed at 08:30 CEST", paris, "2026-03-30T06:30:00Z", false],
    ["the Friday before the October DST change opens at 09:00 CEST (07:00 UTC)", paris, "2026-10-23T07:00:00Z", true],
    ["the Monday after the October DST change is still closed at 08:59 CET (07:59 UTC)", paris, "2026-10-26T07:59:00Z", false],
    ["the Monday after the October DST change opens at 09:00 CET (08:00 UTC)", paris, "2026-10-26T08:00:00Z", true],
    ["Saturday is closed", paris, "2026-07-04T10:00:00Z", false],
    ["Sunday is closed", paris, "2026-07-05T10:00:00Z", false],
    ["a holiday on a weekday is closed", christmas, "2026-12-24T10:00:00Z", false],
    ["the day after the holidays is open again", christmas, "2026-12-28T10:00:00Z", true],
    ["the lunch break is closed", lunchBreak, "2026-07-01T11:00:00Z", false],
    ["the afternoon after lunch is open", lunchBreak, "2026-07-01T12:00:00Z", true],
    ["intervals given out of order still work", lunchBreak, "2026-07-01T08:00:00Z", true],
    ["Tokyo opens at 09:00 JST, which is midnight UTC", tokyo, "2026-07-06T00:00:00Z", true],
    ["Tokyo is closed on Sunday evening UTC, which is still Monday dawn there", tokyo, "2026-07-05T23:59:00Z", false],
    ["Auckland on Monday 09:00 NZST (Sunday 21:00 UTC) is open", auckland, "2026-04-05T21:00:00Z", true],
    ["Auckland on Monday 08:30 NZST is closed", auckland, "2026-04-05T20:30:00Z", false],
    ["an always-open schedule is open at 03:00 on a Sunday", alwaysOpen, "2026-07-05T01:00:00Z", true],
    ["an interval across the spring-forward gap is one hour short (open at 03:59 CEST)", sundayNight, "2026-03-29T01:59:00Z", true],
    ["an interval across the spring-forward gap ends at 04:00 CEST", sundayNight, "2026-03-29T02:00:00Z", false],
    ["an interval across the fall-back change is one hour long (open at 03:30 CET)", sundayNight, "2026-10-25T02:30:00Z", true],
    ["an empty schedule is never open", never, "2026-07-01T10:00:00Z", false],
  ])("%s", (_name, schedule, iso, open) => {
    expect(isOpen(schedule, new Date(iso))).toBe(open);
  });
});

describe("nextOpening", () => {
  it.each([
    ["when open, it is now", paris, "2026-07-01T10:00:00Z", "2026-07-01T10:00:00.000Z"],
    ["before opening, it is 09:00 today", paris, "2026-07-01T05:00:00Z", "2026-07-01T07:00:00.000Z"],
    ["Friday evening before the March DST change → Monday 09:00 CEST", paris, "2026-03-27T17:30:00Z", "2026-03-30T07:00:00.000Z"],
    ["Friday evening before the October DST change → Monday 09:00 CET", paris, "2026-10-23T16:30:00Z", "2026-10-26T08:00:00.000Z"],
    ["Saturday → Monday 09:00", paris, "2026-07-04T12:00:00Z", "2026-07-06T07:00:00.000Z"],
    ["the evening before Christmas Eve skips both holidays and the weekend", christmas, "2026-12-23T17:30:00Z", "2026-12-28T08:00:00.000Z"],
    ["during lunch, it is 14:00", lunchBreak, "2026-07-01T11:00:00Z", "2026-07-01T12:00:00.000Z"],
    ["Tokyo Friday 18:30 JST → Monday 09:00 JST", tokyo, "2026-07-03T09:30:00Z", "2026-07-06T00:00:00.000Z"],
    ["Auckland Friday evening before its April DST end → Monday 09:00 NZST", auckland, "2026-04-03T05:30:00Z", "2026-04-05T21:00:00.000Z"],
  ])("%s", (_name, schedule, iso, expected) => {
    expect(nextOpening(schedule, new Date(iso))?.toISOString()).toBe(expected);
  });

  it("is null when the schedule never opens", () => {
    expect(nextOpening(never, new Date("2026-07-01T10:00:00Z"))).toBeNull();
  });
});

describe("followUpCommitment", () => {
  it.each([
    ["open at 10:30 CEST → before closing today", paris, "2026-07-07T08:30:00Z", "2026-07-07T16:00:00.000Z", "before 18:00 CEST today", true],
    ["open at 15:59 CEST → still same day", paris, "2026-07-07T13:59:00Z", "2026-07-07T16:00:00.000Z", "before 18:00 CEST today", true],
    [
      "at 16:00 CEST there is no same-day promise → tomorrow morning",
      paris,
      "2026-07-07T14:00:00Z",
      "2026-07-08T08:00:00.000Z",
      "before 10:00 CEST tomorrow",
      false,
    ],
    ["at 17:30 CEST → tomorrow before 10:00", paris, "2026-07-07T15:30:00Z", "2026-07-08T08:00:00.000Z", "before 10:00 CEST tomorrow", false],
    ["at 23:00 CEST → tomorrow before 10:00", paris, "2026-07-07T21:00:00Z", "2026-07-08T08:00:00.000Z", "before 10:00 CEST tomorrow", false],
    ["after midnight, the next business morning is today", paris, "2026-07-07T22:30:00Z", "2026-07-08T08:00:00.000Z", "before 10:00 CEST today", true],
    ["at 07:30 before opening → before 10:00 today", paris, "2026-07-08T05:30:00Z", "2026-07-08T08:00:00.000Z", "before 10:00 CEST today", true],
    [
      "at 09:30, with under an hour before 10:00 → before closing today",
      paris,
      "2026-07-08T07:30:00Z",
      "2026-07-08T16:00:00.000Z",
      "before 18:00 CEST today",
      true,
    ],
    ["Friday 17:00 → Monday", paris, "2026-07-10T15:00:00Z", "2026-07-13T08:00:00.000Z", "before 10:00 CEST on Monday", false],
    ["Saturday → Monday", paris, "2026-07-11T10:00:00Z", "2026-07-13T08:00:00.000Z", "before 10:00 CEST on Monday", false],
    [
      "Friday 17:00 CET before the March DST change → Monday 10:00 CEST (08:00 UTC)",
      paris,
      "2026-03-27T16:00:00Z",
      "2026-03-30T08:00:00.000Z",
      "before 10:00 CEST on Monday",
      false,
    ],
    [
      "Friday 17:00 CEST before the October DST change → Monday 10:00 CET (09:00 UTC)",
      paris,
      "2026-10-23T15:00:00Z",
      "2026-10-26T09:00:00.000Z",
      "before 10:00 CET on Monday",
      false,
    ],
    ["Christmas holidays and the weekend are skipped", christmas, "2026-12-23T16:00:00Z", "2026-12-28T09:00:00.000Z", "before 10:00 CET on Monday", false],
    ["Easter Monday is skipped → Tuesday", easterMonday, "2026-04-03T15:00:00Z", "2026-04-07T08:00:00.000Z", "before 10:00 CEST on Tuesday", false],
    ["a closure longer than a week names the date", yearEnd, "2026-12-18T16:00:00Z", "2027-01-04T09:00:00.000Z", "before 10:00 CET on Monday 4 January", false],
    [
      "during the lunch break before 16:00 → the same afternoon",
      lunchBreak,
      "2026-07-01T11:00:00Z",
      "2026-07-01T16:00:00.000Z",
      "before 18:00 CEST today",
      true,
    ],
    ["a short Friday with 30 minutes left → Monday", lunchBreak, "2026-07-03T10:30:00Z", "2026-07-06T08:00:00.000Z", "before 10:00 CEST on Monday", false],
    ["an always-open team promises before midnight today", alwaysOpen, "2026-07-07T10:00:00Z", "2026-07-07T22:00:00.000Z", "before midnight CEST today", true],
    ["an always-open team still keeps the 16:00 rule", alwaysOpen, "2026-07-07T15:00:00Z", "2026-07-08T08:00:00.000Z", "before 10:00 CEST tomorrow", false],
    [
      "Auckland Friday 17:00 NZDT → Monday 10:00 NZST after its DST end",
      auckland,
      "2026-04-03T04:00:00Z",
      "2026-04-05T22:00:00.000Z",
      "before 10:00 NZST on Monday",
      false,
    ],
  ])("%s", (_name, schedule, iso, by, label, sameDay) => {
    expect(followUpCommitment(schedule, new Date(iso))).toEqual({ by: new Date(by), label, sameDay });
  });

  it("follows the project's own follow-up times", () => {
    const custom = hours({ followUp: { beforeLocalTime: "11:00", noSameDayAfter: "14:00" } });
    expect(followUpCommitment(custom, new Date("2026-07-07T12:30:00Z"))?.label).toBe("before 11:00 CEST tomorrow");
    expect(followUpCommitment(custom, new Date("2026-07-07T11:30:00Z"))?.label).toBe("before 18:00 CEST today");
  });

  it("in Tokyo, Friday evening → Monday 10:00 Tokyo time", () => {
    const c = followUpCommitment(tokyo, new Date("2026-07-03T10:00:00Z"));
    expect(c?.by.toISOString()).toBe("2026-07-06T01:00:00.000Z");
    expect(c?.label).toMatch(/^before 10:00 (?:JST|GMT\+9) on Monday$/);
  });

  it("is null when the team never opens", () => {
    expect(followUpCommitment(never, new Date("2026-07-07T10:00:00Z"))).toBeNull();
  });
});

describe("describeHours", () => {
  it.each([
    ["the default week", paris, undefined, "Mon–Fri 9:00–18:00 CET"],
    ["the default week, labelled for a summer day", paris, new Date("2026-07-01T12:00:00Z"), "Mon–Fri 9:00–18:00 CEST"],
    ["a lunch break and a short Friday", lunchBreak, undefined, "Mon–Thu 9:00–12:30, 14:00–18:00; Fri 9:00–13:00 CET"],
    ["a Saturday morning", hours({ weekly: { sat: [{ start: "10:00", end: "13:00" }] } }), undefined, "Mon–Fri 9:00–18:00; Sat 10:00–13:00 CET"],
    ["an always-open team", alwaysOpen, undefined, "Mon–Sun 0:00–24:00 CET"],
    ["a US team", hours({ timezone: "America/New_York" }), undefined, "Mon–Fri 9:00–18:00 EST"],
    ["a New Zealand team in winter", auckland, undefined, "Mon–Fri 9:00–18:00 NZST"],
    ["no hours at all", never, undefined, "no regular hours"],
  ])("%s → %s", (_name, schedule, at, expected) => {
    expect(describeHours(schedule, at)).toBe(expected);
  });

  it("falls back to a GMT offset where no abbreviation exists (Tokyo)", () => {
    expect(describeHours(tokyo)).toMatch(/^Mon–Fri 9:00–18:00 (?:JST|GMT\+9)$/);
  });
});

describe("zoneLabel", () => {
  it.each([
    ["Europe/Paris", undefined, "CET"],
    ["Europe/Paris", new Date("2026-07-01T12:00:00Z"), "CEST"],
    ["Europe/London", new Date("2026-07-01T12:00:00Z"), "BST"],
    ["America/Los_Angeles", new Date("2026-07-01T12:00:00Z"), "PDT"],
    ["UTC", undefined, "UTC"],
  ])("%s at %s → %s", (zone, at, label) => {
    expect(zoneLabel(zone, at)).toBe(label);
  });
});
