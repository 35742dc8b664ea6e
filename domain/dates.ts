/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings, shared by metrics and the sandbox.
 *
 * A metric day is a day of the ad account's time zone, as on real ad platforms: `dateOf` and
 * `fractionOfDayElapsed` take an IANA zone (UTC by default). Everything else is pure string date
 * arithmetic, where a date is a calendar label and time zones play no part.
 *
 * Dates and moments as people read them live here too (`formatDate`, `formatMomentDate`,
 * `formatDateTime`): in the reader's locale, and for moments in the reader's time zone.
 *
 * @module
 */
import { z } from "zod";
import { DISPLAY_LOCALE } from "./counts.ts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** UTC offsets lie within −12:00 … +14:00; a local midnight is this close to the UTC one. */
const MAX_OFFSET_BEHIND_MS = 13 * HOUR_MS;
const MAX_OFFSET_AHEAD_MS = 15 * HOUR_MS;

/**
 * A `YYYY-MM-DD` date that exists on the calendar. Marked pure so browser bundles that only
 * format dates leave zod out.
 */
export const isoDateSchema = /* @__PURE__ */ z.iso.date();

/** The date `days` after (or before, if negative) `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The earlier of two `YYYY-MM-DD` dates. */
export function minDate(left: string, right: string): string {
  return left < right ? left : right;
}

/** Every date from `from` to `to`, inclusive. */
export function eachDate(from: string, to: string): string[] {
  const count = daysBetween(from, to) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, index) => addDays(from, index));
}

/**
 * The calendar date of `moment` in the IANA zone `timeZone` (UTC by default). Throws a
 * `RangeError` for an unknown zone; zones are validated where they are stored.
 */
