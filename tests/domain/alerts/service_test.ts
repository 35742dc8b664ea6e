/**
 * `domain.alerts` on a real backend: raising once, refreshing, resolving itself, acknowledge,
 * resolve, mute, thresholds, causes from the change history, the after-sync hook, and two
 * instances racing to raise the same alert.
 */
import assert from "node:assert/strict";
import type { Alert } from "../../../domain/alerts/service.ts";
import { addDays, dateOf } from "../../../domain/dates.ts";
import { createDomain } from "../../../domain/mod.ts";
import { backendTest, TEST_PASSWORD_ITERATIONS } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { steadyHistory, writeHistory } from "./_history.ts";

const DAY_MS = 86_400_000;

backendTest("alerts service", async (t, backend) => {
  const { db, clock } = backend;
  const raisedSeen: Alert[] = [];
  const domain = backend.domainWith({
    onAlertRaised: (alerts) => {
      raisedSeen.push(...alerts);
    },
  });
  const actor = await registerUser(domain);
  const adAccountId = await connectAccount(domain, actor);
  // Launched 70 days ago, so every judged day was a whole active day.
  const launch = backend.domainWith({
    clock: { now: () => new Date(clock.now().getTime() - 70 * DAY_MS) },
  });
  const campaign = await createCampaign(launch, actor, adAccountId, { budgetAmountMinor: 20_000 });
  await launch.campaigns.resume(actor, campaign.id);
  const today = dateOf(clock.now());
  const yesterday = addDays(today, -1);
  const row = { userId: actor.userId, adAccountId, campaignId: campaign.id };
  const steady = steadyHistory(yesterday);
  const collapsed = steady.map((day) =>
    day.date === yesterday
      ? { ...day, impressions: 400, clicks: 8, spendMinor: 900, conversions: 0, revenueMinor: 0 }
      : day
  );

  await t.step("ordinary history raises nothing", async () => {
    await writeHistory(db, row, steady);
    const report = await domain.alerts.detect(adAccountId);
    assert.deepEqual(report.raised, []);
    assert.equal((await domain.alerts.list(actor)).total, 0);
  });

  let alertId = "";
  await t.step("a collapse raises one alert with its cause and the change before it", async () => {
    // A person lowered the budget two days ago.
    const twoDaysAgo = backend.domainWith({
      clock: { now: () => new Date(clock.now().getTime() - 2 * DAY_MS) },
    });
    await twoDaysAgo.campaigns.update(actor, campaign.id, { budgetAmountMinor: 15_000 });
    await writeHistory(db, row, collapsed);
    const report = await domain.alerts.detect(adAccountId);
    assert.deepEqual(report.raised.map((alert) => alert.type), ["spend_dropped"]);
    const [alert] = report.raised;
    alertId = alert.id;
    assert.equal(alert.campaignId, campaign.id);
    assert.equal(alert.status, "open");
    assert.equal(alert.metricDate, yesterday);
    assert.equal(alert.cause.movedPart, "impressions");
    assert.equal(alert.cause.changes.length, 1);
    assert.equal(alert.cause.changes[0].actorKind, "user");
    assert.deepEqual(alert.cause.changes[0].fields, ["budgetAmountMinor"]);
    assert.deepEqual(alert.cause.nextSteps.map((step) => step.kind), ["roll_back"]);
    assert.deepEqual(raisedSeen.map((seen) => seen.id), [alert.id], "the hook got it");
    // Its owner is told, with what moved and the change just before it.
    const { items } = await domain.notifications.list(actor);
    assert.equal(items.length, 1);
    const [notification] = items;
    assert.equal(notification.kind, "alert");
    assert.equal(notification.type, "spend_dropped");
    assert.equal(notification.link, `/alerts/${alert.id}`);
    assert.match(notification.title, /spend dropped/);
    assert.match(notification.body, /Mostly impressions: -\d+% against the baseline/);
    assert.match(
      notification.body,
      /Changed just before:\n- .*update \(budgetAmountMinor\) by a person/,
    );
  });

  await t.step("detecting again refreshes, never duplicates", async () => {
    const report = await domain.alerts.detect(adAccountId);
    assert.deepEqual(report.raised, []);
    assert.ok(report.refreshed >= 1);
    const open = await domain.alerts.list(actor, { status: "open" });
    assert.equal(open.total, 1);
  });

  await t.step("list filters by type, severity, status and campaign", async () => {
    assert.equal((await domain.alerts.list(actor, { type: "spend_dropped" })).total, 1);
    assert.equal((await domain.alerts.list(actor, { type: "cpa_up" })).total, 0);
    assert.equal((await domain.alerts.list(actor, { campaignId: campaign.id })).total, 1);
    const severity = (await domain.alerts.get(actor, alertId)).severity;
    assert.equal((await domain.alerts.list(actor, { severity })).total, 1);
  });

  await t.step("acknowledging keeps it unresolved (and deduplicating)", async () => {
    const acknowledged = await domain.alerts.acknowledge(actor, alertId);
    assert.equal(acknowledged.status, "acknowledged");
    assert.equal(acknowledged.acknowledgedBy, actor.userId);
    const report = await domain.alerts.detect(adAccountId);
    assert.deepEqual(report.raised, []);
  });

  await t.step("the metric back in range resolves it by itself", async () => {
    await writeHistory(db, row, steady);
    const report = await domain.alerts.detect(adAccountId);
    assert.equal(report.resolved, 1);
    const alert = await domain.alerts.get(actor, alertId);
    assert.equal(alert.status, "resolved");
    assert.equal(alert.resolution, "auto");
    assert.equal(alert.resolvedBy, null);
  });

  await t.step("a new anomaly after resolution is a new alert; resolve by hand", async () => {
    await writeHistory(db, row, collapsed);
    const report = await domain.alerts.detect(adAccountId);
    assert.equal(report.raised.length, 1);
    assert.notEqual(report.raised[0].id, alertId);
    const resolved = await domain.alerts.resolve(actor, report.raised[0].id);
    assert.equal(resolved.resolution, "manual");
    assert.equal(resolved.resolvedBy, actor.userId);
    await assert.rejects(() => domain.alerts.acknowledge(actor, resolved.id), /resolved/);
  });

  await t.step("a muted campaign raises nothing until the mute ends", async () => {
    const mute = await domain.alerts.mute(actor, campaign.id, { days: 3 });
    assert.equal(mute.campaignId, campaign.id);
    assert.deepEqual((await domain.alerts.detect(adAccountId)).raised, []);
    await domain.alerts.unmute(actor, campaign.id);
    assert.equal((await domain.alerts.detect(adAccountId)).raised.length, 1);
  });

  await t.step("a paused campaign's alerts resolve as inactive", async () => {
    await domain.campaigns.pause(actor, campaign.id);
    await writeHistory(db, row, collapsed); // the pause's sync rewrote today's row
    await domain.alerts.detect(adAccountId);
    const open = await domain.alerts.list(actor, { campaignId: campaign.id, status: "open" });
    assert.equal(open.total, 0);
    const all = await domain.alerts.list(actor, { campaignId: campaign.id });
    assert.ok(all.items.some((alert) => alert.resolution === "inactive"));
  });

  await t.step("thresholds are per account, defaults until edited", async () => {
    const defaults = await domain.alerts.thresholds(actor, adAccountId);
    assert.equal(defaults.minZ, 3);
    const saved = await domain.alerts.setThresholds(actor, adAccountId, { minZ: 5 });
    assert.equal(saved.minZ, 5);
    assert.equal(saved.spendSpike, defaults.spendSpike);
    assert.equal((await domain.alerts.thresholds(actor, adAccountId)).minZ, 5);
  });

  await t.step("another user sees none of it", async () => {
    const other = await registerUser(domain, "other");
    assert.equal((await domain.alerts.list(other)).total, 0);
    await assert.rejects(() => domain.alerts.get(other, alertId), /not found/i);
    await assert.rejects(() => domain.alerts.resolve(other, alertId), /not found/i);
    await assert.rejects(() => domain.alerts.mute(other, campaign.id, { days: 1 }), /not found/i);
    await assert.rejects(() => domain.alerts.thresholds(other, adAccountId), /not found/i);
  });
});

