/**
 * Campaign and daily-performance tables as CSV: money as a decimal in the account's currency
 * with a currency column (no symbols or grouping, so spreadsheets read numbers), ratios as the
 * domain's exact decimals, and a campaign row's period in its first two columns.
 *
 * @module
 */
import type { CampaignListItem } from "../domain/campaigns.ts";
import type { MetricTotals } from "../domain/derived_metrics.ts";
import type { PerformanceReport } from "../domain/metrics.ts";
import { currencyExponent, minorToDecimal } from "../domain/money.ts";
import { type CsvCell, toCsv } from "../lib/csv.ts";

const METRIC_HEADER = [
  "currency",
  "spend",
  "impressions",
  "clicks",
  "ctr",
  "cpc",
  "conversions",
  "cpa",
  "revenue",
  "roas",
];

function metricCells(totals: MetricTotals, currency: string): CsvCell[] {
  const money = (minor: number) => minorToDecimal(minor, currencyExponent(currency));
  return [
    currency,
    money(totals.spendMinor),
    totals.impressions,
    totals.clicks,
    totals.ctr,
    totals.cpc,
    totals.conversions,
    totals.cpa,
    money(totals.revenueMinor),
    totals.roas,
  ];
}

/** Campaigns with their totals over `period`, one row each. */
export function campaignsCsv(
  campaigns: readonly CampaignListItem[],
  accountNames: ReadonlyMap<string, string>,
  period: { from: string; to: string },
): string {
  return toCsv(
    [
      "from",
      "to",
      "campaign_id",
      "campaign",
      "ad_account",
      "status",
      "objective",
      "budget_type",
      "budget",
      ...METRIC_HEADER,
    ],
    campaigns.map((campaign) => [
      period.from,
      period.to,
      campaign.id,
      campaign.name,
      accountNames.get(campaign.adAccountId) ?? null,
      campaign.status,
      campaign.objective,
      campaign.budgetType,
      minorToDecimal(campaign.budgetAmountMinor, currencyExponent(campaign.currency)),
      ...metricCells(campaign.totals, campaign.currency),
    ]),
  );
}

/** A report's days, one row each, then a `total` row. */
export function dailyCsv(report: PerformanceReport): string {
  const currency = report.currency ?? "USD";
  return toCsv(
    ["date", ...METRIC_HEADER],
    [
      ...report.daily.map((day) => [day.date, ...metricCells(day, currency)]),
      ["total", ...metricCells(report.totals, currency)],
    ],
  );
}
