/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings (UTC days), shared by metrics and the sandbox.
 *
 * @module
 */
import { z } from "zod";

const DAY_MS = 86_400_000;

/** A `YYYY-MM-DD` date that exists on the calendar. */
export const isoDateSchema = z.iso.date();

/** The date `days` after (or before, if negative) `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Every date from `from` to `to`, inclusive. */
export function eachDate(from: string, to: string): string[] {
  const count = daysBetween(from, to) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, index) => addDays(from, index));
}

/** The UTC date of a moment. */
export function dateOf(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Fraction of the UTC day `moment` has elapsed, in [0, 1). */
export function fractionOfDayElapsed(moment: Date): number {
  return (moment.getTime() % DAY_MS) / DAY_MS;
}
