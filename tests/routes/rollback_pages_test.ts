/**
 * Undoing from the pages: a run's changes offer "Undo this run", the change history offers
 * "Undo…" per change; the rollback page shows each field's fate before anything happens, and
 * rolling back restores the fields left as they were and shows the rollback's own changes.
 */
import assert from "node:assert/strict";
import type { Actor } from "../../domain/actor.ts";
import { createCampaign, insertRun } from "../_helpers/fixtures.ts";
import { type PageClient, pagesApp, signedUpClient } from "./_helpers/pages.ts";

async function actorOf(client: PageClient): Promise<Actor> {
  const app = await pagesApp();
  const claims = await app.services.accessTokens.verify(client.cookies.get("aae_access")!);
  return { userId: claims!.userId, role: "user" };
}

Deno.test("rollback pages: undo a run's changes from its page", async (t) => {
  const app = await pagesApp();
  const { domain } = app.services;
  const { client } = await signedUpClient(app, "Undo Tester");
  const actor = await actorOf(client);
  const account = await domain.adAccounts.connectSandbox(actor, { name: "Undo Shop" });
  const campaign = await createCampaign(domain, actor, account.id, {
    name: "Undo Me",
    budgetAmountMinor: 5_000,
  });
  await domain.campaigns.resume(actor, campaign.id);
  const conversation = await domain.conversations.create(actor, { title: "Undo talk" });
  const runId = await insertRun(app.services.db, actor, conversation.id);
  const asRun = { kind: "assistant" as const, runId };
  await domain.gateway.write({
    actor,
    source: asRun,
    operation: { type: "update", campaignId: campaign.id, input: { budgetAmountMinor: 4_000 } },
  });
  await domain.gateway.write({
    actor,
    source: asRun,
    operation: { type: "set_status", campaignId: campaign.id, status: "paused" },
  });

  await t.step("the run page links its changes and offers to undo them", async () => {
    const { status, body } = await client.get(`/runs/${runId}`);
    assert.equal(status, 200);
    assert.match(body, new RegExp(`href="/rollbacks/new\\?source_id=${runId}"`));
    const history = await client.get(`/changes?source_id=${runId}`);
    assert.equal([...history.body.matchAll(/data-change-id=/g)].length, 2);
    assert.match(history.body, /data-rollback-change/);
  });

  await t.step("the rollback page previews each field; nothing changes yet", async () => {
    const { status, body } = await client.get(`/rollbacks/new?source_id=${runId}`);
    assert.equal(status, 200);
    assert.equal([...body.matchAll(/data-outcome="will_restore"/g)].length, 2);
    assert.match(body, /\$40\.00[^]*?→ <span data-after="true">\$50\.00/);
    assert.equal((await domain.campaigns.get(actor, campaign.id)).status, "paused");
  });

  await t.step("rolling back restores both fields and lists the rollback's changes", async () => {
    const done = await client.post("/rollbacks/new", { source_id: runId });
    assert.equal(done.status, 303);
    const after = await client.follow(done);
    assert.match(after.body, /Rolled back: 1 campaign restored\./);
    assert.match(after.body, /data-actor-kind="rollback"/);
    const restored = await domain.campaigns.get(actor, campaign.id);
    assert.deepEqual([restored.status, restored.budgetAmountMinor], ["active", 5_000]);
  });

  await t.step("an unknown selection is not found", async () => {
    const missing = await client.get(`/rollbacks/new?change=${crypto.randomUUID()}`);
    assert.equal(missing.status, 404);
  });
});
