/**
 * Metrics: the sandbox sync fills campaign_metrics up to "now"; reports have every day, exact
 * totals and exact derived ratios.
 */
import assert from "node:assert/strict";
import { toDbTimestamp } from "../../db/time.ts";
import { addDays, eachDate } from "../../domain/dates.ts";
import { decimalRatio } from "../../domain/derived_metrics.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { toPlatformCampaign } from "../../domain/platform_calls.ts";
import { simulateDay } from "../../domain/platforms/sandbox_delivery.ts";
import { backendTest, testClock } from "../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../_helpers/fixtures.ts";

const TODAY = "2026-11-26";

backendTest("metrics", async (t, backend) => {
  const { domain, db, clock } = backend;
  const { metrics, campaigns } = domain;
  const actor = await registerUser(domain);
  const adAccountId = await connectAccount(domain, actor);

  // Created and launched 30 days ago, so the sandbox has a month of delivery to report.
  const past = testClock(`${addDays(TODAY, -30)}T09:00:00.000Z`);
  const earlier = backend.domainWith({ clock: past });
  const campaign = await createCampaign(earlier, actor, adAccountId, { budgetAmountMinor: 2_500 });
  await earlier.campaigns.resume(actor, campaign.id);
  const range = { from: addDays(TODAY, -40), to: TODAY };

  await t.step("a report lists every day, zero before the campaign existed", async () => {
    const report = await metrics.performance(actor, { ...range, campaignId: campaign.id });
    assert.equal(report.currency, "USD");
    assert.deepEqual(report.daily.map((day) => day.date), eachDate(range.from, range.to));
    const before = report.daily.filter((day) => day.date < addDays(TODAY, -30));
    assert.ok(before.every((day) => day.impressions === 0 && day.ctr === null));
    const delivering = report.daily.filter((day) => day.date >= addDays(TODAY, -30));
    assert.ok(delivering.every((day) => day.spendMinor > 0 && day.spendMinor <= 2_500));
  });

  await t.step("totals are the exact sum of the days; ratios are exact", async () => {
    const report = await metrics.performance(actor, { ...range, adAccountId });
    const sum = (key: "impressions" | "clicks" | "spendMinor" | "conversions" | "revenueMinor") =>
      report.daily.reduce((total, day) => total + day[key], 0);
    assert.equal(report.totals.spendMinor, sum("spendMinor"));
    assert.equal(report.totals.clicks, sum("clicks"));
    assert.equal(report.totals.revenueMinor, sum("revenueMinor"));
    assert.equal(report.totals.ctr, decimalRatio(sum("clicks"), sum("impressions"), 6));
    assert.equal(report.totals.cpc, decimalRatio(sum("spendMinor"), sum("clicks"), 4, 2));
    assert.equal(report.totals.roas, decimalRatio(sum("revenueMinor"), sum("spendMinor"), 4));
    const byCampaign = await metrics.performance(actor, { ...range, campaignId: campaign.id });
    assert.deepEqual(
      report.daily,
      byCampaign.daily,
      "the account rollup equals its campaign's rows",
    );
  });

  await t.step("sync is idempotent: re-syncing leaves past days unchanged", async () => {
    const count = async () =>
      (await db.kysely.selectFrom("campaign_metrics").select("id")
        .where("campaign_id", "=", campaign.id).execute()).length;
    const before = await metrics.performance(actor, { ...range, campaignId: campaign.id });
    const rows = await count();
    assert.equal(rows, 31, "30 full days and today's partial day");
    await db.kysely.updateTable("campaigns").set({ metrics_synced_through: null })
      .where("id", "=", campaign.id).execute();
    clock.advance(20 * 60_000);
    const after = await metrics.performance(actor, { ...range, campaignId: campaign.id });
    assert.equal(await count(), rows);
    assert.deepEqual(after.daily.slice(0, -1), before.daily.slice(0, -1));
    const today = (report: typeof after) => report.daily.at(-1)!.spendMinor;
    assert.ok(today(after) >= today(before), "today's partial row only grows");
  });

  await t.step("a paused campaign stops delivering from the pause on", async () => {
    await campaigns.pause(actor, campaign.id);
    const pausedToday = (await metrics.performance(actor, { from: TODAY, to: TODAY })).totals;
    clock.set(`${addDays(TODAY, 3)}T12:00:00.000Z`);
    const later = await metrics.performance(actor, {
      from: addDays(TODAY, 1),
      to: addDays(TODAY, 3),
      campaignId: campaign.id,
    });
    assert.equal(later.totals.spendMinor, 0);
    const sameDay = (await metrics.performance(actor, { from: TODAY, to: TODAY })).totals;
    assert.equal(sameDay.spendMinor, pausedToday.spendMinor, "delivery before the pause is kept");
    clock.set(`${TODAY}T12:20:00.000Z`);
  });

  await t.step("sums are exact for large minor-unit amounts", async () => {
    const other = await registerUser(domain, "exact");
    const account = await connectAccount(domain, other);
    const exactCampaign = await createCampaign(domain, other, account);
    const big = 2 ** 45 + 7; // sums past 2^48 with odd digits: float drift would show
    const stamp = toDbTimestamp(clock.now());
    await db.kysely.insertInto("campaign_metrics").values(
      ["2026-11-01", "2026-11-02", "2026-11-03"].map((date, index) => ({
        id: crypto.randomUUID(),
        user_id: other.userId,
        ad_account_id: account,
        campaign_id: exactCampaign.id,
        metric_date: date,
        impressions: 3 * (index + 1),
        clicks: index + 1,
        spend_minor: big + index,
        conversions: 1,
        revenue_minor: 1,
        created_at: stamp,
        updated_at: stamp,
      })),
    ).execute();
    await db.kysely.updateTable("ad_accounts").set({ metrics_synced_at: stamp })
      .where("id", "=", account).execute();
    const report = await metrics.performance(other, {
      from: "2026-11-01",
      to: "2026-11-03",
      campaignId: exactCampaign.id,
    });
    assert.equal(report.totals.spendMinor, 3 * big + 3);
    assert.equal(report.totals.clicks, 6);
    assert.equal(report.totals.ctr, "0.333333");
    assert.equal(report.totals.cpc, decimalRatio(3 * big + 3, 6, 4, 2));
    assert.equal(report.totals.cpa, "351843720888.4000"); // (3·(2^45+7)+3) / 3 conversions / 100
  });

  await t.step("scopes are checked and validated", async () => {
    await assert.rejects(
      metrics.performance(actor, { ...range, campaignId: crypto.randomUUID() }),
      NotFoundError,
    );
    await assert.rejects(
      metrics.performance(actor, { ...range, adAccountId: crypto.randomUUID() }),
      NotFoundError,
    );
    await assert.rejects(
      metrics.performance(actor, { from: TODAY, to: "2026-11-01" }),
      ValidationError,
    );
    await assert.rejects(
      metrics.performance(actor, { from: "2024-01-01", to: TODAY }),
      ValidationError,
    );
    await domain.adAccounts.connectSandbox(actor, { name: "Euro", currency: "EUR" });
    await assert.rejects(metrics.performance(actor, range), ValidationError, "mixed currencies");
    const fresh = await registerUser(domain, "empty");
    const empty = await metrics.performance(fresh, { from: TODAY, to: TODAY });
    assert.equal(empty.currency, null);
    assert.equal(empty.totals.spendMinor, 0);
  });

  await t.step("campaign lists carry exact last-7-day totals (today excluded)", async () => {
    const page = await campaigns.list(actor, { adAccountId });
    const item = page.items.find((entry) => entry.id === campaign.id);
    assert.ok(item);
    const week = await metrics.performance(actor, {
      from: addDays(TODAY, -7),
      to: addDays(TODAY, -1),
      campaignId: campaign.id,
    });
    assert.deepEqual(item.totals, week.totals);
  });
});

