/**
 * Reporting tools: performance totals and the daily trend of an account, a campaign or all
 * accounts over a date range (default: the last 7 complete days), and the credit balance.
 * Accounts in different currencies are reported per currency, never added together.
 *
 * Default dates come from the one reporting-range model (`domain/report_range.ts`, through
 * `metrics.range`): complete days of the scope's time zone — the account's own for one account or
 * campaign; for all accounts, their shared zone, else the user's.
 *
 * @module
 */
import { z } from "zod";
import { formatMoney, formatMoneyDecimal } from "../../domain/money.ts";
import { formatCount } from "../../domain/counts.ts";
import { formatPercent, formatRoas } from "../../domain/metric_format.ts";
import { addDays, isoDateSchema } from "../../domain/dates.ts";
import type { MetricTotals } from "../../domain/derived_metrics.ts";
import type { CurrencyBreakdown } from "../../domain/metrics.ts";
import type { ComponentHint } from "../results.ts";
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

/** Runs the report (split by currency) with the default range filled in. */
async function report(context: ToolContext, args: ReportArgs): Promise<Report> {
  const { from, to } = await reportDates(context, args);
  const breakdown = await context.domain.metrics.performanceByCurrency(context.actor, {
    ...args,
    from,
    to,
  });
  return {
    ...breakdown,
    adAccountId: args.adAccountId ?? null,
    campaignId: args.campaignId ?? null,
  };
}
type Report = CurrencyBreakdown & { adAccountId: string | null; campaignId: string | null };

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

/** The scope's accounts use more than one currency: nothing can be totalled across them. */
function isMixed(data: Report): boolean {
  return data.byCurrency.length > 1;
}

/** The report's fields other than its numbers. */
function headerOf(data: Report) {
  return {
    from: data.from,
    to: data.to,
    adAccountId: data.adAccountId,
    campaignId: data.campaignId,
  };
}

/** The structured result of a mixed-currency report: per currency, never one total. */
function mixedStructured(data: Report, withDaily: boolean): Record<string, unknown> {
  return {
    ...headerOf(data),
    currency: null,
    totals: null,
    ...(withDaily ? { daily: null } : {}),
    byCurrency: data.byCurrency.map((group) => ({
      currency: group.currency,
      totals: group.totals,
      adAccounts: group.adAccounts,
      ...(withDaily ? { daily: group.daily } : {}),
    })),
  };
}

/** The text of a mixed-currency report: each currency's totals, with its accounts' spend. */
function mixedText(data: Report, what: string): string {
  const groups = data.byCurrency.map((group) => {
    const currency = group.currency!;
    const accounts = group.adAccounts.map((account) =>
      `${account.name}: spend ${formatMoney(account.totals.spendMinor, currency)}`
    ).join("; ");
    return `${currency} (${accounts}): ${totalsText(group.totals, currency)}.`;
  });
  return `${what} of ${scopeOf(data)} from ${data.from} to ${data.to}. The accounts use ` +
    `${data.byCurrency.length} currencies (${
      data.byCurrency.map((group) => group.currency).join(", ")
    }), so the figures are per currency and are never added together. ${groups.join(" ")}`;
}

/** A card of each currency's main totals (for a mixed-currency report). */
function mixedCard(data: Report): ComponentHint {
  return {
    type: "card",
    data: {
      title: `Performance ${data.from} – ${data.to}, by currency`,
      fields: data.byCurrency.flatMap((group) => {
        const currency = group.currency!;
        return [
          { label: `Spend (${currency})`, value: formatMoney(group.totals.spendMinor, currency) },
          { label: `Conversions (${currency})`, value: formatCount(group.totals.conversions) },
          { label: `CPA (${currency})`, value: formatMoneyDecimal(group.totals.cpa, currency) },
          { label: `ROAS (${currency})`, value: formatRoas(group.totals.roas) },
        ];
      }),
    },
  };
}

const MIXED_CURRENCIES_NOTE = " When the accounts in scope use different currencies, " +
  "`currency` and `totals` are null and `byCurrency` holds one report per currency (with each " +
  "account's totals): report them per currency and never add amounts across currencies.";

/** `performance_summary`: totals over a range (card). */
export const performanceSummaryTool: McpTool = defineTool({
  kind: "read",
  name: "performance_summary",
  title: "Performance summary",
  description: "Totals (impressions, clicks, spend, conversions, revenue; CTR, CPC, CPA, ROAS) " +
    "for one campaign, one ad account, or all accounts over a date range. Money is in minor " +
    "units; ratios are decimal strings. Default range: the last 7 complete days." +
    MIXED_CURRENCIES_NOTE,
  input: reportInput,
  output: performanceShape,
  run: report,
  present: (data) => {
    if (isMixed(data)) {
      return {
        structured: mixedStructured(data, false),
        text: mixedText(data, "Performance"),
        component: mixedCard(data),
      };
    }
    const { currency, totals } = data.byCurrency[0];
    const money = currency ?? "USD";
    return {
      structured: { ...headerOf(data), currency, totals },
      text: `Performance of ${scopeOf(data)} from ${data.from} to ${data.to}: ` +
        `${totalsText(totals, money)}.`,
      component: {
        type: "card",
        data: {
          title: `Performance ${data.from} – ${data.to}`,
          fields: [
            { label: "Spend", value: formatMoney(totals.spendMinor, money) },
            { label: "Impressions", value: formatCount(totals.impressions) },
            { label: "Clicks", value: formatCount(totals.clicks) },
            { label: "CTR", value: formatPercent(totals.ctr) },
            { label: "Conversions", value: formatCount(totals.conversions) },
            { label: "CPA", value: formatMoneyDecimal(totals.cpa, money) },
            { label: "Revenue", value: formatMoney(totals.revenueMinor, money) },
            { label: "ROAS", value: formatRoas(totals.roas) },
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
    "account, or all accounts over a date range, plus totals. Default: the last 7 complete days." +
    MIXED_CURRENCIES_NOTE.replace("`totals` are", "`totals` and `daily` are"),
  input: reportInput,
  output: dailyTrendShape,
  run: report,
  present: (data) => {
    if (isMixed(data)) {
      return {
        structured: mixedStructured(data, true),
        text: mixedText(data, "Daily trend"),
        component: mixedCard(data),
      };
    }
    const { currency, totals, daily } = data.byCurrency[0];
    const money = currency ?? "USD";
    const best = daily.reduce<(typeof daily)[number] | null>(
      (top, day) => !top || day.spendMinor > top.spendMinor ? day : top,
      null,
    );
    return {
      structured: { ...headerOf(data), currency, totals, daily },
      text: `Daily trend of ${scopeOf(data)}, ${data.from} to ${data.to} ` +
        `(${daily.length} days): ${totalsText(totals, money)}.` +
        (best && best.spendMinor > 0
          ? ` Highest spend on ${best.date}: ${formatMoney(best.spendMinor, money)}.`
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
          points: daily.map((day) => ({ ...day })),
          currency,
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
