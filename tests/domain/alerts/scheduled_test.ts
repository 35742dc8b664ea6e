/**
 * Scheduled anomaly detection on both backends, with a fake clock: two instances ticking and
 * running at once detect each account once per hour (one `alert_detection` run per account and
 * hour), a detection within the hour makes the scheduler skip the account, and an account's first
 * detection replays its last 14 complete days (an anomaly already over is stored resolved, and
 * nobody is notified of it).
 */
import assert from "node:assert/strict";
import { toDbTimestamp } from "../../../db/time.ts";
import { ALERT_DETECTION } from "../../../domain/alerts/scheduled.ts";
import { addDays, dateOf } from "../../../domain/dates.ts";
import type { Domain } from "../../../domain/mod.ts";
import { backendTest, type TestBackend } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { steadyHistory, writeHistory } from "./_history.ts";

const DAY_MS = 86_400_000;

/** A campaign launched 70 days ago whose stored history collapses on `collapseDaysAgo`. */
async function accountWithCollapse(backend: TestBackend, domain: Domain, collapseDaysAgo: number) {
  const { db, clock } = backend;
  const actor = await registerUser(domain);
  const adAccountId = await connectAccount(domain, actor);
  const launch = backend.domainWith({
    clock: { now: () => new Date(clock.now().getTime() - 70 * DAY_MS) },
  });
  const campaign = await createCampaign(launch, actor, adAccountId, { budgetAmountMinor: 20_000 });
  await launch.campaigns.resume(actor, campaign.id);
  const yesterday = addDays(dateOf(clock.now()), -1);
  const collapseDay = addDays(yesterday, 1 - collapseDaysAgo);
  const history = steadyHistory(yesterday).map((day) =>
    day.date === collapseDay
      ? { ...day, impressions: 400, clicks: 8, spendMinor: 900, conversions: 0, revenueMinor: 0 }
      : day
  );
  await writeHistory(db, { userId: actor.userId, adAccountId, campaignId: campaign.id }, history);
  // The stored rows are the test's: the run's sync step finds them fresh.
  await db.kysely.updateTable("ad_accounts")
    .set({ metrics_synced_at: toDbTimestamp(clock.now()) }).where("id", "=", adAccountId)
    .execute();
  return { actor, adAccountId, campaignId: campaign.id, collapseDay };
}

const quiet = { detectAfterSync: false, metricsRefreshMs: 30 * DAY_MS };

backendTest(
  "scheduled detection: each account once per hour, two instances",
  async (t, backend) => {
    const first = backend.domainWith(quiet);
    const second = backend.domainWith(quiet);
    const { actor, adAccountId } = await accountWithCollapse(backend, first, 1);
    const runsOf = async () =>
      (await first.workflows.list(actor, { kind: ALERT_DETECTION, subjectId: adAccountId })).items;
    const tickBoth = () =>
      Promise.all([
        first.alertDetection.tick(first.workflows.enqueue),
        second.alertDetection.tick(second.workflows.enqueue),
      ]);
    const runBoth = async () =>
      (await Promise.all([first.workflows.runDue("first"), second.workflows.runDue("second")]))
        .reduce((sum, count) => sum + count, 0);

    await t.step("never judged: one run for the hour, executed once", async () => {
      await tickBoth();
      assert.equal((await runsOf()).length, 1);
      assert.equal(await runBoth(), 1);
      const [run] = await runsOf();
      const detail = await first.workflows.get(actor, run.id);
      assert.equal(detail.status, "succeeded");
      assert.deepEqual(detail.steps.map((step) => step.key), ["sync", "detect"]);
      const output = detail.steps[1].output as { raised: number };
      assert.equal(output.raised, 1);
      const alerts = await first.alerts.list(actor, { status: "open" });
      assert.deepEqual(alerts.items.map((alert) => alert.type), ["spend_dropped"]);
    });

    await t.step("within the hour: nothing more", async () => {
      await tickBoth();
      backend.clock.advance(30 * 60_000);
      await tickBoth();
      assert.equal((await runsOf()).length, 1);
      assert.equal(await runBoth(), 0);
    });

    await t.step("an hour after the last detection: one more run", async () => {
      backend.clock.advance(30 * 60_000);
      await tickBoth();
      await tickBoth();
      assert.equal((await runsOf()).length, 2);
      assert.equal(await runBoth(), 1);
      const [latest] = await runsOf();
      const detail = await first.workflows.get(actor, latest.id);
      assert.equal(detail.status, "succeeded");
      assert.deepEqual(detail.steps[1].output, {
        adAccountId,
        raised: 0,
        refreshed: 1,
        resolved: 0,
      });
      // Still one alert: found again, not raised again.
      assert.equal((await first.alerts.list(actor)).total, 1);
    });

    await t.step("a detection after a sync within the hour: the schedule skips it", async () => {
      backend.clock.advance(50 * 60_000);
      await first.alerts.detect(adAccountId);
      backend.clock.advance(20 * 60_000);
      await tickBoth();
      assert.equal((await runsOf()).length, 2);
    });
  },
);

backendTest("a first detection replays the last 14 complete days", async (_t, backend) => {
  const domain = backend.domainWith(quiet);
  const { actor, adAccountId, campaignId, collapseDay } = await accountWithCollapse(
    backend,
    domain,
    6,
  );
  const report = await domain.alerts.detect(adAccountId);
  // Over five days ago: listed, resolved by itself, and no news to anyone.
  assert.deepEqual(report.raised, []);
  const { items } = await domain.alerts.list(actor);
  assert.equal(items.length, 1);
  const [alert] = items;
  assert.equal(alert.type, "spend_dropped");
  assert.equal(alert.campaignId, campaignId);
  assert.equal(alert.metricDate, collapseDay);
  assert.equal(alert.status, "resolved");
  assert.equal(alert.resolution, "auto");
  assert.equal((await domain.notifications.list(actor)).items.length, 0);

  // Not the first any more: judging again replays nothing, raises nothing.
  const again = await domain.alerts.detect(adAccountId);
  assert.deepEqual(again.raised, []);
  assert.equal((await domain.alerts.list(actor)).total, 1);
});