export function dateOf(moment: Date, timeZone = "UTC"): string {
  if (timeZone === "UTC") return moment.toISOString().slice(0, 10);
  return new Date(wallClockMs(moment.getTime(), timeZone)).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/**
 * Fraction of its local day `moment` has elapsed in `timeZone` (UTC by default), in [0, 1).
 * Measured in elapsed time against the day's real length, so on a daylight-saving day of 23 or
 * 25 hours noon is not exactly one half, and the fraction still grows steadily to 1.
 */
export function fractionOfDayElapsed(moment: Date, timeZone = "UTC"): number {
  const now = moment.getTime();
  if (timeZone === "UTC") return (((now % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
  const date = dateOf(moment, timeZone);
  const start = startOfDay(date, timeZone);
  const length = startOfDay(addDays(date, 1), timeZone) - start;
  return Math.min(Math.max((now - start) / length, 0), 1 - Number.EPSILON);
}

/**
 * The zone a report over accounts with `zones` counts its days in: their zone when they all
 * share one (in particular when there is a single account), otherwise `fallback` — callers pass
 * the user's own zone — since no one account's day fits them all.
 */
export function reportingTimeZone(zones: readonly string[], fallback = "UTC"): string {
  const distinct = new Set(zones);
  return distinct.size === 1 ? [...distinct][0] : fallback;
}

/** Formatters are costly to build and immutable, so one per zone is kept. */
const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = wallClockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What a clock in `timeZone` shows at epoch time `ms`, read as if it were a UTC time. */
function wallClockMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wall = new Date(0);
  // setUTCFullYear, not Date.UTC: the latter maps years 0–99 to the 1900s.
  wall.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  wall.setUTCHours(parts.hour, parts.minute, parts.second);
  // Offsets are whole seconds, so the milliseconds carry over unchanged.
  return wall.getTime() + (((ms % 1000) + 1000) % 1000);
}

/** The first instant (epoch ms) of `date` in `timeZone`. */
export function startOfDay(date: string, timeZone: string): number {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  // Offsets rarely change near midnight: the offset at a first guess, corrected once, is exact
  // unless midnight falls in a daylight-saving gap, which the search below handles.
  const first = midnight - (wallClockMs(midnight, timeZone) - midnight);
  const guess = midnight - (wallClockMs(first, timeZone) - first);
  if (dateOf(new Date(guess), timeZone) === date && dateOf(new Date(guess - 1), timeZone) < date) {
    return guess;
  }
  return searchStartOfDay(date, timeZone, midnight);
}

/** Binary search for the first millisecond whose local date is `date`. */
function searchStartOfDay(date: string, timeZone: string, midnight: number): number {
  let before = midnight - MAX_OFFSET_AHEAD_MS; // still the day before, whatever the offset
  let onOrAfter = midnight + MAX_OFFSET_BEHIND_MS; // already `date` or later
  while (onOrAfter - before > 1) {
    const middle = Math.floor((before + onOrAfter) / 2);
    if (dateOf(new Date(middle), timeZone) >= date) onOrAfter = middle;
    else before = middle;
  }
  return onOrAfter;
}

/** How one person reads dates, times and numbers: a BCP 47 locale and an IANA time zone. */
export interface DisplaySettings {
  locale: string;
  timeZone: string;
}

/** What a reader whose settings are unknown (a signed-out visitor) sees. */
export const DEFAULT_DISPLAY_SETTINGS: DisplaySettings = Object.freeze({
  locale: DISPLAY_LOCALE,
  timeZone: "UTC",
});

/** Date formatters by locale, zone and style; building one costs far more than using it. */
const displayFormatters = new Map<string, Intl.DateTimeFormat>();

function displayFormatter(
  style: string,
  locale: string,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${style}|${locale}|${timeZone}`;
  let formatter = displayFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    displayFormatters.set(key, formatter);
  }
  return formatter;
}

const DATE_STYLE: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric" };
const DAY_STYLE: Intl.DateTimeFormatOptions = { month: "short", day: "numeric" };

/**
 * A calendar date (`YYYY-MM-DD`, or the date part of a longer string) in `locale`: `Nov 3, 2026`,
 * `3. Nov. 2026`. A calendar date is a label, so no zone shifts it; `withYear: false` gives the
 * short form of chart axes (`Nov 3`).
 */
export function formatDate(
  date: string,
  locale: string = DISPLAY_LOCALE,
  { withYear = true } = {},
): string {
  const style = withYear ? DATE_STYLE : DAY_STYLE;
  return displayFormatter(withYear ? "date" : "day", locale, "UTC", style)
    .format(new Date(`${date.slice(0, 10)}T00:00:00Z`));
}

/** The date on which the ISO moment `iso` falls for the reader, in their locale and zone. */
export function formatMomentDate(
  iso: string,
  settings: DisplaySettings = DEFAULT_DISPLAY_SETTINGS,
): string {
  return displayFormatter("date", settings.locale, settings.timeZone, DATE_STYLE)
    .format(new Date(iso));
}

/**
 * An ISO moment as the reader's clock shows it, with the zone named: `Nov 3, 2026, 14:05 UTC`,
 * `3. Nov. 2026, 15:05 MEZ`; with `seconds` where steps a second apart must read apart.
 */
export function formatDateTime(
  iso: string,
  settings: DisplaySettings = DEFAULT_DISPLAY_SETTINGS,
  { seconds = false } = {},
): string {
  return displayFormatter(seconds ? "seconds" : "minutes", settings.locale, settings.timeZone, {
    ...DATE_STYLE,
    hour: "2-digit",
    minute: "2-digit",
    ...(seconds ? { second: "2-digit" } : {}),
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(new Date(iso));
}

/**
 * `zone` when it is one of the runtime's IANA time zones (a browser's
 * `Intl.DateTimeFormat().resolvedOptions().timeZone`, say), otherwise `fallback`. Anything else a
 * form sends — empty, made up, an offset — falls back rather than failing a sign-up.
 */
export function supportedTimeZoneOr(zone: string, fallback = "UTC"): string {
  return zone === "UTC" || Intl.supportedValuesOf("timeZone").includes(zone) ? zone : fallback;
}
