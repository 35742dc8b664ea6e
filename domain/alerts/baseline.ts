/**
 * Robust baselines for anomaly detection: what a metric usually is on a given day, as a median
 * and a spread that a few odd days cannot move (the median absolute deviation, MAD).
 *
 * The baseline of a day is the same weekday over the previous weeks (up to 8, at least 4), so
 * ordinary weekday seasonality — quieter weekends — is compared like with like. A campaign too
 * young for 4 same-weekday points falls back to the 14 days before, which mixes weekdays: the
 * detector's minimum relative change must then exceed the weekday swing (it does by default).
 *
 * @module
 */
import { addDays } from "../dates.ts";

/** Scales a MAD to the standard deviation of normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;
/** Same-weekday weeks looked at, most. */
export const MAX_BASELINE_WEEKS = 8;
/** Same-weekday points needed for a same-weekday baseline. */
export const MIN_SAME_WEEKDAY_POINTS = 4;
/** Days the young-campaign fallback looks back. */
export const FALLBACK_DAYS = 14;
/** Points the fallback needs. */
export const MIN_FALLBACK_POINTS = 7;

/**
 * How a baseline was formed: the same weekday of past weeks, the last 14 days (young
 * campaigns), or — for a sustained shift — the 8 weeks before the shift began.
 */
export type BaselineMethod = "same_weekday" | "recent_days" | "weeks_before";

/** The days a baseline is formed from, and how. */
export interface BaselineDays {
  method: BaselineMethod;
  /** Dates with data, newest first. */
  dates: string[];
}

/** Median and robust spread of some values. */
export interface RobustStats {
  median: number;
  /** Median absolute deviation from the median (unscaled). */
  mad: number;
  count: number;
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median and MAD of `values`. */
export function robustStats(values: readonly number[]): RobustStats {
  const center = median(values);
  return {
    median: center,
    mad: median(values.map((value) => Math.abs(value - center))),
    count: values.length,
  };
}

/**
 * The baseline days of `date`: those of the same weekday over the last 8 weeks that have data
 * (`hasData`), when there are at least 4; else the last 14 days with data, when there are at
 * least 7; else null (too little history to judge).
 */
export function baselineDays(
  date: string,
  hasData: (date: string) => boolean,
): BaselineDays | null {
  const sameWeekday: string[] = [];
  for (let week = 1; week <= MAX_BASELINE_WEEKS; week++) {
    const day = addDays(date, -7 * week);
    if (hasData(day)) sameWeekday.push(day);
  }
  if (sameWeekday.length >= MIN_SAME_WEEKDAY_POINTS) {
    return { method: "same_weekday", dates: sameWeekday };
  }
  const recent: string[] = [];
  for (let back = 1; back <= FALLBACK_DAYS; back++) {
    const day = addDays(date, -back);
    if (hasData(day)) recent.push(day);
  }
  return recent.length >= MIN_FALLBACK_POINTS ? { method: "recent_days", dates: recent } : null;
}

/**
 * The robust z-score of `value` against `stats`: how many (MAD-estimated) standard deviations
 * it lies from the median. The spread is floored at `floor` (e.g. counting noise), so a run of
 * identical days cannot make every small wobble infinitely surprising.
 */
export function robustZ(value: number, stats: RobustStats, floor: number): number {
  const sigma = Math.max(MAD_TO_SIGMA * stats.mad, floor, Number.EPSILON);
  return (value - stats.median) / sigma;
}

/**
 * The spread of a volume metric as a share of its level, from every day of the last 8 weeks
 * measured against its own weekday's median — about 56 points instead of 8, so two collapsed
 * days among the same-weekday points cannot inflate it. Null with fewer than 14 points.
 */
export function pooledRelativeSpread(
  date: string,
  valueOn: (date: string) => number | null,
): number | null {
  const byWeekday = new Map<number, number[]>();
  for (let back = 1; back <= MAX_BASELINE_WEEKS * 7; back++) {
    const value = valueOn(addDays(date, -back));
    if (value === null) continue;
    const weekday = back % 7;
    byWeekday.set(weekday, [...(byWeekday.get(weekday) ?? []), value]);
  }
  const residuals: number[] = [];
  for (const values of byWeekday.values()) {
    if (values.length < 3) continue;
    const center = median(values);
    if (center <= 0) continue;
    for (const value of values) residuals.push((value - center) / center);
  }
  if (residuals.length < 14) return null;
  return MAD_TO_SIGMA * robustStats(residuals).mad;
}

/**
 * A Poisson count's deviation from its mean in standard deviations, on Anscombe's
 * variance-stabilizing scale: unlike (x − λ)/√λ it keeps the lower tail's real significance
 * (2 conversions where 9 were expected is rarer than the normal approximation says).
 */
export function anscombe(count: number, mean: number): number {
  return 2 * (Math.sqrt(count + 3 / 8) - Math.sqrt(mean + 3 / 8));
}

/** Same-weekday pairs the young-campaign spread needs. */
const MIN_WEEKLY_PAIRS = 7;

/**
 * The day-to-day spread of a metric as a share of its level, for a campaign too young for a
 * same-weekday baseline: from each of its last four weeks' days against the same weekday a week
 * before (log ratios; their spread is √2 times a day's). Unlike the spread of the last 14 days
 * themselves it leaves the weekday swing out — quiet weekends are not noise. Null with fewer
 * than 7 such pairs.
 */
export function weeklyPairSpread(
  date: string,
  valueOn: (date: string) => number | null,
): number | null {
  const ratios: number[] = [];
  for (let back = 1; back <= 28 - 7; back++) {
    const value = valueOn(addDays(date, -back));
    const weekBefore = valueOn(addDays(date, -back - 7));
    if (value === null || weekBefore === null || !(value > 0) || !(weekBefore > 0)) continue;
    ratios.push(Math.log(value / weekBefore));
  }
  if (ratios.length < MIN_WEEKLY_PAIRS) return null;
  return MAD_TO_SIGMA * robustStats(ratios).mad / Math.SQRT2;
}
