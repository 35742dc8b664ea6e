/**
 * The backtest engine on a small history built by hand, where every firing, cooldown and gate
 * decision is known in advance; then a fast-check property over random histories: the replay
 * never fires where the minimum-data gate blocks, and never takes a budget past the limits.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type AutopilotLimits, defaultLimits } from "../../../domain/autopilot_limits.ts";
import { addDays } from "../../../domain/dates.ts";
import { type BacktestCampaign, runBacktest } from "../../../domain/rules/backtest.ts";
import { type DailyMetricRow, historyFromRows } from "../../../domain/rules/history.ts";
import type { RuleDefinition } from "../../../domain/rules/model.ts";

const DAY0 = "2026-11-01";

interface Day {
  impressions: number;
  clicks: number;
  spend: number;
  conversions: number;
}

function rows(id: string, days: Day[]): DailyMetricRow[] {
  return days.map((day, index) => ({
    campaign_id: id,
    metric_date: addDays(DAY0, index),
    impressions: day.impressions,
    clicks: day.clicks,
    spend_minor: day.spend,
    conversions: day.conversions,
    revenue_minor: day.conversions * 6_000,
  }));
}

type Rule = Pick<RuleDefinition, "conditions" | "gate" | "action" | "schedule" | "cooldownHours">;

function backtest(
  rule: Rule,
  campaigns: (BacktestCampaign & { days: Day[] })[],
  limits: AutopilotLimits = defaultLimits("USD"),
) {
  const length = Math.max(...campaigns.map((campaign) => campaign.days.length));
  const history = historyFromRows(
    campaigns.map((campaign) => campaign.id),
    campaigns.flatMap((campaign) => rows(campaign.id, campaign.days)),
    DAY0,
    addDays(DAY0, length - 1),
  );
  return runBacktest({
    rule,
    campaigns,
    history,
    from: addDays(DAY0, 1),
    to: addDays(DAY0, length - 1),
    limits,
    currency: "USD",
    otherActiveDailyMinor: 0,
  });
}

const GATE = { enabled: true, minImpressions: 1_000, minClicks: 10 };
const d = (impressions: number, clicks: number, spend: number, conversions: number): Day => ({
  impressions,
  clicks,
  spend,
  conversions,
});

Deno.test("a daily CPA rule fires where it should, and the gate and cooldown hold it where they should", () => {
  const rule: Rule = {
    conditions: {
      match: "all",
      conditions: [{ metric: "cpa", window: { kind: "yesterday" }, operator: ">", value: 4_000 }],
    },
    gate: GATE,
    action: { type: "notify_only" },
    schedule: { frequency: "daily", at: "09:00" },
    cooldownHours: 48,
  };
  const result = backtest(rule, [
    {
      id: "a",
      name: "A",
      dailyBudgetMinor: 5_000,
      days: [
        d(2_000, 20, 5_000, 1), // CPA 50 → fires on day 1
        d(500, 5, 3_000, 0), // no conversions: no CPA → day 2 quiet
        d(3_000, 30, 5_000, 2), // CPA 25 → day 3 quiet
        d(800, 4, 4_500, 1), // CPA 45 on thin data → the gate stops day 4
        d(1_500, 15, 5_000, 1), // CPA 50 → fires on day 5
        d(1_500, 15, 1_000, 1),
      ],
    },
    {
      id: "b",
      name: "B",
      dailyBudgetMinor: 5_000,
      // CPA 50 every day: fires on day 1, the 48-hour cooldown skips day 2, fires on day 3, 5.
      days: Array.from({ length: 6 }, () => d(2_000, 20, 5_000, 1)),
    },
  ]);
  assert.deepEqual(
    result.firings.map((firing) => `${firing.campaignId}@${firing.at}`),
    [
      "a@2026-11-02T09:00",
      "b@2026-11-02T09:00",
      "b@2026-11-04T09:00",
      "a@2026-11-06T09:00",
      "b@2026-11-06T09:00",
    ],
  );
  assert.equal(result.firingCount, 5);
  assert.equal(result.blockedCount, 0);
  const first = result.firings[0].evaluation;
  assert.equal(first.fires, true);
  assert.deepEqual(first.conditions.map((c) => [c.metric, c.window, c.actual, c.threshold]), [[
    "cpa",
    "yesterday",
    5_000,
    4_000,
  ]]);
  assert.deepEqual(
    result.gateBlocked.map((entry) => `${entry.campaignId}@${entry.at}`),
    ["a@2026-11-05T09:00"],
  );
  assert.deepEqual(result.gateBlocked[0].windows, [{
    window: "yesterday",
    impressions: 800,
    clicks: 4,
    passed: false,
  }]);
  assert.equal(result.days, 5);
  // Notifying changes nothing.
  assert.deepEqual(result.outcome.withRule, result.outcome.withoutRule);
  assert.deepEqual(result.paths, []);
});

Deno.test("an hourly pause-until-tomorrow rule stops the day's spend and resumes at midnight", () => {
  const rule: Rule = {
    conditions: {
      match: "all",
      conditions: [{ metric: "spend", window: { kind: "today" }, operator: ">", value: 3_000 }],
    },
    gate: { ...GATE, enabled: false },
    action: { type: "pause_until_tomorrow" },
    schedule: { frequency: "hourly" },
    cooldownHours: 24,
  };
  // 4,800 a day, spread evenly: today's spend passes 3,000 at 16:00 (3,200).
  const result = backtest(rule, [{
    id: "c",
    name: "C",
    dailyBudgetMinor: 5_000,
    days: Array.from({ length: 4 }, () => d(4_800, 48, 4_800, 2)),
  }]);
  assert.deepEqual(result.firings.map((firing) => firing.at), [
    "2026-11-02T16:00",
    "2026-11-03T16:00",
    "2026-11-04T16:00",
  ]);
  assert.equal(result.firings[0].evaluation.conditions[0].actual, 3_200);
  assert.deepEqual(result.outcome.withoutRule, { spendMinor: 14_400, conversions: 6 });
  assert.deepEqual(result.outcome.withRule, { spendMinor: 9_600, conversions: 4 });
  assert.deepEqual(result.paths[0].points.map((point) => `${point.at} ${point.status}`), [
    "2026-11-02T00:00 active",
    "2026-11-02T16:00 paused",
    "2026-11-03T00:00 active",
    "2026-11-03T16:00 paused",
    "2026-11-04T00:00 active",
    "2026-11-04T16:00 paused",
  ]);
});

Deno.test("budget increases stop at the account's limits, reported as blocked and not applied", () => {
  const rule: Rule = {
    conditions: {
      match: "all",
      conditions: [{ metric: "roas", window: { kind: "yesterday" }, operator: ">", value: 2 }],
    },
    gate: GATE,
    action: { type: "adjust_budget", percent: 10 },
    schedule: { frequency: "hourly" },
    cooldownHours: 0,
  };
  const campaign = {
    id: "e",
    name: "E",
    dailyBudgetMinor: 10_000,
    // Revenue 6,000 per conversion: ROAS 6 every day.
    days: Array.from({ length: 3 }, () => d(5_000, 50, 5_000, 5)),
  };
  // By default software may not raise budgets: each slot is held for approval, nothing applied.
  const held = backtest(rule, [campaign]);
  assert.equal(held.firingCount, 48);
  assert.equal(held.blockedCount, 48);
  assert.equal(held.firings[0].blocked?.limit, "automated_operation");
  assert.equal(held.firings[0].blocked?.needsApproval, true);
  assert.deepEqual(held.paths, []);

  // Allowed, within +20% per change and per 24 hours: a second +10% on the same day would make
  // +21% (10% of 11,000 on top), so one raise a day goes through and the rest are blocked.
  const limits = {
    ...defaultLimits("USD"),
    automatedOperations: ["pause" as const, "budget_decrease" as const, "budget_increase" as const],
  };
  const allowed = backtest(rule, [campaign], limits);
  const applied = allowed.firings.filter((firing) => firing.blocked === null);
  assert.deepEqual(applied.map((firing) => [firing.at, firing.budgetAfterMinor]), [
    ["2026-11-02T00:00", 11_000],
    ["2026-11-03T00:00", 12_100],
  ]);
  assert.equal(allowed.firings[1].blocked?.limit, "increase_24h");
  assert.equal(allowed.paths[0].points.at(-1)?.budgetMinor, 12_100);
});

const dayArb = fc.record({
  impressions: fc.oneof(fc.integer({ min: 0, max: 1_200 }), fc.integer({ min: 0, max: 20_000 })),
  clicks: fc.integer({ min: 0, max: 40 }),
  spend: fc.integer({ min: 0, max: 20_000 }),
  conversions: fc.integer({ min: 0, max: 6 }),
});

const ruleArb: fc.Arbitrary<Rule> = fc.record({
  conditions: fc.record({
    match: fc.constantFrom("all" as const, "any" as const),
    conditions: fc.array(
      fc.record({
        metric: fc.constantFrom(
          "spend" as const,
          "cpa" as const,
          "ctr" as const,
          "roas" as const,
          "clicks" as const,
        ),
        window: fc.constantFrom(
          { kind: "today" as const },
          { kind: "yesterday" as const },
          { kind: "last_n_days" as const, n: 3 },
          { kind: "lifetime" as const },
        ),
        operator: fc.constantFrom(">" as const, "<" as const),
        value: fc.integer({ min: 0, max: 6_000 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  gate: fc.record({
    enabled: fc.constant(true),
    minImpressions: fc.integer({ min: 0, max: 3_000 }),
    minClicks: fc.integer({ min: 0, max: 30 }),
  }),
  action: fc.oneof(
    fc.constant({ type: "pause" as const }),
    fc.constant({ type: "pause_until_tomorrow" as const }),
    fc.constant({ type: "resume" as const }),
    fc.constant({ type: "notify_only" as const }),
    fc.record({
      type: fc.constant("adjust_budget" as const),
      percent: fc.constantFrom(-30, -10, 5, 10, 25, 60),
    }),
    fc.record({
      type: fc.constant("set_budget" as const),
      amount: fc.integer({ min: 1_000, max: 30_000 }),
    }),
  ),
  schedule: fc.constantFrom(
    { frequency: "daily" as const, at: "07:30" },
    { frequency: "hourly" as const },
  ),
  cooldownHours: fc.constantFrom(0, 1, 6, 24, 48),
});

const limitsArb: fc.Arbitrary<AutopilotLimits> = fc.record({
  maxCampaignDailyBudgetMinor: fc.integer({ min: 5_000, max: 40_000 }),
  maxAccountDailyBudgetMinor: fc.integer({ min: 5_000, max: 80_000 }),
  maxIncreasePerChangePercent: fc.integer({ min: 0, max: 50 }),
  maxDailyIncreasePercent: fc.integer({ min: 0, max: 40 }),
  maxWeeklyIncreasePercent: fc.integer({ min: 40, max: 120 }),
  automatedOperations: fc.subarray(["pause", "budget_decrease", "budget_increase"] as const),
  frozen: fc.boolean(),
});

Deno.test("property: the replay never fires where the gate blocks, nor goes past the limits", () => {
  fc.assert(
    fc.property(
      ruleArb,
      limitsArb,
      fc.array(
        fc.record({
          budget: fc.integer({ min: 2_000, max: 20_000 }),
          days: fc.array(dayArb, { minLength: 8, maxLength: 8 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      (rule, limits, specs) => {
        const campaigns = specs.map((spec, index) => ({
          id: `c${index}`,
          name: `C${index}`,
          dailyBudgetMinor: spec.budget,
          days: spec.days,
        }));
        const result = backtest(rule, campaigns, limits);
        for (const firing of result.firings) {
          // The gate passed on the values the firing recorded…
          assert.ok(firing.evaluation.fires && firing.evaluation.gate.passed);
          for (const window of firing.evaluation.gate.windows) {
            assert.ok(
              window.impressions >= rule.gate.minImpressions ||
                window.clicks >= rule.gate.minClicks,
            );
          }
          // …and, where the replay changes nothing, on the stored day as well.
          if (rule.action.type === "notify_only") {
            const day = Number(firing.at.slice(8, 10)) - 1;
            const yesterdays = rule.conditions.conditions.filter((c) =>
              "window" in c && c.window.kind === "yesterday"
            );
            const stored = campaigns[Number(firing.campaignId.slice(1))].days[day - 1];
            if (yesterdays.length > 0) {
              assert.ok(
                stored.impressions >= rule.gate.minImpressions ||
                  stored.clicks >= rule.gate.minClicks,
              );
            }
          }
        }
        const applied = result.firings.filter((firing) =>
          firing.blocked === null && firing.action !== "notify_only"
        );
        if (limits.frozen) assert.deepEqual(applied, []);
        for (const campaign of campaigns) {
          const changes = applied.filter((firing) =>
            firing.campaignId === campaign.id && firing.budgetAfterMinor !== null
          ).map((firing) => ({
            at: Date.parse(`${firing.at}:00Z`),
            before: firing.budgetBeforeMinor as number,
            after: firing.budgetAfterMinor as number,
          }));
          for (const [index, change] of changes.entries()) {
            if (change.after <= change.before) {
              assert.ok(limits.automatedOperations.includes("budget_decrease"));
              continue;
            }
            assert.ok(limits.automatedOperations.includes("budget_increase"));
            assert.ok(change.after <= limits.maxCampaignDailyBudgetMinor);
            assert.ok(
              (change.after - change.before) * 100 <=
                limits.maxIncreasePerChangePercent * change.before,
            );
            for (
              const [windowMs, percent] of [
                [86_400_000, limits.maxDailyIncreasePercent],
                [7 * 86_400_000, limits.maxWeeklyIncreasePercent],
              ]
            ) {
              const inWindow = changes.slice(0, index + 1).filter((other) =>
                other.at > change.at - windowMs
              );
              const increases = inWindow.reduce(
                (sum, other) => sum + Math.max(0, other.after - other.before),
                0,
              );
              assert.ok(increases * 100 <= percent * inWindow[0].before);
            }
          }
          if (!limits.automatedOperations.includes("pause")) {
            assert.ok(
              !applied.some((firing) =>
                firing.campaignId === campaign.id && firing.action.startsWith("pause")
              ),
            );
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});
