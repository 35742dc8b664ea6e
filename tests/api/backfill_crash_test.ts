/**
 * Crash test for a connected account's backfill: a Meta account is connected through the OAuth
 * flow over plain HTTP (the app's pages and the Meta fake's consent dialog), and the real app
 * process is SIGKILLed in the middle of the 90-day backfill (after its 4th chunk of days was
 * recorded, by a test-hook pause point). After a restart on the same data the backfill resumes
 * by itself once the dead runner's lease lapses: it completes with every day Meta reports, none
 * missing and none stored twice, the spend equal to Meta's, and the chunks done before the crash
 * are not fetched again.
 *
 * Runs on the embedded default (SQLite + in-process coordination), and on MariaDB + Redis when
 * DATABASE_URL / REDIS_URL are set.
 */
import assert from "node:assert/strict";
import { type AppProcess, sharedData, startApp } from "../agent/_helpers/app_process.ts";
import { backendName } from "../_helpers/backend.ts";
import { cookieHeader, signUpCookies } from "../_helpers/signed_in.ts";
import { FakeClock } from "../fakes/_shared.ts";
import { META_FAKE_VERSION, startMetaFake } from "../fakes/meta/server.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Follows one redirect by hand (cookies are the test's to send); returns the Location. */
async function step(url: string, init: RequestInit = {}): Promise<string> {
  const response = await fetch(url, { ...init, redirect: "manual" });
  await response.body?.cancel();
  const location = response.headers.get("location");
  assert.ok(response.status === 302 || response.status === 303, `${url}: ${response.status}`);
  assert.ok(location, `${url}: no location`);
  return new URL(location, url).toString();
}

Deno.test({
  name: `[${backendName()}] a backfill cut off by SIGKILL completes after restart, each day once`,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const meta = startMetaFake({ clock: new FakeClock(Date.now()) });
    const metaAccount = meta.addAccount({
      name: "Crash shop",
      currency: "USD",
      timezone: "Asia/Tokyo",
    });
    const campaignId = meta.seedCampaign(metaAccount, {
      name: "Always on",
      dailyBudget: 7_500,
      activeSince: Date.now() - 150 * 86_400_000,
    });
    // The ranges of insights asked for (each backfill chunk through one report run).
    const insightRanges = meta.rangesAsked;
    const shared = await sharedData();
    const env = {
      ...shared.env,
      META_APP_ID: meta.app.clientId,
      META_APP_SECRET: meta.app.clientSecret,
      META_API_BASE_URL: meta.url,
      META_LOGIN_BASE_URL: meta.url,
      WORKFLOW_POLL_MS: "100",
      WORKFLOW_LEASE_MS: "1500",
    };
    let app: AppProcess | undefined = await startApp({
      ...env,
      AAE_TEST_PAUSE_AT: "backfill_after_chunk:4",
    });
    try {
      const session = await signUpCookies(app.url);
      const cookie = cookieHeader(session);
      const form = { cookie, origin: app.url, "content-type": "application/x-www-form-urlencoded" };

      // Connect → Meta's consent dialog → callback → picker → pick the account.
      const dialog = await step(`${app.url}/ad-accounts/connect/meta`, {
        method: "POST",
        headers: form,
        body: "",
      });
      assert.ok(dialog.startsWith(meta.url), dialog);
      const callback = await step(dialog);
      const picker = await step(callback, { headers: { cookie } });
      assert.match(picker, /\/ad-accounts\/picker\/[0-9a-f-]{36}$/);
      const accountPage = await step(picker, {
        method: "POST",
        headers: form,
        body: new URLSearchParams({ account: metaAccount }),
      });
      const adAccountId = /\/ad-accounts\/([0-9a-f-]{36})$/.exec(accountPage)![1];

      await app.waitFor("AAE_TEST_PAUSED backfill_after_chunk:4", 60_000);
      const beforeCrash = insightRanges.length;
      assert.equal(beforeCrash, 4, insightRanges.join("\n"));
      await app.kill("SIGKILL");

      app = await startApp(env);
      const syncUrl = `${app.url}/api/v1/ad-accounts/${adAccountId}/sync`;
      let sync: Record<string, unknown> = {};
      const deadline = Date.now() + 90_000;
      for (;;) {
        const response = await fetch(syncUrl, { headers: { cookie } });
        assert.equal(response.status, 200);
        sync = (await response.json()).data;
        const backfill = sync.backfill as { status: string } | null;
        if (backfill?.status === "succeeded" || backfill?.status === "failed") break;
        assert.ok(Date.now() < deadline, `backfill did not finish: ${JSON.stringify(sync)}`);
        await sleep(100);
      }
      assert.deepEqual(sync.backfill, {
        status: "succeeded",
        days_done: 90,
        days_total: 90,
        error: null,
      });
      assert.equal(sync.last_error, null);
      // 9 chunks of 10 days: the 4 done before the crash were not fetched again.
      assert.equal(insightRanges.length, 9, insightRanges.join("\n"));
      assert.equal(new Set(insightRanges).size, 9);

      // Every day Meta reports, once, with Meta's spend.
      const token = meta.issueToken([metaAccount]);
      const { db } = shared.open();
      const stored = await db.kysely.selectFrom("campaign_metrics")
        .innerJoin("campaigns", "campaigns.id", "campaign_metrics.campaign_id")
        .select(["campaign_metrics.metric_date", "campaign_metrics.spend_minor"])
        .where("campaigns.ad_account_id", "=", adAccountId)
        .where("campaigns.external_id", "=", campaignId)
        .orderBy("campaign_metrics.metric_date").execute();
      const first = stored[0].metric_date;
      const last = stored.at(-1)!.metric_date;
      const insights = new URL(`${meta.url}/${META_FAKE_VERSION}/${campaignId}/insights`);
      insights.searchParams.set("time_range", JSON.stringify({ since: first, until: last }));
      insights.searchParams.set("time_increment", "1");
      insights.searchParams.set("fields", "spend");
      insights.searchParams.set("limit", "500");
      insights.searchParams.set("access_token", token);
      const truth = (await (await fetch(insights)).json()).data as {
        date_start: string;
        spend: string;
      }[];
      assert.deepEqual(
        stored.map((row) => [row.metric_date, Number(row.spend_minor)]),
        truth.map((row) => [row.date_start, Math.round(Number(row.spend) * 100)]),
      );
      assert.ok(stored.length >= 80, `only ${stored.length} days`);
      assert.equal(new Set(stored.map((row) => row.metric_date)).size, stored.length);
    } finally {
      await app?.stop();
      await meta.close();
      await shared.dispose();
    }
  },
});
