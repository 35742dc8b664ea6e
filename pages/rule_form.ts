/**
 * The rule editor's form: its text values (conditions as numbered rows), how they become the
 * domain's rule draft, and how domain issue paths map back to the form's fields. The form is
 * flat — one AND/OR group of rows — which is what people write; a rule with nested groups (made
 * through the API) keeps its conditions unchanged and edits the rest. Validation rules stay in
 * the domain; this only parses what was typed and words what it could not read.
 *
 * @module
 */
import {
  DEFAULT_COOLDOWN_HOURS,
  DEFAULT_GATE,
  isGroup,
  RULE_METRICS,
  RULE_OPERATORS,
  type RuleCondition,
  type RuleGroup,
  type RuleMetric,
} from "../domain/rules/model.ts";
import type { Rule } from "../domain/rules/service.ts";
import type { FieldErrors, FormValues } from "./forms.ts";

/** Most condition rows the form shows. */
export const MAX_CONDITION_ROWS = 20;

/** Window choices of a row; `last_n_days` reads the row's `days`. */
export const WINDOW_KINDS = ["today", "yesterday", "last_n_days", "lifetime"] as const;

/** Action choices. */
export const ACTION_TYPES = [
  "pause",
  "pause_until_tomorrow",
  "resume",
  "adjust_budget",
  "set_budget",
  "notify_only",
] as const;

/** Schedule choices. */
export const FREQUENCIES = ["every_15_minutes", "hourly", "daily"] as const;

/** Scope choices. */
export const SCOPE_KINDS = ["all", "campaigns", "filter"] as const;

/** One condition row, as typed. */
export interface ConditionRow {
  metric: string;
  window: string;
  /** For `last_n_days`. */
  days: string;
  operator: string;
  /** A number, or the factor when `compare` names a metric. */
  value: string;
  /** `""` to compare with the number; a metric name to compare with `value` × that metric. */
  compare: string;
}

/** The form's fields, as typed. */
export interface RuleFormValues {
  name: string;
  adAccountId: string;
  match: string;
  rows: ConditionRow[];
  /** The conditions as JSON when they cannot be shown as rows (nested groups): kept as they are. */
  keptConditions: string;
  gateEnabled: boolean;
  minImpressions: string;
  minClicks: string;
  actionType: string;
  percent: string;
  amount: string;
  minBudget: string;
  maxBudget: string;
  frequency: string;
  at: string;
  cooldownHours: string;
  scopeKind: string;
  campaignIds: string[];
  nameContains: string;
  statuses: string[];
}

/** An empty row. */
export const BLANK_ROW: ConditionRow = {
  metric: "cpa",
  window: "today",
  days: "7",
  operator: ">",
  value: "",
  compare: "",
};

/** Values of a new rule: pause on a high CPA today, hourly, gate on. */
export const NEW_RULE_VALUES: RuleFormValues = {
  name: "",
  adAccountId: "",
  match: "all",
  rows: [{ ...BLANK_ROW }],
  keptConditions: "",
  gateEnabled: true,
  minImpressions: String(DEFAULT_GATE.minImpressions),
  minClicks: String(DEFAULT_GATE.minClicks),
  actionType: "pause",
  percent: "",
  amount: "",
  minBudget: "",
  maxBudget: "",
  frequency: "hourly",
  at: "09:00",
  cooldownHours: String(DEFAULT_COOLDOWN_HOURS),
  scopeKind: "all",
  campaignIds: [],
  nameContains: "",
  statuses: [],
};

/** Words for metrics, windows, operators, actions and schedules. */
export const LABELS: Record<string, string> = {
  spend: "Spend",
  impressions: "Impressions",
  clicks: "Clicks",
  conversions: "Conversions",
  revenue: "Revenue",
  ctr: "CTR (%)",
  cpc: "CPC",
  cpa: "CPA",
  roas: "ROAS",
  budget_used_pct: "Budget used (%)",
  daily_budget: "Daily budget",
  today: "Today so far",
  yesterday: "Yesterday",
  last_n_days: "Last N days",
  lifetime: "Lifetime",
  pause: "Pause",
  pause_until_tomorrow: "Pause until tomorrow",
  resume: "Resume",
  adjust_budget: "Change budget by %",
  set_budget: "Set budget to an amount",
  notify_only: "Notify only",
  every_15_minutes: "Every 15 minutes",
  hourly: "Hourly",
  daily: "Daily at a time",
  all: "Every campaign of the account",
  campaigns: "Chosen campaigns",
  filter: "Campaigns matching a filter",
};

