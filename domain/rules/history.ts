/**
 * Stored daily metrics laid out for the backtest: one typed array per count, campaign-major
 * (`campaign × days + day`), over a contiguous range of the account's days. Days without a row
 * are zeros. Pure: the rows come from one query.
 *
 * @module
 */
import { addDays, daysBetween } from "../dates.ts";

/** Daily counts of many campaigns over `dayCount` days from `firstDate`; money in minor units. */
export interface DailyHistory {
  firstDate: string;
  dayCount: number;
  campaignIds: readonly string[];
  impressions: Float64Array;
  clicks: Float64Array;
  spendMinor: Float64Array;
  conversions: Float64Array;
  revenueMinor: Float64Array;
}

/** One stored `campaign_metrics` row, as the query selects it. */
export interface DailyMetricRow {
  campaign_id: string;
  metric_date: string;
  impressions: number | string;
  clicks: number | string;
  spend_minor: number | string;
  conversions: number | string;
  revenue_minor: number | string;
}

/** Lays out `rows` of `campaignIds` from `firstDate` to `lastDate` (rows outside are ignored). */
export function historyFromRows(
  campaignIds: readonly string[],
  rows: readonly DailyMetricRow[],
  firstDate: string,
  lastDate: string,
): DailyHistory {
  const dayCount = Math.max(0, daysBetween(firstDate, lastDate) + 1);
  const size = campaignIds.length * dayCount;
  const history: DailyHistory = {
    firstDate,
    dayCount,
    campaignIds,
    impressions: new Float64Array(size),
    clicks: new Float64Array(size),
    spendMinor: new Float64Array(size),
    conversions: new Float64Array(size),
    revenueMinor: new Float64Array(size),
  };
  const campaignIndex = new Map(campaignIds.map((id, index) => [id, index]));
  // Dates repeat for every campaign: one lookup table instead of date arithmetic per row.
  const dayIndex = new Map<string, number>();
  for (let day = 0; day < dayCount; day++) dayIndex.set(addDays(firstDate, day), day);
  for (const row of rows) {
    const campaign = campaignIndex.get(row.campaign_id);
    const day = dayIndex.get(row.metric_date);
    if (campaign === undefined || day === undefined) continue;
    const at = campaign * dayCount + day;
    history.impressions[at] = Number(row.impressions);
    history.clicks[at] = Number(row.clicks);
    history.spendMinor[at] = Number(row.spend_minor);
    history.conversions[at] = Number(row.conversions);
    history.revenueMinor[at] = Number(row.revenue_minor);
  }
  return history;
}
