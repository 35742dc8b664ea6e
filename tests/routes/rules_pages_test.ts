import assert from "node:assert/strict";
import {
  demoClient,
  errorsOf,
  type PageClient,
  pagesApp,
  signedUpClient,
} from "./_helpers/pages.ts";

/** Connects a sandbox account through the form; answers its id. */
async function connectAccount(client: PageClient, name = "Rules Shop"): Promise<string> {
  const response = await client.post("/ad-accounts", {
    intent: "connect",
    name,
    currency: "USD",
    timezone: "UTC",
  });
  assert.equal(response.status, 303, response.body);
  const page = await client.follow(response);
  const id = page.body.match(/data-ad-account-id="([0-9a-f-]{36})"/)?.[1];
  assert.ok(id, "the account is listed");
  return id;
}

/** The editor's fields for "pause when CPA today > 40, hourly", as a browser posts them. */
function ruleForm(adAccountId: string, overrides: Record<string, string> = {}) {
  return {
    intent: "save",
    name: "High CPA pause",
    adAccountId,
    match: "all",
    "c0.metric": "cpa",
    "c0.window": "today",
    "c0.days": "7",
    "c0.operator": ">",
    "c0.value": "40",
    "c0.compare": "",
    gateEnabled: "on",
    minImpressions: "1,000",
    minClicks: "10",
    actionType: "pause",
    percent: "",
    amount: "",
    minBudget: "",
    maxBudget: "",
    frequency: "hourly",
    at: "09:00",
    cooldownHours: "24",
    scopeKind: "all",
    nameContains: "",
    ...overrides,
  };
}

