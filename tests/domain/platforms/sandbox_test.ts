/** The sandbox delivery model: deterministic, budget-bound, realistic, with anomalies. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { CURRENCY_EXPONENTS, type CurrencyCode } from "../../../domain/money.ts";
import { addDays, eachDate, weekdayOf } from "../../../domain/dates.ts";
import type { PlatformAccount, PlatformCampaign } from "../../../domain/platforms/adapter.ts";
import { createSandboxPlatform } from "../../../domain/platforms/sandbox.ts";
import {
  SANDBOX_PRICE_LEVELS,
  sandboxPriceMinor,
  simulateDay,
} from "../../../domain/platforms/sandbox_delivery.ts";

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
    const full = simulateDay(spec, "2025-06-01", 0, ACCOUNT);
    assert.ok(full);
    assert.ok(morning[0].spendMinor < evening[0].spendMinor);
    assert.ok(evening[0].spendMinor <= full.spendMinor);
    assert.equal(morning[0].spendMinor, Math.floor(full.spendMinor * 0.25));
  });
});

const CURRENCIES = Object.keys(CURRENCY_EXPONENTS) as CurrencyCode[];
const OBJECTIVES = [
  "awareness",
  "traffic",
  "engagement",
  "leads",
  "conversions",
  "sales",
] as const;

/** Cost per click (minor units) of the days with enough clicks to measure it. */
function unitPrices(rows: { clicks: number; spendMinor: number }[]) {
  const measured = rows.filter((row) => row.clicks >= 50);
  return {
    cpc: measured.map((row) => row.spendMinor / row.clicks),
    count: measured.length,
  };
}

Deno.test("sandbox prices follow the account's currency", async (t) => {
  await t.step("every supported currency has a price level", () => {
    assert.deepEqual(Object.keys(SANDBOX_PRICE_LEVELS).sort(), [...CURRENCIES].sort());
    assert.equal(SANDBOX_PRICE_LEVELS.USD, 1);
  });

  await t.step("a dollar price becomes whole minor units of the currency", () => {
    assert.equal(sandboxPriceMinor(1.2, "USD"), 120);
    assert.equal(sandboxPriceMinor(1.2, "JPY"), 180);
    assert.equal(sandboxPriceMinor(1.2, "KRW"), 1620);
    assert.equal(sandboxPriceMinor(1.2, "INR"), 9960);
    assert.equal(sandboxPriceMinor(0.0001, "EUR"), 1, "never below one minor unit");
    fc.assert(
      fc.property(
        fc.constantFrom(...CURRENCIES),
        fc.double({ min: 0, max: 1_000, noNaN: true }),
        (code, usd) => assert.ok(Number.isSafeInteger(sandboxPriceMinor(usd, code))),
      ),
    );
  });

  await t.step(
    "a JPY account pays clicks of tens to hundreds of yen, not fractions of one",
    async () => {
      const yen = { ...ACCOUNT, currency: "JPY" };
      const rows = await sandbox.fetchDailyMetrics(
        yen,
        campaign({ objective: "conversions", budgetAmountMinor: 50_000 }),
        YEAR,
        END_OF_YEAR,
      );
      const { cpc, count } = unitPrices(rows);
      assert.ok(count > 300, `${count} measurable days`);
      // The profile's $0.60–2 CPC at ¥150 per dollar; spike days pay 40% of that. Whole clicks
      // leave up to one click's worth of spend over, under 2% at 50 clicks or more.
      for (const price of cpc) {
        assert.ok(price >= 0.6 * 0.4 * 150 && price <= 2 * 150 * 1.02, `¥${price}`);
      }
      const median = [...cpc].sort((a, b) => a - b)[Math.floor(cpc.length / 2)];
      assert.ok(median >= 90 && median <= 300, `median CPC ¥${median}`);
      const revenue = rows.filter((row) => row.conversions > 0).map((row) =>
        row.revenueMinor / row.conversions
      );
      // $40–120 per conversion is ¥6,000–18,000.
      for (const value of revenue) assert.ok(value >= 6_000 && value <= 18_000, `¥${value}`);
    },
  );

  await t.step("other currencies scale by their price level", async () => {
    const spec = campaign({ objective: "traffic", budgetAmountMinor: 5_000_000 });
    const medianCpc = async (currency: string) => {
      const rows = await sandbox.fetchDailyMetrics(
        { ...ACCOUNT, currency },
        spec,
        YEAR,
        END_OF_YEAR,
      );
      const { cpc } = unitPrices(rows);
      return [...cpc].sort((a, b) => a - b)[Math.floor(cpc.length / 2)];
    };
    const usdCents = await medianCpc("USD");
    for (const code of ["KRW", "INR", "BRL", "EUR"] as const) {
      const ratio = await medianCpc(code) /
        (usdCents * SANDBOX_PRICE_LEVELS[code] * 10 ** (CURRENCY_EXPONENTS[code] - 2));
      assert.ok(ratio > 0.97 && ratio < 1.03, `${code}: ${ratio}`);
    }
  });

  await t.step("property: spend stays within the day's cap in every currency", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uuid(),
        fc.constantFrom(...OBJECTIVES),
        fc.constantFrom(...CURRENCIES),
        fc.constantFrom("daily", "lifetime" as const),
        fc.integer({ min: 1, max: 100_000_000 }),
        async (id, objective, currency, budgetType, budgetAmountMinor) => {
          const spec = campaign({
            id,
            objective,
            budgetType,
            budgetAmountMinor,
            startDate: "2025-01-01",
            endDate: budgetType === "lifetime" ? "2025-02-15" : null,
          });
          const account = { ...ACCOUNT, currency, timezone: "Asia/Tokyo" };
          const range = { from: "2025-01-01", to: "2025-02-28", spentBeforeMinor: 0 };
          const now = new Date("2025-02-28T03:00:00.000Z"); // noon in Tokyo: today is partial
          const rows = await sandbox.fetchDailyMetrics(account, spec, range, now);
          let total = 0;
          for (const row of rows) {
            for (const value of [row.spendMinor, row.revenueMinor, row.clicks]) {
              assert.ok(Number.isSafeInteger(value) && value >= 0);
            }
            if (budgetType === "daily") assert.ok(row.spendMinor <= budgetAmountMinor);
            total += row.spendMinor;
          }
          if (budgetType === "lifetime") assert.ok(total <= budgetAmountMinor, `${total}`);
        },
      ),
      { numRuns: 80 },
    );
  });

  await t.step("the same seed gives the same row in any currency", () => {
    const spec = campaign();
    for (const currency of CURRENCIES) {
      const account = { ...ACCOUNT, currency };
      assert.deepEqual(
        simulateDay(spec, "2025-06-01", 0, account),
        simulateDay(spec, "2025-06-01", 0, account),
      );
    }
  });
});

