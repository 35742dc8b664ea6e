/**
 * End to end, two runners of one run (B on coordination of its own, as after a lost Redis
 * lease, so only the database's lease epoch tells them apart):
 *
 * - A stalls just before storing the final message; B claims the run. A's closing transaction
 *   (answer, its event, the run's status) is refused, so the answer B then stores is the only one.
 */
import assert from "node:assert/strict";
import { claimRun } from "../../../agent/runs/store.ts";
import type { TestHooks } from "../../../agent/runs/test_hooks.ts";
import { createMemoryCoordination } from "../../../lib/coordination/memory.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { finished, openRuntime, ScriptModel, waitForRun } from "./_helpers.ts";

backendTest("a runner that lost its run appends no more events", async (t, backend) => {
  const { db, domain } = backend;
  const actor = await registerUser(domain, "takeover");
  const log = domain.conversationEvents;

  await t.step("A's final message after B's claim is not stored", async () => {
    // A passed its fence check and stalls just before storing the answer; B claims the run.
    const stall = stallAt("before_final_message");
    const a = await openRuntime(backend, new ScriptModel([{ content: "Budget is fine." }]), {
      AGENT_LEASE_TTL_MS: "60000",
    }, stall.hooks);
    const b = await openRuntime(
      { ...backend, coordination: createMemoryCoordination() },
      new ScriptModel([]),
    );
    try {
      const submitted = await a.submit(actor, { content: "And the budget?" });
      await stall.reached;
      await new Promise((resolve) => setTimeout(resolve, 200));
      const beforeClaim = await log.latestSeq(actor, submitted.conversationId);
      assert.equal((await claimRun(db, submitted.runId, "B", new Date()))?.epoch, 2);

      stall.wake();
      await a.idle();
      const answers = async () =>
        (await domain.conversations.listMessages(actor, submitted.conversationId))
          .filter((message) => message.role === "assistant");
      assert.deepEqual(await answers(), [], "A stored no answer for a run it no longer owns");
      assert.deepEqual(await log.after(actor, submitted.conversationId, beforeClaim), []);

      // B (stalled until now) continues the run and stores the answer once.
      await b.recover();
      assert.equal((await waitForRun(b, actor, submitted.runId, finished)).status, "completed");
      const stored = await answers();
      assert.deepEqual(stored.map((message) => message.content), ["Budget is fine."]);
      const finals = (await log.after(actor, submitted.conversationId, beforeClaim))
        .filter((event) => event.metadata.final === true);
      assert.deepEqual(finals.map((event) => event.metadata.message_id), [stored[0].id]);
    } finally {
      stall.wake();
      await a.drain();
      await b.drain();
    }
  });
});

/** Test hooks stalling a runner at `point` until `wake`; `reached` resolves when it stalls. */
function stallAt(point: string) {
  let reachedIt!: () => void;
  const reached = new Promise<void>((resolve) => reachedIt = resolve);
  let wake!: () => void;
  const asleep = new Promise<void>((resolve) => wake = resolve);
  const hooks: TestHooks = {
    pause(at) {
      if (at !== point) return Promise.resolve();
      reachedIt();
      return asleep;
    },
  };
  return { hooks, reached, wake };
}
