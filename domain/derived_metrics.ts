/**
 * Derived ad metrics (CTR, CPC, CPA, ROAS), computed exactly at read time from integer counts and
 * minor-unit money, and returned as fixed-scale decimal strings (rounded half up) so no binary
 * float ever touches money. Null when the denominator is zero.
 *
 * @module
 */
import { currencyExponent } from "./money.ts";

/** Summed delivery counts; money in minor units. */
export interface MetricCounts {
  impressions: number;
  clicks: number;
  spendMinor: number;
  conversions: number;
  revenueMinor: number;
}

/** Ratios derived from counts. */
export interface DerivedMetrics {
  /** Clicks per impression, as a fraction with 6 decimals (`"0.012345"` = 1.2345%). */
  ctr: string | null;
  /** Spend per click in major currency units (2 more decimals than the currency has). */
  cpc: string | null;
  /** Spend per conversion in major currency units. */
  cpa: string | null;
  /** Revenue per unit of spend, 4 decimals. */
  roas: string | null;
}

/** Counts together with their derived ratios. */
export type MetricTotals = MetricCounts & DerivedMetrics;

/** All-zero counts. */
export const ZERO_COUNTS: Readonly<MetricCounts> = Object.freeze({
  impressions: 0,
  clicks: 0,
  spendMinor: 0,
  conversions: 0,
  revenueMinor: 0,
});

/** Adds two sets of counts. */
export function addCounts(left: MetricCounts, right: MetricCounts): MetricCounts {
  return {
    impressions: left.impressions + right.impressions,
    clicks: left.clicks + right.clicks,
    spendMinor: left.spendMinor + right.spendMinor,
    conversions: left.conversions + right.conversions,
    revenueMinor: left.revenueMinor + right.revenueMinor,
  };
}

/** Counts plus CTR, CPC, CPA and ROAS for money in `currency`. */
export function withDerivedMetrics(counts: MetricCounts, currency: string): MetricTotals {
  const exponent = currencyExponent(currency);
  return {
    ...counts,
    ctr: decimalRatio(counts.clicks, counts.impressions, 6),
    cpc: decimalRatio(counts.spendMinor, counts.clicks, exponent + 2, exponent),
    cpa: decimalRatio(counts.spendMinor, counts.conversions, exponent + 2, exponent),
    roas: decimalRatio(counts.revenueMinor, counts.spendMinor, 4),
  };
}

/**
 * `numerator / (denominator × 10^shift)` for non-negative integers, rounded half up to `scale`
 * decimals, as a string; null when the denominator is zero.
 */
export function decimalRatio(
  numerator: number,
  denominator: number,
  scale: number,
  shift = 0,
): string | null {
  if (denominator === 0) return null;
  const scaled = BigInt(numerator) * 10n ** BigInt(scale);
  const divisor = BigInt(denominator) * 10n ** BigInt(shift);
  let quotient = scaled / divisor;
  if ((scaled % divisor) * 2n >= divisor) quotient += 1n;
  if (scale === 0) return quotient.toString();
  const digits = quotient.toString().padStart(scale + 1, "0");
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
