// When the team is open and what the bot may honestly promise, in the team's own time zone.
// All local-time math goes through Intl.DateTimeFormat, so DST and far-away zones are exact.
// Pure: `now` is always a parameter; schedules come from escalation-settings.ts.
import { WEEKDAYS, type BusinessHours, type TimeInterval } from "./escalation-settings";

/** A calendar date in the team's zone. */
interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** What the bot may promise: reply by `by`, phrased as `label` ("before 10:00 CET tomorrow"). */
export interface FollowUpCommitment {
  by: Date;
  label: string;
  /** True when the promise is for the visitor's current local day. */
  sameDay: boolean;
}

/** A promise needs at least this much open time before its deadline to be one the team can keep. */
export const MIN_BUSINESS_MINUTES_FOR_PROMISE = 60;

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far ahead we look for an opening before giving up (holidays can close long stretches). */
const HORIZON_DAYS = 400;
const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const LONG_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Whether the team is inside one of today's intervals (start inclusive, end exclusive). */
export function isOpen(hours: BusinessHours, now: Date): boolean {
  const t = now.getTime();
  return openingsOn(hours, localDateOf(hours.timezone, t)).some(([s, e]) => s <= t && t < e);
}

/** The first instant at or after `now` when the team is open (`now` itself when open); null if never within a year. */
export function nextOpening(hours: BusinessHours, now: Date): Date | null {
  const t = now.getTime();
  let date = localDateOf(hours.timezone, t);
  for (let i = 0; i < HORIZON_DAYS; i++, date = addDays(date, 1)) {
    for (const [start, end] of openingsOn(hours, date)) {
      if (t < end) return new Date(Math.max(start, t));
    }
  }
  return null;
}

/**
 * The reply-by promise for a visitor who writes at `now`. Days are tried from today on; on each the
 * promise is "before `followUp.beforeLocalTime`" if the team has an hour of open time before it,
 * otherwise "before that day's closing" if it has an hour before closing. Today only counts before
 * `followUp.noSameDayAfter`. So: outside hours → next business morning before 10:00 (weekends,
 * closed days and holidays skipped); open before 16:00 → "before 18:00 today"; early morning or a
 * lunch break before 16:00 → the same day. Null when the schedule never opens.
 */
export function followUpCommitment(hours: BusinessHours, now: Date): FollowUpCommitment | null {
  const tz = hours.timezone;
  const t = now.getTime();
  const today = localDateOf(tz, t);
  const beforeMinutes = toMinutes(hours.followUp.beforeLocalTime);
  const sameDayAllowed = localMinutesOf(tz, t) < toMinutes(hours.followUp.noSameDayAfter);
  let date = today;
  for (let i = 0; i < HORIZON_DAYS; i++, date = addDays(date, 1)) {
    if (i === 0 && !sameDayAllowed) continue;
    const openings = openingsOn(hours, date);
    const last = openings.at(-1);
    if (!last) continue;
    const from = i === 0 ? t : localToInstant(tz, date, 0);
    const morning = localToInstant(tz, date, beforeMinutes);
    const candidates: [number, number][] = [
      [morning, beforeMinutes],
      [last[1], minutesOfDayAt(tz, date, last[1])],
    ];
    for (const [by, minutes] of candidates) {
      if (openMinutesBetween(openings, from, by) >= MIN_BUSINESS_MINUTES_FOR_PROMISE) {
        const when = dayPhrase(today, date);
        const label = `before ${formatMinutes(minutes, true)} ${zoneLabel(tz, new Date(by - 1))} ${when}`;
        return { by: new Date(by), label, sameDay: i === 0 };
      }
    }
  }
  return null;
}

/** The weekly schedule in words: "Mon–Fri 9:00–18:00 CET", or "Mon–Thu 9:00–12:30, 14:00–18:00; Fri 9:00–13:00 CET". */
export function describeHours(hours: BusinessHours, at?: Date): string {
  const days = WEEKDAYS.map((d) =>
    mergeIntervals(hours.weekly[d])
      .map(([s, e]) => `${formatMinutes(s)}–${formatMinutes(e)}`)
      .join(", "),
  );
  const groups: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[i]) j++;
    const spans = days[i];
    if (spans) groups.push(`${DAY_NAMES[i]}${j > i ? `–${DAY_NAMES[j]}` : ""} ${spans}`);
    i = j + 1;
  }
  if (groups.length === 0) return "no regular hours";
  return `${groups.join("; ")} ${zoneLabel(hours.timezone, at)}`;
}

/**
 * A short name for the zone: "CET"/"CEST", "EST", "NZDT", or "GMT+9" where no abbreviation exists.
 * Without `at`, the standard-time name ("CET" all year), which is what people print on a website.
 */
