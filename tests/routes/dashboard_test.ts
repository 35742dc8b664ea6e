import assert from "node:assert/strict";
import { addDays, dateOf } from "../../domain/dates.ts";
import { demoClient, pagesApp, seededDemo, signedUpClient } from "./_helpers/pages.ts";

/** The `data-value`s of the points of one chart on a page. */
function chartValues(body: string, id: string): number[] {
  const start = body.indexOf(`data-chart="${id}"`);
  assert.ok(start >= 0, `chart ${id} is on the page`);
  const figure = body.slice(start, body.indexOf("</figure>", start));
  assert.match(figure, /<svg [^>]*role="img"/);
  assert.match(figure, new RegExp(`<title id="${id}-title">`));
  assert.match(figure, new RegExp(`<desc id="${id}-desc">`));
  return [...figure.matchAll(/<circle [^>]*data-value="(\d+)"/g)].map((match) => Number(match[1]));
}

Deno.test("dashboard", async (t) => {
  const app = await pagesApp();
  const client = await demoClient(app);
  const { userId } = await seededDemo(app);

  await t.step("charts daily spend and conversions of the seeded metrics", async () => {
    const { status, body } = await client.get("/dashboard");
    assert.equal(status, 200);
    const today = dateOf(new Date());
    const report = await app.services.domain.metrics.performance(
      { userId, role: "user" },
      { from: addDays(today, -30), to: addDays(today, -1) },
    );
    const spend = chartValues(body, "dashboard-spend");
    const conversions = chartValues(body, "dashboard-conversions");
    assert.equal(spend.length, 30, "one point per complete day of the default 30-day range");
    assert.deepEqual(spend, report.daily.map((day) => day.spendMinor));
    assert.deepEqual(conversions, report.daily.map((day) => day.conversions));
    assert.ok(report.totals.spendMinor > 0, "the seed produced delivery");
    assert.match(body, /<path d="M[\d.]+,[\d.]+C/, "a drawn line");
    assert.match(body, /<rect [^>]*><title>[A-Z][a-z]{2} \d+, \d{4}: \$[\d,.]+<\/title>/);
    assert.match(body, /<dt[^>]*>Spend<\/dt>/);
    for (const label of ["Conversions", "CPA", "ROAS", "Clicks", "CTR"]) {
      assert.match(body, new RegExp(`<dt[^>]*>${label}</dt>`));
    }
    assert.match(body, /<option value="last_30_days" selected>Last 30 days<\/option>/);
    assert.match(body, /data-range-label="true">[A-Z][a-z]{2} \d+ – [A-Z][a-z]{2} \d+(, \d{4})?</);
    assert.match(body, /Compared with /);
    assert.match(body, /data-change="true">/, "tiles show the change against the previous period");
    assert.doesNotMatch(body, /data-partial-day/, "complete days only: no partial day drawn");
    assert.match(body, /<title>Dashboard · AAE<\/title>/);
  });

  await t.step("the period picker switches the range; old links still work", async () => {
    const { body } = await client.get("/dashboard?range=last_7_days");
    assert.equal(chartValues(body, "dashboard-spend").length, 7);
    assert.equal(
      chartValues((await client.get("/dashboard?days=7")).body, "dashboard-spend").length,
      7,
    );
    const fallback = await client.get("/dashboard?days=12");
    assert.equal(chartValues(fallback.body, "dashboard-spend").length, 30);
    const custom = await client.get("/dashboard?range=custom&from=2026-11-01&to=2026-11-10");
    assert.equal(chartValues(custom.body, "dashboard-spend").length, 10);
    assert.match(custom.body, /data-range-label="true">Nov 1 – Nov 10</);
  });

  await t.step("a range reaching today draws its partial day dashed, not as a drop", async () => {
    const today = dateOf(new Date());
    const { body } = await client.get(`/dashboard?from=${addDays(today, -3)}&to=${today}`);
    assert.equal(chartValues(body, "dashboard-spend").length, 4);
    assert.match(body, /<path d="M[^"]+"[^>]*stroke-dasharray="4 4"[^>]*data-partial-day/);
    assert.match(body, /today so far dashed/);
    assert.match(body, /: \$[\d,.]+ so far<\/title>/);
  });

  await t.step("the daily table exports as CSV", async () => {
    const response = await client.get("/dashboard?range=last_7_days&format=csv");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type")!, /^text\/csv/);
    assert.match(response.headers.get("content-disposition")!, /attachment; filename="daily-/);
    const lines = response.body.trimEnd().split("\r\n");
    assert.equal(
      lines[0],
      "date,currency,spend,impressions,clicks,ctr,cpc,conversions,cpa,revenue,roas",
    );
    assert.equal(lines.length, 1 + 7 + 1, "header, 7 days, total");
    assert.match(lines[1], /^\d{4}-\d{2}-\d{2},USD,\d+\.\d{2},/);
    assert.match(lines[8], /^total,USD,/);
  });

  await t.step("the hover island enhances the chart, which is complete without it", async () => {
    const { body } = await client.get("/dashboard");
    assert.match(body, /<!--frsh:island:\d+:ChartHover:default:-->/);
    assert.match(body, /<script type="module">/);
  });

  await t.step("a user without ad accounts gets the empty state", async () => {
    const { client: newcomer } = await signedUpClient(app);
    const { body } = await newcomer.get("/dashboard");
    assert.match(body, /Connect an ad account to see your results/);
    assert.match(body, /href="\/ad-accounts#connect"/);
    // No chart (the floating assistant's button icon is an <svg> on every page).
    assert.doesNotMatch(body, /data-chart=/);
  });

  await t.step("the campaign page charts that campaign's days", async () => {
    const list = await client.get("/campaigns?q=Spring");
    const id = list.body.match(/data-campaign-id="([0-9a-f-]{36})"/)![1];
    const { body } = await client.get(`/campaigns/${id}?days=90`);
    assert.equal(chartValues(body, "campaign-spend").length, 90);
    const csv = await client.get(`/campaigns/${id}?range=last_14_days&format=csv`);
    assert.match(csv.headers.get("content-disposition")!, /filename="daily-Spring_Sale/);
    assert.equal(csv.body.trimEnd().split("\r\n").length, 1 + 14 + 1);
    assert.match(body, /Spring Sale: 20% off/, "its creatives are listed");
  });
});
