/**
 * The run page's reads: `listRunSummaries` (a user's runs newest first, paginated, with step
 * counts and conversation titles, never another user's) and `runDetailView` (the REST view plus
 * idempotency keys, credits and tokens per step), over real runs of the runtime.
 */
import assert from "node:assert/strict";
import { loadOwnedRun } from "../../../agent/runs/store.ts";
import { listRunSummaries, runDetailView, runView } from "../../../agent/runs/views.ts";
import { NotFoundError } from "../../../domain/errors.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { finished, openRuntime, ScriptModel, waitForRun } from "./_helpers.ts";

backendTest("run views: list of runs and the detail view", async (t, backend) => {
  const { db, domain } = backend;
  const owner = await registerUser(domain, "owner");
  const stranger = await registerUser(domain, "stranger");
  // Turn 0 of the first run reads accounts; every other turn just answers.
  let toolRun = true;
  const model = new ScriptModel((_request, turn) => {
    if (toolRun && turn === 0) return { toolCalls: [{ name: "list_ad_accounts" }] };
    return { content: "Done." };
  });
  const runtime = await openRuntime(backend, model);
  const runOf = async (actor: typeof owner, title: string) => {
    const conversation = await domain.conversations.create(actor, { title });
    const submitted = await runtime.submit(actor, {
      conversationId: conversation.id,
      content: "Which accounts do I have?",
    });
    await waitForRun(runtime, actor, submitted.runId, finished);
    return submitted.runId;
  };
  const first = await runOf(owner, "First");
  toolRun = false;
  const second = await runOf(owner, "Second");
  const third = await runOf(owner, "Third");
  const theirs = await runOf(stranger, "Theirs");
  await domain.conversations.delete(
    owner,
    (await loadOwnedRun(db, owner.userId, second))
      .conversation_id,
  );

  await t.step("newest first, paginated, only the user's own", async () => {
    const page1 = await listRunSummaries(db, owner.userId, { skip: 0, limit: 2 });
    assert.equal(page1.total, 3);
    assert.deepEqual(page1.items.map((run) => run.id), [third, second]);
    const page2 = await listRunSummaries(db, owner.userId, { skip: 2, limit: 2 });
    assert.deepEqual(page2.items.map((run) => run.id), [first]);
    const [oldest] = page2.items;
    assert.equal(oldest.status, "completed");
    assert.equal(oldest.stepCount, 3, "model, tool, model");
    assert.equal(oldest.conversationTitle, "First");
    assert.ok(oldest.durationMs !== null && oldest.durationMs >= 0);
    assert.equal(page1.items[0].stepCount, 1);
    assert.equal(page1.items[1].conversationTitle, null, "a deleted conversation has no title");
    const other = await listRunSummaries(db, stranger.userId, { skip: 0, limit: 20 });
    assert.deepEqual(other.items.map((run) => run.id), [theirs]);
  });

  await t.step("the detail view extends the REST view of the same run", async () => {
    const row = await loadOwnedRun(db, owner.userId, first);
    const detail = await runDetailView(db, row);
    const rest = await runView(db, row);
    const {
      leaseOwner,
      leaseEpoch,
      cancelRequestedAt,
      creditsCharged,
      steps,
      summary,
      ...base
    } = detail;
    assert.match(summary, /^Answered: /, "nothing changed: it answered the question");
    assert.deepEqual({ ...base, steps: rest.steps }, rest);
    assert.deepEqual(
      steps.map((
        { idempotencyKey: _key, leaseEpoch: _epoch, credits: _credits, tokens: _tokens, ...view },
      ) => view),
      rest.steps,
    );
    assert.deepEqual(steps.map((step) => [step.idempotencyKey, step.credits, step.tokens]), [
      ["model:0", 1, { input: 7, output: 3 }],
      ["tool:t0c0", null, null],
      ["model:1", 1, { input: 7, output: 3 }],
    ]);
    assert.equal(creditsCharged, 2, "1 credit per model call, tools free");
    assert.equal(leaseOwner, runtime.instanceId);
    assert.ok(leaseEpoch >= 1);
    assert.ok(steps.every((step) => step.leaseEpoch === leaseEpoch));
    assert.equal(cancelRequestedAt, null);
  });

  await t.step("another user's run is not found", async () => {
    await assert.rejects(loadOwnedRun(db, stranger.userId, first), NotFoundError);
    await assert.rejects(loadOwnedRun(db, owner.userId, crypto.randomUUID()), NotFoundError);
  });

  await runtime.drain();
});
