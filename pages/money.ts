/**
 * Money as the pages read and write it: amounts typed in major units ("50.00") become integer
 * minor units by string arithmetic, never through binary floats, and minor units print back as
 * exact decimals.
 *
 * @module
 */
import { currencyExponent } from "../domain/currency.ts";

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
  const minor = BigInt(whole) * 10n ** BigInt(exponent) +
    BigInt(fraction.padEnd(exponent, "0") || "0");
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: "is too large" };
  return { ok: true, minor: Number(minor) };
}

/** Minor units as an exact plain decimal in major units: `1999, 2` → `"19.99"`. */
export function minorToDecimal(minor: number, exponent: number): string {
  const negative = minor < 0;
  const digits = BigInt(Math.abs(minor)).toString().padStart(exponent + 1, "0");
  const text = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return negative ? `-${text}` : text;
}

/** Parses an amount for `currency` (its minor-unit exponent decides the decimals allowed). */
export function parseMoneyFor(text: string, currency: string): MoneyParse {
  return parseMoney(text, currencyExponent(currency));
}

/** The amount to prefill a form with: `5000, "USD"` → `"50.00"`. */
export function moneyInputValue(minor: number, currency: string): string {
  return minorToDecimal(minor, currencyExponent(currency));
}