backendTest("two instances detecting at once raise each alert once", async (_t, backend) => {
  const { db, clock } = backend;
  const actor = await registerUser(backend.domain);
  const adAccountId = await connectAccount(backend.domain, actor);
  const launch = backend.domainWith({
    clock: { now: () => new Date(clock.now().getTime() - 70 * DAY_MS) },
  });
  const yesterday = addDays(dateOf(clock.now()), -1);
  for (let index = 0; index < 4; index++) {
    const campaign = await createCampaign(launch, actor, adAccountId, { name: `C${index}` });
    await launch.campaigns.resume(actor, campaign.id);
    // Every campaign stopped delivering yesterday.
    await writeHistory(
      db,
      { userId: actor.userId, adAccountId, campaignId: campaign.id },
      steadyHistory(yesterday, 63, `c${index}`).filter((day) => day.date !== yesterday),
    );
  }
  // Each instance with its own connection pool, as two processes would have.
  const handles = [backend.openAnotherHandle(), backend.openAnotherHandle()];
  try {
    const raised: Alert[][] = [[], []];
    const instances = handles.map((handle, index) =>
      createDomain({
        db: handle,
        coordination: backend.coordination,
        clock,
        passwordIterations: TEST_PASSWORD_ITERATIONS,
        onAlertRaised: (alerts) => {
          raised[index].push(...alerts);
        },
      })
    );
    for (let round = 0; round < 3; round++) {
      await Promise.all(instances.map((instance) => instance.alerts.detect(adAccountId)));
    }
    const stored = await db.kysely.selectFrom("alerts").select(["type", "campaign_id"])
      .where("type", "=", "spend_stopped").execute();
    assert.equal(stored.length, 4, "one per campaign");
    assert.equal(raised[0].length + raised[1].length, 4, "each raised (and announced) once");
    // The database itself refuses a second unresolved alert of the same type and campaign.
    const [one] = await db.kysely.selectFrom("alerts").selectAll().limit(1).execute();
    await assert.rejects(() =>
      db.kysely.insertInto("alerts").values({ ...one, id: crypto.randomUUID() }).execute()
    );
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
}, {
  // Instances share a database server; the embedded SQLite default is one process (two handles
  // in one process would each block the other's event loop while waiting for the file's lock).
  ignore: !Deno.env.get("DATABASE_URL"),
});
