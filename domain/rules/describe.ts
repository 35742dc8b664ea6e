/**
 * A rule in words, for the rule pages, the chat and MCP answers: "Pause when CPA (today so far)
 * > $40.00 and …, hourly". Works on the draft form (money in major units of the currency), as
 * `domain.rules` returns it.
 *
 * @module
 */
import { formatMoney, formatMoneyDecimal } from "../money.ts";
import type { ConditionResult } from "./conditions.ts";
import {
  isGroup,
  MONEY_METRICS,
  type RuleAction,
  type RuleCondition,
  type RuleGroup,
  type RuleMetric,
  type RuleSchedule,
  type RuleWindow,
} from "./model.ts";

const METRIC_WORDS: Record<RuleMetric, string> = {
  spend: "spend",
  impressions: "impressions",
  clicks: "clicks",
  conversions: "conversions",
  revenue: "revenue",
  ctr: "CTR %",
  cpc: "CPC",
  cpa: "CPA",
  roas: "ROAS",
  budget_used_pct: "budget used %",
  daily_budget: "daily budget",
};

/** A metric's name in words. */
export function metricWords(metric: RuleMetric): string {
  return METRIC_WORDS[metric];
}

/** A window in words: `today so far`, `last 7 days`. */
export function windowWords(window: RuleWindow | string): string {
  const key = typeof window === "string"
    ? window
    : window.kind === "last_n_days"
    ? `last_${window.n}_days`
    : window.kind;
  const days = key.match(/^last_(\d+)_days$/);
  if (days) return `last ${days[1]} day${days[1] === "1" ? "" : "s"}`;
  return key === "today" ? "today so far" : key;
}

/** A major-unit amount of `currency` as people read money: `$40.00`, `$12.50`. */
function money(value: number, currency: string): string {
  return formatMoneyDecimal(String(value), currency);
}

/** One condition in words (draft form: money in major units). */
export function conditionWords(condition: RuleCondition, currency: string): string {
  const subject = `${metricWords(condition.metric)} (${windowWords(condition.window)})`;
  if ("value" in condition) {
    const value = MONEY_METRICS.has(condition.metric)
      ? money(condition.value, currency)
      : String(condition.value);
    return `${subject} ${condition.operator} ${value}`;
  }
  const other = `${metricWords(condition.compareTo.metric)} (${
    windowWords(condition.compareTo.window)
  })`;
  const factor = condition.compareTo.factor === 1 ? "" : `${condition.compareTo.factor} × `;
  return `${subject} ${condition.operator} ${factor}${other}`;
}

/** A condition tree in words, groups in parentheses. */
export function conditionsWords(group: RuleGroup, currency: string): string {
  const joiner = group.match === "all" ? " and " : " or ";
  return group.conditions.map((item) =>
    isGroup(item) ? `(${conditionsWords(item, currency)})` : conditionWords(item, currency)
  ).join(joiner);
}

/** An action in words (draft form). */
export function actionWords(action: RuleAction, currency: string): string {
  const bounds = (min?: number, max?: number) =>
    [
      min === undefined ? "" : `not below ${money(min, currency)}`,
      max === undefined ? "" : `not above ${money(max, currency)}`,
    ].filter(Boolean).join(", ");
  switch (action.type) {
    case "pause":
      return "pause the campaign";
    case "pause_until_tomorrow":
      return "pause the campaign until tomorrow";
    case "resume":
      return "resume the campaign";
    case "notify_only":
      return "notify only";
    case "adjust_budget": {
      const limit = bounds(action.minBudget, action.maxBudget);
      return `${action.percent > 0 ? "raise" : "lower"} the daily budget by ${
        Math.abs(action.percent)
      }%${limit ? ` (${limit})` : ""}`;
    }
    case "set_budget": {
      const limit = bounds(action.minBudget, action.maxBudget);
      return `set the daily budget to ${money(action.amount, currency)}${
        limit ? ` (${limit})` : ""
      }`;
    }
  }
}

/** A schedule in words: `every 15 minutes`, `hourly`, `daily at 09:00`. */
export function scheduleWords(schedule: RuleSchedule): string {
  switch (schedule.frequency) {
    case "every_15_minutes":
      return "every 15 minutes";
    case "hourly":
      return "hourly";
    case "daily":
      return `daily at ${schedule.at}`;
  }
}

/** A whole rule in one sentence. */
export function ruleSentence(
  rule: {
    conditions: RuleGroup;
    action: RuleAction;
    schedule: RuleSchedule;
    gate: { enabled: boolean; minImpressions: number; minClicks: number };
  },
  currency: string,
): string {
  const action = actionWords(rule.action, currency);
  const gate = rule.gate.enabled
    ? `, once there are at least ${rule.gate.minImpressions} impressions or ${rule.gate.minClicks} clicks`
    : "";
  return `${action.charAt(0).toUpperCase()}${action.slice(1)} when ${
    conditionsWords(rule.conditions, currency)
  }${gate}; checked ${scheduleWords(rule.schedule)} in the account's time zone.`;
}

/** An evaluated condition's value in words (minor units of `currency` for money metrics). */
export function conditionValueWords(result: ConditionResult, currency: string): string {
  const show = (value: number | null) => {
    if (value === null) return "none";
    if (MONEY_METRICS.has(result.metric)) {
      return formatMoney(Math.round(value), currency);
    }
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
  };
  return `${metricWords(result.metric)} (${windowWords(result.window)}) = ${
    show(result.actual)
  } ${result.operator} ${show(result.threshold)}${result.passed ? "" : " — not met"}`;
}
