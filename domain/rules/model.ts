/**
 * The rule model: what an automated rule watches (scope), when it fires (conditions in AND/OR
 * groups behind a minimum-data gate), what it does (action), how often it looks (schedule, in the
 * ad account's time zone) and how often it may act on one campaign (cooldown).
 *
 * Two shapes of the same rule: the **draft** people and the API send, with money in major units of
 * the account's currency ("CPA > 40" means USD 40.00), and the **definition** that is stored and
 * evaluated, with money in minor units like the rest of the product. `toDefinition` and
 * `toDraft` convert between them exactly (string decimal arithmetic, never binary floats).
 *
 * @module
 */
import { z } from "zod";
import { CAMPAIGN_OBJECTIVES } from "../campaigns.ts";
import { currencyExponent, minorToDecimal, parseMoney } from "../money.ts";
import { ValidationError } from "../errors.ts";
import { parseInput, plainText } from "../validation.ts";

/** Metrics a condition reads. `daily_budget` is the campaign's budget now (window ignored). */
export const RULE_METRICS = [
  "spend",
  "impressions",
  "clicks",
  "conversions",
  "revenue",
  "ctr",
  "cpc",
  "cpa",
  "roas",
  "budget_used_pct",
  "daily_budget",
] as const;
/** One metric. */
export type RuleMetric = (typeof RULE_METRICS)[number];

/** Metrics measured in money: major units in drafts, minor units in definitions. */
export const MONEY_METRICS: ReadonlySet<RuleMetric> = new Set([
  "spend",
  "revenue",
  "cpc",
  "cpa",
  "daily_budget",
]);

/** Comparison operators. */
export const RULE_OPERATORS = [">", ">=", "<", "<="] as const;
/** One operator. */
export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** Longest `last_n_days` window and backtest period. */
export const MAX_WINDOW_DAYS = 90;

/**
 * The period a metric is summed over, in the account's days: `today` so far, `yesterday`, the
 * `n` complete days before today (`last_n_days`), or everything stored up to now (`lifetime`).
 */
export const ruleWindowSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("today") }),
  z.strictObject({ kind: z.literal("yesterday") }),
  z.strictObject({
    kind: z.literal("last_n_days"),
    n: z.number().int().min(1).max(MAX_WINDOW_DAYS),
  }),
  z.strictObject({ kind: z.literal("lifetime") }),
]);
/** A window. */
export type RuleWindow = z.output<typeof ruleWindowSchema>;

/** A stable key of a window, e.g. `last_7_days`. */
export function windowKey(window: RuleWindow): string {
  return window.kind === "last_n_days" ? `last_${window.n}_days` : window.kind;
}

const finite = z.number().min(-1e12).max(1e12);

/** `metric` in `window` compared with another metric in a window, times `factor`. */
const comparedMetricSchema = z.strictObject({
  metric: z.enum(RULE_METRICS),
  window: ruleWindowSchema,
  factor: z.number().positive().max(1_000).default(1),
});

/** One comparison: `metric(window) operator value` or `… operator factor × metric(window)`. */
export const ruleConditionSchema = z.union([
  z.strictObject({
    metric: z.enum(RULE_METRICS),
    window: ruleWindowSchema,
    operator: z.enum(RULE_OPERATORS),
    /** A number; money metrics in major units in drafts, minor units in definitions. */
    value: finite,
  }),
  z.strictObject({
    metric: z.enum(RULE_METRICS),
    window: ruleWindowSchema,
    operator: z.enum(RULE_OPERATORS),
    compareTo: comparedMetricSchema,
  }),
]);
/** A condition. */
export type RuleCondition = z.output<typeof ruleConditionSchema>;

/** Deepest nesting of groups (the top group is level 1). */
export const MAX_GROUP_DEPTH = 3;
const MAX_GROUP_ITEMS = 20;

/** A group of conditions and groups that must all (`all`) or any (`any`) hold. */
export interface RuleGroup {
  match: "all" | "any";
  conditions: (RuleCondition | RuleGroup)[];
}

/**
 * Groups nested up to `depth` levels, built without recursion so the OpenAPI document stays a
 * plain tree of schemas.
 */
function groupSchema(depth: number): z.ZodType<RuleGroup> {
  const item = depth <= 1
    ? ruleConditionSchema
    : z.union([ruleConditionSchema, groupSchema(depth - 1)]);
  return z.strictObject({
    match: z.enum(["all", "any"]),
    conditions: z.array(item).min(1).max(MAX_GROUP_ITEMS),
  }) as z.ZodType<RuleGroup>;
}

/** The rule's condition tree. */
export const ruleGroupSchema = groupSchema(MAX_GROUP_DEPTH);

