/**
 * How anomaly alerts read on the pages: the list's filters (GET parameters, bookmarkable and
 * script-free) turned into the domain's query, words for types, metrics, parts and next steps,
 * metric values in their units, and the chart's days around an anomaly from a performance report.
 *
 * @module
 */
import type { AlertMetric, AlertSeverity, AlertType } from "../domain/alerts/types.ts";
import { ALERT_SEVERITIES, ALERT_TYPES } from "../domain/alerts/types.ts";
import type { MetricPart, NextStep } from "../domain/alerts/cause.ts";
import type { Finding } from "../domain/alerts/detect.ts";
import { metricOf } from "../domain/alerts/detect.ts";
import type { Alert, ListAlertsQuery } from "../domain/alerts/service.ts";
import { addDays, daysBetween } from "../domain/dates.ts";
import type { DailyMetrics } from "../domain/metrics.ts";
import {
  formatCount,
  formatMoney,
  formatMoneyCompact,
  formatPercent,
  formatRoas,
} from "./format.ts";

/** Alerts per page. */
export const ALERTS_PAGE_SIZE = 20;
/** Days shown on each side of the anomaly. */
export const CHART_DAYS_AROUND = 21;

/** Statuses an alert can have. */
export const ALERT_STATUS_OPTIONS = [
  { value: "open", label: "Open" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "resolved", label: "Resolved" },
] as const;

/** An alert's status as a word, and the badge tone it has. */
export function alertStatusView(status: string): { label: string; tone: string } {
  const label = ALERT_STATUS_OPTIONS.find((option) => option.value === status)?.label ?? status;
  const tone = status === "open" ? "pending" : status === "acknowledged" ? "running" : "archived";
  return { label, tone };
}

