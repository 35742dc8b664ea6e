/**
 * End to end, two runners of one run (B on coordination of its own, as after a lost Redis
 * lease, so only the database's lease epoch tells them apart):
 *
 * - A streams part of its answer and stalls inside the model call; B takes the run over and
 *   calls the model again. A client folding the log shows B's answer once: B's stream tells
 *   clients it replaces A's partial text, and A's late text is refused by the fence.
 * - A stalls just before storing the final message; B claims the run. A's closing transaction
 *   (answer, its event, the run's status) is refused, so the answer B then stores is the only one.
 */
import assert from "node:assert/strict";
import type { ChatModel } from "../../../agent/models/types.ts";
import { claimRun } from "../../../agent/runs/store.ts";
import type { TestHooks } from "../../../agent/runs/test_hooks.ts";
import type { ConversationEvent } from "../../../domain/conversation_events.ts";
import { createMemoryCoordination } from "../../../lib/coordination/memory.ts";
import { emptyView, foldEvents } from "../../../pages/chat_view.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { finished, openRuntime, ScriptModel, waitForRun } from "./_helpers.ts";

backendTest("a runner that lost its run appends no more events", async (t, backend) => {
  const { db, domain } = backend;
  const actor = await registerUser(domain, "takeover");
  const log = domain.conversationEvents;

  await t.step("text streamed before a takeover is replaced, not repeated", async () => {
    let streamed!: () => void;
    const streaming = new Promise<void>((resolve) => streamed = resolve);
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => release = resolve);
    // A's model streams half an answer, then hangs until the test lets it go.
    const aModel: ChatModel = {
      name: "stalling",
      async generate(request) {
        request.onDelta?.("Spend is on ");
        streamed();
        await stalled;
        request.onDelta?.("track (late).");
        return { content: "Spend is on track (late).", toolCalls: [], usage: NO_USAGE };
      },
    };
    const a = await openRuntime(backend, aModel, { AGENT_LEASE_TTL_MS: "60000" });
    const b = await openRuntime(
      { ...backend, coordination: createMemoryCoordination() },
      new ScriptModel([{ content: "Spend is on track." }]),
    );
    try {
      const submitted = await a.submit(actor, { content: "How is spend today?" });
      await streaming;
      // A's buffered delta reaches the log while A still owns the run.
      const deadline = Date.now() + 10_000;
      while (!(await log.after(actor, submitted.conversationId, 0)).some(isDelta)) {
        if (Date.now() > deadline) throw new Error("A's delta never reached the log");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }

      await b.recover();
      assert.equal((await waitForRun(b, actor, submitted.runId, finished)).status, "completed");
      release();
      await a.idle();

      const events = await log.after(actor, submitted.conversationId, 0);
      const answers = foldEvents(emptyView(), events).items
        .filter((item) => item.kind === "assistant").map((item) => item.text);
      assert.deepEqual(answers, ["Spend is on track."], JSON.stringify(events));
      assert.equal(events.some((event) => event.content.includes("late")), false);
    } finally {
      release();
      await a.drain();
      await b.drain();
    }
  });

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

const NO_USAGE = { inputTokens: 0, outputTokens: 0 };

const isDelta = (event: ConversationEvent) =>
  event.type === "assistant" && event.metadata.delta === true;

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
