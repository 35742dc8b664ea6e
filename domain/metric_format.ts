/**
 * Metrics as people read them, the one formatter of the pages, the chat's tables and the tools'
 * results: ROAS as a multiple (`4.22×`), CTR as a percentage (`1.23%`), counts with separators
 * (`12,345`, from `counts.ts`), and an em dash for a ratio that has no value (nothing spent,
 * nothing shown). Money is `money.ts`'s. Imports nothing but those, so browser code can use it.
 *
 * @module
 */
import { DISPLAY_LOCALE, numberFormat } from "./counts.ts";
import { formatDecimalString, formatMoney } from "./money.ts";

/** What a ratio without a value (a zero denominator) reads as, everywhere. */
export const NO_VALUE = "—";

/**
 * Return on ad spend (revenue per unit of spend) as a multiple: `"4.2214"` → `"4.22×"`. It is
 * revenue over spend whatever the conversions: revenue with 0 conversions still has a ROAS.
 * Null (nothing spent) → an em dash.
 */
export function formatRoas(ratio: string | null, locale = DISPLAY_LOCALE): string {
  if (ratio === null) return NO_VALUE;
  const format = numberFormat("roas", locale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${formatDecimalString(format, ratio)}×`;
}

/** A fraction as a percentage with two decimals: `"0.012345"` → `"1.23%"`. */
export function formatPercent(fraction: string | null, locale = DISPLAY_LOCALE): string {
  if (fraction === null) return NO_VALUE;
  const format = numberFormat("percent", locale, {
    style: "percent",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return formatDecimalString(format, fraction);
}

/** A campaign budget as people read it: `$50.00/day` or `$500.00 lifetime`. */
export function formatBudget(
  budget: { budgetAmountMinor: number; budgetType: string; currency: string },
  locale = DISPLAY_LOCALE,
): string {
  const amount = formatMoney(budget.budgetAmountMinor, budget.currency, locale);
  return budget.budgetType === "daily" ? `${amount}/day` : `${amount} lifetime`;
}
