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
