/** The sandbox delivery model: deterministic, budget-bound, realistic, with anomalies. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { addDays, eachDate, weekdayOf } from "../../../domain/dates.ts";
import type { PlatformAccount, PlatformCampaign } from "../../../domain/platforms/adapter.ts";
import { createSandboxPlatform } from "../../../domain/platforms/sandbox.ts";
import { simulateDay } from "../../../domain/platforms/sandbox_delivery.ts";

const ACCOUNT: PlatformAccount = {
  id: "account",
  externalAccountId: "sandbox-1",
  currency: "USD",
  timezone: "UTC",
  credentials: null,
};

function campaign(overrides: Partial<PlatformCampaign> = {}): PlatformCampaign {
  return {
    id: "8d4f7c52-3f0e-4a53-9d36-2f1e6a1b9c01",
    externalId: "sandbox-campaign-1",
    name: "c",
    objective: "sales",
    status: "active",
    budgetType: "daily",
    budgetAmountMinor: 10_000,
    startDate: null,
    endDate: null,
    targeting: {},
    landingUrl: null,
    createdAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

const sandbox = createSandboxPlatform();
const YEAR = { from: "2025-01-01", to: "2025-12-31", spentBeforeMinor: 0 };
const END_OF_YEAR = new Date("2026-01-01T00:00:00.000Z");

Deno.test("sandbox delivery", async (t) => {
  await t.step("the same campaign and day always give the same numbers", async () => {
    const first = await sandbox.fetchDailyMetrics(ACCOUNT, campaign(), YEAR, END_OF_YEAR);
    const second = await sandbox.fetchDailyMetrics(ACCOUNT, campaign(), YEAR, END_OF_YEAR);
    assert.deepEqual(first, second);
    assert.equal(first.length, 365);
    const other = await sandbox.fetchDailyMetrics(
      ACCOUNT,
      campaign({ id: "another-campaign" }),
      YEAR,
      END_OF_YEAR,
    );
    assert.notDeepEqual(first, other);
  });

  await t.step("only active days within the schedule deliver", async () => {
    for (const status of ["draft", "paused", "archived"] as const) {
      assert.deepEqual(
        await sandbox.fetchDailyMetrics(ACCOUNT, campaign({ status }), YEAR, END_OF_YEAR),
        [],
      );
    }
    const scheduled = await sandbox.fetchDailyMetrics(
      ACCOUNT,
      campaign({
        startDate: "2025-03-01",
        endDate: "2025-03-10",
        createdAt: "2025-02-01T10:00:00.000Z",
      }),
      YEAR,
      END_OF_YEAR,
    );
    assert.deepEqual(scheduled.map((day) => day.date), eachDate("2025-03-01", "2025-03-10"));
    const created = await sandbox.fetchDailyMetrics(
      ACCOUNT,
      campaign({ createdAt: "2025-12-30T23:00:00.000Z" }),
      YEAR,
      END_OF_YEAR,
    );
    assert.deepEqual(created.map((day) => day.date), ["2025-12-30", "2025-12-31"]);
  });

  await t.step("property: spend never exceeds the daily or lifetime budget", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uuid(),
        fc.constantFrom(
          "awareness",
          "traffic",
          "engagement",
          "leads",
          "conversions",
          "sales" as const,
        ),
        fc.constantFrom("daily", "lifetime" as const),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 120 }),
        async (id, objective, budgetType, budgetAmountMinor, days) => {
          const spec = campaign({
            id,
            objective,
            budgetType,
            budgetAmountMinor,
            startDate: "2025-01-01",
            endDate: budgetType === "lifetime" ? addDays("2025-01-01", days - 1) : null,
          });
          const rows = await sandbox.fetchDailyMetrics(ACCOUNT, spec, YEAR, END_OF_YEAR);
          const total = rows.reduce((sum, row) => sum + row.spendMinor, 0);
          for (const row of rows) {
            assert.ok(Number.isSafeInteger(row.spendMinor) && row.spendMinor >= 0);
            assert.ok(row.clicks <= row.impressions);
            assert.ok(row.conversions <= row.clicks + 1);
            if (budgetType === "daily") assert.ok(row.spendMinor <= budgetAmountMinor);
          }
          if (budgetType === "lifetime") assert.ok(total <= budgetAmountMinor, `${total}`);
        },
      ),
      { numRuns: 60 },
    );
  });

  await t.step(
    "rates fall in realistic ranges; weekends are quieter; anomalies exist",
    async () => {
      const rows = await sandbox.fetchDailyMetrics(
        ACCOUNT,
        campaign({ objective: "conversions", budgetAmountMinor: 50_000 }),
        YEAR,
        END_OF_YEAR,
      );
      for (const row of rows.filter((day) => day.clicks >= 200)) {
        const ctr = row.clicks / row.impressions;
        const cpc = row.spendMinor / row.clicks / 100;
        assert.ok(ctr >= 0.005 && ctr <= 0.03, `ctr ${ctr}`);
        assert.ok(cpc >= 0.2 * 0.4 && cpc <= 3, `cpc ${cpc}`);
      }
      const rates = rows.filter((day) => day.clicks >= 200).map((day) =>
        day.conversions / day.clicks
      )
        .sort((a, b) => a - b);
      const median = rates[Math.floor(rates.length / 2)];
      assert.ok(median >= 0.01 && median <= 0.05, `median conversion rate ${median}`);
      const average = (weekend: boolean) => {
        const days = rows.filter((day) => [0, 6].includes(weekdayOf(day.date)) === weekend);
        return days.reduce((sum, day) => sum + day.spendMinor, 0) / days.length;
      };
      assert.ok(average(true) < average(false) * 0.95, "weekend spend is lower");
      const collapses = rows.filter((day) => day.spendMinor < 50_000 * 0.3);
      assert.ok(collapses.length >= 3 && collapses.length <= 30, `${collapses.length} collapses`);
    },
  );

  await t.step("today is partial and grows through the day, never past the budget", async () => {
    const spec = campaign();
    const morning = await sandbox.fetchDailyMetrics(
      ACCOUNT,
      spec,
      { from: "2025-06-01", to: "2025-06-01", spentBeforeMinor: 0 },
      new Date("2025-06-01T06:00:00.000Z"),
    );
    const evening = await sandbox.fetchDailyMetrics(
      ACCOUNT,
      spec,
      { from: "2025-06-01", to: "2025-06-01", spentBeforeMinor: 0 },
      new Date("2025-06-01T18:00:00.000Z"),
    );
    const full = simulateDay(spec, "2025-06-01", 0, 100);
    assert.ok(full);
    assert.ok(morning[0].spendMinor < evening[0].spendMinor);
    assert.ok(evening[0].spendMinor <= full.spendMinor);
    assert.equal(morning[0].spendMinor, Math.floor(full.spendMinor * 0.25));
  });
});

Deno.test("sandbox request keys: a repeated create answers the same campaign", async () => {
  const spec = campaign();
  const create = (account: PlatformAccount, key?: string) =>
    sandbox.createCampaign(account, spec, key).then((created) => created.externalId);
  const first = await create(ACCOUNT, "a".repeat(64));
  assert.match(
    first,
    /^sandbox-campaign-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
  assert.equal(await create(ACCOUNT, "a".repeat(64)), first);
  assert.notEqual(await create(ACCOUNT, "b".repeat(64)), first);
  assert.notEqual(
    await create({ ...ACCOUNT, externalAccountId: "sandbox-2" }, "a".repeat(64)),
    first,
  );
  assert.notEqual(await create(ACCOUNT), await create(ACCOUNT), "without a key, a new campaign");
});
