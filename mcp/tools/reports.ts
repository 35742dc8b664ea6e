/**
 * Reporting tools: performance totals and the daily trend of an account, a campaign or all
 * accounts over a date range (default: the last 7 complete days), and the credit balance.
 *
 * Default dates come from the one reporting-range model (`domain/report_range.ts`, through
 * `metrics.range`): complete days of the scope's time zone — the account's own for one account or
 * campaign; for all accounts, their shared zone, else the user's.
 *
 * @module
 */
import { z } from "zod";
import { formatMoney, formatMoneyDecimal } from "../../domain/money.ts";
import { formatCount, formatPercent, formatRoas } from "../../domain/metric_format.ts";
import { addDays, isoDateSchema } from "../../domain/dates.ts";
import type { MetricTotals } from "../../domain/derived_metrics.ts";
import type { PerformanceReport } from "../../domain/metrics.ts";
import { dailyTrendShape, performanceShape } from "../schemas.ts";
import { defineTool, type McpTool, type ToolContext } from "../tool.ts";

const reportInput = {
  adAccountId: z.uuid().optional().describe("Limit to one ad account"),
  campaignId: z.uuid().optional().describe("Limit to one campaign"),
  from: isoDateSchema.optional().describe("First day (YYYY-MM-DD); default 7 days before `to`"),
  to: isoDateSchema.optional().describe(
    "Last day (YYYY-MM-DD); default yesterday in the ad account's time zone",
  ),
};
type ReportArgs = z.output<z.ZodObject<typeof reportInput>>;

/** The dates asked for, the missing ends filled in from the default range (last 7 days). */
async function reportDates(context: ToolContext, args: ReportArgs) {
  if (args.from !== undefined && args.to !== undefined) return { from: args.from, to: args.to };
  const { from, to: yesterday } = await context.domain.metrics.range(context.actor, args);
  if (args.to !== undefined) return { from: addDays(args.to, -6), to: args.to };
  if (args.from !== undefined) {
    return { from: args.from, to: args.from > yesterday ? args.from : yesterday };
  }
  return { from, to: yesterday };
}

/** Runs the report with the default range filled in. */
async function report(context: ToolContext, args: ReportArgs) {
  const { from, to } = await reportDates(context, args);
  const result = await context.domain.metrics.performance(context.actor, { ...args, from, to });
  return {
    ...result,
    adAccountId: args.adAccountId ?? null,
    campaignId: args.campaignId ?? null,
  };
}
type Report = PerformanceReport & { adAccountId: string | null; campaignId: string | null };

function scopeOf(data: Report): string {
  if (data.campaignId) return `campaign ${data.campaignId}`;
  if (data.adAccountId) return `ad account ${data.adAccountId}`;
  return "all ad accounts";
}

function totalsText(totals: MetricTotals, currency: string): string {
  return `spend ${formatMoney(totals.spendMinor, currency)}, ` +
    `${formatCount(totals.impressions)} impressions, ${formatCount(totals.clicks)} clicks ` +
    `(CTR ${formatPercent(totals.ctr)}, CPC ${formatMoneyDecimal(totals.cpc, currency)}), ` +
    `${formatCount(totals.conversions)} conversions ` +
    `(CPA ${formatMoneyDecimal(totals.cpa, currency)}), revenue ` +
    `${formatMoney(totals.revenueMinor, currency)} (ROAS ${formatRoas(totals.roas)})`;
}

/** `performance_summary`: totals over a range (card). */
export const performanceSummaryTool: McpTool = defineTool({
  kind: "read",
  name: "performance_summary",
  title: "Performance summary",
  description: "Totals (impressions, clicks, spend, conversions, revenue; CTR, CPC, CPA, ROAS) " +
    "for one campaign, one ad account, or all accounts over a date range. Money is in minor " +
    "units; ratios are decimal strings. Default range: the last 7 complete days.",
  input: reportInput,
  output: performanceShape,
  run: report,
  present: (data) => {
    const currency = data.currency ?? "USD";
    const { daily: _daily, ...summary } = data;
    return {
      structured: summary,
      text: `Performance of ${scopeOf(data)} from ${data.from} to ${data.to}: ` +
        `${totalsText(data.totals, currency)}.`,
      component: {
        type: "card",
        data: {
          title: `Performance ${data.from} – ${data.to}`,
          fields: [
            { label: "Spend", value: formatMoney(data.totals.spendMinor, currency) },
            { label: "Impressions", value: formatCount(data.totals.impressions) },
            { label: "Clicks", value: formatCount(data.totals.clicks) },
            { label: "CTR", value: formatPercent(data.totals.ctr) },
            { label: "Conversions", value: formatCount(data.totals.conversions) },
            { label: "CPA", value: formatMoneyDecimal(data.totals.cpa, currency) },
            { label: "Revenue", value: formatMoney(data.totals.revenueMinor, currency) },
            { label: "ROAS", value: formatRoas(data.totals.roas) },
          ],
        },
      },
    };
  },
});

/** `daily_trend`: the daily series over a range (chart). */
export const dailyTrendTool: McpTool = defineTool({
  kind: "read",
  name: "daily_trend",
  title: "Daily trend",
  description: "Day-by-day metrics (every day present, empty days zero) for one campaign, one ad " +
    "account, or all accounts over a date range, plus totals. Default: the last 7 complete days.",
  input: reportInput,
  output: dailyTrendShape,
  run: report,
  present: (data) => {
    const currency = data.currency ?? "USD";
    const best = data.daily.reduce<(typeof data.daily)[number] | null>(
      (top, day) => !top || day.spendMinor > top.spendMinor ? day : top,
      null,
    );
    return {
      structured: { ...data },
      text: `Daily trend of ${scopeOf(data)}, ${data.from} to ${data.to} ` +
        `(${data.daily.length} days): ${totalsText(data.totals, currency)}.` +
        (best && best.spendMinor > 0
          ? ` Highest spend on ${best.date}: ${formatMoney(best.spendMinor, currency)}.`
          : ""),
      component: {
        type: "chart",
        data: {
          title: `Daily trend ${data.from} – ${data.to}`,
          kind: "line",
          x: "date",
          series: [
            { key: "spendMinor", label: "Spend" },
            { key: "clicks", label: "Clicks" },
            { key: "conversions", label: "Conversions" },
            { key: "revenueMinor", label: "Revenue" },
          ],
          points: data.daily.map((day) => ({ ...day })),
          currency: data.currency,
        },
      },
    };
  },
});

/** `credit_balance`: the user's AI credit balance (card). */
export const creditBalanceTool: McpTool = defineTool({
  kind: "read",
  name: "credit_balance",
  title: "Credit balance",
  description: "The user's current AI credit balance.",
  input: {},
  output: { balance: z.number() },
  run: ({ domain, actor }) => domain.credits.balance(actor),
  present: (balance) => ({
    structured: { balance },
    text: `Credit balance: ${balance} credits.`,
    component: {
      type: "card",
      data: { title: "Credits", fields: [{ label: "Balance", value: String(balance) }] },
    },
  }),
});