Deno.test("sandbox days are the account's calendar days", async (t) => {
  const losAngeles = { ...ACCOUNT, timezone: "America/Los_Angeles" };
  // 20:00 on 26 November in Los Angeles, already 27 November in UTC.
  const evening = new Date("2026-11-27T04:00:00.000Z");
  const spec = campaign({ createdAt: "2026-11-20T20:00:00.000Z" });
  const range = { from: "2026-11-20", to: "2026-11-30", spentBeforeMinor: 0 };

  await t.step("today is the local date, partial by the local hour", async () => {
    const rows = await sandbox.fetchDailyMetrics(losAngeles, spec, range, evening);
    assert.deepEqual(rows.map((row) => row.date), eachDate("2026-11-20", "2026-11-26"));
    const full = simulateDay(spec, "2026-11-26", 0, losAngeles);
    assert.ok(full);
    assert.equal(rows.at(-1)!.spendMinor, Math.floor(full.spendMinor * 20 / 24));
    const utc = await sandbox.fetchDailyMetrics(ACCOUNT, spec, range, evening);
    assert.equal(utc.at(-1)!.date, "2026-11-27", "the same moment is the 27th in UTC");
  });

  await t.step("a campaign delivers from the local date it was created on", async () => {
    // 18:00 on 26 November in Los Angeles, 02:00 on the 27th in UTC.
    const created = campaign({ createdAt: "2026-11-27T02:00:00.000Z" });
    const rows = await sandbox.fetchDailyMetrics(losAngeles, created, range, evening);
    assert.deepEqual(rows.map((row) => row.date), ["2026-11-26"]);
  });

  await t.step("Auckland's day has begun when UTC's has not", async () => {
    const auckland = { ...ACCOUNT, timezone: "Pacific/Auckland" };
    // 00:30 on 27 November in Auckland (UTC+13), 11:30 on the 26th in UTC.
    const justAfterMidnight = new Date("2026-11-26T11:30:00.000Z");
    const rows = await sandbox.fetchDailyMetrics(auckland, spec, range, justAfterMidnight);
    const today = rows.at(-1)!;
    assert.equal(today.date, "2026-11-27");
    const full = simulateDay(spec, "2026-11-27", 0, auckland);
    assert.ok(full);
    assert.equal(today.spendMinor, Math.floor(full.spendMinor * 0.5 / 24));
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

Deno.test("sandbox request keys: a repeated connect answers the same account", async () => {
  const connect = (key?: string) =>
    sandbox.connectAccount({ currency: "USD", timezone: "UTC" }, key)
      .then((account) => account.externalAccountId);
  const first = await connect("a".repeat(64));
  assert.equal(await connect("a".repeat(64)), first);
  assert.notEqual(await connect("b".repeat(64)), first);
  assert.notEqual(await connect(), await connect(), "without a key, a new account");
});