export function zoneLabel(timezone: string, at?: Date): string {
  const instant = at?.getTime() ?? standardTimeInstant(timezone);
  let fallback = "";
  for (const locale of ["en-GB", "en-US", "en-AU", "en-IN"]) {
    const name = zoneNameFormatter(locale, timezone)
      .formatToParts(instant)
      .find((p) => p.type === "timeZoneName")?.value;
    if (!name) continue;
    if (!/^(?:GMT|UTC)[+\-−]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback || timezone;
}

const zoneNameFormatters = new Map<string, Intl.DateTimeFormat>();

/** Building an Intl formatter costs far more than using one: one per locale and zone, kept. */
function zoneNameFormatter(locale: string, timezone: string): Intl.DateTimeFormat {
  const key = `${locale}\n${timezone}`;
  let f = zoneNameFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: timezone, timeZoneName: "short" });
    if (zoneNameFormatters.size > 500) zoneNameFormatters.clear();
    zoneNameFormatters.set(key, f);
  }
  return f;
}

/** The team's calendar date at instant `t`. */
function localDateOf(timezone: string, t: number): LocalDate {
  const p = localParts(timezone, t);
  return { year: p.year, month: p.month, day: p.day };
}

// --- local-time arithmetic -------------------------------------------------------------------

interface LocalParts extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(timezone: string, t: number): LocalParts {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, f);
  }
  const n: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const p of f.formatToParts(t)) n[p.type] = Number(p.value);
  return {
    year: n.year ?? 0,
    month: n.month ?? 1,
    day: n.day ?? 1,
    // Some engines print midnight as 24 even with h23.
    hour: (n.hour ?? 0) % 24,
    minute: n.minute ?? 0,
    second: n.second ?? 0,
  };
}

/** Milliseconds the zone is ahead of UTC at instant `t`. */
function offsetAt(timezone: string, t: number): number {
  const p = localParts(timezone, t);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * The instant of a local wall time. A time skipped by a spring-forward gap maps to the same
 * distance past the gap (02:30 → 03:30); a repeated fall-back time maps to its second occurrence.
 */
function localToInstant(timezone: string, date: LocalDate, minuteOfDay: number): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  const o1 = offsetAt(timezone, wall);
  const o2 = offsetAt(timezone, wall - o1);
  if (o1 === o2) return wall - o1;
  const o3 = offsetAt(timezone, wall - o2);
  return o3 === o2 ? wall - o2 : wall - Math.min(o1, o2);
}

function localMinutesOf(timezone: string, t: number): number {
  const p = localParts(timezone, t);
  return p.hour * 60 + p.minute + p.second / 60;
}

/** Minutes after `date`'s local midnight at instant `t` (1440 for the next midnight). */
function minutesOfDayAt(timezone: string, date: LocalDate, t: number): number {
  const next = addDays(date, 1);
  if (t >= localToInstant(timezone, next, 0)) return 1440;
  return Math.floor(localMinutesOf(timezone, t));
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY);
}

/** 0 = Monday … 6 = Sunday. */
function weekdayIndex(date: LocalDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

function isoDate(date: LocalDate): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

// --- schedule ----------------------------------------------------------------------------------

/** The open stretches of one local date as [start, end) instants, merged and sorted. */
function openingsOn(hours: BusinessHours, date: LocalDate): [number, number][] {
  if (hours.holidays.includes(isoDate(date))) return [];
  const day = WEEKDAYS[weekdayIndex(date)];
  if (!day) return [];
  return mergeIntervals(hours.weekly[day]).map(([s, e]) => [localToInstant(hours.timezone, date, s), localToInstant(hours.timezone, date, e)]);
}

/** Intervals as sorted, non-overlapping [startMinute, endMinute] pairs. */
function mergeIntervals(intervals: readonly TimeInterval[]): [number, number][] {
  const sorted = intervals.map((i): [number, number] => [toMinutes(i.start), toMinutes(i.end)]).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

function openMinutesBetween(openings: [number, number][], from: number, to: number): number {
  let ms = 0;
  for (const [s, e] of openings) ms += Math.max(0, Math.min(e, to) - Math.max(s, from));
  return ms / MINUTE;
}

function toMinutes(hhmm: string): number {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

function formatMinutes(minutes: number, endOfDayAsMidnight = false): string {
  if (minutes >= 1440 && endOfDayAsMidnight) return "midnight";
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}

function dayPhrase(today: LocalDate, date: LocalDate): string {
  const diff = daysBetween(today, date);
  const weekday = LONG_DAY_NAMES[weekdayIndex(date)] ?? "";
  if (diff === 0) return "today";
  if (diff === 1) return "tomorrow";
  if (diff < 7) return `on ${weekday}`;
  return `on ${weekday} ${date.day} ${MONTH_NAMES[date.month - 1] ?? ""}`;
}

/** An instant in the zone's standard (winter) time, for labels that hold all year. */
function standardTimeInstant(timezone: string): number {
  const january = Date.UTC(2025, 0, 15, 12);
  const july = Date.UTC(2025, 6, 15, 12);
  return offsetAt(timezone, january) <= offsetAt(timezone, july) ? january : july;
}
