/**
 * The autopilot limits policy (`reviewLimits`, pure) against an oracle written from its module
 * doc: random limits, budget histories by software and people, and a proposed change. The oracle
 * counts in BigInt, walks the history in time order itself, and says which limits a change
 * exceeds; the properties then pin the promises people rely on (a person is never held, the
 * freeze refuses everyone, caps refuse only more spending, software may lower budgets by default).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AUTOMATED_OPERATIONS,
  type AutomatedOperation,
  type AutopilotLimits,
  type BudgetHistoryEntry,
  type BudgetState,
  defaultLimits,
  type LimitsReviewInput,
  reviewLimits,
} from "../../domain/autopilot_limits.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const NOW = Date.parse("2026-11-26T12:00:00.000Z");
const RUNS = 400;

const limitsArb: fc.Arbitrary<AutopilotLimits> = fc.record({
  maxCampaignDailyBudgetMinor: fc.integer({ min: 0, max: 200_000 }),
  maxAccountDailyBudgetMinor: fc.integer({ min: 0, max: 500_000 }),
  maxIncreasePerChangePercent: fc.integer({ min: 0, max: 120 }),
  maxDailyIncreasePercent: fc.integer({ min: 0, max: 120 }),
  maxWeeklyIncreasePercent: fc.integer({ min: 0, max: 250 }),
  automatedOperations: fc.subarray([...AUTOMATED_OPERATIONS]),
  frozen: fc.boolean(),
});

const stateArb: fc.Arbitrary<BudgetState> = fc.record({
  status: fc.constantFrom("draft", "active", "paused", "archived"),
  dailyBudgetMinor: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 150_000 }) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
});

/**
 * A campaign's budget history of the last 8 days (some entries fall outside the 7-day window on
 * purpose), as a chain: each change starts from the amount the previous one left, ending at the
 * budget the campaign has now. Several changes may share one millisecond.
 */
const historyArb = (current: number) =>
  fc.array(
    fc.record({
      agoMs: fc.oneof(
        fc.integer({ min: 0, max: 8 * DAY_MS }),
        // Right at the window edges, where `>` and `>=` differ.
        fc.constantFrom(0, DAY_MS, DAY_MS - 1, DAY_MS + 1, 7 * DAY_MS, 7 * DAY_MS - 1),
      ),
      automated: fc.boolean(),
      amount: fc.integer({ min: 0, max: 150_000 }),
    }),
    { maxLength: 8 },
  ).map((steps) => {
    const ordered = [...steps].sort((left, right) => right.agoMs - left.agoMs);
    const entries: BudgetHistoryEntry[] = [];
    for (const [index, step] of ordered.entries()) {
      const beforeMinor = index === 0 ? step.amount : entries[index - 1].afterMinor;
      const afterMinor = index === ordered.length - 1 ? current : ordered[index + 1].amount;
      entries.push({
        at: new Date(NOW - step.agoMs),
        automated: step.automated,
        beforeMinor,
        afterMinor,
      });
    }
    return entries;
  });

const inputArb: fc.Arbitrary<LimitsReviewInput> = fc.record({
  limits: limitsArb,
  automated: fc.boolean(),
  before: fc.option(stateArb, { freq: 8 }),
  after: fc.option(stateArb, { freq: 8 }),
  otherActiveDailyMinor: fc.integer({ min: 0, max: 400_000 }),
}).chain((base) =>
  historyArb(base.before?.dailyBudgetMinor ?? 0).map((history) => ({
    ...base,
    currency: "USD",
    history,
    now: new Date(NOW),
  }))
);

/** What the oracle expects: a hard refusal, or the soft limits exceeded. */
interface Expected {
  refusal: string | null;
  exceeded: string[];
}