/** The label of a code, or the code. */
export function labelOf(code: string): string {
  return LABELS[code] ?? code;
}

/** Row count the submitted form holds (its highest numbered row + 1). */
function rowCount(form: FormValues): number {
  let count = 0;
  for (let index = 0; index < MAX_CONDITION_ROWS; index++) {
    if (form.text(`c${index}.metric`) !== "") count = index + 1;
  }
  return count;
}

/** The submitted form's values. */
export function readRuleForm(form: FormValues): RuleFormValues {
  const rows: ConditionRow[] = [];
  for (let index = 0; index < rowCount(form); index++) {
    const field = (name: keyof ConditionRow) => form.text(`c${index}.${name}`);
    rows.push({
      metric: field("metric"),
      window: field("window"),
      days: field("days"),
      operator: field("operator"),
      value: field("value"),
      compare: field("compare"),
    });
  }
  return {
    name: form.text("name"),
    adAccountId: form.text("adAccountId"),
    match: form.text("match") || "all",
    rows,
    keptConditions: form.text("keptConditions"),
    gateEnabled: form.text("gateEnabled") === "on",
    minImpressions: form.text("minImpressions"),
    minClicks: form.text("minClicks"),
    actionType: form.text("actionType"),
    percent: form.text("percent"),
    amount: form.text("amount"),
    minBudget: form.text("minBudget"),
    maxBudget: form.text("maxBudget"),
    frequency: form.text("frequency"),
    at: form.text("at"),
    cooldownHours: form.text("cooldownHours"),
    scopeKind: form.text("scopeKind") || "all",
    campaignIds: form.all("campaignIds"),
    nameContains: form.text("nameContains"),
    statuses: form.all("statuses"),
  };
}

/** A flat group of conditions the rows can show, or null (nested groups, mixed windows). */
function rowsOf(group: RuleGroup): ConditionRow[] | null {
  const rows: ConditionRow[] = [];
  for (const item of group.conditions) {
    if (isGroup(item)) return null;
    const window = item.window;
    const base = {
      metric: item.metric,
      window: window.kind,
      days: window.kind === "last_n_days" ? String(window.n) : "7",
      operator: item.operator,
    };
    if ("value" in item) rows.push({ ...base, value: String(item.value), compare: "" });
    else {
      const same = JSON.stringify(item.compareTo.window) === JSON.stringify(window);
      if (!same) return null;
      rows.push({ ...base, value: String(item.compareTo.factor), compare: item.compareTo.metric });
    }
  }
  return rows;
}

/** The form prefilled from a saved rule. */
export function ruleFormValues(rule: Rule): RuleFormValues {
  const rows = rowsOf(rule.conditions);
  const action = rule.action;
  const budget = action.type === "adjust_budget" || action.type === "set_budget" ? action : null;
  const scope = rule.scope;
  return {
    name: rule.name,
    adAccountId: rule.adAccountId,
    match: rule.conditions.match,
    rows: rows ?? [],
    keptConditions: rows ? "" : JSON.stringify(rule.conditions),
    gateEnabled: rule.gate.enabled,
    minImpressions: String(rule.gate.minImpressions),
    minClicks: String(rule.gate.minClicks),
    actionType: action.type,
    percent: action.type === "adjust_budget" ? String(action.percent) : "",
    amount: action.type === "set_budget" ? String(action.amount) : "",
    minBudget: budget?.minBudget === undefined ? "" : String(budget.minBudget),
    maxBudget: budget?.maxBudget === undefined ? "" : String(budget.maxBudget),
    frequency: rule.schedule.frequency,
    at: rule.schedule.frequency === "daily" ? rule.schedule.at : "09:00",
    cooldownHours: String(rule.cooldownHours),
    scopeKind: scope.kind,
    campaignIds: scope.kind === "campaigns" ? scope.campaignIds : [],
    nameContains: scope.kind === "filter" ? scope.nameContains ?? "" : "",
    statuses: scope.kind === "filter" ? scope.statuses ?? [] : [],
  };
}

/** A number as typed (`1,000`, ` 40 `, `$40`), or undefined when it is not one. */
function numberOf(text: string): number | undefined {
  const cleaned = text.trim().replace(/[,\s]/g, "").replace(/^[$€£]/, "");
  if (cleaned === "" || !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) return undefined;
  return Number(cleaned);
}

