/**
 * The reporting periods pages offer ("last 7 / 30 / 90 days") and the dates they cover.
 *
 * Days are those of the ad accounts reported on (`rangeTimeZone`): one account's zone, the zone
 * all the accounts share, or else the user's own zone.
 *
 * @module
 */
import { addDays, dateOf, reportingTimeZone } from "../domain/dates.ts";

/** The periods, in days. */
export const RANGE_DAYS = [7, 30, 90] as const;

/** A period length. */
export type RangeDays = typeof RANGE_DAYS[number];

/** The period a URL asks for with `?days=`; 30 by default or when unknown. */
export function rangeFromUrl(url: URL): RangeDays {
  const days = Number(url.searchParams.get("days"));
  return (RANGE_DAYS as readonly number[]).includes(days) ? days as RangeDays : 30;
}

/** The dates of the last `days` days, today included, as days of `timeZone` (UTC by default). */
export function rangeDates(
  days: RangeDays,
  now = new Date(),
  timeZone = "UTC",
): { from: string; to: string } {
  const to = dateOf(now, timeZone);
  return { from: addDays(to, 1 - days), to };
}

/**
 * The zone a page's range is counted in when it reports on `accounts` for a user whose own zone
 * is `userTimeZone`: their zone when they share one (always, for a single account), otherwise
 * the user's, since no one account's day fits them all.
 */
export function rangeTimeZone(
  accounts: readonly { timezone: string }[],
  userTimeZone: string,
): string {
  return reportingTimeZone(accounts.map((account) => account.timezone), userTimeZone);
}