/** The rules of `autopilot_limits.ts`' module doc, written again from the doc. */
function oracle(input: LimitsReviewInput): Expected {
  const { limits } = input;
  if (limits.frozen) return { refusal: "frozen", exceeded: [] };
  const budget = (state: BudgetState | null) => BigInt(state?.dailyBudgetMinor ?? 0);
  const activeBudget = (state: BudgetState | null) =>
    state !== null && state.status === "active" ? budget(state) : 0n;
  const [before, after] = [budget(input.before), budget(input.after)];
  if (after > before && after > BigInt(limits.maxCampaignDailyBudgetMinor)) {
    return { refusal: "max_campaign_daily_budget", exceeded: [] };
  }
  const [activeBefore, activeAfter] = [activeBudget(input.before), activeBudget(input.after)];
  const accountAfter = BigInt(input.otherActiveDailyMinor) + activeAfter;
  if (activeAfter > activeBefore && accountAfter > BigInt(limits.maxAccountDailyBudgetMinor)) {
    return { refusal: "max_account_daily_budget", exceeded: [] };
  }
  if (!input.automated) return { refusal: null, exceeded: [] };

  const exceeded: string[] = [];
  let operation: AutomatedOperation | null = null;
  if (input.before !== null && input.after !== null) {
    const [b, a] = [input.before, input.after];
    if (b.status === "active" && a.status === "paused") operation = "pause";
    else if (b.dailyBudgetMinor !== null && a.dailyBudgetMinor !== null) {
      if (a.dailyBudgetMinor < b.dailyBudgetMinor) operation = "budget_decrease";
      if (a.dailyBudgetMinor > b.dailyBudgetMinor) operation = "budget_increase";
    }
  }
  if (operation !== null && !limits.automatedOperations.includes(operation)) {
    exceeded.push("automated_operation");
  }
  if (operation === "budget_increase") {
    const increase = after - before;
    if (increase * 100n > BigInt(limits.maxIncreasePerChangePercent) * before) {
      exceeded.push("increase_per_change");
    }
    for (
      const [limit, windowMs, percent] of [
        ["increase_24h", DAY_MS, limits.maxDailyIncreasePercent],
        ["increase_7d", 7 * DAY_MS, limits.maxWeeklyIncreasePercent],
      ] as const
    ) {
      // The window is (now - length, now]: a change exactly one window ago has left it.
      let windowStartBudget: bigint | null = null;
      let used = increase;
      const chronological = [...input.history].sort((l, r) => l.at.getTime() - r.at.getTime());
      for (const entry of chronological) {
        if (entry.at.getTime() <= NOW - windowMs) continue;
        windowStartBudget ??= BigInt(entry.beforeMinor);
        const delta = BigInt(entry.afterMinor) - BigInt(entry.beforeMinor);
        if (entry.automated && delta > 0n) used += delta;
      }
      windowStartBudget ??= before;
      if (used * 100n > BigInt(percent) * windowStartBudget) exceeded.push(limit);
    }
  }
  return { refusal: null, exceeded };
}

function actual(input: LimitsReviewInput): Expected {
  const review = reviewLimits(input);
  return {
    refusal: review.refusal?.limit ?? null,
    exceeded: review.exceeded.map((entry) => entry.limit),
  };
}