/** Whether a row was left empty (it is then ignored). */
function blankRow(row: ConditionRow): boolean {
  return row.value.trim() === "";
}

/**
 * The draft the typed values describe, and what could not even be read, worded for people. The
 * domain checks the rest (ranges, money decimals, campaigns of the account).
 */
export function parseRuleForm(
  values: RuleFormValues,
): { draft: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (values.name.trim() === "") errors.name = "Enter a name for the rule.";
  const number = (field: string, text: string, what: string): number | undefined => {
    const value = numberOf(text);
    if (value === undefined) errors[field] = `Enter ${what} as a number.`;
    return value;
  };

  let conditions: unknown;
  if (values.keptConditions !== "" && values.rows.length === 0) {
    try {
      conditions = JSON.parse(values.keptConditions);
    } catch {
      errors.conditions = "The rule's conditions could not be read; add them again as rows.";
    }
  } else {
    const items: RuleCondition[] = [];
    values.rows.forEach((row, index) => {
      if (blankRow(row)) return;
      const prefix = `c${index}`;
      const position = `condition ${index + 1}`;
      const metric = (RULE_METRICS as readonly string[]).includes(row.metric)
        ? row.metric as RuleMetric
        : undefined;
      if (!metric) errors[`${prefix}.metric`] = `Choose a metric for ${position}.`;
      const operator = (RULE_OPERATORS as readonly string[]).includes(row.operator)
        ? row.operator as RuleCondition["operator"]
        : undefined;
      if (!operator) errors[`${prefix}.operator`] = `Choose a comparison for ${position}.`;
      let window: RuleCondition["window"] | undefined;
      if (row.window === "last_n_days") {
        const days = numberOf(row.days);
        if (days === undefined || !Number.isInteger(days)) {
          errors[`${prefix}.days`] = `Enter the number of days of ${position} as a whole number.`;
        } else window = { kind: "last_n_days", n: days };
      } else if (
        row.window === "today" || row.window === "yesterday" || row.window === "lifetime"
      ) {
        window = { kind: row.window };
      } else errors[`${prefix}.window`] = `Choose a period for ${position}.`;
      const value = number(`${prefix}.value`, row.value, `the value of ${position}`);
      const compare = (RULE_METRICS as readonly string[]).includes(row.compare)
        ? row.compare as RuleMetric
        : undefined;
      if (row.compare !== "" && !compare) {
        errors[`${prefix}.compare`] = `Choose what ${position} compares with.`;
      }
      if (!metric || !operator || !window || value === undefined) return;
      items.push(
        compare
          ? { metric, window, operator, compareTo: { metric: compare, window, factor: value } }
          : { metric, window, operator, value },
      );
    });
    if (items.length === 0 && !Object.keys(errors).some((key) => key.startsWith("c"))) {
      errors.conditions = "Add at least one condition with a value.";
    }
    conditions = { match: values.match === "any" ? "any" : "all", conditions: items };
  }

  const gate = {
    enabled: values.gateEnabled,
    minImpressions: number("minImpressions", values.minImpressions, "the minimum impressions"),
    minClicks: number("minClicks", values.minClicks, "the minimum clicks"),
  };

  const bounds = () => ({
    ...(values.minBudget.trim() === ""
      ? {}
      : { minBudget: number("minBudget", values.minBudget, "the lowest budget") }),
    ...(values.maxBudget.trim() === ""
      ? {}
      : { maxBudget: number("maxBudget", values.maxBudget, "the highest budget") }),
  });
  let action: Record<string, unknown>;
  switch (values.actionType) {
    case "adjust_budget":
      action = {
        type: "adjust_budget",
        percent: number("percent", values.percent, "the budget change in percent"),
        ...bounds(),
      };
      break;
    case "set_budget":
      action = {
        type: "set_budget",
        amount: number("amount", values.amount, "the new budget"),
        ...bounds(),
      };
      break;
    case "pause":
    case "pause_until_tomorrow":
    case "resume":
    case "notify_only":
      action = { type: values.actionType };
      break;
    default:
      errors.actionType = "Choose what the rule does.";
      action = { type: values.actionType };
  }

  let schedule: Record<string, unknown> = { frequency: values.frequency };
  if (values.frequency === "daily") schedule = { frequency: "daily", at: values.at.trim() };
  else if (!(FREQUENCIES as readonly string[]).includes(values.frequency)) {
    errors.frequency = "Choose how often the rule runs.";
  }

  const cooldown = numberOf(values.cooldownHours);
  if (cooldown === undefined || !Number.isInteger(cooldown)) {
    errors.cooldownHours = "Enter the cooldown as a whole number of hours.";
  }

  let scope: Record<string, unknown>;
  switch (values.scopeKind) {
    case "campaigns":
      scope = { kind: "campaigns", campaignIds: values.campaignIds };
      if (values.campaignIds.length === 0) errors.scope = "Choose at least one campaign.";
      break;
    case "filter": {
      const nameContains = values.nameContains.trim();
      scope = {
        kind: "filter",
        ...(nameContains === "" ? {} : { nameContains }),
        ...(values.statuses.length === 0 ? {} : { statuses: values.statuses }),
      };
      break;
    }
    default:
      scope = { kind: "all" };
  }

  return {
    draft: {
      name: values.name,
      adAccountId: values.adAccountId,
      scope,
      conditions,
      gate,
      action,
      schedule,
      cooldownHours: cooldown,
    },
    errors,
  };
}

