/**
 * `/api/v1/rules` over REST: create (money in major units, stored in minor), list, get, change,
 * enable with conflict warnings, delete; 422 for bad drafts naming each field; another user sees
 * none of it; backtests of a saved rule (stored as its latest) and of an unsaved draft.
 */
import assert from "node:assert/strict";
import { addDays } from "../../domain/dates.ts";
import { toDbTimestamp } from "../../db/time.ts";
import { apiTest } from "./_helpers/harness.ts";
import { createCampaign } from "../_helpers/fixtures.ts";

apiTest("rules: CRUD, validation, conflicts, tenant isolation and backtests", async (t, api) => {
  const { client, backend } = api;
  const owner = await api.register("owner");
  const token = owner.accessToken;
  const actor = { userId: owner.userId, role: "user" as const };
  const account = await backend.domain.adAccounts.connectSandbox(actor, { name: "Main" });
  const campaign = await createCampaign(backend.domain, actor, account.id, {
    name: "Spring sale",
    budgetAmountMinor: 5_000,
  });
  await backend.domain.campaigns.resume(actor, campaign.id);

  const draft = {
    name: "Pause expensive conversions",
    ad_account_id: account.id,
    scope: { kind: "filter", name_contains: "spring" },
    conditions: {
      match: "all",
      conditions: [
        { metric: "cpa", window: { kind: "yesterday" }, operator: ">", value: 40 },
        {
          match: "any",
          conditions: [
            {
              metric: "spend",
              window: { kind: "last_n_days", n: 7 },
              operator: ">",
              compare_to: { metric: "daily_budget", window: { kind: "today" }, factor: 2 },
            },
          ],
        },
      ],
    },
    action: { type: "pause" },
    schedule: { frequency: "daily", at: "09:00" },
  };
  let ruleId = "";

  await t.step("create answers the rule with its defaults, money as sent", async () => {
    const created = await client.request("POST", "/rules", { token, body: draft });
    assert.equal(created.status, 201, created.text);
    const rule = created.body.data;
    ruleId = rule.id;
    assert.equal(rule.enabled, false);
    assert.equal(rule.cooldown_hours, 24);
    assert.deepEqual(rule.gate, { enabled: true, min_impressions: 1_000, min_clicks: 10 });
    assert.equal(rule.conditions.conditions[0].value, 40);
    assert.equal(rule.conditions.conditions[1].conditions[0].compare_to.factor, 2);
    assert.equal(rule.currency, "USD");
    assert.deepEqual(rule.warnings, []);
    assert.equal(rule.latest_backtest, null);
    // Stored in minor units like the rest of the product.
    const row = await backend.db.kysely.selectFrom("rules").select("definition")
      .where("id", "=", ruleId).executeTakeFirstOrThrow();
    assert.equal(JSON.parse(row.definition).conditions.conditions[0].value, 4_000);
  });

  await t.step("422 names each bad field", async () => {
    const bad = await client.request("POST", "/rules", {
      token,
      body: {
        ...draft,
        name: "",
        conditions: {
          match: "all",
          conditions: [{ metric: "cpa", window: { kind: "last_n_days", n: 400 }, operator: ">" }],
        },
        action: { type: "adjust_budget", percent: 0 },
        schedule: { frequency: "daily", at: "25:00" },
      },
    });
    assert.equal(bad.status, 422, bad.text);
    const fields = bad.body.errors.map((error: { field: string }) => error.field);
    for (const field of ["name", "schedule.at", "action.percent"]) {
      assert.ok(fields.some((f: string) => f.startsWith(field)), `${field} in ${fields}`);
    }
    assert.ok(fields.some((f: string) => f.startsWith("conditions")), fields.join());
    const cents = await client.request("POST", "/rules", {
      token,
      body: {
        ...draft,
        conditions: {
          match: "all",
          conditions: [{ metric: "cpa", window: { kind: "today" }, operator: ">", value: 40.555 }],
        },
      },
    });
    assert.equal(cents.status, 422);
    assert.deepEqual(cents.body.errors.map((error: { field: string }) => error.field), [
      "conditions.conditions.0.value",
    ]);
    const foreign = await client.request("POST", "/rules", {
      token,
      body: { ...draft, scope: { kind: "campaigns", campaign_ids: [crypto.randomUUID()] } },
    });
    assert.equal(foreign.status, 422);
    assert.deepEqual(foreign.body.errors.map((error: { field: string }) => error.field), [
      "scope.campaign_ids.0",
    ]);
  });

  await t.step("list, get, patch, and conflicts between enabled rules", async () => {
    const resume = await client.request("POST", "/rules", {
      token,
      body: {
        ...draft,
        name: "Resume good ones",
        enabled: true,
        scope: { kind: "campaigns", campaign_ids: [campaign.id] },
        action: { type: "resume" },
      },
    });
    assert.equal(resume.status, 201, resume.text);
    const list = await client.request("GET", "/rules", { token });
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 2);
    const one = await client.request("GET", `/rules/${ruleId}`, { token });
    assert.equal(one.body.data.warnings.length, 1);
    assert.equal(one.body.data.warnings[0].kind, "pause_vs_resume");
    assert.deepEqual(one.body.data.warnings[0].campaign_ids, [campaign.id]);
    const patched = await client.request("PATCH", `/rules/${ruleId}`, {
      token,
      body: { action: { type: "adjust_budget", percent: -20, min_budget: 10 }, cooldown_hours: 6 },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.data.action, {
      type: "adjust_budget",
      percent: -20,
      min_budget: 10,
    });
    assert.equal(patched.body.data.cooldown_hours, 6);
    assert.deepEqual(patched.body.data.warnings, []);
    const enabled = await client.request("POST", `/rules/${ruleId}/enable`, { token });
    assert.equal(enabled.status, 200);
    assert.equal(enabled.body.data.enabled, true);
    const disabled = await client.request("POST", `/rules/${ruleId}/disable`, { token });
    assert.equal(disabled.body.data.enabled, false);
    const removed = await client.request("DELETE", `/rules/${resume.body.data.id}`, { token });
    assert.equal(removed.status, 200);
    assert.equal((await client.request("GET", "/rules", { token })).body.total, 1);
  });

  await t.step("another user sees none of it", async () => {
    const other = (await api.register("other")).accessToken;
    assert.equal((await client.request("GET", "/rules", { token: other })).body.total, 0);
    for (
      const [method, path] of [
        ["GET", `/rules/${ruleId}`],
        ["PATCH", `/rules/${ruleId}`],
        ["DELETE", `/rules/${ruleId}`],
        ["POST", `/rules/${ruleId}/enable`],
        ["POST", `/rules/${ruleId}/backtest`],
        ["GET", `/rules/${ruleId}/backtest`],
      ]
    ) {
      const response = await client.request(method, path, {
        token: other,
        body: method === "PATCH" ? { name: "mine" } : undefined,
      });
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    const draftOnTheirAccount = await client.request("POST", "/rules/backtest", {
      token: other,
      body: draft,
    });
    assert.equal(draftOnTheirAccount.status, 404);
    const createOnTheirAccount = await client.request("POST", "/rules", {
      token: other,
      body: draft,
    });
    assert.equal(createOnTheirAccount.status, 404);
  });

  await t.step("backtests: a saved rule's is stored as its latest; a draft's is not", async () => {
    // Ten days of history: CPA 50 (over the rule's 40) on days with enough data.
    const today = "2026-11-26";
    const at = toDbTimestamp(backend.clock.now());
    for (let day = 1; day <= 10; day++) {
      await backend.db.kysely.insertInto("campaign_metrics").values({
        id: crypto.randomUUID(),
        user_id: owner.userId,
        ad_account_id: account.id,
        campaign_id: campaign.id,
        metric_date: addDays(today, -day),
        impressions: 5_000,
        clicks: 60,
        spend_minor: 5_000,
        conversions: 1,
        revenue_minor: 2_000,
        created_at: at,
        updated_at: at,
      }).execute();
    }
    const simple = {
      ...draft,
      conditions: {
        match: "all",
        conditions: [{ metric: "cpa", window: { kind: "yesterday" }, operator: ">", value: 40 }],
      },
      action: { type: "notify_only" },
    };
    const drafted = await client.request("POST", "/rules/backtest?days=7", {
      token,
      body: simple,
    });
    assert.equal(drafted.status, 200, drafted.text);
    const result = drafted.body.data;
    assert.equal(result.rule_id, null);
    assert.equal(result.days, 7);
    assert.equal(result.to, "2026-11-25");
    assert.equal(result.firing_count, 7);
    assert.equal(result.firings[0].at, "2026-11-19T09:00");
    assert.deepEqual(result.firings[0].evaluation.conditions[0].actual, 5_000);
    assert.equal(result.outcome.estimate, true);

    const { ad_account_id: _account, ...changes } = simple;
    const patched = await client.request("PATCH", `/rules/${ruleId}`, { token, body: changes });
    assert.equal(patched.status, 200, patched.text);
    const saved = await client.request("POST", `/rules/${ruleId}/backtest`, { token });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.body.data.days, 30);
    // Yesterday's CPA is known from 2026-11-17 (the first stored day is 11-16) to 11-25.
    assert.equal(saved.body.data.firing_count, 9);
    const latest = await client.request("GET", `/rules/${ruleId}/backtest`, { token });
    assert.equal(latest.body.data.firing_count, 9);
    const rule = await client.request("GET", `/rules/${ruleId}`, { token });
    assert.equal(rule.body.data.latest_backtest.firing_count, 9);
    assert.equal(rule.body.data.latest_backtest.days, 30);

    const tooLong = await client.request("POST", `/rules/${ruleId}/backtest?days=91`, { token });
    assert.equal(tooLong.status, 422);
  });
});