Deno.test("rule pages: the editor without JavaScript, the list, the detail and enabling", async (t) => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app, "Rule Writer");
  const adAccountId = await connectAccount(client);
  let ruleId = "";

  await t.step("the frame links to Rules and the empty list offers a first rule", async () => {
    const page = await client.get("/rules");
    assert.equal(page.status, 200);
    assert.match(page.body, /href="\/rules"[^>]*aria-current="page"/);
    assert.match(page.body, /No rules yet/);
    const editor = await client.get("/rules/new");
    assert.equal(editor.status, 200);
    assert.match(editor.body, /data-rule-form/);
    assert.match(editor.body, /name="c0.metric"/);
    assert.match(
      editor.body,
      /data-rule-preview="static"/,
      "the preview island renders server-side",
    );
  });

  await t.step(
    "what cannot be read comes back as sentences on the fields, typed values kept",
    async () => {
      const response = await client.post(
        "/rules/new",
        ruleForm(adAccountId, {
          name: " ",
          "c0.value": "forty",
          actionType: "adjust_budget",
          percent: "",
          cooldownHours: "1.5",
        }),
      );
      assert.equal(response.status, 422);
      const errors = errorsOf(response.body).join("\n");
      assert.match(errors, /field-name: Enter a name for the rule\./);
      assert.match(errors, /field-c0\.value: Enter the value of condition 1 as a number\./);
      assert.match(errors, /field-percent: Enter the budget change in percent as a number\./);
      assert.match(errors, /field-cooldownHours: Enter the cooldown as a whole number of hours\./);
      assert.match(response.body, /value="forty"/, "typed values are kept");
    },
  );

  await t.step("what the domain refuses is worded per field too", async () => {
    const response = await client.post(
      "/rules/new",
      ruleForm(adAccountId, {
        "c0.window": "last_n_days",
        "c0.days": "200",
        "c0.value": "40.123",
        frequency: "daily",
        at: "25:00",
      }),
    );
    assert.equal(response.status, 422);
    const errors = errorsOf(response.body).join("\n");
    assert.match(errors, /field-c0\.days: Condition 1: the number of days must be at most 90\./);
    assert.match(errors, /field-at: The time of day must be a time HH:MM\./);
    // Every message is a sentence.
    for (const line of errorsOf(response.body)) assert.match(line, /: [A-Z].*\.$/, line);
  });

  await t.step("the row buttons re-render the form without saving", async () => {
    const added = await client.post(
      "/rules/new",
      ruleForm(adAccountId, { intent: "add_condition" }),
    );
    assert.equal(added.status, 200);
    assert.match(added.body, /name="c1.metric"/);
    const removed = await client.post(
      "/rules/new",
      ruleForm(adAccountId, {
        intent: "remove:0",
        "c1.metric": "clicks",
        "c1.window": "yesterday",
        "c1.operator": "<",
        "c1.value": "5",
      }),
    );
    assert.equal(removed.status, 200);
    assert.doesNotMatch(removed.body, /name="c1.metric"/);
    assert.match(removed.body, /name="c0.value"[^>]*value="5"/);
    const list = await client.get("/rules");
    assert.match(list.body, /No rules yet/, "nothing was saved");
  });

  await t.step(
    "preview matches: on the server without scripts, as JSON for the island",
    async () => {
      const preview = await client.post("/rules/new", ruleForm(adAccountId, { intent: "preview" }));
      assert.equal(preview.status, 200);
      assert.match(preview.body, /data-preview-matches="0"/);
      assert.match(preview.body, /Right now no campaign matches/);
      const json = await client.post("/rules/preview", ruleForm(adAccountId));
      assert.equal(json.status, 200);
      const body = JSON.parse(json.body);
      assert.equal(body.evaluated, 0);
      assert.deepEqual(body.matches, []);
      const bad = JSON.parse(
        (await client.post(
          "/rules/preview",
          ruleForm(adAccountId, {
            "c0.value": "x",
          }),
        )).body,
      );
      assert.match(bad.error, /Enter the value of condition 1 as a number\./);
      const crossSite = await client.post("/rules/preview", ruleForm(adAccountId), {
        origin: "https://evil.example",
      });
      assert.equal(crossSite.status, 403);
    },
  );

  await t.step("saving redirects (303) to the rule, saved disabled", async () => {
    const response = await client.post("/rules/new", ruleForm(adAccountId));
    assert.equal(response.status, 303, errorsOf(response.body).join("\n"));
    ruleId = response.location!.match(/\/rules\/([0-9a-f-]{36})$/)?.[1] ?? "";
    assert.ok(ruleId);
    const page = await client.follow(response);
    assert.equal(page.status, 200);
    assert.match(page.body, /was saved, disabled/);
    assert.match(page.body, /Pause the campaign when CPA \(today so far\) > \$40\.00/);
    assert.match(page.body, /data-no-backtest/);
    assert.match(page.body, /No evaluations recorded yet/);
    const list = await client.get("/rules");
    assert.match(list.body, new RegExp(`data-rule-id="${ruleId}"`));
    assert.match(list.body, /Disabled/);
    assert.match(list.body, /hourly/);
  });

  await t.step("the editor round trip keeps the rule and saves changes", async () => {
    const editor = await client.get(`/rules/${ruleId}/edit`);
    assert.equal(editor.status, 200);
    assert.match(editor.body, /name="c0.value"[^>]*value="40"/);
    const invalid = await client.post(
      `/rules/${ruleId}/edit`,
      ruleForm(adAccountId, { minImpressions: "-5" }),
    );
    assert.equal(invalid.status, 422);
    assert.match(
      errorsOf(invalid.body).join("\n"),
      /field-minImpressions: The minimum impressions must be at least 0\./,
    );
    const saved = await client.post(
      `/rules/${ruleId}/edit`,
      ruleForm(adAccountId, { name: "High CPA pause (edited)", "c0.value": "45.5" }),
    );
    assert.equal(saved.status, 303);
    const page = await client.follow(saved);
    assert.match(page.body, /High CPA pause \(edited\)/);
    assert.match(page.body, /CPA \(today so far\) > \$45\.50/);
  });

  await t.step("enabling shows the backtest first (running one), then enables", async () => {
    const review = await client.post(`/rules/${ruleId}`, { intent: "review_enable" });
    assert.equal(review.status, 303);
    assert.match(review.location!, /\?enable=review/);
    const page = await client.follow(review);
    assert.match(page.body, /data-enable-review/);
    assert.match(page.body, /Over the last 30 days it would have fired 0 time/);
    assert.match(page.body, /data-outcome/);
    assert.doesNotMatch(page.body, /data-no-backtest/);
    const enabled = await client.post(`/rules/${ruleId}`, { intent: "enable" });
    assert.equal(enabled.status, 303);
    const after = await client.follow(enabled);
    assert.match(after.body, /is enabled and runs on schedule/);
    const list = await client.get("/rules");
    assert.match(list.body, /Enabled/);
    assert.match(list.body, /UTC<\/td>/, "an enabled rule shows its next run");
  });

  await t.step("another user sees none of it", async () => {
    const { client: other } = await signedUpClient(app, "Someone Else");
    assert.equal((await other.get(`/rules/${ruleId}`)).status, 404);
    assert.equal((await other.get(`/rules/${ruleId}/edit`)).status, 404);
    assert.equal((await other.post(`/rules/${ruleId}`, { intent: "disable" })).status, 404);
    assert.equal(
      (await other.post(`/rules/${ruleId}/edit`, ruleForm(adAccountId))).status,
      404,
    );
    await connectAccount(other, "Other Shop");
    const created = await other.post("/rules/new", ruleForm(adAccountId));
    assert.equal(created.status, 422, "someone else's ad account cannot be chosen");
    assert.match(errorsOf(created.body).join("\n"), /field-adAccountId/);
    assert.doesNotMatch((await other.get("/rules")).body, new RegExp(ruleId));
    const preview = JSON.parse((await other.post("/rules/preview", ruleForm(adAccountId))).body);
    assert.match(preview.error, /ad account/i);
    // Still the owner's, untouched.
    assert.match((await client.get(`/rules/${ruleId}`)).body, /Enabled/);
  });

  await t.step("disable and delete", async () => {
    const disabled = await client.post(`/rules/${ruleId}`, { intent: "disable" });
    assert.match((await client.follow(disabled)).body, /is disabled/);
    const deleted = await client.post(`/rules/${ruleId}`, { intent: "delete" });
    assert.equal(deleted.location, "/rules");
    assert.equal((await client.get(`/rules/${ruleId}`)).status, 404);
  });
});

