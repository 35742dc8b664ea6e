/**
 * The offline assistant's answers: short, table-like summaries of what the tools returned,
 * written from the tools' structured results (money stays in exact minor units until printed).
 *
 * @module
 */
import { formatMoney, formatMoneyDecimal } from "../../domain/money.ts";
import { formatCount } from "../../domain/counts.ts";
import { formatBudget, formatPercent, formatRoas } from "../../domain/metric_format.ts";
import { campaignStatusLabel, objectiveLabel } from "../../domain/labels.ts";
import { isRecord, type ParsedToolResult } from "./tool_result.ts";

/** A campaign as the list and write tools return it (fields the answers use). */
export interface CampaignView {
  id: string;
  name: string;
  status: string;
  objective: string;
  budgetType: string;
  budgetAmountMinor: number;
  currency: string;
  last7Days?: Totals;
}

/** Report totals (money in minor units, ratios as decimal strings). */
export interface Totals {
  impressions: number;
  clicks: number;
  spendMinor: number;
  conversions: number;
  revenueMinor: number;
  ctr: string | null;
  cpc: string | null;
  cpa: string | null;
  roas: string | null;
}

/** An ad account (fields the answers use). */
export interface AccountView {
  id: string;
  name: string;
  currency: string;
  platform: string;
  status: string;
}

/** What the offline assistant says it can do (and how to get the real model). */
export const CAPABILITIES = [
  'show your campaigns ("show my active campaigns")',
  'summarise performance ("how did we do last week?", "spend since Nov 1")',
  'create a campaign ("create a $50/day sales campaign called Winter Deals")',
  'pause, resume or archive a campaign ("pause Spring Sale")',
  'change a budget ("set the budget of Spring Sale to $80")',
  "show your credit balance",
];

/** The reply for a request the rules do not cover. */
export function helpReply(unknown: boolean): string {
  const lead = unknown
    ? "Sorry, I didn't understand that. I'm the built-in offline assistant: I follow simple " +
      "rules rather than a language model, so I can only handle a few kinds of requests."
    : "Hi! I'm the built-in offline assistant (rule-based, no language model).";
  return `${lead}\n\nI can:\n${CAPABILITIES.map((line) => `- ${line}`).join("\n")}\n\n` +
    "For free-form questions, an administrator can enable Gemini by setting GEMINI_API_KEY.";
}

/** Money in a campaign's or report's currency, as the pages show it (`$1,500.00`). */
export function money(amountMinor: number, currency: string): string {
  return formatMoney(amountMinor, currency);
}

/** "$50.00/day" or "$500.00 lifetime". */
export function budgetText(campaign: CampaignView): string {
  return formatBudget(campaign);
}

/** A decimal-string money ratio ("25.7200") as money, rounded as the pages round it. */
function ratioMoney(value: string | null, currency: string): string {
  return formatMoneyDecimal(value, currency);
}

function percent(ctr: string | null): string {
  return formatPercent(ctr);
}

function roas(value: string | null): string {
  return formatRoas(value);
}

/** A Markdown table of campaigns with their last-7-day delivery. */
export function campaignTable(
  campaigns: CampaignView[],
  total: number,
  filter: string | null,
): string {
  const what = filter ? `${filter} campaigns` : "campaigns";
  if (campaigns.length === 0) {
    return filter
      ? `You have no ${what}.`
      : 'You don\'t have any campaigns yet. Try "create a $50/day traffic campaign called Launch".';
  }
  const header =
    "| Campaign | Status | Objective | Budget | Spend (7d) | Conv. (7d) | CPA (7d) | ROAS (7d) |\n" +
    "|---|---|---|---|---:|---:|---:|---:|";
  const rows = campaigns.map((campaign) => {
    const week = campaign.last7Days;
    return `| ${campaign.name} | ${campaignStatusLabel(campaign.status)} | ${
      objectiveLabel(campaign.objective)
    } | ${budgetText(campaign)} | ` +
      (week
        ? `${money(week.spendMinor, campaign.currency)} | ${formatCount(week.conversions)} | ` +
          `${ratioMoney(week.cpa, campaign.currency)} | ${roas(week.roas)} |`
        : "– | – | – | – |");
  });
  const more = total > campaigns.length ? `\n\nShowing ${campaigns.length} of ${total}.` : "";
  const count = `${total} ${total === 1 ? what.replace(/s$/, "") : what}`;
  return `You have ${count}:\n\n${header}\n${rows.join("\n")}${more}`;
}