/**
 * The form field a domain issue path belongs to: `conditions.conditions.1.value` → `c1.value`,
 * `action.percent` → `percent`, `gate.minClicks` → `minClicks`, `schedule.at` → `at`.
 */
export function ruleFieldOf(path: string): string | undefined {
  const parts = path.split(".");
  const [head, second, third, fourth] = parts;
  switch (head) {
    case "name":
    case "adAccountId":
    case "cooldownHours":
      return head;
    case "conditions":
      if (second === "conditions" && /^\d+$/.test(third ?? "") && parts.length === 4) {
        const field = fourth === "compareTo" ? "value" : fourth;
        return `c${third}.${field === "window" ? "window" : field}`;
      }
      if (second === "conditions" && /^\d+$/.test(third ?? "")) {
        return fourth === "window" ? `c${third}.days` : `c${third}.value`;
      }
      return "conditions";
    case "gate":
      return second === "minImpressions" || second === "minClicks" ? second : "gate";
    case "action":
      return second === "percent" || second === "amount" || second === "minBudget" ||
          second === "maxBudget"
        ? second
        : "actionType";
    case "schedule":
      return second === "at" ? "at" : "frequency";
    case "scope":
      return second === "nameContains" ? "nameContains" : "scope";
    default:
      return undefined;
  }
}

const FIELD_NOUNS: Record<string, string> = {
  name: "The name",
  adAccountId: "The ad account",
  cooldownHours: "The cooldown",
  conditions: "The conditions",
  minImpressions: "The minimum impressions",
  minClicks: "The minimum clicks",
  gate: "The data gate",
  percent: "The budget change",
  amount: "The new budget",
  minBudget: "The lowest budget",
  maxBudget: "The highest budget",
  actionType: "The action",
  at: "The time of day",
  frequency: "The schedule",
  scope: "The campaigns",
  nameContains: "The name filter",
};

/** zod's terse messages in words (`Too big: expected number to be <=90` → `must be at most 90`). */
function plainMessage(message: string): string {
  const big = message.match(/^Too big: expected \w+ to (?:be|have) <(=?)(\S+)/);
  if (big) return big[1] ? `must be at most ${big[2]}` : `must be less than ${big[2]}`;
  const small = message.match(/^Too small: expected \w+ to (?:be|have) >(=?)(\S+)/);
  if (small) return small[1] ? `must be at least ${small[2]}` : `must be more than ${small[2]}`;
  if (/^Invalid input/.test(message)) return "is not valid";
  return message;
}

/**
 * A domain issue on a form field as a sentence naming what it is about: `Condition 2: the
 * value must be at least 0.`, `The budget change must be at most 1000.`
 */
export function ruleIssueMessage(field: string, message: string): string {
  const text = plainMessage(message);
  const sentence = (subject: string) => {
    const body = /^[A-Z]/.test(text) ? text : `${subject} ${text}`;
    return body.endsWith(".") ? body : `${body}.`;
  };
  const row = field.match(/^c(\d+)\.(\w+)$/);
  if (row) {
    const part = row[2] === "days" ? "the number of days" : `the ${row[2]}`;
    return `Condition ${Number(row[1]) + 1}: ${sentence(part)}`;
  }
  return sentence(FIELD_NOUNS[field] ?? "This field");
}

/** Per-field sentences from domain issues. */
export function ruleFieldErrors(
  issues: readonly { field: string; message: string }[],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = ruleFieldOf(issue.field) ?? "";
    errors[field] ??= ruleIssueMessage(field, issue.message);
  }
  return errors;
}
