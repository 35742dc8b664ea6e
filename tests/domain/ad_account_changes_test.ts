/**
 * Changes to an ad account itself go through the write gateway like a campaign's: the freeze
 * refuses them, software's disconnection waits for a person, and each is in the change history.
 */
import assert from "node:assert/strict";
import { AccountFrozenError } from "../../domain/errors.ts";
import type { AdAccountWriteRequest } from "../../domain/write_gateway.ts";
import { backendTest } from "../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../_helpers/fixtures.ts";

backendTest("ad account changes through the gateway", async (t, { domain }) => {
  const actor = await registerUser(domain);

  await t.step("a person's rename is recorded with the name before and after", async () => {
    const accountId = await connectAccount(domain, actor);
    const before = (await domain.adAccounts.get(actor, accountId)).name;
    await domain.adAccounts.rename(actor, accountId, { name: "Europe" });
    const { items } = await domain.changes.list(actor, { adAccountId: accountId });
    assert.equal(items.length, 1);
    const [change] = items;
    assert.equal(change.campaignId, null);
    assert.equal(change.operation, "rename_ad_account");
    assert.equal(change.actorKind, "user");
    assert.deepEqual(change.fields, { name: { before, after: "Europe" } });
    await domain.adAccounts.rename(actor, accountId, { name: "Europe 2" });
    const again = await domain.changes.list(actor, { adAccountId: accountId });
    assert.deepEqual(again.items.map((item) => item.seq), [2, 1]);
  });

  await t.step("the freeze refuses renaming and disconnecting, by anyone", async () => {
    const accountId = await connectAccount(domain, actor);
    const limits = await domain.limits.get(actor, accountId);
    await domain.limits.put(actor, accountId, { ...limits, frozen: true });
    await assert.rejects(
      domain.adAccounts.rename(actor, accountId, { name: "X" }),
      AccountFrozenError,
    );
    await assert.rejects(domain.adAccounts.disconnect(actor, accountId), AccountFrozenError);
    await assert.rejects(
      domain.gateway.changeAdAccount({
        actor,
        source: { kind: "api_token", tokenId: "token-1" },
        operation: { type: "rename_ad_account", adAccountId: accountId, name: "X" },
      }),
      AccountFrozenError,
    );
    assert.equal((await domain.adAccounts.get(actor, accountId)).status, "active");
    assert.equal((await domain.changes.list(actor, { adAccountId: accountId })).total, 0);
  });

  await t.step(
    "software renames without approval; its disconnection waits for a person",
    async () => {
      const accountId = await connectAccount(domain, actor);
      const campaign = await createCampaign(domain, actor, accountId);
      const source = { kind: "api_token", tokenId: "token-1" } as const;
      const renamed = await domain.gateway.changeAdAccount({
        actor,
        source,
        operation: { type: "rename_ad_account", adAccountId: accountId, name: "By software" },
      });
      assert.equal(renamed.status, "applied");

      const disconnect: AdAccountWriteRequest = {
        actor,
        source,
        idempotencyKey: "disconnect-1",
        operation: { type: "disconnect_ad_account", adAccountId: accountId },
      };
      const held = await domain.gateway.changeAdAccount(disconnect);
      assert.equal(held.status, "approval_required");
      if (held.status !== "approval_required") return;
      assert.deepEqual(held.approval.rules, ["disconnect_ad_account"]);
      assert.equal((await domain.adAccounts.get(actor, accountId)).status, "active");
      // Retried before a person decides: still held, the same record.
      const retried = await domain.gateway.changeAdAccount(disconnect);
      assert.equal(retried.status === "approval_required" && retried.approval.id, held.approval.id);

      await domain.approvals.decide(actor, held.approval.id, "approve");
      const applied = await domain.gateway.changeAdAccount(disconnect);
      assert.equal(applied.status, "applied");
      if (applied.status !== "applied") return;
      assert.equal(applied.approvalId, held.approval.id);
      assert.equal(applied.adAccount.status, "disconnected");
      assert.equal((await domain.campaigns.list(actor, { adAccountId: accountId })).total, 0);
      assert.equal((await domain.approvals.get(actor, held.approval.id)).status, "used");

      const history = await domain.changes.list(actor, { adAccountId: accountId });
      const disconnected = history.items.find((item) => item.operation === "disconnect_ad_account");
      assert.ok(disconnected);
      assert.equal(disconnected.actorKind, "api_token");
      assert.equal(disconnected.sourceId, "token-1");
      assert.equal(disconnected.approvalId, held.approval.id);
      assert.deepEqual(disconnected.fields, {
        status: { before: "active", after: "disconnected" },
      });
      assert.ok(history.items.some((item) => item.campaignId === campaign.id));
    },
  );

  await t.step("a rollback leaves the account's own changes as they are, and says so", async () => {
    const accountId = await connectAccount(domain, actor);
    const campaign = await createCampaign(domain, actor, accountId);
    await domain.campaigns.update(actor, campaign.id, { name: "Renamed campaign" });
    await domain.adAccounts.rename(actor, accountId, { name: "Renamed account" });
    const { items } = await domain.changes.list(actor, { adAccountId: accountId });
    const plan = await domain.rollbacks.plan(actor, { changeIds: items.map((item) => item.id) });
    const accountChange = items.find((item) => item.campaignId === null)!;
    assert.deepEqual(plan.accountChangeIds, [accountChange.id]);
    assert.ok(plan.fields.every((field) => field.campaignId === campaign.id));
  });
});
