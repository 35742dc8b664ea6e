/**
 * Display formatting for pages: money from minor units and the domain's exact decimal strings
 * go to `Intl.NumberFormat` as decimal strings, so nothing is rounded through a binary float.
 *
 * @module
 */
import {
  currencyExponent,
  DISPLAY_LOCALE,
  formatDecimalString,
  formatMoney,
  formatMoneyDecimal,
  minorToDecimal,
} from "../domain/money.ts";
import { formatCount, formatPercent, formatRoas } from "../domain/metric_format.ts";

// Money and metrics have one formatter, the domain's, shared with the chat and the tools.
export { formatCount, formatMoney, formatPercent, formatRoas };

/** Pages render in one locale for now; the user's locale setting can replace it later. */
const LOCALE = DISPLAY_LOCALE;

/** Minor units as compact money for chart axes: `1234500, "USD"` → `"$12K"`. */
export function formatMoneyCompact(minor: number, currency: string): string {
  const format = new Intl.NumberFormat(LOCALE, {
    style: "currency",
    currency,
    notation: "compact",
    maximumFractionDigits: 1,
  });
  return formatDecimalString(format, minorToDecimal(Math.round(minor), currencyExponent(currency)));
}

/** A major-unit decimal string (such as a CPA) as money; an em dash when absent. */
export function formatDecimalMoney(decimal: string | null, currency: string): string {
  return formatMoneyDecimal(decimal, currency);
}

/** A `YYYY-MM-DD` date as `Nov 3, 2026` (UTC, so the day never shifts). */
export function formatDate(date: string): string {
  return new Date(`${date.slice(0, 10)}T00:00:00Z`).toLocaleDateString(LOCALE, {
    timeZone: "UTC",
    year: "numeric",
    month: "short",
    day: "numeric",
  });
}

/**
 * An ISO moment as `Nov 3, 2026, 14:05 UTC`, or `Nov 3, 2026, 14:05:07 UTC` with `seconds` (where
 * steps a second apart must read apart, as on a run's timeline).
 */
export function formatDateTime(iso: string, { seconds = false } = {}): string {
  return new Date(iso).toLocaleString(LOCALE, {
    timeZone: "UTC",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    ...(seconds ? { second: "2-digit" } : {}),
    hourCycle: "h23",
    timeZoneName: "short",
  });
}

/** A span in the largest unit that keeps it readable: `840 ms`, `2.4 s`, `3 min 5 s`, `1 h 2 min`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1_000) return `${value} ms`;
  if (value < 10_000) return `${(value / 1_000).toFixed(1)} s`;
  if (value < 60_000) return `${Math.round(value / 1_000)} s`;
  const seconds = Math.round(value / 1_000);
  if (seconds < 3_600) {
    const rest = seconds % 60;
    return rest === 0
      ? `${Math.floor(seconds / 60)} min`
      : `${Math.floor(seconds / 60)} min ${rest} s`;
  }
  const minutes = Math.round(seconds / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

/**
 * How long until something may be tried again, as a person says it: `"in 40 seconds"`,
 * `"in about 12 minutes"` (686 s; rounded up, so it is never too early), `"in about 2 hours"`.
 */
export function formatWait(seconds: number): string {
  const value = Math.max(1, Math.ceil(seconds));
  if (value < 60) return value === 1 ? "in 1 second" : `in ${value} seconds`;
  const minutes = Math.ceil(value / 60);
  if (minutes === 1) return "in about a minute";
  if (minutes < 90) return `in about ${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return `in about ${hours} hours`;
}