Deno.test("autopilot limits policy", async (t) => {
  await t.step("every decision matches the oracle written from the rules", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        assert.deepEqual(actual(input), oracle(input));
      }),
      { numRuns: 3_000 },
    );
  });

  await t.step("history given in any order decides the same", () => {
    fc.assert(
      fc.property(inputArb, fc.infiniteStream(fc.double()), (input, keys) => {
        // Distinct instants only: changes within one millisecond are given oldest first.
        fc.pre(new Set(input.history.map((e) => e.at.getTime())).size === input.history.length);
        const shuffled = input.history.map((entry) => ({ entry, key: keys.next().value }))
          .sort((l, r) => l.key - r.key).map(({ entry }) => entry);
        assert.deepEqual(actual({ ...input, history: shuffled }), actual(input));
      }),
      { numRuns: RUNS },
    );
  });

  await t.step("a person is never held, whatever the history", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const review = reviewLimits({ ...input, automated: false });
        assert.deepEqual(review.exceeded, []);
        assert.equal(review.allowance, null);
      }),
      { numRuns: RUNS },
    );
  });

  await t.step("the freeze refuses everyone and names itself", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const review = reviewLimits({ ...input, limits: { ...input.limits, frozen: true } });
        assert.equal(review.refusal?.limit, "frozen");
        assert.match(review.refusal.message, /frozen/);
        assert.deepEqual(review.exceeded, []);
      }),
      { numRuns: RUNS },
    );
  });

  await t.step("caps refuse only changes that raise spending", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const limits = { ...input.limits, frozen: false };
        const review = reviewLimits({ ...input, limits });
        const budget = (state: BudgetState | null) => state?.dailyBudgetMinor ?? 0;
        const active = (state: BudgetState | null) =>
          state?.status === "active" ? budget(state) : 0;
        const raisesBudget = budget(input.after) > budget(input.before);
        const raisesActive = active(input.after) > active(input.before);
        if (!raisesBudget && !raisesActive) assert.equal(review.refusal, null);
        if (review.refusal?.limit === "max_campaign_daily_budget") {
          assert.ok(raisesBudget && budget(input.after) > limits.maxCampaignDailyBudgetMinor);
        }
        if (review.refusal?.limit === "max_account_daily_budget") {
          assert.ok(raisesActive);
          assert.ok(
            input.otherActiveDailyMinor + active(input.after) > limits.maxAccountDailyBudgetMinor,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  await t.step("by default software may lower a budget and pause, not raise", () => {
    const change = fc.record({
      status: fc.constantFrom("active", "paused"),
      from: fc.integer({ min: 1, max: 900_000 }),
      other: fc.integer({ min: 0, max: 4_000_000 }),
    });
    fc.assert(
      fc.property(change, fc.integer({ min: 0, max: 999_999 }), (c, lower) => {
        const to = lower % c.from;
        const review = reviewLimits({
          limits: defaultLimits("USD"),
          currency: "USD",
          automated: true,
          before: { status: c.status, dailyBudgetMinor: c.from },
          after: { status: c.status, dailyBudgetMinor: to },
          otherActiveDailyMinor: c.other,
          history: [],
          now: new Date(NOW),
        });
        assert.deepEqual(review, { refusal: null, exceeded: [], allowance: null });
        const paused = reviewLimits({
          limits: defaultLimits("USD"),
          currency: "USD",
          automated: true,
          before: { status: "active", dailyBudgetMinor: c.from },
          after: { status: "paused", dailyBudgetMinor: c.from },
          otherActiveDailyMinor: c.other,
          history: [],
          now: new Date(NOW),
        });
        assert.deepEqual(paused.exceeded, []);
        assert.equal(paused.refusal, null);
        const raised = reviewLimits({
          limits: defaultLimits("USD"),
          currency: "USD",
          automated: true,
          before: { status: c.status, dailyBudgetMinor: c.from },
          after: { status: c.status, dailyBudgetMinor: c.from + 1 },
          otherActiveDailyMinor: 0,
          history: [],
          now: new Date(NOW),
        });
        assert.ok(raised.exceeded.some((entry) => entry.limit === "automated_operation"));
      }),
      { numRuns: RUNS },
    );
  });

  await t.step("software walking a budget up in allowed steps stays within every window", () => {
    // A greedy automated actor proposes random increases at random times and keeps only what the
    // policy lets through; at every applied step the windows ending then stay within the limits.
    const step = fc.record({
      afterMs: fc.integer({ min: 0, max: 30 * HOUR_MS }),
      percent: fc.integer({ min: 1, max: 30 }),
      automated: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const limits: AutopilotLimits = {
          ...defaultLimits("USD"),
          automatedOperations: ["pause", "budget_decrease", "budget_increase"],
        };
        let now = NOW;
        let budget = 10_000;
        const history: BudgetHistoryEntry[] = [];
        for (const proposal of steps) {
          now += proposal.afterMs;
          const next = budget + Math.ceil(budget * proposal.percent / 100);
          const review = reviewLimits({
            limits,
            currency: "USD",
            automated: proposal.automated,
            before: { status: "active", dailyBudgetMinor: budget },
            after: { status: "active", dailyBudgetMinor: next },
            otherActiveDailyMinor: 0,
            history: history.filter((entry) => entry.at.getTime() > now - 7 * DAY_MS),
            now: new Date(now),
          });
          if (review.refusal || review.exceeded.length > 0) continue;
          history.push({
            at: new Date(now),
            automated: proposal.automated,
            beforeMinor: budget,
            afterMinor: next,
          });
          budget = next;
          if (!proposal.automated) continue;
          for (const [windowMs, percent] of [[DAY_MS, 20], [7 * DAY_MS, 50]] as const) {
            const inWindow = history.filter((entry) => entry.at.getTime() > now - windowMs);
            const used = inWindow.filter((entry) => entry.automated)
              .reduce((sum, entry) => sum + entry.afterMinor - entry.beforeMinor, 0);
            assert.ok(
              used * 100 <= percent * inWindow[0].beforeMinor,
              `+${used} over ${windowMs / DAY_MS}d from ${inWindow[0].beforeMinor}`,
            );
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  await t.step("the allowance is exact in minor units, not on the rounded percent", () => {
    // 20% of 10,001 is 2,000.2: +2,000 fits, +2,001 does not, though both round to +20.0%.
    const review = (increase: number) =>
      reviewLimits({
        limits: {
          ...defaultLimits("USD"),
          automatedOperations: [...AUTOMATED_OPERATIONS],
          maxIncreasePerChangePercent: 100,
        },
        currency: "USD",
        automated: true,
        before: { status: "active", dailyBudgetMinor: 10_001 },
        after: { status: "active", dailyBudgetMinor: 10_001 + increase },
        otherActiveDailyMinor: 0,
        history: [],
        now: new Date(NOW),
      });
    assert.deepEqual(review(2_000).exceeded, []);
    assert.deepEqual(review(2_001).exceeded.map((e) => e.limit), ["increase_24h"]);
    assert.equal(review(2_000).allowance?.last24h.usedPercent, 20);
    assert.equal(review(2_001).allowance?.last24h.usedPercent, 20.1);
  });
});
