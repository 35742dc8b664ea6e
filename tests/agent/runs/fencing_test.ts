/**
 * Fencing, retention and interrupted effects: a runner whose lease epoch is no longer the run's
 * writes nothing (steps, run row, checkpoints); old checkpoints of finished runs are pruned while
 * step records stay; a call whose earlier attempt died mid-effect is taken over and completes
 * once; a stale attempt that grabs the claim mid-call makes the live runner retry, not fail.
 */
import assert from "node:assert/strict";
import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";
import { GuardedSaver, KyselySaver } from "../../../agent/checkpoint/mod.ts";
import { RunFencedOutError } from "../../../agent/runs/mod.ts";
import { claimRun, RunFence } from "../../../agent/runs/store.ts";
import { NotFoundError } from "../../../domain/errors.ts";
import { requestHash } from "../../../domain/idempotency.ts";
import { createSandboxPlatform } from "../../../domain/platforms/sandbox.ts";
import { backendTest } from "../../_helpers/backend.ts";
import {
  connectAccount,
  createCampaign,
  insertRun,
  registerUser,
} from "../../_helpers/fixtures.ts";
import { finished, openRuntime, ScriptModel, waitForRun } from "./_helpers.ts";

backendTest("fencing, retention, interrupted effects", async (t, backend) => {
  const { db, domain, coordination } = backend;
  const actor = await registerUser(domain, "fence");

  await t.step("a stale runner's writes affect nothing and abort", async () => {
    const conversation = await domain.conversations.create(actor, {});
    const runId = await insertRun(db, actor, conversation.id, 0);
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
      RunFencedOutError,
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
      RunFencedOutError,
    );
    // Step outcomes and token usage wait for the next commit (the step's checkpoint, or a
    // flush): there the fence refuses them, and nothing of them is stored.
    await stale.finishStep(step, "succeeded", {});
    await stale.addTokens(1, 1);
    await assert.rejects(stale.flush(), RunFencedOutError);
    await assert.rejects(stale.updateRun({ status: "completed" }), RunFencedOutError);
    await stale.finishStep(step, "succeeded", {});
    // Checkpoint writes carry the fence in their own statements.
    const saver = new KyselySaver(db);
    const threadConfig = { configurable: { thread_id: runId, checkpoint_ns: "" } };
    const checkpoint = { ...emptyCheckpoint(), id: "1ef00000-0000-6000-8000-00000000f3c5" };
    const metadata = { source: "loop" as const, step: 0, parents: {} };
    const staleSaver = new GuardedSaver(saver, stale.checkpointGuard);
    await assert.rejects(staleSaver.put(threadConfig, checkpoint, metadata, {}), RunFencedOutError);
    const storedCheckpoints = () =>
      db.kysely.selectFrom("agent_checkpoints").select("checkpoint_id")
        .where("thread_id", "=", runId).execute();
    assert.deepEqual(await storedCheckpoints(), []);
    const currentSaver = new GuardedSaver(
      saver,
      new RunFence(db, coordination.leases, lease2, runId, actor.userId, 2, () => new Date())
        .checkpointGuard,
    );
    const stored = await currentSaver.put(threadConfig, checkpoint, metadata, {});
    assert.equal((await storedCheckpoints()).length, 1);
    await assert.rejects(
      staleSaver.putWrites(stored, [["messages", "late"]], "task"),
      RunFencedOutError,
    );
    await currentSaver.putWrites(stored, [["messages", "on time"]], "task");
    const writes = await db.kysely.selectFrom("agent_checkpoint_writes").select("task_id")
      .where("thread_id", "=", runId).execute();
    assert.equal(writes.length, 1);
    const rows = await db.kysely.selectFrom("agent_steps").select(["status", "lease_epoch"])
      .where("run_id", "=", runId).execute();
    assert.deepEqual(rows.map((row) => [row.status, Number(row.lease_epoch)]), [["running", 1]]);
    const run = await db.kysely.selectFrom("agent_runs")
      .select(["status", "lease_owner", "input_tokens"])
      .where("id", "=", runId).executeTakeFirstOrThrow();
    assert.deepEqual({ ...run, input_tokens: Number(run.input_tokens) }, {
      status: "running",
      lease_owner: "B",
      input_tokens: 0,
    });

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
    await current.addTokens(3, 4);
    // …and its deferred writes commit with its next checkpoint write.
    await new GuardedSaver(saver, current.checkpointGuard)
      .putWrites(stored, [["messages", "later"]], "task-2");
    const closed = await db.kysely.selectFrom("agent_steps").select("status")
      .where("id", "=", step.id).executeTakeFirstOrThrow();
    assert.equal(closed.status, "cancelled");
    const tokens = await db.kysely.selectFrom("agent_runs").select("input_tokens")
      .where("id", "=", runId).executeTakeFirstOrThrow();
    assert.equal(Number(tokens.input_tokens), 3);
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

  /** A budget update the model asks for, the claim key its call uses, and its request hash. */
  async function budgetUpdate(budgetAmountMinor: number) {
    const adAccountId = await connectAccount(domain, actor);
    // The assistant may raise budgets on this account (within the per-change allowance).
    const limits = await domain.limits.get(actor, adAccountId);
    await domain.limits.put(actor, adAccountId, {
      ...limits,
      automatedOperations: ["pause", "budget_decrease", "budget_increase"],
    });
    const campaign = await createCampaign(domain, actor, adAccountId, {
      budgetAmountMinor: 10_000,
    });
    const args = { campaignId: campaign.id, budgetAmountMinor };
    const model = new ScriptModel([
      { toolCalls: [{ name: "update_campaign", args }] },
      { content: "Raised." },
    ]);
    const claimOf = async (runId: string) => ({
      scope: "mcp:tool:update_campaign",
      key: `${runId}:t0c0`,
      requestHash: await requestHash({ tool: "update_campaign", arguments: args }),
    });
    return { campaign, model, claimOf };
  }

  await t.step("an effect left in progress by a dead runner is taken over, once", async () => {
    const { campaign, model, claimOf } = await budgetUpdate(10_500);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const gated = {
      name: "gated",
      async generate(request: Parameters<ScriptModel["generate"]>[0]) {
        await gate;
        return await model.generate(request);
      },
    };
    const runtime = await openRuntime(backend, gated);
    const submitted = await runtime.submit(actor, { content: "Raise it a little" });
    // What a runner that died mid-call leaves behind: the claim in progress, no effect (its
    // writes commit only together with the completion of that claim).
    const dead = await domain.idempotency.begin(actor, await claimOf(submitted.runId), {
      takeOverInProgress: true,
    });
    assert.ok(dead.state === "started");
    release();
    const view = await waitForRun(runtime, actor, submitted.runId, finished);
    assert.equal(view.status, "completed", JSON.stringify(view.steps));
    assert.equal((await domain.campaigns.get(actor, campaign.id)).budgetAmountMinor, 10_500);
    const toolSteps = view.steps.filter((step) => step.kind === "tool_call");
    assert.deepEqual(toolSteps.map((step) => step.status), ["succeeded"]);
    assert.equal(model.requests.length, 2);
    await assert.rejects(
      domain.idempotency.complete(actor, {
        scope: "mcp:tool:update_campaign",
        key: `${submitted.runId}:t0c0`,
        claimToken: dead.claimToken,
        responseStatus: 200,
        responseBody: "late",
      }),
      NotFoundError,
      "the dead runner's claim can no longer complete",
    );
    await runtime.drain();
  });

  await t.step("a stale attempt taking the claim mid-call: the live runner retries", async () => {
    const { campaign, model, claimOf } = await budgetUpdate(11_000);
    let entered!: () => void;
    const platformReached = new Promise<void>((resolve) => entered = resolve);
    let proceed!: () => void;
    const proceedGate = new Promise<void>((resolve) => proceed = resolve);
    let updates = 0;
    const sandbox = createSandboxPlatform();
    const platforms = {
      sandbox: {
        ...sandbox,
        async updateCampaign(...args: Parameters<typeof sandbox.updateCampaign>) {
          updates += 1;
          if (updates === 1) {
            entered();
            await proceedGate;
          }
          return await sandbox.updateCampaign(...args);
        },
      },
    };
    const runtime = await openRuntime(
      { ...backend, domain: backend.domainWith({ platforms }) },
      model,
    );
    const submitted = await runtime.submit(actor, { content: "Raise it" });
    await platformReached;
    // A runner that lost the run, still calling: it takes the claim over meanwhile.
    const stale = await domain.idempotency.begin(actor, await claimOf(submitted.runId), {
      takeOverInProgress: true,
    });
    assert.ok(stale.state === "started");
    proceed();
    const view = await waitForRun(runtime, actor, submitted.runId, finished);
    assert.equal(view.status, "completed", JSON.stringify(view.steps));
    const toolSteps = view.steps.filter((step) => step.kind === "tool_call");
    assert.deepEqual(toolSteps.map((step) => step.status), ["succeeded"]);
    assert.equal(updates, 2, "the retry repeated the platform call (same request key)");
    assert.equal((await domain.campaigns.get(actor, campaign.id)).budgetAmountMinor, 11_000);
    assert.match(JSON.stringify(model.requests[1].messages), /applied/);
    await runtime.drain();
  });
});
