/**
 * Display formatting for pages, in the locale and time zone of the person the page is for: money
 * from minor units and the domain's exact decimal strings go to `Intl.NumberFormat` as decimal
 * strings, so nothing is rounded through a binary float. The formatting itself is the domain's
 * (`money.ts`, `metric_format.ts`, `dates.ts`), shared with the chat and the tools; this module
 * only supplies the reader's settings.
 *
 * The settings come from `displaySettings()`: on the server, the request's (see
 * `display_scope.ts`, which the signed-in middleware runs each page in); in the browser, the
 * `data-locale` and `data-time-zone` the server wrote on `<body>`, so islands hydrate to the same
 * text.
 *
 * @module
 */
import {
  DEFAULT_DISPLAY_SETTINGS,
  type DisplaySettings,
  formatDate as formatCalendarDate,
  formatDateTime as formatMoment,
  formatMomentDate as formatMomentDay,
} from "../domain/dates.ts";
import {
  currencyExponent,
  formatDecimalString,
  formatMoney as formatMoneyIn,
  formatMoneyDecimal,
  minorToDecimal,
} from "../domain/money.ts";
import { formatCount as formatCountIn } from "../domain/counts.ts";
import {
  formatPercent as formatPercentIn,
  formatRoas as formatRoasIn,
} from "../domain/metric_format.ts";

/** The settings `<body>` carries for the browser, or the defaults on a page without them. */
function settingsOfDocument(): DisplaySettings {
  const data = typeof document === "undefined" ? undefined : document.body?.dataset;
  return {
    locale: data?.locale ?? DEFAULT_DISPLAY_SETTINGS.locale,
    timeZone: data?.timeZone ?? DEFAULT_DISPLAY_SETTINGS.timeZone,
  };
}

let readSettings: () => DisplaySettings = settingsOfDocument;

/** The locale and time zone of the person the page is rendered for. */
export function displaySettings(): DisplaySettings {
  return readSettings();
}

/**
 * Where `displaySettings()` reads from; the server's request scope installs itself here, since
 * browser bundles cannot carry it.
 */
export function setDisplaySettingsSource(source: () => DisplaySettings): void {
  readSettings = source;
}

/** Minor units as money: `150000, "USD"` → `"$1,500.00"` (`1.500,00 $` for a German reader). */
export function formatMoney(minor: number, currency: string): string {
  return formatMoneyIn(minor, currency, readSettings().locale);
}

/** Return on ad spend as a multiple: `"4.2214"` → `"4.22×"`; an em dash for null. */
export function formatRoas(ratio: string | null): string {
  return formatRoasIn(ratio, readSettings().locale);
}

/** A fraction as a percentage: `"0.012345"` → `"1.23%"`; an em dash for null. */
export function formatPercent(fraction: string | null): string {
  return formatPercentIn(fraction, readSettings().locale);
}

/** A whole count: `12345` → `"12,345"`. */
export function formatCount(value: number): string {
  return formatCountIn(value, readSettings().locale);
}

/** Minor units as compact money for chart axes: `1234500, "USD"` → `"$12K"`. */
export function formatMoneyCompact(minor: number, currency: string): string {
  const format = new Intl.NumberFormat(readSettings().locale, {
    style: "currency",
    currency,
    notation: "compact",
    maximumFractionDigits: 1,
  });
  return formatDecimalString(format, minorToDecimal(Math.round(minor), currencyExponent(currency)));
}

/** A major-unit decimal string (such as a CPA) as money; an em dash when absent. */
export function formatDecimalMoney(decimal: string | null, currency: string): string {
  return formatMoneyDecimal(decimal, currency, readSettings().locale);
}

/** A calendar date (`YYYY-MM-DD`) as `Nov 3, 2026`; the day never shifts with a zone. */
export function formatDate(date: string): string {
  return formatCalendarDate(date, readSettings().locale);
}

/** A calendar date for a chart axis: `Nov 3` (`Nov 3, 2026` with `withYear`). */
export function formatDay(date: string, withYear = false): string {
  return formatCalendarDate(date, readSettings().locale, { withYear });
}

/** The day an ISO moment falls on for the reader (in their time zone): `Nov 3, 2026`. */
export function formatMomentDate(iso: string): string {
  return formatMomentDay(iso, readSettings());
}

/**
 * An ISO moment as `Nov 3, 2026, 14:05 UTC` in the reader's zone, or `Nov 3, 2026, 14:05:07 UTC`
 * with `seconds` (where steps a second apart must read apart, as on a run's timeline).
 */
export function formatDateTime(iso: string, { seconds = false } = {}): string {
  return formatMoment(iso, readSettings(), { seconds });
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