backendTest("metric days are the ad account's days", async (t, backend) => {
  const { domain, db } = backend;
  const actor = await registerUser(domain, "west");
  const account = await domain.adAccounts.connectSandbox(actor, {
    name: "West",
    timezone: "America/Los_Angeles",
  });
  // 19:00 on 24 November in Los Angeles, already the 25th in UTC.
  const launch = backend.domainWith({ clock: testClock("2026-11-25T03:00:00.000Z") });
  const campaign = await createCampaign(launch, actor, account.id, { budgetAmountMinor: 6_000 });
  await launch.campaigns.resume(actor, campaign.id);
  // 20:00 on 26 November in Los Angeles, the 27th in UTC.
  backend.clock.set("2026-11-27T04:00:00.000Z");
  const range = { from: "2026-11-23", to: "2026-11-28", campaignId: campaign.id };

  await t.step(
    "synced rows are dated by the local day, today partial by the local hour",
    async () => {
      const report = await domain.metrics.performance(actor, range);
      const delivered = report.daily.filter((day) => day.spendMinor > 0).map((day) => day.date);
      // Created on the 24th local time (the 25th in UTC); today is the 26th, not the 27th.
      assert.deepEqual(delivered, ["2026-11-24", "2026-11-25", "2026-11-26"]);
      const stored = await db.kysely.selectFrom("campaigns").select("metrics_synced_through")
        .where("id", "=", campaign.id).executeTakeFirstOrThrow();
      assert.equal(stored.metrics_synced_through, "2026-11-25", "yesterday, local");
      const today = await db.kysely.selectFrom("campaign_metrics").select("spend_minor")
        .where("campaign_id", "=", campaign.id).where("metric_date", "=", "2026-11-26")
        .executeTakeFirstOrThrow();
      const full = simulateDay(
        toPlatformCampaign(
          await db.kysely.selectFrom("campaigns").selectAll().where("id", "=", campaign.id)
            .executeTakeFirstOrThrow(),
        ),
        "2026-11-26",
        0,
        { currency: "USD", timezone: "America/Los_Angeles" },
      );
      assert.ok(full);
      assert.equal(Number(today.spend_minor), Math.floor(full.spendMinor * 20 / 24));
    },
  );

  await t.step("the account rollup uses the same local days", async () => {
    const byAccount = await domain.metrics.performance(actor, {
      from: range.from,
      to: range.to,
      adAccountId: account.id,
    });
    const byCampaign = await domain.metrics.performance(actor, range);
    assert.deepEqual(byAccount.daily, byCampaign.daily);
  });

  await t.step("campaign lists total the account's last 7 complete local days", async () => {
    const page = await domain.campaigns.list(actor, { adAccountId: account.id });
    const week = await domain.metrics.performance(actor, {
      from: "2026-11-19",
      to: "2026-11-25",
      campaignId: campaign.id,
    });
    assert.ok(week.totals.spendMinor > 0);
    assert.deepEqual(page.items[0].totals, week.totals);
  });

  await t.step("the report zone: the account's, the shared one, else the user's", async () => {
    const { metrics } = domain;
    assert.equal(await metrics.timeZone(actor, { campaignId: campaign.id }), account.timezone);
    assert.equal(await metrics.timeZone(actor, { adAccountId: account.id }), account.timezone);
    assert.equal(await metrics.timeZone(actor), account.timezone, "the only account");
    const tokyo = await domain.adAccounts.connectSandbox(actor, {
      name: "Tokyo",
      timezone: "Asia/Tokyo",
    });
    assert.equal(await metrics.timeZone(actor), "UTC", "mixed zones, user's default zone");
    await domain.accounts.updateProfile(actor, { timezone: "Europe/Paris" });
    assert.equal(await metrics.timeZone(actor), "Europe/Paris");
    assert.equal(await metrics.timeZone(actor, { adAccountId: tokyo.id }), "Asia/Tokyo");
    await assert.rejects(
      metrics.timeZone(actor, { campaignId: crypto.randomUUID() }),
      NotFoundError,
    );
    const stranger = await registerUser(domain, "stranger");
    await assert.rejects(metrics.timeZone(stranger, { adAccountId: tokyo.id }), NotFoundError);
    assert.equal(await metrics.timeZone(stranger), "UTC", "no accounts: the user's zone");
  });
});
