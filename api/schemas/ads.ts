/**
 * Response shapes of ad accounts, campaigns, creatives and performance metrics.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { CAMPAIGN_STATUSES } from "../../domain/campaign_status.ts";
import { BUDGET_TYPES, CAMPAIGN_OBJECTIVES, targetingSchema } from "../../domain/campaigns.ts";
import { snakeSchema } from "../case.ts";
import { CalendarDate, Timestamp } from "./common.ts";

/** A connected ad account (never its credentials). */
export const AdAccountSchema = z.object({
  id: z.uuid(),
  platform: z.enum(["sandbox", "meta", "tiktok", "google"]),
  external_account_id: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  status: z.enum(["active", "disconnected", "error"]),
  metrics_synced_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
}).openapi("AdAccount");

/** An ad account's metric sync (`GET /ad-accounts/{id}/sync`). */
export const AdAccountSyncSchema = z.object({
  ad_account_id: z.uuid(),
  account_status: z.enum(["active", "disconnected", "error"]).openapi({
    description: "`error`: the platform no longer accepts the credentials; reconnect the account",
  }),
  backfill: z.object({
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    days_done: z.number().int(),
    days_total: z.number().int(),
    error: z.string().nullable(),
  }).nullable().openapi({ description: "The latest backfill (null for sandbox accounts)" }),
  running: z.boolean(),
  last_succeeded_at: Timestamp.nullable(),
  next_at: Timestamp.nullable().openapi({ description: "When the next scheduled sync is due" }),
  last_error: z.string().nullable(),
  last_error_at: Timestamp.nullable(),
}).openapi("AdAccountSync");

/** Audience targeting (the domain's schema, snake_cased). */
export const TargetingSchema = snakeSchema(targetingSchema).openapi("Targeting");

const campaignShape = {
  id: z.uuid(),
  ad_account_id: z.uuid(),
  external_id: z.string().nullable(),
  name: z.string(),
  objective: z.enum(CAMPAIGN_OBJECTIVES),
  status: z.enum(CAMPAIGN_STATUSES),
  budget_type: z.enum(BUDGET_TYPES),
  budget_amount_minor: z.number().int(),
  currency: z.string(),
  start_date: CalendarDate.nullable(),
  end_date: CalendarDate.nullable(),
  targeting: TargetingSchema,
  landing_url: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
};

/** A campaign. Money is in minor units of `currency` (cents for USD). */
export const CampaignSchema = z.object(campaignShape).openapi("Campaign");

const decimal = (description: string) =>
  z.string().nullable().openapi({ description: `${description}; null when undefined.` });

const metricShape = {
  impressions: z.number().int(),
  clicks: z.number().int(),
  spend_minor: z.number().int(),
  conversions: z.number().int(),
  revenue_minor: z.number().int(),
  ctr: decimal("Clicks per impression, 6 decimals"),
  cpc: decimal("Spend per click in major units"),
  cpa: decimal("Spend per conversion in major units"),
  roas: decimal("Revenue per unit of spend, 4 decimals"),
};

/** Summed delivery counts with derived ratios as exact decimal strings. */
export const MetricTotalsSchema = z.object(metricShape).openapi("MetricTotals");

/** One day of a series. */
export const DailyMetricsSchema = z.object({ date: CalendarDate, ...metricShape }).openapi(
  "DailyMetrics",
);

/** A campaign in a list, with its last 7 complete days. */
export const CampaignListItemSchema = z.object({
  ...campaignShape,
  last7_days: MetricTotalsSchema,
}).openapi("CampaignListItem");

/** Totals and a daily series over a date range. */
export const PerformanceReportSchema = z.object({
  from: CalendarDate,
  to: CalendarDate,
  currency: z.string().nullable(),
  totals: MetricTotalsSchema,
  daily: z.array(DailyMetricsSchema),
}).openapi("PerformanceReport");

/** Ad copy and media of a campaign. */
export const CreativeSchema = z.object({
  id: z.uuid(),
  campaign_id: z.uuid(),
  headline: z.string(),
  body: z.string(),
  call_to_action: z.string().nullable(),
  media_url: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
}).openapi("Creative");
