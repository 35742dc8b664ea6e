/** The demo seed: campaigns in every state with ~60 days of metrics, idempotent. */
import assert from "node:assert/strict";
import { addDays, dateOf } from "../../domain/dates.ts";
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from "../../domain/demo.ts";
import { backendTest, TEST_PASSWORD_ITERATIONS } from "../_helpers/backend.ts";

backendTest("demo seed", async (t, { db, coordination, clock, domain }) => {
  const seed = () =>
    seedDemo({ db, coordination, clock, passwordIterations: TEST_PASSWORD_ITERATIONS });
  const countRows = async (table: "campaigns" | "campaign_metrics" | "users" | "ad_accounts") =>
    (await db.kysely.selectFrom(table).select("id").execute()).length;

  const first = await seed();

  await t.step(
    "creates the demo user, a sandbox account and campaigns in every state",
    async () => {
      assert.equal(first.email, DEMO_EMAIL);
      assert.equal(first.campaignsCreated, 6);
      const { actor } = await domain.accounts.authenticate({
        email: DEMO_EMAIL,
        password: DEMO_PASSWORD,
      });
      const campaigns = await domain.campaigns.list(actor, { limit: 100 });
      assert.deepEqual(
        [...new Set(campaigns.items.map((campaign) => campaign.status))].sort(),
        ["active", "archived", "draft", "paused"],
      );
    },
  );

  await t.step("there are about 60 days of metrics up to today", async () => {
    const { actor } = await domain.accounts.authenticate({
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
    });
    const today = dateOf(clock.now());
    const report = await domain.metrics.performance(actor, {
      from: addDays(today, -60),
      to: today,
    });
    const active = report.daily.filter((day) => day.spendMinor > 0);
    assert.ok(active.length >= 60, `${active.length} days with spend`);
    assert.ok(report.totals.conversions > 0 && report.totals.revenueMinor > 0);
  });

  await t.step("running it again duplicates nothing", async () => {
    const before = await Promise.all(
      (["users", "ad_accounts", "campaigns", "campaign_metrics"] as const).map(countRows),
    );
    const second = await seed();
    assert.equal(second.campaignsCreated, 0);
    assert.equal(second.userId, first.userId);
    const after = await Promise.all(
      (["users", "ad_accounts", "campaigns", "campaign_metrics"] as const).map(countRows),
    );
    assert.deepEqual(after, before);
  });
});