/** A performance summary from `performance_summary` and (optionally) `daily_trend` results. */
export function performanceReply(
  scope: string,
  label: string,
  summary: Record<string, unknown>,
  trend: Record<string, unknown> | null,
): string {
  const currency = typeof summary.currency === "string" ? summary.currency : "USD";
  const totals = summary.totals as Totals;
  const range = summary.from === summary.to ? `${summary.from}` : `${summary.from} – ${summary.to}`;
  if (totals.impressions === 0 && totals.spendMinor === 0) {
    return `No delivery for ${scope} ${label} (${range}): nothing was spent.`;
  }
  const lines = [
    `Performance for ${scope}, ${label} (${range}):`,
    "",
    `- Spend: ${money(totals.spendMinor, currency)}`,
    `- Conversions: ${formatCount(totals.conversions)} (CPA ${ratioMoney(totals.cpa, currency)})`,
    `- Revenue: ${money(totals.revenueMinor, currency)} (ROAS ${roas(totals.roas)})`,
    `- Impressions: ${formatCount(totals.impressions)}, clicks: ` +
    `${formatCount(totals.clicks)} (CTR ${percent(totals.ctr)}, CPC ${
      ratioMoney(totals.cpc, currency)
    })`,
  ];
  const daily = Array.isArray(trend?.daily) ? trend.daily.filter(isRecord) : [];
  if (daily.length > 1) {
    const best = daily.reduce((top, day) =>
      Number(day.spendMinor) > Number(top.spendMinor) ? day : top
    );
    const active = daily.filter((day) => Number(day.spendMinor) > 0).length;
    lines.push(
      `- Daily: spend on ${active} of ${daily.length} days; highest on ${best.date} ` +
        `(${money(Number(best.spendMinor), currency)}).`,
    );
  }
  return lines.join("\n");
}

/** One currency's part of a mixed-currency report (`byCurrency` of the report tools). */
interface CurrencyGroup {
  currency: string;
  totals: Totals;
  adAccounts: { name: string; totals: Totals }[];
}

/**
 * A report over accounts in different currencies: a table per currency (its accounts and their
 * total), never one total across currencies.
 */
export function performanceByCurrencyReply(
  scope: string,
  label: string,
  summary: Record<string, unknown>,
): string {
  const groups = (Array.isArray(summary.byCurrency) ? summary.byCurrency : [])
    .filter(isRecord) as unknown as CurrencyGroup[];
  const range = summary.from === summary.to ? `${summary.from}` : `${summary.from} – ${summary.to}`;
  const header =
    "| Account | Spend | Conv. | CPA | Revenue | ROAS |\n|---|---:|---:|---:|---:|---:|";
  const row = (name: string, totals: Totals, currency: string) =>
    `| ${name} | ${money(totals.spendMinor, currency)} | ${formatCount(totals.conversions)} | ` +
    `${ratioMoney(totals.cpa, currency)} | ${money(totals.revenueMinor, currency)} | ` +
    `${roas(totals.roas)} |`;
  const tables = groups.map((group) => {
    const rows = group.adAccounts.map((account) =>
      row(account.name, account.totals, group.currency)
    );
    if (group.adAccounts.length > 1) {
      rows.push(row(`**Total ${group.currency}**`, group.totals, group.currency));
    }
    return `**${group.currency}**\n\n${header}\n${rows.join("\n")}`;
  });
  return `Performance for ${scope}, ${label} (${range}). Your ad accounts use ` +
    `${groups.length} currencies, so here is one table per currency (amounts in different ` +
    `currencies are not added together):\n\n${tables.join("\n\n")}`;
}

/** Past tense of a status action. */
export const DONE_VERB = { pause: "Paused", resume: "Resumed", archive: "Archived" } as const;

/**
 * The answer after a write tool ran: applied, held for approval, or failed. `what` names the
 * change ("pause “Spring Sale”").
 */
export function writeOutcome(
  result: ParsedToolResult,
  what: string,
  applied: (campaign: CampaignView) => string,
): string {
  const structured = result.structured;
  if (result.isError) {
    return `I couldn't ${what}: ${result.text || "the tool reported an error"}.`;
  }
  if (structured?.status === "approval_required") {
    const approval = isRecord(structured.approval) ? structured.approval : {};
    const preview = isRecord(approval.preview) ? approval.preview : {};
    const summary = typeof preview.summary === "string" ? ` ${preview.summary}` : "";
    return `To ${what} I need your approval first.${summary} Nothing has changed yet.`;
  }
  if (structured?.status === "applied" && isRecord(structured.campaign)) {
    return applied(structured.campaign as unknown as CampaignView);
  }
  if (structured?.status === "rejected") {
    return `I did not ${what}: ${result.text || "the request was rejected"}`;
  }
  if (!structured && /^approval required/iu.test(result.text)) {
    return `To ${what} I need your approval first. Nothing has changed yet. (${result.text})`;
  }
  // Another encoding (e.g. the approval gate's own note after a rejection): relay it.
  if (/reject|declin|denied|not executed|cancel/iu.test(result.text)) {
    return `I did not ${what}: ${result.text}`;
  }
  return result.text ? `Done: ${result.text}` : `Done — I asked to ${what}.`;
}
