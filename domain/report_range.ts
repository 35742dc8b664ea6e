/**
 * The one meaning of a reporting period, shared by the dashboard, tables, charts, the assistant's
 * tools and the REST defaults.
 *
 * - "Last N days" is N **complete** days ending yesterday: today's partial day is left out, as on
 *   Meta Ads Manager and Google Ads. Only `today` and `this_month` include today so far.
 * - Days are days of the ad account's time zone. A view over several accounts counts days in
 *   their shared zone, or else in the user's own zone setting (UTC when unset): see
 *   `reportingTimeZone` in `dates.ts`.
 * - A custom range is two calendar dates, both included.
 * - The comparison period is the one of equal length that ends the day before the range starts.
 *
 * @module
 */
import { z } from "zod";
import { addDays, dateOf, daysBetween, isoDateSchema } from "./dates.ts";
import { DISPLAY_LOCALE } from "./counts.ts";

/** Longest range one report may cover, in days. */
export const MAX_RANGE_DAYS = 366;

/** The named periods, in the order pickers offer them. */
export const RANGE_PRESETS = [
  "today",
  "yesterday",
  "last_7_days",
  "last_14_days",
  "last_30_days",
  "last_90_days",
  "this_month",
  "last_month",
] as const;
/** A named period. */
export type RangePreset = typeof RANGE_PRESETS[number];

/** The period reports use when none is chosen. */
export const DEFAULT_PRESET: RangePreset = "last_7_days";

/** How each preset reads in a picker. */
export const PRESET_LABELS: Record<RangePreset, string> = {
  today: "Today",
  yesterday: "Yesterday",
  last_7_days: "Last 7 days",
  last_14_days: "Last 14 days",
  last_30_days: "Last 30 days",
  last_90_days: "Last 90 days",
  this_month: "This month",
  last_month: "Last month",
};

/** A chosen period: a preset, or custom dates (both included). */
export type RangeChoice =
  | { preset: RangePreset }
  | { preset: "custom"; from: string; to: string };

/** Custom dates: from ≤ to, at most `MAX_RANGE_DAYS` days. */
export const customRangeSchema = z.object({ from: isoDateSchema, to: isoDateSchema })
  .refine((range) => range.from <= range.to, {
    message: "End date must not be before the start date",
    path: ["to"],
  })
  .refine((range) => daysBetween(range.from, range.to) < MAX_RANGE_DAYS, {
    message: `A range can cover at most ${MAX_RANGE_DAYS} days`,
    path: ["to"],
  });

/** A period resolved to dates of one time zone. */
export interface ReportRange {
  preset: RangePreset | "custom";
  /** First day, `YYYY-MM-DD`. */
  from: string;
  /** Last day, included. */
  to: string;
  /** The zone whose days these are. */
  timeZone: string;
  /** Today in `timeZone`: a range reaching it holds a partial day. */
  today: string;
}

/** The dates of `choice` as days of `timeZone` at the moment `now`. */
export function resolveRange(choice: RangeChoice, now: Date, timeZone: string): ReportRange {
  const today = dateOf(now, timeZone);
  const dates = choice.preset === "custom"
    ? { from: choice.from, to: choice.to }
    : presetDates(choice.preset, today);
  return { preset: choice.preset, ...dates, timeZone, today };
}

/** The `days` complete days ending yesterday, for a local `today`: what "last N days" means. */
export function lastCompleteDays(days: number, today: string): { from: string; to: string } {
  return { from: addDays(today, -days), to: addDays(today, -1) };
}

/** The dates of `preset` for a local `today` (`YYYY-MM-DD`). */
export function presetDates(preset: RangePreset, today: string): { from: string; to: string } {
  switch (preset) {
    case "today":
      return { from: today, to: today };
    case "yesterday":
      return lastCompleteDays(1, today);
    case "last_7_days":
      return lastCompleteDays(7, today);
    case "last_14_days":
      return lastCompleteDays(14, today);
    case "last_30_days":
      return lastCompleteDays(30, today);
    case "last_90_days":
      return lastCompleteDays(90, today);
    case "this_month":
      return { from: `${today.slice(0, 7)}-01`, to: today };
    case "last_month": {
      const lastDay = addDays(`${today.slice(0, 7)}-01`, -1);
      return { from: `${lastDay.slice(0, 7)}-01`, to: lastDay };
    }
  }
}

/** Days a range covers, both ends included. */
export function rangeLength(range: { from: string; to: string }): number {
  return daysBetween(range.from, range.to) + 1;
}

/** The period of equal length ending the day before `range` starts, for comparisons. */
export function previousPeriod(range: { from: string; to: string }): { from: string; to: string } {
  return { from: addDays(range.from, -rangeLength(range)), to: addDays(range.from, -1) };
}

/** Whether the range holds today's partial day. */
export function includesToday(range: ReportRange): boolean {
  return range.from <= range.today && range.today <= range.to;
}

/**
 * A period's choice from query parameters: `range=<preset>`, or `range=custom` (or no `range`)
 * with `from` and `to`; the legacy `days=7|30|90` maps to the matching preset. Anything else,
 * or custom dates that do not form a valid range, falls back to `fallback`, so a bad bookmark
 * still shows a page.
 */
export function rangeChoiceFromParams(
  params: URLSearchParams,
  fallback: RangePreset = DEFAULT_PRESET,
): RangeChoice {
  const range = params.get("range");
  if ((RANGE_PRESETS as readonly string[]).includes(range ?? "")) {
    return { preset: range as RangePreset };
  }
  if (range === "custom" || (range === null && params.has("from"))) {
    const custom = customRangeSchema.safeParse({ from: params.get("from"), to: params.get("to") });
    if (custom.success) return { preset: "custom", ...custom.data };
  }
  const legacy = `last_${params.get("days")}_days`;
  if ((RANGE_PRESETS as readonly string[]).includes(legacy)) {
    return { preset: legacy as RangePreset };
  }
  return { preset: fallback };
}

/** The query parameters that choose `range` again (custom ranges keep their dates). */
export function rangeParams(
  range: Pick<ReportRange, "preset" | "from" | "to">,
): [string, string][] {
  return range.preset === "custom"
    ? [["range", "custom"], ["from", range.from], ["to", range.to]]
    : [["range", range.preset]];
}

const labelFormats = {
  day: new Intl.DateTimeFormat(DISPLAY_LOCALE, { timeZone: "UTC", month: "short", day: "numeric" }),
  dayWithYear: new Intl.DateTimeFormat(DISPLAY_LOCALE, {
    timeZone: "UTC",
    month: "short",
    day: "numeric",
    year: "numeric",
  }),
};

/**
 * A range as people read it on screen: `Nov 30 – Dec 6`, `Dec 6` for one day, and with years
 * (`Dec 28, 2026 – Jan 3, 2027`) when it crosses a year or is not in `currentYear`.
 */
export function formatRange(range: { from: string; to: string }, currentYear?: string): string {
  const sameYear = range.from.slice(0, 4) === range.to.slice(0, 4) &&
    (currentYear === undefined || range.to.slice(0, 4) === currentYear);
  const format = sameYear ? labelFormats.day : labelFormats.dayWithYear;
  const day = (date: string) => format.format(new Date(`${date}T00:00:00Z`));
  return range.from === range.to ? day(range.from) : `${day(range.from)} – ${day(range.to)}`;
}
