/**
 * Counts as people read them (`12,345`, `1 firing`, `17 firings`) and the locale numbers are
 * shown in by default. Imports nothing: the page frame's credit balance formats its count with it
 * without loading the money formats (`money.ts`, `metric_format.ts` build on it).
 *
 * @module
 */

/** The locale numbers are shown in until a person's own locale is used. */
export const DISPLAY_LOCALE = "en-US";

const formats = new Map<string, Intl.NumberFormat>();

/** A cached `Intl.NumberFormat` of `locale` with `options`, known by `key`. */
export function numberFormat(
  key: string,
  locale: string,
  options: Intl.NumberFormatOptions,
): Intl.NumberFormat {
  const id = `${locale}:${key}`;
  let format = formats.get(id);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    formats.set(id, format);
  }
  return format;
}

/** A whole count: `12345` → `"12,345"`. */
export function formatCount(value: number, locale = DISPLAY_LOCALE): string {
  return numberFormat("count", locale, { maximumFractionDigits: 0 }).format(value);
}

/** A count and its noun, plural when it is not one: `1 firing`, `1,204 campaigns`. */
export function countOf(count: number, noun: string, locale = DISPLAY_LOCALE): string {
  return `${formatCount(count, locale)} ${noun}${count === 1 ? "" : "s"}`;
}
