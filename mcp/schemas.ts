/**
 * Output schemas of the MCP tools (`structuredContent`), mirroring the domain's views so MCP
 * clients see typed results and the SDK checks every result against them.
 *
 * @module
 */
import { z } from "zod";
import { approvalPreviewSchema } from "../domain/approval.ts";
import { CAMPAIGN_STATUSES } from "../domain/campaign_status.ts";
import { BUDGET_TYPES, CAMPAIGN_OBJECTIVES } from "../domain/campaigns.ts";

const decimalOrNull = z.string().nullable();

/** Counts and derived ratios (ratios are exact decimal strings, null without a denominator). */
export const metricTotalsSchema = z.object({
  impressions: z.number(),
  clicks: z.number(),
  spendMinor: z.number(),
  conversions: z.number(),
  revenueMinor: z.number(),
  ctr: decimalOrNull,
  cpc: decimalOrNull,
  cpa: decimalOrNull,
  roas: decimalOrNull,
});

/** One day of a series. */
const dailyMetricsSchema = metricTotalsSchema.extend({ date: z.string() });

/** The totals of the accounts of one currency, and of each of them. */
const currencyTotalsSchema = z.object({
  currency: z.string(),
  totals: metricTotalsSchema,
  adAccounts: z.array(z.object({ id: z.string(), name: z.string(), totals: metricTotalsSchema })),
});

/** An ad account. */
export const adAccountSchema = z.object({
  id: z.string(),
  platform: z.string(),
  externalAccountId: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  status: z.string(),
  metricsSyncedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A campaign. */
export const campaignSchema = z.object({
  id: z.string(),
  adAccountId: z.string(),
  externalId: z.string().nullable(),
  name: z.string(),
  objective: z.enum(CAMPAIGN_OBJECTIVES),
  status: z.enum(CAMPAIGN_STATUSES),
  budgetType: z.enum(BUDGET_TYPES),
  budgetAmountMinor: z.number(),
  currency: z.string(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  targeting: z.record(z.string(), z.unknown()),
  landingUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A campaign in a list, with its last 7 complete days. */
export const campaignListItemSchema = campaignSchema.extend({ last7Days: metricTotalsSchema });

/** The shape of a list page's `structuredContent`. */
export function pageShape<Item extends z.ZodType>(item: Item) {
  return {
    items: z.array(item),
    total: z.number(),
    skip: z.number(),
    limit: z.number(),
  };
}

/** `structuredContent` of a performance report. */
export const performanceShape = {
  from: z.string(),
  to: z.string(),
  adAccountId: z.string().nullable(),
  campaignId: z.string().nullable(),
  /** Null when the accounts in scope use different currencies (see `byCurrency`). */
  currency: z.string().nullable(),
  /** Null when the accounts in scope use different currencies (see `byCurrency`). */
  totals: metricTotalsSchema.nullable(),
  /** Only when the accounts in scope use different currencies: one report per currency. */
  byCurrency: z.array(currencyTotalsSchema).optional(),
};

/** `structuredContent` of a daily series. */
export const dailyTrendShape = {
  ...performanceShape,
  /** Null when the accounts in scope use different currencies (see `byCurrency`). */
  daily: z.array(dailyMetricsSchema).nullable(),
  byCurrency: z.array(currencyTotalsSchema.extend({ daily: z.array(dailyMetricsSchema) }))
    .optional(),
};

/**
 * A call held for a person's approval: what to show, what a grant must match, and where and how
 * to complete it.
 */
export const pendingApprovalSchema = z.object({
  tool: z.string(),
  /** The exact arguments an approved call must carry again. */
  arguments: z.record(z.string(), z.unknown()),
  reason: z.string(),
  /** The approval policy's rules and the autopilot limits that hold the call. */
  rules: z.array(z.string()),
  preview: approvalPreviewSchema,
  previewDigest: z.string(),
  approvalId: z.uuid(),
  approvalUrl: z.url(),
  expiresAt: z.string(),
  howToComplete: z.string(),
});

/** `structuredContent` of a side-effecting campaign tool: applied, or waiting for approval. */
export const campaignEffectShape = {
  status: z.enum(["applied", "approval_required"]),
  campaign: campaignSchema.optional(),
  approval: pendingApprovalSchema.optional(),
};
