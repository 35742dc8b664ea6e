/**
 * The report tools' default range: the last 7 complete days of the scope's time zone — the
 * account's for one account or campaign; for all accounts their shared zone, else the user's.
 */
import assert from "node:assert/strict";
import { connectInProcess } from "../../../mcp/mod.ts";
import { backendTest, testClock } from "../../_helpers/backend.ts";
import { createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { call, structured, testServices } from "./_helpers.ts";

/** 20:00 on 26 November in Los Angeles (UTC−8); 27 November in UTC, Tokyo and Auckland. */
const EVENING_IN_LOS_ANGELES = "2026-11-27T04:00:00.000Z";

interface Report {
  from: string;
  to: string;
  daily: { date: string; spendMinor: number }[];
}

backendTest("MCP report tools count default days in the account's zone", async (t, backend) => {
  const services = await testServices(backend);
  const { domain } = backend;
  backend.clock.set(EVENING_IN_LOS_ANGELES);

  await t.step("one Los Angeles account: yesterday is the 25th, not the 26th", async () => {
    const actor = await registerUser(domain, "west");
    const account = await domain.adAccounts.connectSandbox(actor, {
      name: "West",
      timezone: "America/Los_Angeles",
    });
    const earlier = backend.domainWith({ clock: testClock("2026-11-10T20:00:00.000Z") });
    const campaign = await createCampaign(earlier, actor, account.id, { budgetAmountMinor: 4_000 });
    await earlier.campaigns.resume(actor, campaign.id);
    const client = await connectInProcess(services, actor, { clock: backend.clock });
    try {
      for (
        const scope of [{ campaignId: campaign.id }, { adAccountId: account.id }, {}]
      ) {
        const report = structured(await call(client, "daily_trend", scope)) as unknown as Report;
        assert.equal(report.to, "2026-11-25", JSON.stringify(scope));
        assert.equal(report.from, "2026-11-19");
        assert.equal(report.daily.length, 7);
        for (const day of report.daily) {
          assert.ok(day.spendMinor > 0 && day.spendMinor <= 4_000, day.date);
        }
      }
    } finally {
      await client.close();
    }
  });

  await t.step("accounts in different zones: the user's own zone decides", async () => {
    const actor = await registerUser(domain, "mixed");
    await domain.accounts.updateProfile(actor, { timezone: "America/New_York" });
    const tokyo = await domain.adAccounts.connectSandbox(actor, {
      name: "Tokyo",
      timezone: "Asia/Tokyo",
    });
    await domain.adAccounts.connectSandbox(actor, {
      name: "Auckland",
      timezone: "Pacific/Auckland",
    });
    const client = await connectInProcess(services, actor, { clock: backend.clock });
    try {
      // 23:00 on the 26th in New York, though both accounts are already on the 27th.
      const all = structured(await call(client, "performance_summary", {})) as unknown as Report;
      assert.deepEqual([all.from, all.to], ["2026-11-19", "2026-11-25"]);
      const one = structured(
        await call(client, "performance_summary", { adAccountId: tokyo.id }),
      ) as unknown as Report;
      assert.deepEqual([one.from, one.to], ["2026-11-20", "2026-11-26"]);
      const explicit = structured(
        await call(client, "performance_summary", { adAccountId: tokyo.id, to: "2026-11-27" }),
      ) as unknown as Report;
      assert.deepEqual([explicit.from, explicit.to], ["2026-11-21", "2026-11-27"]);
    } finally {
      await client.close();
    }
  });
});
