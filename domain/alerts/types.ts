/**
 * The vocabulary of anomaly alerts: their types, severities, the per-account thresholds and
 * their defaults. Shared by the pure detector, the service, REST and (later) notifications.
 *
 * @module
 */
import { z } from "zod";
import type { MetricCounts } from "../derived_metrics.ts";

/**
 * What an alert is about:
 * - `spend_spike`: spend far above the baseline;
 * - `spend_dropped`: delivery collapsed (spend far below the baseline, but not zero);
 * - `spend_stopped`: no delivery at all on a day the campaign was active with budget left;
 * - `cpa_up`, `roas_down`, `ctr_down`: efficiency worse than the baseline;
 * - `conversions_dropped`: far fewer conversions than the baseline;
 * - `budget_exhausted_early`: the daily budget used up well before the day ends (today's
 *   partial row), or the lifetime budget used up days before the end date.
 */
export const ALERT_TYPES = [
  "spend_spike",
  "spend_dropped",
  "spend_stopped",
  "cpa_up",
  "roas_down",
  "ctr_down",
  "conversions_dropped",
  "budget_exhausted_early",
] as const;
/** What an alert is about. */
export type AlertType = (typeof ALERT_TYPES)[number];

/** How urgent an alert is, least first. */
export const ALERT_SEVERITIES = ["info", "warning", "critical"] as const;
/** How urgent an alert is. */
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** The metric an alert's figures are in. */
export type AlertMetric = "spend" | "cpa" | "roas" | "ctr" | "conversions";

/**
 * An account's detection thresholds. A metric is anomalous when its robust z-score reaches
 * `minZ` AND its relative change reaches the type's minimum: the z-score alone fires on
 * very steady campaigns for tiny moves, the relative change alone on noisy ones.
 */
export const alertThresholdsSchema = z.strictObject({
  /** Robust z-score (MAD-based) a day must reach. */
  minZ: z.number().min(1).max(20).default(3),
  /** Least relative increase of spend for `spend_spike` (0.5 = +50%). */
  spendSpike: z.number().min(0.05).max(20).default(0.5),
  /** Least relative decrease of spend for `spend_dropped` (0.6 = −60%). */
  spendDrop: z.number().min(0.05).max(0.99).default(0.6),
  /** Least relative increase of CPA for `cpa_up`. */
  cpaUp: z.number().min(0.05).max(20).default(0.5),
  /** Least relative decrease of ROAS for `roas_down`. */
  roasDown: z.number().min(0.05).max(0.99).default(0.4),
  /** Least relative decrease of CTR for `ctr_down`. */
  ctrDown: z.number().min(0.05).max(0.99).default(0.4),
  /** Least relative decrease of conversions for `conversions_dropped`. */
  conversionsDrop: z.number().min(0.05).max(0.99).default(0.6),
  /**
   * Minimum-data gate of the conversion-based types (CPA, ROAS, conversions): the baseline's
   * median conversions per day. Below it a day's CPA is counting noise, not a signal.
   */
  minConversions: z.number().int().min(1).max(100_000).default(5),
  /** Minimum-data gate of `ctr_down`: the baseline's median clicks per day. */
  minClicks: z.number().int().min(1).max(1_000_000).default(30),
  /**
   * `budget_exhausted_early` (daily budgets): today's spend reached 95% of the budget before
   * this share of the day had passed.
   */
  budgetExhaustedBefore: z.number().min(0.1).max(0.99).default(0.75),
});
/** An account's detection thresholds. */
export type AlertThresholds = z.output<typeof alertThresholdsSchema>;

/** The defaults every account starts with. */
export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze(
  alertThresholdsSchema.parse({}),
);

/** One day's delivery counts. */
export interface DayCounts extends MetricCounts {
  date: string;
}
