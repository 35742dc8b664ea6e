/**
 * The reporting periods pages offer ("last 7 / 30 / 90 days") and the dates they cover.
 *
 * @module
 */
import { addDays, dateOf } from "../../domain/dates.ts";

/** The periods, in days. */
export const RANGE_DAYS = [7, 30, 90] as const;

/** A period length. */
export type RangeDays = typeof RANGE_DAYS[number];

/** The period a URL asks for with `?days=`; 30 by default or when unknown. */
export function rangeFromUrl(url: URL): RangeDays {
  const days = Number(url.searchParams.get("days"));
  return (RANGE_DAYS as readonly number[]).includes(days) ? days as RangeDays : 30;
}

/** The dates of the last `days` days, today included (UTC). */
export function rangeDates(days: RangeDays, now = new Date()): { from: string; to: string } {
  const to = dateOf(now);
  return { from: addDays(to, 1 - days), to };
}
