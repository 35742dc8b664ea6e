/**
 * Rollbacks: the dry run names every field's fate (restore, changed since and by whom, already
 * restored, not reversible), applying restores exactly the planned fields once and records it,
 * and rolling the rollback back returns to the state after the original changes.
 */
import assert from "node:assert/strict";
import type { Actor } from "../../domain/actor.ts";
import type { CampaignOperation } from "../../domain/write_gateway.ts";
import { backendTest } from "../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../_helpers/fixtures.ts";

backendTest("rollbacks", async (t, backend) => {
  const { domain } = backend;
  const actor = await registerUser(domain);
  const adAccountId = await connectAccount(domain, actor);
  const runId = crypto.randomUUID();
  const asRun = (operation: CampaignOperation, who: Actor = actor) =>
    domain.gateway.write({ actor: who, source: { kind: "rule", ruleId: runId }, operation });
  await domain.limits.put(actor, adAccountId, {
    ...(await domain.limits.get(actor, adAccountId)),
    automatedOperations: ["pause", "budget_decrease", "budget_increase"],
    maxIncreasePerChangePercent: 100,
    maxDailyIncreasePercent: 500,
    maxWeeklyIncreasePercent: 500,
  });
  const first = await createCampaign(domain, actor, adAccountId, {
    name: "First",
    budgetAmountMinor: 10_000,
  });
  const second = await createCampaign(domain, actor, adAccountId, {
    name: "Second",
    budgetAmountMinor: 20_000,
  });
  await domain.campaigns.resume(actor, second.id);

  await t.step("a rule's changes, then a person's edit of one field", async () => {
    assert.equal(
      (await asRun({
        type: "update",
        campaignId: first.id,
        input: { budgetAmountMinor: 12_000, name: "First (rule)" },
      })).status,
      "applied",
    );
    assert.equal(
      (await asRun({ type: "set_status", campaignId: second.id, status: "paused" }))
        .status,
      "applied",
    );
    await domain.campaigns.update(actor, first.id, { name: "First (person)" });
  });

  await t.step("the dry run says what happens to each field", async () => {
    const plan = await domain.rollbacks.plan(actor, { sourceId: runId });
    const fate = Object.fromEntries(
      plan.fields.map((field) => [`${field.campaignName}.${field.field}`, field.outcome]),
    );
    assert.deepEqual(fate, {
      "First (person).budgetAmountMinor": "will_restore",
      "First (person).name": "changed_since",
      "Second.status": "will_restore",
    });
    const changed = plan.fields.find((field) => field.outcome === "changed_since");
    assert.ok(changed?.outcome === "changed_since");
    assert.equal(changed.current, "First (person)");
    assert.equal(changed.changedBy.actorKind, "user");
  });

  let rollbackId = "";
  await t.step(
    "applying restores exactly the planned fields, once, as logged changes",
    async () => {
      const rollback = await domain.rollbacks.apply(actor, { sourceId: runId }, "user");
      rollbackId = rollback.id;
      assert.equal(rollback.status, "completed");
      assert.deepEqual(rollback.outcomes.map((outcome) => outcome.status), [
        "restored",
        "restored",
      ]);
      const restored = await domain.campaigns.get(actor, first.id);
      assert.equal(restored.budgetAmountMinor, 10_000);
      assert.equal(restored.name, "First (person)", "a field changed since is left alone");
      assert.equal((await domain.campaigns.get(actor, second.id)).status, "active");
      const logged = await domain.changes.list(actor, { sourceId: rollback.id });
      assert.equal(logged.total, 2);
      assert.ok(logged.items.every((change) => change.actorKind === "rollback"));
    },
  );

  await t.step("rolling back the rollback returns to the state after the original", async () => {
    const again = await domain.rollbacks.apply(actor, { sourceId: rollbackId }, "user");
    assert.deepEqual(again.outcomes.map((outcome) => outcome.status), ["restored", "restored"]);
    assert.equal((await domain.campaigns.get(actor, first.id)).budgetAmountMinor, 12_000);
    assert.equal((await domain.campaigns.get(actor, second.id)).status, "paused");
  });

  await t.step("a creation is not reversible; another user's changes are not found", async () => {
    const created = await domain.changes.list(actor, { campaignId: first.id, actorKind: "user" });
    const creation = created.items.find((change) => change.operation === "create")!;
    const plan = await domain.rollbacks.plan(actor, { changeIds: [creation.id] });
    assert.deepEqual(plan.fields.map((field) => field.outcome), ["not_reversible"]);
    const other = await registerUser(domain, "other");
    await assert.rejects(domain.rollbacks.plan(other, { changeIds: [creation.id] }), /not found/);
  });
});
