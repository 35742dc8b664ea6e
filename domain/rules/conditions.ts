/**
 * The condition evaluator, pure: given a campaign's counts in each window a rule reads, it tells
 * each condition's value and outcome, whether the minimum-data gate passed, and whether the rule
 * fires. Its answer is what an evaluation stores to explain "why did / didn't it fire?".
 *
 * Ratios follow the product's definitions on minor-unit money: CTR in percent, CPC and CPA in
 * minor units per click / conversion, ROAS as revenue per unit of spend, budget used in percent of
 * the daily budget times the window's days. A ratio with a zero denominator has no value, and a
 * condition on a value that does not exist does not hold (a CPA rule never fires on zero
 * conversions: say `conversions < 1` for that).
 *
 * `compileConditions` resolves the tree once into closures over window slots, for the backtest's
 * inner loop; `evaluateRule` is the same logic with the full explanation.
 *
 * @module
 */
import {
  flattenConditions,
  isGroup,
  type RuleCondition,
  type RuleDefinition,
  type RuleGroup,
  type RuleMetric,
  type RuleOperator,
  type RuleWindow,
  windowKey,
} from "./model.ts";

/** A campaign's delivery summed over one window; money in minor units. */
export interface WindowCounts {
  impressions: number;
  clicks: number;
  spendMinor: number;
  conversions: number;
  revenueMinor: number;
  /** Days the window spans (for budget used %): 1 for today and yesterday. */
  days: number;
}

/** What a rule is evaluated on for one campaign. */
export interface CampaignMetricWindows {
  /** Counts per window key (`windowKey`), for every window the rule reads. */
  windows: Readonly<Record<string, WindowCounts>>;
  /** The daily budget now; null for a lifetime budget. */
  dailyBudgetMinor: number | null;
}

/** One condition's outcome. */
export interface ConditionResult {
  /** Dotted path in the rule, e.g. `conditions.conditions.0`. */
  path: string;
  metric: RuleMetric;
  window: string;
  operator: RuleOperator;
  /** The metric's value; null when it does not exist (a ratio over zero). */
  actual: number | null;
  /** What it was compared with (a value, or factor × the other metric); null if that is missing. */
  threshold: number | null;
  passed: boolean;
}

/** The gate's outcome in one window. */
export interface GateWindowResult {
  window: string;
  impressions: number;
  clicks: number;
  passed: boolean;
}

/** An evaluation's full answer, stored per campaign and evaluation. */
export interface RuleEvaluation {
  fires: boolean;
  /** Whether the condition tree holds, regardless of the gate. */
  conditionsMet: boolean;
  gate: { enabled: boolean; passed: boolean; windows: GateWindowResult[] };
  conditions: ConditionResult[];
}

/** Metrics that do not come from delivery, so the gate ignores their window. */
const NON_DELIVERY: ReadonlySet<RuleMetric> = new Set(["daily_budget"]);

/** A metric's value from window counts and the budget; null when it does not exist. */
export function metricValue(
  metric: RuleMetric,
  counts: WindowCounts,
  dailyBudgetMinor: number | null,
): number | null {
  switch (metric) {
    case "spend":
      return counts.spendMinor;
    case "impressions":
      return counts.impressions;
    case "clicks":
      return counts.clicks;
    case "conversions":
      return counts.conversions;
    case "revenue":
      return counts.revenueMinor;
    case "ctr":
      return counts.impressions === 0 ? null : (counts.clicks * 100) / counts.impressions;
    case "cpc":
      return counts.clicks === 0 ? null : counts.spendMinor / counts.clicks;
    case "cpa":
      return counts.conversions === 0 ? null : counts.spendMinor / counts.conversions;
    case "roas":
      return counts.spendMinor === 0 ? null : counts.revenueMinor / counts.spendMinor;
    case "budget_used_pct":
      return dailyBudgetMinor === null || dailyBudgetMinor === 0 || counts.days === 0
        ? null
        : (counts.spendMinor * 100) / (dailyBudgetMinor * counts.days);
    case "daily_budget":
      return dailyBudgetMinor;
  }
}

