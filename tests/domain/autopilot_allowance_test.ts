import assert from "node:assert/strict";
import fc from "fast-check";
import {
  allowanceNow,
  type BudgetHistoryEntry,
  defaultLimits,
  describeAllowance,
  reviewLimits,
} from "../../domain/autopilot_limits.ts";

const NOW = new Date("2026-12-06T12:00:00.000Z");
const HOUR = 3_600_000;
const limits = defaultLimits("USD");

function entry(hoursAgo: number, beforeMinor: number, afterMinor: number, automated = true) {
  return { at: new Date(NOW.getTime() - hoursAgo * HOUR), automated, beforeMinor, afterMinor };
}

Deno.test("allowanceNow: the cumulative increase allowances used so far", async (t) => {
  await t.step("nothing changed: nothing used", () => {
    const use = allowanceNow({ limits, history: [], dailyBudgetMinor: 1_000, now: NOW });
    assert.deepEqual(use.last24h, { usedPercent: 0, limitPercent: 20, exceeded: false });
    assert.deepEqual(use.last7d, { usedPercent: 0, limitPercent: 50, exceeded: false });
    assert.equal(
      describeAllowance(use.last24h, "daily"),
      "+0% of its +20% daily increase allowance",
    );
  });

  await t.step("software's increases count over the budget at the window's start", () => {
    const history = [entry(30, 1_000, 1_100), entry(2, 1_100, 1_180)];
    const use = allowanceNow({ limits, history, dailyBudgetMinor: 1_180, now: NOW });
    // 24 h: only the second change, over its before (1,100): 80 / 1,100 = 7.27… → 7.3.
    assert.equal(use.last24h.usedPercent, 7.3);
    // 7 days: both, over 1,000: 180 / 1,000 = 18%.
    assert.equal(use.last7d.usedPercent, 18);
    assert.equal(
      describeAllowance(use.last7d, "weekly"),
      "+18% of its +50% weekly increase allowance",
    );
  });

  await t.step("a person's changes and decreases use nothing", () => {
    const history = [entry(3, 1_000, 2_000, false), entry(2, 2_000, 1_500), entry(1, 1_500, 1_600)];
    const use = allowanceNow({ limits, history, dailyBudgetMinor: 1_600, now: NOW });
    assert.equal(use.last24h.usedPercent, 10); // 100 over the 1,000 the window started at
    assert.equal(use.last24h.exceeded, false);
  });

  await t.step("an approved increase beyond the limit shows as exceeded", () => {
    const history = [entry(1, 1_000, 2_000)];
    const use = allowanceNow({ limits, history, dailyBudgetMinor: 2_000, now: NOW });
    assert.equal(use.last24h.usedPercent, 100);
    assert.equal(use.last24h.exceeded, true);
  });

  await t.step("it is exactly what reviewLimits counts before one more increase", () => {
    const step = fc.record({
      hoursAgo: fc.integer({ min: 0, max: 200 }),
      delta: fc.integer({ min: -500, max: 500 }),
      automated: fc.boolean(),
    });
    fc.assert(fc.property(
      fc.array(step, { maxLength: 8 }),
      fc.integer({ min: 1, max: 300 }),
      (steps, increase) => {
        let budget = 1_000;
        const history: BudgetHistoryEntry[] = [...steps].sort((a, b) => b.hoursAgo - a.hoursAgo)
          .map((s) => {
            const before = budget;
            budget = Math.max(1, budget + s.delta);
            return entry(s.hoursAgo, before, budget, s.automated);
          });
        const now = allowanceNow({ limits, history, dailyBudgetMinor: budget, now: NOW });
        const review = reviewLimits({
          limits: { ...limits, automatedOperations: ["budget_increase"] },
          currency: "USD",
          automated: true,
          before: { status: "paused", dailyBudgetMinor: budget },
          after: { status: "paused", dailyBudgetMinor: budget + increase },
          otherActiveDailyMinor: 0,
          history,
          now: NOW,
        });
        const withIncrease = allowanceNow({
          limits,
          history: [...history, entry(0, budget, budget + increase)],
          dailyBudgetMinor: budget + increase,
          now: new Date(NOW.getTime() + 1),
        });
        assert.ok(review.allowance);
        assert.deepEqual(review.allowance.last24h, withIncrease.last24h);
        assert.deepEqual(review.allowance.last7d, withIncrease.last7d);
        assert.ok(now.last24h.usedPercent <= review.allowance.last24h.usedPercent);
      },
    ));
  });
});
