/**
 * The platform adapter contract: the same suite runs against each real adapter wired to its local
 * fake — with every fault the fakes can inject — and against the sandbox adapter. Steps that need
 * platform state (reading a campaign back, faults) run where the target has it.
 */
import assert from "node:assert/strict";
import { addDays, dateOf, weekdayOf } from "../../../domain/dates.ts";
import {
  PlatformAuthError,
  PlatformError,
  PlatformRateLimitError,
  PlatformValidationError,
} from "../../../domain/errors.ts";
import type { PlatformCampaign, PlatformCampaignSpec } from "../../../domain/platforms/adapter.ts";
import { plainCredentials } from "../../../domain/platforms/credentials.ts";
import { ReportJobError } from "../../../domain/platforms/report_jobs.ts";
import {
  type ContractTarget,
  googleAdsTarget,
  metaTarget,
  sandboxTarget,
  tiktokTarget,
} from "./_targets.ts";

const SPEC: PlatformCampaignSpec = {
  name: "Contract spring sale",
  objective: "traffic",
  budgetType: "daily",
  budgetAmountMinor: 5_000,
  startDate: null,
  endDate: null,
  targeting: {},
  landingUrl: "https://shop.example.com/spring",
};

/** A request key as the domain makes them (64 hex digits). */
function key(seed: string): string {
  return seed.repeat(64).slice(0, 64);
}

function asCampaign(
  target: ContractTarget,
  externalId: string,
  overrides: Partial<PlatformCampaign> = {},
): PlatformCampaign {
  return {
    ...SPEC,
    id: `local-${externalId}`,
    externalId,
    status: "draft",
    createdAt: new Date(target.fake?.clock.now() ?? Date.now()).toISOString(),
    ...overrides,
  };
}

