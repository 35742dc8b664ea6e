/**
 * Money, the one place that knows it: the currencies ad accounts may use and the decimals of
 * their minor unit; minor units printed as exact decimals (`formatMinor`, `minorToDecimal`); and
 * typed amounts parsed into minor units by string arithmetic, never through binary floats
 * (`parseMoney`); and money as people read it (`formatMoney`: `$1,500.00`), the one formatter of
 * the pages, the chat's tables and the tools' results alike. Free of zod on purpose: the chat's
 * browser code formats money with it.
 *
 * @module
 */
import { DISPLAY_LOCALE } from "./counts.ts";

/** Minor-unit exponent per supported ISO 4217 code. */
export const CURRENCY_EXPONENTS = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  CAD: 2,
  AUD: 2,
  BRL: 2,
  INR: 2,
  JPY: 0,
  KRW: 0,
} as const satisfies Record<string, number>;

/** A supported currency code. */
export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;

/** Decimals of the minor unit of `currency` (2 for unknown codes). */
export function currencyExponent(currency: string): number {
  return (CURRENCY_EXPONENTS as Record<string, number>)[currency] ?? 2;
}

/** The outcome of parsing a typed amount: minor units, or why it is not an amount. */
export type MoneyParse = { ok: true; minor: number } | { ok: false; message: string };

const AMOUNT = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/;

/**
 * Parses a non-negative decimal amount in major units (`"19.99"`, `"1,250.5"`, `".5"`) into
 * integer minor units for a currency with `exponent` decimals. More decimals than the currency
 * has, signs, exponents and anything beyond `Number.MAX_SAFE_INTEGER` minor units are rejected.
 */
export function parseMoney(text: string, exponent: number): MoneyParse {
  const trimmed = text.trim();
  const match = AMOUNT.exec(trimmed);
  if (trimmed === "" || trimmed === "." || !match) {
    return { ok: false, message: "must be an amount like 50.00" };
  }
  const whole = (match[1] ?? "0").replaceAll(",", "");
  const fraction = match[2] ?? "";
  if (fraction.length > exponent) {
    return {
      ok: false,
      message: exponent === 0
        ? "must be a whole amount in this currency"
        : `must have at most ${exponent} decimals`,
    };
  }
  const minor = toMinorUnits(
    { digits: BigInt(whole + fraction), scale: fraction.length },
    exponent,
  );
  return minor === null ? { ok: false, message: "is too large" } : { ok: true, minor };
}

/** Minor units as an exact plain decimal in major units: `1999, 2` → `"19.99"`. */
export function minorToDecimal(minor: number, exponent: number): string {
  const negative = minor < 0;
  const digits = BigInt(Math.abs(minor)).toString().padStart(exponent + 1, "0");
  const text = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return negative ? `-${text}` : text;
}

/** `USD 50.00` (or `USD 1,250.00` with `grouping`) from minor units, exactly. */
export function formatMinor(
  amountMinor: number,
  currency: string,
  options: { grouping?: boolean } = {},
): string {
  const decimal = minorToDecimal(amountMinor, currencyExponent(currency));
  return `${currency} ${options.grouping ? groupThousands(decimal) : decimal}`;
}

/** Thousands separators in the whole part of a decimal: `"-1234567.5"` → `"-1,234,567.5"`. */
export function groupThousands(decimal: string): string {
  const [whole, fraction] = decimal.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/**
 * The amount in minor units of a currency with `exponent` decimals, or null when it has more
 * precision than the currency (e.g. "$1.234") or does not fit a safe integer.
 */
export function toMinorUnits(
  amount: { digits: bigint; scale: number },
  exponent: number,
): number | null {
  let minor: bigint;
  if (amount.scale <= exponent) {
    minor = amount.digits * 10n ** BigInt(exponent - amount.scale);
  } else {
    const divisor = 10n ** BigInt(amount.scale - exponent);
    if (amount.digits % divisor !== 0n) return null;
    minor = amount.digits / divisor;
  }
  return minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : null;
}

/** Parses an amount for `currency` (its minor-unit exponent decides the decimals allowed). */
export function parseMoneyFor(text: string, currency: string): MoneyParse {
  return parseMoney(text, currencyExponent(currency));
}

/** The amount to prefill a form with: `5000, "USD"` → `"50.00"`. */
export function moneyInputValue(minor: number, currency: string): string {
  return minorToDecimal(minor, currencyExponent(currency));
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    const exponent = currencyExponent(currency);
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * `Intl.NumberFormat#format` accepts exact decimal strings (rounding half away from zero, as
 * money is rounded); the DOM typings lag behind.
 */
export function formatDecimalString(format: Intl.NumberFormat, decimal: string): string {
  return (format.format as (value: string) => string)(decimal);
}

/** Minor units as money people read: `150000, "USD"` → `"$1,500.00"`, exactly. */
export function formatMoney(minor: number, currency: string, locale = DISPLAY_LOCALE): string {
  return formatDecimalString(
    moneyFormat(currency, locale),
    minorToDecimal(minor, currencyExponent(currency)),
  );
}

/**
 * A money amount given as a major-unit decimal string with extra decimals (a CPA or CPC such as
 * `"21.4283"`), rounded to the currency's decimals: `"$21.43"`; an em dash when there is none.
 */
export function formatMoneyDecimal(
  decimal: string | null,
  currency: string,
  locale = DISPLAY_LOCALE,
): string {
  if (decimal === null) return "—";
  return formatDecimalString(moneyFormat(currency, locale), decimal);
}
