import assert from "node:assert/strict";
import { campaignRisks, risksFingerprint, usualDailyBudget } from "../../domain/campaign_risks.ts";

const today = "2026-12-07";

Deno.test("the usual daily budget is the median of the account's others", () => {
  assert.equal(usualDailyBudget([]), null);
  assert.equal(usualDailyBudget([5000]), 5000);
  assert.equal(usualDailyBudget([9000, 1000, 5000]), 5000);
  assert.equal(usualDailyBudget([1000, 3000, 5000, 100_000]), 4000);
});

Deno.test("a daily budget at 3× the usual or more is far above it", () => {
  const context = { today, otherDailyBudgetsMinor: [5000, 6000, 4000] };
  const risks = (budgetAmountMinor: number, budgetType: "daily" | "lifetime" = "daily") =>
    campaignRisks({ budgetType, budgetAmountMinor, startDate: null }, context);
  assert.deepEqual(risks(14_999), []);
  assert.deepEqual(risks(15_000), [{
    kind: "budget_far_above_usual",
    field: "budgetAmount",
    budgetAmountMinor: 15_000,
    usualDailyBudgetMinor: 5000,
  }]);
  assert.deepEqual(risks(500_000, "lifetime"), [], "a lifetime total is not a daily amount");
  assert.deepEqual(
    campaignRisks({ budgetType: "daily", budgetAmountMinor: 1e9, startDate: null }, {
      today,
      otherDailyBudgetsMinor: [],
    }),
    [],
    "no usual yet: nothing to compare with",
  );
});

Deno.test("a start date before today (in the account's zone) is in the past", () => {
  const context = { today, otherDailyBudgetsMinor: [] };
  const at = (startDate: string | null) =>
    campaignRisks({ budgetType: "daily", budgetAmountMinor: 100, startDate }, context);
  assert.deepEqual(at("2026-12-07"), []);
  assert.deepEqual(at("2026-12-08"), []);
  assert.deepEqual(at(null), []);
  assert.deepEqual(at("2026-12-06"), [{
    kind: "start_date_in_past",
    field: "startDate",
    startDate: "2026-12-06",
    today,
  }]);
});

Deno.test("editing warns only about values that changed", () => {
  const saved = {
    budgetType: "daily" as const,
    budgetAmountMinor: 50_000,
    startDate: "2026-01-01",
  };
  const context = { today, otherDailyBudgetsMinor: [1000], saved };
  assert.deepEqual(campaignRisks(saved, context), []);
  const raised = campaignRisks({ ...saved, budgetAmountMinor: 60_000 }, context);
  assert.deepEqual(raised.map((risk) => risk.kind), ["budget_far_above_usual"]);
  const moved = campaignRisks({ ...saved, startDate: "2026-02-01" }, context);
  assert.deepEqual(moved.map((risk) => risk.kind), ["start_date_in_past"]);
  assert.equal(risksFingerprint([...raised, ...moved]), "budget:60000;start:2026-02-01");
});