Deno.test("rule pages: the demo rule's backtest as a chart and tables, and a live preview", async () => {
  const app = await pagesApp();
  const client = await demoClient(app);
  const list = await client.get("/rules");
  assert.equal(list.status, 200);
  const ruleId = list.body.match(/data-rule-id="([0-9a-f-]{36})"/)?.[1];
  assert.ok(ruleId, "the demo has a sample rule");
  const ran = await client.post(`/rules/${ruleId}`, { intent: "backtest" });
  assert.equal(ran.status, 303);
  const page = await client.follow(ran);
  assert.match(page.body, /data-backtest-chart="backtest-chart"/);
  assert.match(page.body, /data-budget-path=/, "the changed campaigns' budget paths are drawn");
  assert.match(page.body, /<path d="M/);
  assert.match(page.body, /data-firing=/, "the firings are listed");
  assert.match(page.body, /Estimate:/);
  const editor = await client.get(`/rules/${ruleId}/edit`);
  assert.equal(editor.status, 200);
  const accountId = editor.body.match(/name="adAccountId" value="([0-9a-f-]{36})"/)?.[1];
  assert.ok(accountId);
  assert.match(editor.body, /name="c0.value"[^>]*value="40"/, "the demo rule's row is shown");
  // Any CPA over the last 7 days, without the gate: the demo's campaigns match.
  const form = ruleForm(accountId, {
    intent: "preview",
    "c0.window": "last_n_days",
    "c0.value": "0.01",
    gateEnabled: "",
  });
  const preview = await client.post(`/rules/${ruleId}/edit`, form);
  assert.equal(preview.status, 200);
  assert.match(preview.body, /data-preview-matches="[1-9]\d*"/);
  assert.match(preview.body, /data-preview-match=/);
  const live = JSON.parse((await client.post("/rules/preview", form)).body);
  assert.ok(live.matches.length > 0);
  assert.match(live.matches[0].values, /CPA \(last 7 days\) = \$[\d,.]+ > \$0\.01/);
});