/** The list's filters as typed (for showing them back); "" is "any". */
export interface AlertFilters {
  status: string;
  type: string;
  severity: string;
  account: string;
  campaign: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The filters and the list query from the URL; invalid values are dropped, not errors. */
export function alertsQueryFromUrl(url: URL): { filters: AlertFilters; query: ListAlertsQuery } {
  const params = url.searchParams;
  const oneOf = <T extends string>(name: string, values: readonly T[]): T | "" =>
    values.find((value) => value === params.get(name)) ?? "";
  const uuid = (name: string) => {
    const value = params.get(name)?.trim() ?? "";
    return UUID.test(value) ? value.toLowerCase() : "";
  };
  const filters: AlertFilters = {
    status: oneOf("status", ALERT_STATUS_OPTIONS.map((option) => option.value)),
    type: oneOf("type", ALERT_TYPES),
    severity: oneOf("severity", ALERT_SEVERITIES),
    account: uuid("account"),
    campaign: uuid("campaign"),
  };
  const skip = Number(params.get("skip"));
  const query: ListAlertsQuery = {
    status: (filters.status || undefined) as ListAlertsQuery["status"],
    type: (filters.type || undefined) as AlertType | undefined,
    severity: (filters.severity || undefined) as AlertSeverity | undefined,
    adAccountId: filters.account || undefined,
    campaignId: filters.campaign || undefined,
    skip: Number.isSafeInteger(skip) && skip > 0 ? skip : 0,
    limit: ALERTS_PAGE_SIZE,
  };
  return { filters, query };
}

/** Whether any filter is set. */
export function isFiltered(filters: AlertFilters): boolean {
  return Object.values(filters).some((value) => value !== "");
}

const TYPE_LABELS: Record<AlertType, string> = {
  spend_spike: "Spend spike",
  spend_dropped: "Spend dropped",
  spend_stopped: "Delivery stopped",
  cpa_up: "CPA up",
  roas_down: "ROAS down",
  ctr_down: "CTR down",
  conversions_dropped: "Conversions dropped",
  budget_exhausted_early: "Budget used up early",
};

/** An alert type as a person reads it. */
export function alertTypeLabel(type: AlertType): string {
  return TYPE_LABELS[type] ?? type;
}

/** Every type with its label, for filters. */
export const ALERT_TYPE_OPTIONS = ALERT_TYPES.map((type) => ({
  value: type,
  label: alertTypeLabel(type),
}));

/** Severity as a word, capitalised. */
export function severityLabel(severity: AlertSeverity): string {
  return severity.charAt(0).toUpperCase() + severity.slice(1);
}

/** The badge tone of a severity (a `StatusBadge` status word with that colour). */
export function severityTone(severity: AlertSeverity): string {
  return severity === "critical" ? "failed" : severity === "warning" ? "pending" : "draft";
}

const METRIC_LABELS: Record<AlertMetric, string> = {
  spend: "Spend",
  cpa: "CPA",
  roas: "ROAS",
  ctr: "CTR",
  conversions: "Conversions",
};

/** The metric's name. */
export function metricLabel(metric: AlertMetric): string {
  return METRIC_LABELS[metric];
}

const PART_LABELS: Record<MetricPart, string> = {
  cpm: "Cost per 1,000 impressions (CPM)",
  impressions: "Impressions",
  cpc: "Cost per click (CPC)",
  conversion_rate: "Conversion rate",
  value_per_conversion: "Value per conversion",
  clicks: "Clicks",
  ctr: "Click-through rate",
};

/** A part of a metric as words. */
export function partLabel(part: MetricPart): string {
  return PART_LABELS[part] ?? part;
}

const FORMULAS: Partial<Record<AlertType, string>> = {
  spend_spike: "Spend = CPM × impressions ÷ 1,000",
  spend_dropped: "Spend = CPM × impressions ÷ 1,000",
  budget_exhausted_early: "Spend = CPM × impressions ÷ 1,000",
  cpa_up: "CPA = CPC ÷ conversion rate",
  roas_down: "ROAS = conversion rate × value per conversion ÷ CPC",
  ctr_down: "CTR = clicks ÷ impressions",
  conversions_dropped: "Conversions = clicks × conversion rate",
};

/** How the alert's metric is made of its parts, if it is. */
export function formulaOf(type: AlertType): string | null {
  return FORMULAS[type] ?? null;
}

/** A metric's value in its unit: money in `currency` (from minor units), ratios, counts. */
export function formatMetric(metric: AlertMetric, value: number, currency: string): string {
  switch (metric) {
    case "spend":
    case "cpa":
      return formatMoney(Math.round(value), currency);
    case "roas":
      return formatRoas(value.toFixed(4));
    case "ctr":
      return formatPercent(value.toFixed(6));
    case "conversions":
      return formatCount(Math.round(value * 10) / 10);
  }
}

/** A metric's axis tick: compact money, else as `formatMetric`. */
export function formatMetricTick(metric: AlertMetric, value: number, currency: string): string {
  return metric === "spend" || metric === "cpa"
    ? formatMoneyCompact(value, currency)
    : formatMetric(metric, value, currency);
}

/** A part's value in its unit (money parts are in minor units). */
export function formatPart(part: MetricPart, value: number | null, currency: string): string {
  if (value === null) return "—";
  switch (part) {
    case "cpm":
    case "cpc":
    case "value_per_conversion":
      return formatMoney(Math.round(value), currency);
    case "conversion_rate":
    case "ctr":
      return formatPercent(value.toFixed(6));
    case "impressions":
    case "clicks":
      return formatCount(Math.round(value));
  }
}

/** A relative change as a signed percentage: `+52%`, `−40%`. */
export function formatChange(relative: number | null): string {
  if (relative === null || !Number.isFinite(relative)) return "—";
  const percent = Math.round(relative * 100);
  return percent > 0 ? `+${percent}%` : percent < 0 ? `−${Math.abs(percent)}%` : "0%";
}

/** The chart's date range: three weeks either side of the anomaly, never past `today`. */
export function chartRange(finding: Finding, today: string): { from: string; to: string } {
  const start = finding.shift?.start ?? finding.date;
  const to = addDays(finding.date, CHART_DAYS_AROUND) < today
    ? addDays(finding.date, CHART_DAYS_AROUND)
    : today;
  return { from: addDays(start, -CHART_DAYS_AROUND), to: to < finding.date ? finding.date : to };
}

/** The anomalous day(s): a shift's days, else the finding's day. */
export function anomalousDates(finding: Finding): string[] {
  if (!finding.shift) return [finding.date];
  const length = Math.max(1, daysBetween(finding.shift.start, finding.date) + 1);
  return Array.from({ length }, (_, index) => addDays(finding.shift!.start, index));
}

/** The metric's value on each day of a report (null where it has none, e.g. CPA without sales). */
export function metricDays(
  metric: AlertMetric,
  daily: readonly DailyMetrics[],
): { date: string; value: number | null }[] {
  return daily.map((day) => ({ date: day.date, value: metricOf(metric, day) }));
}

/** The words of a next step's button. */
export function nextStepLabel(step: NextStep): string {
  switch (step.kind) {
    case "pause":
      return "Pause the campaign";
    case "lower_budget":
      return "Lower the budget";
    case "roll_back":
      return "Review the rollback";
  }
}

/** Where the rollback of a `roll_back` step is reviewed and applied. */
export function rollbackHref(step: Extract<NextStep, { kind: "roll_back" }>): string {
  const params = new URLSearchParams();
  for (const id of step.rollback.changeIds) params.append("change", id);
  return `/rollbacks/new?${params}`;
}

/** The alert's subject: its campaign's name or the account's. */
export function alertSubject(
  alert: Alert,
  names: { campaigns: ReadonlyMap<string, string>; accounts: ReadonlyMap<string, string> },
): string {
  if (alert.campaignId) return names.campaigns.get(alert.campaignId) ?? "A deleted campaign";
  return `Account ${names.accounts.get(alert.adAccountId) ?? "(removed)"}`;
}