/** Whether `actual operator threshold` holds (false when either is missing). */
export function compare(
  actual: number | null,
  operator: RuleOperator,
  threshold: number | null,
): boolean {
  if (actual === null || threshold === null) return false;
  switch (operator) {
    case ">":
      return actual > threshold;
    case ">=":
      return actual >= threshold;
    case "<":
      return actual < threshold;
    case "<=":
      return actual <= threshold;
  }
}

/**
 * The distinct windows a rule reads, in first-use order: the windows of its conditions and of
 * the metrics they compare with.
 */
export function windowsOf(conditions: RuleGroup): RuleWindow[] {
  const seen = new Map<string, RuleWindow>();
  for (const { condition } of flattenConditions(conditions)) {
    for (const window of conditionWindows(condition)) {
      if (!seen.has(windowKey(window))) seen.set(windowKey(window), window);
    }
  }
  return [...seen.values()];
}

/** The windows the gate checks: those read for delivery metrics. */
export function gateWindowsOf(conditions: RuleGroup): RuleWindow[] {
  const seen = new Map<string, RuleWindow>();
  for (const { condition } of flattenConditions(conditions)) {
    const pairs: [RuleMetric, RuleWindow][] = [[condition.metric, condition.window]];
    if ("compareTo" in condition) {
      pairs.push([condition.compareTo.metric, condition.compareTo.window]);
    }
    for (const [metric, window] of pairs) {
      if (!NON_DELIVERY.has(metric) && !seen.has(windowKey(window))) {
        seen.set(windowKey(window), window);
      }
    }
  }
  return [...seen.values()];
}

function conditionWindows(condition: RuleCondition): RuleWindow[] {
  return "compareTo" in condition
    ? [condition.window, condition.compareTo.window]
    : [condition.window];
}

const MISSING: WindowCounts = Object.freeze({
  impressions: 0,
  clicks: 0,
  spendMinor: 0,
  conversions: 0,
  revenueMinor: 0,
  days: 0,
});

/**
 * How fast a metric in a window reading today grows per whole day, or null when it does not grow
 * linearly (ratios over lifetime); 0 for what holds still (ratios of today's prorated counts).
 */
function growthOf(
  metric: RuleMetric,
  window: RuleWindow,
  counts: WindowCounts,
  dailyBudgetMinor: number | null,
  growth: ArrayLike<number>,
): number | null {
  switch (metric) {
    case "impressions":
      return growth[0];
    case "clicks":
      return growth[1];
    case "spend":
      return growth[2];
    case "conversions":
      return growth[3];
    case "revenue":
      return growth[4];
    case "budget_used_pct":
      return dailyBudgetMinor === null || dailyBudgetMinor === 0 || counts.days === 0
        ? 0
        : (growth[2] * 100) / (dailyBudgetMinor * counts.days);
    case "daily_budget":
      return 0;
    default:
      return window.kind === "today" ? 0 : null;
  }
}

/** Evaluates a rule on one campaign, with every condition's value: the stored explanation. */
export function evaluateRule(
  rule: Pick<RuleDefinition, "conditions" | "gate">,
  input: CampaignMetricWindows,
): RuleEvaluation {
  return prepareEvaluation(rule)(input);
}

/**
 * `evaluateRule` with the rule's tree walked once: for explaining many evaluations of one rule
 * (the backtest explains each of its firings).
 */
export function prepareEvaluation(
  rule: Pick<RuleDefinition, "conditions" | "gate">,
): (input: CampaignMetricWindows) => RuleEvaluation {
  const gateWindows = gateWindowsOf(rule.conditions).map((window) => windowKey(window));
  const { enabled, minImpressions, minClicks } = rule.gate;
  return (input) => {
    const counts = (window: RuleWindow) => input.windows[windowKey(window)] ?? MISSING;
    const results: ConditionResult[] = [];
    const evaluateItem = (item: RuleCondition | RuleGroup, path: string): boolean => {
      if (isGroup(item)) {
        // Every child is evaluated (no short cut) so the explanation lists all values.
        const outcomes = item.conditions.map((child, index) =>
          evaluateItem(child, `${path}.conditions.${index}`)
        );
        return item.match === "all" ? outcomes.every(Boolean) : outcomes.some(Boolean);
      }
      const actual = metricValue(item.metric, counts(item.window), input.dailyBudgetMinor);
      const threshold = thresholdOf(item, counts, input.dailyBudgetMinor);
      const passed = compare(actual, item.operator, threshold);
      results.push({
        path,
        metric: item.metric,
        window: windowKey(item.window),
        operator: item.operator,
        actual,
        threshold,
        passed,
      });
      return passed;
    };
    const conditionsMet = evaluateItem(rule.conditions, "conditions");
    const windows = gateWindows.map((window) => {
      const { impressions, clicks } = input.windows[window] ?? MISSING;
      return {
        window,
        impressions,
        clicks,
        passed: impressions >= minImpressions || clicks >= minClicks,
      };
    });
    const gatePassed = !enabled || windows.every((window) => window.passed);
    return {
      fires: gatePassed && conditionsMet,
      conditionsMet,
      gate: { enabled, passed: gatePassed, windows },
      conditions: results,
    };
  };
}

