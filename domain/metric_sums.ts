/**
 * SQL sums of the delivery counts, shared by reports and by the per-account rollup, so every
 * aggregate of metrics is computed the same way.
 *
 * @module
 */
import type { ExpressionBuilder } from "kysely";
import type { DB } from "../db/schema.ts";
import type { MetricCounts } from "./derived_metrics.ts";

/** Tables holding the five delivery counts. */
export type MetricTable = "campaign_metrics" | "ad_account_daily_metrics";

/** SUM of every count column, aliased to the column names. */
export function summedCounts<Table extends MetricTable>(eb: ExpressionBuilder<DB, Table>) {
  const { sum } = (eb as unknown as ExpressionBuilder<DB, MetricTable>).fn;
  return [
    sum<number>("impressions").as("impressions"),
    sum<number>("clicks").as("clicks"),
    sum<number>("spend_minor").as("spend_minor"),
    sum<number>("conversions").as("conversions"),
    sum<number>("revenue_minor").as("revenue_minor"),
  ] as const;
}

/** Count columns of a row, as numbers. */
export interface CountColumns {
  impressions: number;
  clicks: number;
  spend_minor: number;
  conversions: number;
  revenue_minor: number;
}

/**
 * Converts summed columns to counts. SUM() comes back as a number on every backend (MySQL
 * DECIMAL via `decimalNumbers`, SQLite integer); Number() guards drivers returning strings.
 */
export function countsFromColumns(row: CountColumns): MetricCounts {
  return {
    impressions: Number(row.impressions),
    clicks: Number(row.clicks),
    spendMinor: Number(row.spend_minor),
    conversions: Number(row.conversions),
    revenueMinor: Number(row.revenue_minor),
  };
}