/** Runs the contract against `target`. */
async function contract(t: Deno.TestContext, target: ContractTarget) {
  const { adapter, account, fake } = target;
  const now = () => new Date(fake?.clock.now() ?? Date.parse("2026-11-02T12:00:00.000Z"));

  await t.step("a keyed create answers the same campaign when repeated", async () => {
    const first = await adapter.createCampaign(account, SPEC, key("a"));
    const again = await adapter.createCampaign(account, SPEC, key("a"));
    assert.equal(again.externalId, first.externalId);
    const other = await adapter.createCampaign(account, SPEC, key("b"));
    assert.notEqual(other.externalId, first.externalId);
    if (fake) assert.equal(fake.creates(), 2);
    if (adapter.getCampaign) {
      const state = await adapter.getCampaign(account, first.externalId);
      assert.equal(state.status, "paused", "a new campaign waits paused");
      assert.equal(state.budgetAmountMinor, SPEC.budgetAmountMinor);
      assert.equal(state.budgetType, "daily");
      assert.equal(state.name, SPEC.name);
    }
  });

  await t.step("update, pause, resume and archive reach the platform", async () => {
    const { externalId } = await adapter.createCampaign(account, SPEC, key("c"));
    const campaign = asCampaign(target, externalId, { budgetAmountMinor: 7_500 });
    await adapter.updateCampaign(account, campaign, key("d"));
    if (fake) assert.equal(fake.updates(externalId), 1, "applied once");
    if (adapter.getCampaign) {
      assert.equal((await adapter.getCampaign(account, externalId)).budgetAmountMinor, 7_500);
    }
    await adapter.resumeCampaign(account, campaign, key("e"));
    if (adapter.getCampaign) {
      assert.equal((await adapter.getCampaign(account, externalId)).status, "active");
    }
    await adapter.pauseCampaign(account, { ...campaign, status: "active" }, key("f"));
    if (adapter.getCampaign) {
      assert.equal((await adapter.getCampaign(account, externalId)).status, "paused");
    }
    await adapter.archiveCampaign(account, { ...campaign, status: "paused" }, key("9"));
    if (adapter.getCampaign) {
      assert.equal((await adapter.getCampaign(account, externalId)).status, "archived");
    }
  });

  if (adapter.listCampaigns && fake) {
    await t.step("listing follows the platform's pagination to the end", async () => {
      fake.setPageSize(2);
      const listed = await adapter.listCampaigns!(account);
      fake.setPageSize(25);
      assert.ok(listed.length >= 3, `${listed.length} campaigns`);
      assert.equal(new Set(listed.map((campaign) => campaign.externalId)).size, listed.length);
    });
  }

  if (adapter.listAdAccounts) {
    await t.step("the credentials list the account with its currency and zone", async () => {
      const accounts = await adapter.listAdAccounts!(account.credentials!);
      const found = accounts.find((item) => item.externalAccountId === account.externalAccountId);
      assert.ok(found, "the account is listed");
      assert.equal(found.currency, account.currency);
      assert.equal(found.timezone, account.timezone);
    });
  }

  if (adapter.validateChange) {
    await t.step(
      "validate-only accepts a good change and quotes the platform on a bad one",
      async () => {
        const before = fake?.creates();
        await adapter.validateChange!(account, { kind: "create", spec: SPEC });
        assert.equal(fake?.creates(), before, "nothing was created");
        await assert.rejects(
          adapter.validateChange!(account, {
            kind: "create",
            spec: { ...SPEC, budgetAmountMinor: fake?.refusedBudgetMinor ?? 1 },
          }),
          (error: unknown) =>
            error instanceof PlatformValidationError && error.status === 422 &&
            /refused the change/.test(error.message),
        );
      },
    );
  }

  await t.step("two weeks of delivery stay within the platform's budget rules", async () => {
    const { externalId } = await adapter.createCampaign(account, SPEC, key("8"));
    const start = now();
    const campaign = asCampaign(target, externalId, {
      status: "active",
      createdAt: start.toISOString(),
    });
    await adapter.resumeCampaign(account, campaign);
    fake?.clock.advanceDays(14);
    const from = dateOf(start, account.timezone);
    const to = addDays(from, 14);
    const days = await adapter.fetchDailyMetrics(
      account,
      campaign,
      { from, to, spentBeforeMinor: 0 },
      fake ? now() : new Date(Date.parse(start.toISOString()) + 14 * 86_400_000),
    );
    assert.ok(days.length >= 10, `${days.length} days delivered`);
    const rules = fake?.delivery ?? { maxDailyFactor: 1, weeklyFactor: null };
    const weeks = new Map<string, number>();
    let week = from;
    for (const day of days) {
      assert.ok(day.date >= from && day.date <= to);
      for (const value of [day.impressions, day.clicks, day.spendMinor, day.revenueMinor]) {
        assert.ok(Number.isSafeInteger(value) && value >= 0, `${value}`);
      }
      assert.ok(
        day.spendMinor <= SPEC.budgetAmountMinor * rules.maxDailyFactor,
        `${day.date}: ${day.spendMinor}`,
      );
      if (weekdayOf(day.date) === 0) week = day.date;
      weeks.set(week, (weeks.get(week) ?? 0) + day.spendMinor);
    }
    if (rules.weeklyFactor !== null) {
      for (const [first, spent] of weeks) {
        assert.ok(spent <= SPEC.budgetAmountMinor * rules.weeklyFactor, `week of ${first}`);
      }
    }
    if (rules.maxDailyFactor > 1) {
      assert.ok(days.some((day) => day.spendMinor > SPEC.budgetAmountMinor), "some day overspends");
    }
    assert.ok(days.some((day) => day.conversions > 0 && day.revenueMinor > 0));
  });

  await t.step("a 45-day range is read completely, each day once", async () => {
    const { externalId } = await adapter.createCampaign(account, SPEC, key("7"));
    const start = now();
    const campaign = asCampaign(target, externalId, {
      status: "active",
      createdAt: start.toISOString(),
    });
    await adapter.resumeCampaign(account, campaign);
    fake?.clock.advanceDays(45);
    const from = dateOf(start, account.timezone);
    const to = addDays(from, 44);
    const days = await adapter.fetchDailyMetrics(
      account,
      campaign,
      { from, to, spentBeforeMinor: 0 },
      fake ? now() : new Date(start.getTime() + 45 * 86_400_000),
    );
    const dates = days.map((day) => day.date);
    assert.deepEqual(dates, [...new Set(dates)].sort(), "ascending, no day twice");
    assert.ok(dates.every((date) => date >= from && date <= to));
    assert.ok(days.length >= 35, `${days.length} days`);
    assert.ok(dates.some((date) => date > addDays(from, 30)), "beyond the first 30 days");
  });

  if (!fake) return;

  const jobs = fake.reportJobs;
  if (jobs) {
    const { externalId } = await adapter.createCampaign(account, SPEC, key("9"));
    const start = now();
    const campaign = asCampaign(target, externalId, {
      status: "active",
      createdAt: start.toISOString(),
    });
    await adapter.resumeCampaign(account, campaign);
    fake.clock.advanceDays(12);
    const from = dateOf(start, account.timezone);
    const range = { from, to: addDays(from, 9), spentBeforeMinor: 0 };

    await t.step("a long range comes from a report job that completes after checks", async () => {
      const runs = jobs.runs();
      const before = fake.requests();
      const days = await adapter.fetchDailyMetrics(account, campaign, range, now());
      assert.equal(jobs.runs(), runs + 1, "one report job");
      assert.ok(fake.requests() - before >= 5, "created, checked several times, read");
      assert.ok(days.length >= 8, `${days.length} days`);
      const direct = [
        ...await adapter.fetchDailyMetrics(account, campaign, {
          ...range,
          to: addDays(from, 4),
        }, now()),
        ...await adapter.fetchDailyMetrics(account, campaign, {
          ...range,
          from: addDays(from, 5),
        }, now()),
      ];
      assert.equal(jobs.runs(), runs + 1, "short ranges are read directly");
      assert.deepEqual(days, direct, "the job's rows equal the direct reads");
    });

    await t.step("faults: a report job that fails says so and what happens next", async () => {
      fake.inject({ kind: "report_failed" }, jobs.create);
      await assert.rejects(
        adapter.fetchDailyMetrics(account, campaign, range, now()),
        (error: unknown) =>
          error instanceof ReportJobError && /could not build the report for/.test(error.message) &&
          /asks again on its next run/.test(error.message),
      );
    });

    await t.step("faults: a report job that never finishes is given up, bounded", async () => {
      const before = fake.requests();
      fake.inject({ kind: "report_stuck" }, jobs.create);
      await assert.rejects(
        adapter.fetchDailyMetrics(account, campaign, range, now()),
        (error: unknown) =>
          error instanceof ReportJobError && /did not finish the report for/.test(error.message),
      );
      const checks = fake.requests() - before - 1;
      assert.ok(checks >= 5 && checks <= 12, `${checks} checks`);
    });
  }

  await t.step("faults: a 5xx or a hung read is retried", async () => {
    fake.inject({ kind: "server_error" }, { ...fake.reads, times: 2 });
    assert.ok((await adapter.listCampaigns!(account)).length > 0);
    fake.inject({ kind: "timeout" }, fake.reads);
    assert.ok((await adapter.listCampaigns!(account)).length > 0);
  });

  await t.step("faults: a create whose answer is lost is read back, not sent twice", async () => {
    for (const kind of ["server_error", "timeout"] as const) {
      const before = fake.creates();
      fake.inject({ kind, applied: true }, { path: fake.createPath, method: "POST" });
      const created = await adapter.createCampaign(account, { ...SPEC, name: `Lost ${kind}` });
      assert.equal(fake.creates(), before + 1, `${kind}: created exactly once`);
      const state = await adapter.getCampaign!(account, created.externalId);
      assert.equal(state.name, `Lost ${kind}`);
    }
  });

  await t.step("faults: a create that failed before applying is sent again", async () => {
    const before = fake.creates();
    fake.inject({ kind: "server_error" }, { path: fake.createPath, method: "POST" });
    await adapter.createCampaign(account, { ...SPEC, name: "Retried create" });
    assert.equal(fake.creates(), before + 1);
  });

  await t.step("faults: an update whose answer is lost is applied once", async () => {
    const { externalId } = await adapter.createCampaign(account, SPEC);
    fake.inject({ kind: "server_error", applied: true }, fake.writes);
    await adapter.updateCampaign(
      account,
      asCampaign(target, externalId, { budgetAmountMinor: 9_000 }),
    );
    assert.equal((await adapter.getCampaign!(account, externalId)).budgetAmountMinor, 9_000);
  });

  await t.step("faults: a rate limit surfaces at once with the platform's wait", async () => {
    const before = fake.requests();
    fake.inject({ kind: "rate_limit", retryAfterSeconds: 300 });
    await assert.rejects(
      adapter.listCampaigns!(account),
      (error: unknown) =>
        error instanceof PlatformRateLimitError &&
        error.retryAfterMs === fake.expectedRetryAfterMs(300) &&
        error.status === 503,
    );
    assert.equal(fake.requests(), before + 1, "no hot retry");
  });

  await t.step(
    "faults: a token expiring mid-sync is renewed once and the sync goes on",
    async () => {
      const { source, refreshes } = target.refreshing();
      const renewing = target.adapterWith(source);
      const account = target.withNewToken();
      const { externalId } = await renewing.createCampaign(account, SPEC);
      const campaign = asCampaign(target, externalId, { status: "active" });
      await renewing.resumeCampaign(account, campaign);
      fake.clock.advanceDays(3);
      fake.inject({ kind: "expire_token" }, { path: fake.metricsPath });
      const from = dateOf(new Date(fake.clock.now() - 3 * 86_400_000), account.timezone);
      const days = await renewing.fetchDailyMetrics(account, campaign, {
        from,
        to: addDays(from, 3),
        spentBeforeMinor: 0,
      }, now());
      assert.ok(days.length > 0);
      assert.equal(refreshes(), 1);
    },
  );

  await t.step("faults: an expired token without a refresh asks to reconnect", async () => {
    const expiring = target.adapterWith(plainCredentials);
    const account = target.withNewToken();
    fake.inject({ kind: "expire_token" });
    await assert.rejects(
      expiring.listCampaigns!(account),
      (error: unknown) =>
        error instanceof PlatformAuthError && error.action === "reconnect" &&
        /reconnect the account/.test(error.message),
    );
  });

  await t.step(
    "faults: a platform that keeps failing gives up after bounded attempts",
    async () => {
      const before = fake.requests();
      fake.inject({ kind: "server_error" }, { times: 10 });
      await assert.rejects(
        adapter.listCampaigns!(new Proxy(account, {})),
        (error: unknown) =>
          error instanceof PlatformError && !(error instanceof PlatformRateLimitError),
      );
      assert.equal(fake.requests(), before + 3, "three attempts, then the error");
    },
  );
}

/** A fresh target per platform, closed afterwards. */
async function withTarget(
  t: Deno.TestContext,
  make: () => ContractTarget,
) {
  const target = make();
  try {
    await t.step(target.name, async (inner) => await contract(inner, target));
  } finally {
    await target.close();
  }
}

Deno.test("platform adapter contract", async (t) => {
  await withTarget(t, () => sandboxTarget());
  await withTarget(t, () => metaTarget("USD"));
  await withTarget(t, () => metaTarget("JPY", "Asia/Tokyo"));
  await withTarget(t, () => tiktokTarget("USD"));
  await withTarget(t, () => tiktokTarget("KRW", "Asia/Seoul"));
  await withTarget(t, () => googleAdsTarget("USD"));
  await withTarget(t, () => googleAdsTarget("KRW", "Asia/Seoul"));
});