function thresholdOf(
  condition: RuleCondition,
  counts: (window: RuleWindow) => WindowCounts,
  dailyBudgetMinor: number | null,
): number | null {
  if ("value" in condition) return condition.value;
  const other = metricValue(
    condition.compareTo.metric,
    counts(condition.compareTo.window),
    dailyBudgetMinor,
  );
  return other === null ? null : condition.compareTo.factor * other;
}

/** A rule resolved for fast repeated evaluation over window slots. */
export interface CompiledConditions {
  /** The windows to fill, in slot order. */
  windows: RuleWindow[];
  /** The slots the gate checks. */
  gateSlots: number[];
  /** Whether the condition tree holds for counts given per slot. */
  conditionsMet(slots: readonly WindowCounts[], dailyBudgetMinor: number | null): boolean;
  /** Whether the gate passes (true when it is off). */
  gatePasses(slots: readonly WindowCounts[]): boolean;
  /**
   * The tree's outcome from the conditions that do not read today (no `today` or `lifetime`
   * window), which hold still through a day: `0` false, `1` true, `2` it depends on today.
   */
  outcomeWithoutToday(slots: readonly WindowCounts[], dailyBudgetMinor: number | null): 0 | 1 | 2;
  /**
   * For a day whose counts so far grow steadily (`growth`: impressions, clicks, spend,
   * conversions and revenue added per whole day), the earliest share of the day after `share`
   * at which a condition reading today could change its outcome: the tree's outcome cannot
   * change before it. `share` itself when that cannot be worked out (check the next slot);
   * Infinity when nothing can change today.
   */
  nextChangeShare(
    slots: readonly WindowCounts[],
    dailyBudgetMinor: number | null,
    share: number,
    growth: ArrayLike<number>,
  ): number;
  /** The full explanation (as `evaluateRule` gives it) from counts given per slot. */
  explain(slots: readonly WindowCounts[], dailyBudgetMinor: number | null): RuleEvaluation;
}

/** Whether a window includes today's delivery so far. */
export function readsToday(window: RuleWindow): boolean {
  return window.kind === "today" || window.kind === "lifetime";
}