/** Whether a tree item is a group. */
export function isGroup(item: RuleCondition | RuleGroup): item is RuleGroup {
  return "match" in item;
}

/**
 * The minimum-data gate: every window the conditions read must hold at least `minImpressions`
 * impressions or at least `minClicks` clicks, so thin data never fires a rule. On by default.
 */
export const ruleGateSchema = z.strictObject({
  enabled: z.boolean().default(true),
  minImpressions: z.number().int().min(0).max(1e9).default(1_000),
  minClicks: z.number().int().min(0).max(1e9).default(10),
});
/** The gate. */
export type RuleGate = z.output<typeof ruleGateSchema>;

/** The gate a rule gets when none is given. */
export const DEFAULT_GATE: RuleGate = { enabled: true, minImpressions: 1_000, minClicks: 10 };

/**
 * Which campaigns of the account the rule watches: all, chosen ones, or those matching a filter
 * (evaluated at every run, so new matching campaigns are included automatically). Only active
 * and paused campaigns are ever evaluated.
 */
export const ruleScopeSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("all") }),
  z.strictObject({
    kind: z.literal("campaigns"),
    campaignIds: z.array(z.uuid()).min(1).max(1_000)
      .transform((ids) => [...new Set(ids)]),
  }),
  z.strictObject({
    kind: z.literal("filter"),
    /** Case-insensitive substring of the campaign name. */
    nameContains: plainText().trim().min(1).max(200).optional(),
    statuses: z.array(z.enum(["active", "paused"])).min(1).max(2).optional(),
    objectives: z.array(z.enum(CAMPAIGN_OBJECTIVES)).min(1).max(CAMPAIGN_OBJECTIVES.length)
      .optional(),
  }),
]);
/** A scope. */
export type RuleScope = z.output<typeof ruleScopeSchema>;

const moneyAmount = z.number().positive().max(1e9);
const budgetBounds = {
  /** Lowest budget the action may set (major units in drafts). */
  minBudget: moneyAmount.optional(),
  /** Highest budget the action may set. */
  maxBudget: moneyAmount.optional(),
};

/**
 * What the rule does to a campaign it fires on. `pause_until_tomorrow` resumes it at the next
 * midnight of the account's time zone; `adjust_budget` changes the daily budget by a percentage,
 * `set_budget` to an amount, both kept within `minBudget`…`maxBudget`; `notify_only` changes
 * nothing.
 */
export const ruleActionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("pause") }),
  z.strictObject({ type: z.literal("pause_until_tomorrow") }),
  z.strictObject({ type: z.literal("resume") }),
  z.strictObject({ type: z.literal("notify_only") }),
  z.strictObject({
    type: z.literal("adjust_budget"),
    /** −90 … +1000, not 0. */
    percent: z.number().min(-90).max(1_000).refine((value) => value !== 0, "must not be 0"),
    ...budgetBounds,
  }),
  z.strictObject({ type: z.literal("set_budget"), amount: moneyAmount, ...budgetBounds }),
]);
/** An action. */
export type RuleAction = z.output<typeof ruleActionSchema>;
/** The kind of an action. */
export type RuleActionType = RuleAction["type"];

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM");

/** When the rule is evaluated, always in the ad account's time zone. */
export const ruleScheduleSchema = z.discriminatedUnion("frequency", [
  z.strictObject({ frequency: z.literal("every_15_minutes") }),
  z.strictObject({ frequency: z.literal("hourly") }),
  z.strictObject({ frequency: z.literal("daily"), at: timeOfDay }),
]);
/** A schedule. */
export type RuleSchedule = z.output<typeof ruleScheduleSchema>;

/** Default cooldown: one action per campaign a day. */
export const DEFAULT_COOLDOWN_HOURS = 24;

const ruleFields = {
  name: plainText().trim().min(1).max(200),
  adAccountId: z.uuid(),
  enabled: z.boolean().default(false),
  scope: ruleScopeSchema,
  conditions: ruleGroupSchema,
  gate: ruleGateSchema.default(DEFAULT_GATE),
  action: ruleActionSchema,
  schedule: ruleScheduleSchema,
  /** Hours after an action on a campaign before this rule takes it on that campaign again. */
  cooldownHours: z.number().int().min(0).max(24 * 30).default(DEFAULT_COOLDOWN_HOURS),
};

