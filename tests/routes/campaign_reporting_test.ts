/** The campaign table as a report: metric sorts, the period, CSV export and bulk pause/resume. */
import assert from "node:assert/strict";
import { addDays, dateOf } from "../../domain/dates.ts";
import { demoClient, pagesApp, seededDemo, signedUpClient } from "./_helpers/pages.ts";

const rowIds = (body: string) =>
  [...body.matchAll(/<tr [^>]*data-campaign-id="([0-9a-f-]{36})"/g)].map((match) => match[1]);

Deno.test("the demo's campaign table sorts by every metric over the chosen period", async (t) => {
  const app = await pagesApp();
  const client = await demoClient(app);
  const { userId } = await seededDemo(app);
  const actor = { userId, role: "user" as const };
  const today = dateOf(new Date());
  const period = { from: addDays(today, -30), to: addDays(today, -1) };

  for (const sort of ["-spend", "spend", "-clicks", "-conversions", "cpa", "-cpa", "-roas"]) {
    await t.step(`sort=${sort}: server-side, with aria-sort`, async () => {
      const { status, body } = await client.get(`/campaigns?sort=${sort}&range=last_30_days`);
      assert.equal(status, 200);
      const expected = await app.services.domain.campaigns.list(actor, {
        sort: sort as "-spend",
        ...period,
        limit: 20,
      });
      assert.deepEqual(rowIds(body), expected.items.map((item) => item.id));
      const key = sort.replace("-", "");
      const read = (item: (typeof expected.items)[number]) => {
        const value = { spend: item.totals.spendMinor, clicks: item.totals.clicks }[key] ??
          { conversions: item.totals.conversions }[key] ??
          (key === "cpa" ? item.totals.cpa : item.totals.roas);
        return value === null ? null : Number(value);
      };
      const values = expected.items.map(read);
      const present = values.filter((value): value is number => value !== null);
      assert.deepEqual(
        values.slice(0, present.length),
        present,
        "campaigns without a value come last",
      );
      const sorted = [...present].sort((a, b) => sort.startsWith("-") ? b - a : a - b);
      assert.deepEqual(present, sorted);
      const direction = sort.startsWith("-") ? "descending" : "ascending";
      assert.match(body, new RegExp(`<th scope="col" aria-sort="${direction}"`));
    });
  }

  await t.step("a custom range from two plain date inputs, labelled on screen", async () => {
    const { body } = await client.get(
      `/campaigns?range=custom&from=${addDays(today, -10)}&to=${addDays(today, -4)}&sort=-spend`,
    );
    assert.match(body, /data-range-label="true">[A-Z][a-z]{2} \d+ – [A-Z][a-z]{2} \d+/);
    assert.match(body, /<input type="date" name="from" value="\d{4}-\d{2}-\d{2}"/);
    // The filters and sort links keep the period.
    assert.match(body, /<input type="hidden" name="range" value="custom"/);
    assert.match(
      body,
      /href="\/campaigns\?range=custom&amp;from=[\d-]+&amp;to=[\d-]+&amp;sort=spend"/,
    );
  });

  await t.step("CSV export of the table: every match, money in the account currency", async () => {
    const response = await client.get("/campaigns?range=last_30_days&sort=-spend&format=csv");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type")!, /^text\/csv; charset=utf-8/);
    assert.match(response.headers.get("content-disposition")!, /^attachment; filename="campaigns-/);
    const lines = response.body.trimEnd().split("\r\n");
    assert.equal(
      lines[0],
      "from,to,campaign_id,campaign,ad_account,status,objective,budget_type,budget,currency," +
        "spend,impressions,clicks,ctr,cpc,conversions,cpa,revenue,roas",
    );
    const all = await app.services.domain.campaigns.list(actor, { ...period, sort: "-spend" });
    assert.equal(lines.length - 1, all.total);
    const first = all.items[0];
    assert.ok(lines[1].startsWith(`${period.from},${period.to},${first.id},`));
    const spend = (first.totals.spendMinor / 100).toFixed(2);
    assert.match(lines[1], new RegExp(`,USD,${spend.replace(".", "\\.")},`));
  });
});

Deno.test("bulk pause and resume go through the gateway, one result per campaign", async (t) => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app, "Bulk Operator");
  const connected = await client.post("/ad-accounts", {
    intent: "connect",
    name: "Bulk Shop",
    currency: "EUR",
    timezone: "Europe/Berlin",
  });
  assert.equal(connected.status, 303);
  const claims = await app.services.accessTokens.verify(client.cookies.get("aae_access")!);
  const actor = { userId: claims!.userId, role: "user" as const };
  const { domain } = app.services;
  const [account] = (await domain.adAccounts.list(actor)).items;
  const make = async (name: string, launch: boolean) => {
    const campaign = await domain.campaigns.create(actor, {
      adAccountId: account.id,
      name,
      objective: "traffic",
      budgetType: "daily",
      budgetAmountMinor: 2_500,
    });
    if (launch) await domain.campaigns.resume(actor, campaign.id);
    return campaign.id;
  };
  const live = [await make("Live One", true), await make("Live Two", true)];
  const draft = await make('=HYPERLINK("http://evil.example"), "sale"', false);

  await t.step("the selection is posted as a plain form; 303 back to the same list", async () => {
    const response = await client.send("/campaigns", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://localhost",
      },
      body: new URLSearchParams([
        ["action", "pause"],
        ["back", "/campaigns?sort=name"],
        ...[...live, draft].map((id) => ["id", id]),
      ]),
    });
    assert.equal(response.status, 303);
    assert.equal(response.location, "/campaigns?sort=name");
    const page = await client.follow(response);
    const results = page.body.slice(page.body.indexOf("data-bulk-results"));
    assert.match(results, /<li data-outcome="done">“Live One”: done/);
    assert.match(results, /<li data-outcome="done">“Live Two”: done/);
    assert.match(results, /<li data-outcome="refused">“=HYPERLINK[^<]*”: refused \([^)]+\)/);
    for (const id of live) assert.equal((await domain.campaigns.get(actor, id)).status, "paused");
    assert.equal((await domain.campaigns.get(actor, draft)).status, "draft");
    const again = await client.get("/campaigns?sort=name");
    assert.doesNotMatch(again.body, /data-bulk-results/, "results are shown once");
  });

  await t.step("each change is recorded in the history as the person's", async () => {
    const history = await domain.changes.list(actor, { campaignId: live[0] });
    assert.ok(history.items.some((change) => change.fields.status?.after === "paused"));
  });

  await t.step("resume brings them back; nothing selected is an error, not a crash", async () => {
    const resumed = await client.send("/campaigns", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://localhost",
      },
      body: new URLSearchParams([["action", "resume"], ...live.map((id) => ["id", id])]),
    });
    assert.equal(resumed.status, 303);
    for (const id of live) assert.equal((await domain.campaigns.get(actor, id)).status, "active");
    const empty = await client.post("/campaigns", { action: "pause" });
    assert.equal(empty.status, 303);
    assert.match((await client.follow(empty)).body, /Select at least one campaign/);
    const foreign = await client.post("/campaigns", {
      action: "pause",
      id: "00000000-0000-4000-8000-000000000000",
    });
    assert.match((await client.follow(foreign)).body, /data-outcome="refused"/);
  });

  await t.step("the CSV is RFC 4180 and neutralises formulas", async () => {
    const { body } = await client.get("/campaigns?format=csv&sort=name");
    assert.match(body, /,"'=HYPERLINK\(""http:\/\/evil\.example""\), ""sale""",Bulk Shop,draft,/);
    assert.match(body, /,EUR,0\.00,0,0,,,0,,0\.00,\r\n/);
  });
});