/** Resolves a rule's tree into closures over window slots (same results as `evaluateRule`). */
export function compileConditions(
  rule: Pick<RuleDefinition, "conditions" | "gate">,
): CompiledConditions {
  const windows = windowsOf(rule.conditions);
  const slotOf = new Map(windows.map((window, index) => [windowKey(window), index]));
  const slot = (window: RuleWindow) => slotOf.get(windowKey(window)) as number;
  type Test = (slots: readonly WindowCounts[], budget: number | null) => boolean;
  const compile = (item: RuleCondition | RuleGroup): Test => {
    if (isGroup(item)) {
      const children = item.conditions.map(compile);
      const count = children.length;
      return item.match === "all"
        ? (slots, budget) => {
          for (let index = 0; index < count; index++) {
            if (!children[index](slots, budget)) return false;
          }
          return true;
        }
        : (slots, budget) => {
          for (let index = 0; index < count; index++) {
            if (children[index](slots, budget)) return true;
          }
          return false;
        };
    }
    const left = slot(item.window);
    const { metric, operator } = item;
    if ("value" in item) {
      const value = item.value;
      return (slots, budget) => compare(metricValue(metric, slots[left], budget), operator, value);
    }
    const right = slot(item.compareTo.window);
    const { metric: otherMetric, factor } = item.compareTo;
    return (slots, budget) => {
      const other = metricValue(otherMetric, slots[right], budget);
      return compare(
        metricValue(metric, slots[left], budget),
        operator,
        other === null ? null : factor * other,
      );
    };
  };
  const tree = compile(rule.conditions);
  type Partial = (slots: readonly WindowCounts[], budget: number | null) => 0 | 1 | 2;
  const compilePartial = (item: RuleCondition | RuleGroup): Partial => {
    if (isGroup(item)) {
      const children = item.conditions.map(compilePartial);
      const decisive = item.match === "all" ? 0 : 1;
      return (slots, budget) => {
        let unknown = false;
        for (const child of children) {
          const outcome = child(slots, budget);
          if (outcome === decisive) return decisive;
          if (outcome === 2) unknown = true;
        }
        return unknown ? 2 : decisive === 0 ? 1 : 0;
      };
    }
    if (conditionWindows(item).some(readsToday)) return () => 2;
    const test = compile(item);
    return (slots, budget) => test(slots, budget) ? 1 : 0;
  };
  const partial = compilePartial(rule.conditions);
  const gateSlots = gateWindowsOf(rule.conditions).map(slot);
  const { enabled, minImpressions, minClicks } = rule.gate;
  // Each leaf's fixed description, resolved once; an explanation only adds the values.
  const leaves = flattenConditions(rule.conditions).map(({ path, condition }) => ({
    path,
    condition,
    window: windowKey(condition.window),
    left: slot(condition.window),
    right: "compareTo" in condition ? slot(condition.compareTo.window) : -1,
  }));
  const gateKeys = gateSlots.map((index) => windowKey(windows[index]));
  const todayLeaves = leaves.filter(({ condition }) =>
    conditionWindows(condition).some(readsToday)
  );
  const nextChangeShare: CompiledConditions["nextChangeShare"] = (
    slots,
    budget,
    share,
    growth,
  ) => {
    let next = Infinity;
    for (const { condition, left } of todayLeaves) {
      if (!("value" in condition)) return share;
      const actual = metricValue(condition.metric, slots[left], budget);
      if (actual === null) return share;
      const rate = growthOf(condition.metric, condition.window, slots[left], budget, growth);
      if (rate === null) return share;
      if (rate <= 0) continue;
      // Rising: a `>`/`>=` condition turns true once, a `<`/`<=` one turns false once.
      const rising = condition.operator === ">" || condition.operator === ">=";
      const holds = compare(actual, condition.operator, condition.value);
      if (rising === holds) continue;
      next = Math.min(next, share + (condition.value - actual) / rate);
    }
    return next;
  };
  const explain = (slots: readonly WindowCounts[], budget: number | null): RuleEvaluation => {
    const conditions = leaves.map(({ path, condition, window, left, right }) => {
      const actual = metricValue(condition.metric, slots[left], budget);
      let threshold: number | null;
      if ("value" in condition) threshold = condition.value;
      else {
        const other = metricValue(condition.compareTo.metric, slots[right], budget);
        threshold = other === null ? null : condition.compareTo.factor * other;
      }
      return {
        path,
        metric: condition.metric,
        window,
        operator: condition.operator,
        actual,
        threshold,
        passed: compare(actual, condition.operator, threshold),
      };
    });
    const gateWindows = gateSlots.map((index, position) => ({
      window: gateKeys[position],
      impressions: slots[index].impressions,
      clicks: slots[index].clicks,
      passed: slots[index].impressions >= minImpressions || slots[index].clicks >= minClicks,
    }));
    const conditionsMet = tree(slots, budget);
    const gatePassed = !enabled || gateWindows.every((window) => window.passed);
    return {
      fires: gatePassed && conditionsMet,
      conditionsMet,
      gate: { enabled, passed: gatePassed, windows: gateWindows },
      conditions,
    };
  };
  return {
    windows,
    gateSlots,
    conditionsMet: tree,
    outcomeWithoutToday: partial,
    nextChangeShare,
    explain,
    gatePasses: (slots) => {
      if (!enabled) return true;
      for (const index of gateSlots) {
        if (slots[index].impressions < minImpressions && slots[index].clicks < minClicks) {
          return false;
        }
      }
      return true;
    },
  };
}
