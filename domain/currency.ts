/**
 * Currencies ad accounts may use, with the number of decimals of their minor unit, so amounts in
 * minor units convert to major units exactly. Free of zod on purpose: the chat's browser code
 * formats money with it.
 *
 * @module
 */
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