/** A rule as people and the API write it: money in major units of the account's currency. */
export const ruleDraftSchema = z.strictObject(ruleFields).superRefine((draft, context) => {
  const action = draft.action;
  if (
    (action.type === "adjust_budget" || action.type === "set_budget") &&
    action.minBudget !== undefined && action.maxBudget !== undefined &&
    action.minBudget > action.maxBudget
  ) {
    context.addIssue({
      code: "custom",
      message: "must not be above maxBudget",
      path: ["action", "minBudget"],
    });
  }
});
/** A draft as sent. */
export type RuleDraftInput = z.input<typeof ruleDraftSchema>;
/** A draft, validated and with its defaults. */
export type RuleDraft = z.output<typeof ruleDraftSchema>;

/** A partial update: any top-level field, replacing it whole. */
export const ruleUpdateSchema = z.strictObject(ruleFields).omit({ adAccountId: true }).partial();
/** An update as sent. */
export type RuleUpdateInput = z.input<typeof ruleUpdateSchema>;

/**
 * A rule as stored and evaluated: the draft's shape with every money value (condition values of
 * money metrics, budget amounts and bounds) in integer minor units.
 */
export type RuleDefinition = RuleDraft;

/** Parses a draft (throws `ValidationError` naming each bad field). */
export function parseDraft(input: unknown): RuleDraft {
  return parseInput(ruleDraftSchema, input);
}

/**
 * The stored form of a draft for an account in `currency`: money to minor units, exactly. A
 * value with more decimals than the currency has is refused, naming the field.
 */
export function toDefinition(draft: RuleDraft, currency: string): RuleDefinition {
  const exponent = currencyExponent(currency);
  const issues: { field: string; message: string }[] = [];
  const minor = (value: number, field: string): number => {
    const negative = value < 0;
    const parsed = parseMoney(plainDecimal(Math.abs(value)), exponent);
    if (!parsed.ok) {
      issues.push({ field, message: `${parsed.message} (${currency})` });
      return 0;
    }
    return negative ? -parsed.minor : parsed.minor;
  };
  const conditions = mapConditions(
    draft.conditions,
    "conditions",
    (condition, path) =>
      "value" in condition && MONEY_METRICS.has(condition.metric)
        ? { ...condition, value: minor(condition.value, `${path}.value`) }
        : condition,
  );
  const definition: RuleDefinition = {
    ...draft,
    conditions,
    action: mapActionMoney(draft.action, (value, field) => minor(value, `action.${field}`)),
  };
  if (issues.length > 0) throw new ValidationError(issues);
  return definition;
}

/** The draft form of a stored definition (money back to major units), e.g. for editing. */
export function toDraft(definition: RuleDefinition, currency: string): RuleDraft {
  const exponent = currencyExponent(currency);
  const major = (value: number) => Number(minorToDecimal(Math.round(value), exponent));
  return {
    ...definition,
    conditions: mapConditions(
      definition.conditions,
      "conditions",
      (condition) =>
        "value" in condition && MONEY_METRICS.has(condition.metric)
          ? { ...condition, value: major(condition.value) }
          : condition,
    ),
    action: mapActionMoney(definition.action, major),
  };
}

/** Every condition of a tree, in order, with its dotted path (`conditions.conditions.1`). */
export function flattenConditions(
  group: RuleGroup,
  path = "conditions",
): { path: string; condition: RuleCondition }[] {
  const out: { path: string; condition: RuleCondition }[] = [];
  group.conditions.forEach((item, index) => {
    const itemPath = `${path}.conditions.${index}`;
    if (isGroup(item)) out.push(...flattenConditions(item, itemPath));
    else out.push({ path: itemPath, condition: item });
  });
  return out;
}

function mapConditions(
  group: RuleGroup,
  path: string,
  map: (condition: RuleCondition, path: string) => RuleCondition,
): RuleGroup {
  return {
    match: group.match,
    conditions: group.conditions.map((item, index) => {
      const itemPath = `${path}.conditions.${index}`;
      return isGroup(item) ? mapConditions(item, itemPath, map) : map(item, itemPath);
    }),
  };
}

function mapActionMoney(
  action: RuleAction,
  convert: (value: number, field: string) => number,
): RuleAction {
  if (action.type !== "adjust_budget" && action.type !== "set_budget") return action;
  const bounded = {
    ...action,
    ...(action.minBudget === undefined
      ? {}
      : { minBudget: convert(action.minBudget, "minBudget") }),
    ...(action.maxBudget === undefined
      ? {}
      : { maxBudget: convert(action.maxBudget, "maxBudget") }),
  };
  return bounded.type === "set_budget"
    ? { ...bounded, amount: convert(bounded.amount, "amount") }
    : bounded;
}

/** A number as plain decimal digits (no exponent), as `parseMoney` reads them. */
function plainDecimal(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Tiny or huge values: more decimals than any currency has, or too large — refused anyway.
  return value < 1 ? value.toFixed(20) : BigInt(Math.round(value)).toString();
}
