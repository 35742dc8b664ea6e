/**
 * Rule execution over REST: `GET /rules/{id}/evaluations` (why each campaign did or didn't
 * fire, per slot) and `GET /workflow-runs[/{id}]` (the durable runs with their steps), checked
 * against the OpenAPI document; another user gets 404s and empty lists.
 */
import assert from "node:assert/strict";
import { addDays } from "../../domain/dates.ts";
import { toDbTimestamp } from "../../db/time.ts";
import { apiTest } from "./_helpers/harness.ts";
import { createCampaign } from "../_helpers/fixtures.ts";

apiTest("rule evaluations and workflow runs over REST", async (t, api) => {
  const { client, backend } = api;
  const { domain } = backend;
  const owner = await api.register("owner");
  const token = owner.accessToken;
  const actor = { userId: owner.userId, role: "user" as const };
  const account = await domain.adAccounts.connectSandbox(actor, { name: "Main" });
  const names = ["Expensive", "Cheap"];
  const ids: string[] = [];
  const at = toDbTimestamp(backend.clock.now());
  for (const [index, name] of names.entries()) {
    const campaign = await createCampaign(domain, actor, account.id, { name });
    await domain.campaigns.resume(actor, campaign.id);
    ids.push(campaign.id);
    await backend.db.kysely.insertInto("campaign_metrics").values({
      id: crypto.randomUUID(),
      user_id: actor.userId,
      ad_account_id: account.id,
      campaign_id: campaign.id,
      metric_date: addDays("2026-11-26", -1),
      impressions: 4_000,
      clicks: 50,
      spend_minor: index === 0 ? 8_000 : 1_000,
      conversions: 1,
      revenue_minor: 0,
      created_at: at,
      updated_at: at,
    }).execute();
  }
  const created = await client.request("POST", "/rules", {
    token,
    body: {
      name: "Pause CPA over 40",
      ad_account_id: account.id,
      enabled: true,
      scope: { kind: "all" },
      conditions: {
        match: "all",
        conditions: [{ metric: "cpa", window: { kind: "yesterday" }, operator: ">", value: 40 }],
      },
      action: { type: "pause" },
      schedule: { frequency: "hourly" },
    },
  });
  assert.equal(created.status, 201, created.text);
  const ruleId = created.body.data.id as string;
  assert.equal(await domain.ruleExecution.tick(domain.workflows.enqueue), 1);
  assert.equal(await domain.workflows.runDue("test"), 1);

  let runId = "";
  await t.step("evaluations: each campaign's values and what stopped it", async () => {
    const response = await client.request("GET", `/rules/${ruleId}/evaluations`, { token });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.total, 1);
    const [evaluation] = response.body.items;
    runId = evaluation.run_id;
    assert.equal(evaluation.slot_local, "2026-11-26T12:00");
    assert.deepEqual(evaluation.counts, { applied: 1, not_fired: 1 });
    const [cheap, expensive] = evaluation.campaigns; // by name
    assert.equal(expensive.campaign_id, ids[0]);
    assert.equal(expensive.outcome, "applied");
    assert.ok(expensive.change_id);
    assert.equal(expensive.evaluation.conditions[0].actual, 8_000);
    assert.equal(expensive.windows.yesterday.spend_minor, 8_000);
    assert.equal(cheap.outcome, "not_fired");
    assert.equal(cheap.stopped_by, "conditions");
    const fired = await client.request("GET", `/rules/${ruleId}/evaluations?fired_only=true`, {
      token,
    });
    assert.equal(fired.body.total, 1);
  });

  await t.step("workflow runs: the list and one run with its steps", async () => {
    const list = await client.request("GET", `/workflow-runs?kind=rule_evaluation`, { token });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.total, 1);
    assert.equal(list.body.items[0].subject_id, ruleId);
    assert.equal(list.body.items[0].status, "succeeded");
    const one = await client.request("GET", `/workflow-runs/${runId}`, { token });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(
      one.body.data.steps.map((step: { key: string }) => step.key),
      ["evaluate", `apply:${ids[0]}`],
    );
    const changes = await client.request("GET", `/changes?source_id=${ruleId}`, { token });
    assert.equal(changes.body.total, 1);
    assert.equal(changes.body.items[0].actor_kind, "rule");
  });

  await t.step("another user sees none of it", async () => {
    const other = (await api.register("other")).accessToken;
    const evaluations = await client.request("GET", `/rules/${ruleId}/evaluations`, {
      token: other,
    });
    assert.equal(evaluations.status, 404);
    assert.equal(
      (await client.request("GET", `/workflow-runs/${runId}`, { token: other })).status,
      404,
    );
    assert.equal((await client.request("GET", "/workflow-runs", { token: other })).body.total, 0);
  });
});
