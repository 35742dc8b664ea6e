/**
 * Rolling back over MCP: the assistant's changes are listed with its run id, previewed, and
 * rolled back only once a person approved the exact plan; the retry applies once and replays.
 */
import assert from "node:assert/strict";
import { connectInProcess, IDEMPOTENCY_META_KEY, REPLAYED_META_KEY } from "../../../mcp/mod.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { call, structured, testServices, textOf } from "./_helpers.ts";

backendTest("MCP rollback tools", async (t, backend) => {
  const { domain } = backend;
  const services = await testServices(backend);
  const actor = await registerUser(domain, "undo");
  const adAccountId = await connectAccount(domain, actor);
  const campaign = await createCampaign(domain, actor, adAccountId, { name: "Undo me" });
  await domain.campaigns.resume(actor, campaign.id);
  const runId = crypto.randomUUID();
  const client = await connectInProcess(services, actor, {
    clock: backend.clock,
    source: { kind: "assistant", runId },
  });
  try {
    await t.step("the assistant's change is listed with its run id", async () => {
      const paused = await call(client, "pause_campaign", { campaignId: campaign.id });
      assert.equal(structured(paused).status, "applied");
      const listed = await call(client, "list_changes", { sourceId: runId });
      const items = structured(listed).items as { actorKind: string; operation: string }[];
      assert.deepEqual(items.map((item) => [item.actorKind, item.operation]), [
        ["assistant", "pause"],
      ]);
    });

    await t.step("preview, then held until a person approves the exact plan", async () => {
      const preview = await call(client, "preview_rollback", { sourceId: runId });
      const fields = structured(preview).fields as { field: string; outcome: string }[];
      assert.deepEqual(fields.map((field) => [field.field, field.outcome]), [
        ["status", "will_restore"],
      ]);
      const meta = { [IDEMPOTENCY_META_KEY]: `${runId}:undo` };
      const held = await call(client, "rollback_changes", { sourceId: runId }, meta);
      assert.equal(structured(held).status, "approval_required", textOf(held));
      const approval = structured(held).approval as { approvalId: string; preview: unknown };
      assert.equal((await domain.campaigns.get(actor, campaign.id)).status, "paused");
      await domain.approvals.decide(actor, approval.approvalId, "approve");
      const applied = await call(client, "rollback_changes", { sourceId: runId }, meta);
      assert.equal(structured(applied).status, "applied", textOf(applied));
      assert.equal((await domain.campaigns.get(actor, campaign.id)).status, "active");
      const replay = await call(client, "rollback_changes", { sourceId: runId }, meta);
      assert.equal(replay._meta?.[REPLAYED_META_KEY], true);
      const logged = await domain.changes.list(actor, { campaignId: campaign.id });
      assert.deepEqual(logged.items.map((item) => item.actorKind), [
        "rollback",
        "assistant",
        "user",
        "user",
      ]);
    });
  } finally {
    await client.close();
  }
});
