/** What the write gateway's pages read: allowance use per campaign, campaigns with history,
 * and approvals with the pending ones first. */
import assert from "node:assert/strict";
import type { Actor } from "../../domain/actor.ts";
import type { Domain } from "../../domain/mod.ts";
import type { WriteOutcome } from "../../domain/write_gateway.ts";
import { backendTest } from "../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../_helpers/fixtures.ts";

const HOUR = 3_600_000;

function raise(domain: Domain, actor: Actor, campaignId: string, budgetAmountMinor: number) {
  return domain.gateway.write({
    actor,
    source: { kind: "rule", ruleId: "rule-1" },
    operation: { type: "update", campaignId, input: { budgetAmountMinor } },
  });
}

function status(outcome: WriteOutcome): string {
  return outcome.status;
}

backendTest("gateway reads", async (t, { domain, clock }) => {
  const actor = await registerUser(domain);
  const accountId = await connectAccount(domain, actor);
  await domain.limits.put(actor, accountId, {
    ...(await domain.limits.get(actor, accountId)),
    automatedOperations: ["pause", "budget_decrease", "budget_increase"],
  });
  const active = await createCampaign(domain, actor, accountId, {
    name: "B active",
    budgetAmountMinor: 10_000,
  });
  await domain.campaigns.resume(actor, active.id);
  const draft = await createCampaign(domain, actor, accountId, { name: "A draft" });

  await t.step("usage: each active daily campaign's allowance use, by window", async () => {
    assert.deepEqual((await domain.limits.usage(actor, accountId)).map((use) => use.name), [
      "B active",
    ]);
    assert.equal(status(await raise(domain, actor, active.id, 11_000)), "applied");
    clock.advance(2 * HOUR);
    // A person's increase is not software's: it uses nothing.
    await domain.campaigns.update(actor, active.id, { budgetAmountMinor: 12_000 });
    // Changes in the same millisecond have no order the history can tell apart.
    clock.advance(60_000);
    assert.equal(status(await raise(domain, actor, active.id, 12_600)), "applied");
    let [use] = await domain.limits.usage(actor, accountId);
    assert.equal(use.dailyBudgetMinor, 12_600);
    assert.equal(use.last24h.usedPercent, 16); // (1,000 + 600) / 10,000
    assert.equal(use.last24h.limitPercent, 20);
    assert.equal(use.last24h.exceeded, false);
    assert.equal(use.last7d.usedPercent, 16);
    clock.advance(23 * HOUR - 60_000);
    [use] = await domain.limits.usage(actor, accountId);
    // Only the +600 is left in the last 24 hours, over the 11,000 the window starts at
    // (the person's change is its first entry): 5.45…, rounded up to a tenth.
    assert.equal(use.last24h.usedPercent, 5.5);
    assert.equal(use.last7d.usedPercent, 16);
    clock.advance(7 * 24 * HOUR);
    [use] = await domain.limits.usage(actor, accountId);
    assert.equal(use.last24h.usedPercent, 0);
    assert.equal(use.last7d.usedPercent, 0);
  });

  await t.step("historyCampaigns: the user's campaigns by name, deleted marked", async () => {
    const other = await registerUser(domain, "other");
    await createCampaign(domain, other, await connectAccount(domain, other), { name: "Theirs" });
    await domain.campaigns.delete(actor, draft.id);
    const all = await domain.changes.historyCampaigns(actor);
    assert.deepEqual(
      all.map(({ name, deleted, adAccountId }) => ({ name, deleted, adAccountId })),
      [
        { name: "A draft", deleted: true, adAccountId: accountId },
        { name: "B active", deleted: false, adAccountId: accountId },
      ],
    );
    assert.deepEqual((await domain.changes.historyCampaigns(actor, { limit: 1 })).length, 1);
    const named = await domain.changes.historyCampaigns(actor, { ids: [active.id] });
    assert.deepEqual(named.map((campaign) => campaign.name), ["B active"]);
    assert.deepEqual(await domain.changes.historyCampaigns(actor, { ids: [] }), []);
  });

  await t.step("approvals: pending first, then the rest newest first", async () => {
    const held = async (budget: number) => {
      const outcome = await raise(domain, actor, active.id, budget);
      assert.equal(outcome.status, "approval_required");
      return outcome.status === "approval_required" ? outcome.approval.id : "";
    };
    const oldest = await held(50_000);
    clock.advance(HOUR);
    const middle = await held(60_000);
    clock.advance(HOUR);
    const newest = await held(70_000);
    await domain.approvals.decide(actor, newest, "reject");
    const ids = async (pendingFirst: boolean) =>
      (await domain.approvals.list(actor, {}, { pendingFirst })).items.map((a) => a.id);
    assert.deepEqual(await ids(false), [newest, middle, oldest]);
    assert.deepEqual(await ids(true), [middle, oldest, newest]);
    clock.advance(22.5 * HOUR); // the oldest expires, the middle one still waits
    assert.deepEqual(await ids(true), [middle, newest, oldest]);
    assert.equal(await domain.approvals.countPending(actor), 1);
  });
});
