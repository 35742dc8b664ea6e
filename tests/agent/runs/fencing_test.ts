/**
 * Fencing, retention and the unknown-outcome guard: a runner whose lease epoch is no longer the
 * run's writes nothing (steps, run row, checkpoints); old checkpoints of finished runs are
 * pruned while step records stay; a call whose earlier attempt died mid-effect stops the run
 * instead of being retried by the model.
 */
import assert from "node:assert/strict";
import { KyselySaver } from "../../../agent/checkpoint/mod.ts";
import { FencedSaver } from "../../../agent/runs/fenced_saver.ts";
import { FencedOutError } from "../../../agent/runs/mod.ts";
import { claimRun, RunFence } from "../../../agent/runs/store.ts";
import { toDbTimestamp } from "../../../db/time.ts";
import { requestHash } from "../../../domain/idempotency.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { finished, openRuntime, ScriptModel, waitForRun } from "./_helpers.ts";

backendTest("fencing, retention, unknown outcomes", async (t, backend) => {
  const { db, domain, coordination } = backend;
  const actor = await registerUser(domain, "fence");

  await t.step("a stale runner's writes affect nothing and abort", async () => {
    const conversation = await domain.conversations.create(actor, {});
    const runId = crypto.randomUUID();
    const at = toDbTimestamp(new Date());
    await db.kysely.insertInto("agent_runs").values({
      id: runId,
      user_id: actor.userId,
      conversation_id: conversation.id,
      message_id: null,
      status: "queued",
      lease_owner: null,
      lease_epoch: 0,
      started_at: null,
      finished_at: null,
      input_tokens: 0,
      output_tokens: 0,
      error: null,
      error_code: null,
      client_message_id: null,
      cancel_requested_at: null,
      pending_confirmation: null,
      confirmation_decision: null,
      created_at: at,
      updated_at: at,
    }).execute();
    const key = `fence-test:${runId}`;
    const lease1 = (await coordination.leases.acquire(key, 10_000))!;
    const first = (await claimRun(db, runId, "A", new Date()))!;
    const fence1 = new RunFence(
      db,
      coordination.leases,
      lease1,
      runId,
      actor.userId,
      1,
      () => new Date(),
    );
    assert.equal(first.epoch, 1);
    const step = await fence1.beginStep({
      kind: "model_call",
      name: "m",
      key: "model:0",
      input: {},
    });

    // Another runner takes over (here: the lease was released and re-acquired).
    await coordination.leases.release(lease1);
    const lease2 = (await coordination.leases.acquire(key, 10_000))!;
    const second = (await claimRun(db, runId, "B", new Date()))!;
    assert.equal(second.epoch, 2);
    await assert.rejects(
      fence1.beginStep({ kind: "tool_call", name: "x", key: "t", input: {} }),
      FencedOutError,
    );

    // Even with a live lease, the database epoch decides: 0 rows → abort.
    const stale = new RunFence(
      db,
      coordination.leases,
      lease2,
      runId,
      actor.userId,
      1,
      () => new Date(),
    );
    await assert.rejects(
      stale.beginStep({ kind: "tool_call", name: "x", key: "t", input: {} }),
      FencedOutError,
    );
    await assert.rejects(stale.finishStep(step, "succeeded", {}), FencedOutError);
    await assert.rejects(stale.updateRun({ status: "completed" }), FencedOutError);
    await assert.rejects(stale.addTokens(1, 1), FencedOutError);
    const saver = new FencedSaver(new KyselySaver(db), stale);
    await assert.rejects(
      saver.putWrites(
        { configurable: { thread_id: runId, checkpoint_ns: "", checkpoint_id: "1" } },
        [],
        "task",
      ),
      FencedOutError,
    );
    const rows = await db.kysely.selectFrom("agent_steps").select(["status", "lease_epoch"])
      .where("run_id", "=", runId).execute();
    assert.deepEqual(rows.map((row) => [row.status, Number(row.lease_epoch)]), [["running", 1]]);
    const run = await db.kysely.selectFrom("agent_runs").select(["status", "lease_owner"])
      .where("id", "=", runId).executeTakeFirstOrThrow();
    assert.deepEqual({ ...run }, { status: "running", lease_owner: "B" });

    // The current owner writes fine.
    const current = new RunFence(
      db,
      coordination.leases,
      lease2,
      runId,
      actor.userId,
      2,
      () => new Date(),
    );
    await current.finishStep(step, "cancelled", {});
    await current.updateRun({ status: "cancelled" });
    await coordination.leases.release(lease2);
  });

  await t.step("retention prunes old checkpoints of finished runs; steps stay", async () => {
    const runtime = await openRuntime(
      backend,
      new ScriptModel([
        { toolCalls: [{ name: "list_ad_accounts" }] },
        { toolCalls: [{ name: "credit_balance" }] },
        { content: "Done." },
      ]),
      { CHECKPOINT_RETENTION_HOURS: "0" },
    );
    const submitted = await runtime.submit(actor, { content: "Check" });
    const view = await waitForRun(runtime, actor, submitted.runId, finished);
    assert.equal(view.status, "completed");
    const count = async () =>
      (await db.kysely.selectFrom("agent_checkpoints").select("id")
        .where("thread_id", "=", submitted.runId).execute()).length;
    assert.ok(await count() > 3);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const report = await runtime.prune();
    assert.ok(report.checkpoints > 0);
    assert.equal(await count(), 1, "the latest checkpoint stays");
    assert.equal((await runtime.get(actor, submitted.runId)).steps.length, view.steps.length);
    await runtime.drain();
  });

  await t.step("an effect left in progress by a dead runner stops the run", async () => {
    const adAccountId = await connectAccount(domain, actor);
    const campaign = await createCampaign(domain, actor, adAccountId, {
      budgetAmountMinor: 10_000,
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const args = { campaignId: campaign.id, budgetAmountMinor: 10_500 };
    const model = new ScriptModel([
      { toolCalls: [{ name: "update_campaign", args }] },
      { content: "Should not get here." },
    ]);
    const gated = {
      name: "gated",
      async generate(request: Parameters<ScriptModel["generate"]>[0]) {
        await gate;
        return await model.generate(request);
      },
    };
    const runtime = await openRuntime(backend, gated);
    const submitted = await runtime.submit(actor, { content: "Raise it a little" });
    // What a runner that died between applying the effect and recording it leaves behind.
    await domain.idempotency.begin(actor, {
      scope: "mcp:tool:update_campaign",
      key: `${submitted.runId}:t0c0`,
      requestHash: await requestHash({ tool: "update_campaign", arguments: args }),
    });
    release();
    const view = await waitForRun(runtime, actor, submitted.runId, finished);
    assert.equal(view.status, "failed");
    assert.equal(view.errorCode, "effect_unknown");
    assert.equal((await domain.campaigns.get(actor, campaign.id)).budgetAmountMinor, 10_000);
    assert.equal(model.requests.length, 1, "the model was not asked to try again");
    await runtime.drain();
  });
});
