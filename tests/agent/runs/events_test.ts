/**
 * `RunEvents`: a runner's events carry its lease epoch, and once the log refuses one because the
 * run was taken over, that runner appends nothing more (logged at info, not as a failure);
 * events emitted outside a runner carry no fence, and other append failures do not silence them.
 */
import assert from "node:assert/strict";
import { RunEvents } from "../../../agent/runs/events.ts";
import { claimRun } from "../../../agent/runs/store.ts";
import type {
  ConversationEventsService,
  NewConversationEvent,
} from "../../../domain/conversation_events.ts";
import { type LogLine, memoryLogger } from "../../api/_helpers/harness.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { insertRun, registerUser } from "../../_helpers/fixtures.ts";

backendTest("run events", async (t, backend) => {
  const { db, domain } = backend;
  const actor = await registerUser(domain, "events");

  /** The domain's event log, recording what it is asked to append. */
  const recording = (calls: NewConversationEvent[]): ConversationEventsService => ({
    ...domain.conversationEvents,
    append(appendActor, conversationId, event) {
      calls.push(event);
      return domain.conversationEvents.append(appendActor, conversationId, event);
    },
  });

  await t.step("a runner's events stop for good once its run is taken over", async () => {
    const conversation = await domain.conversations.create(actor);
    const runId = await insertRun(db, actor, conversation.id);
    assert.equal((await claimRun(db, runId, "A", new Date()))?.epoch, 1);
    const calls: NewConversationEvent[] = [];
    const lines: LogLine[] = [];
    const a = new RunEvents(
      recording(calls),
      actor,
      conversation.id,
      runId,
      memoryLogger(lines),
      1,
    );
    await a.status("running");
    a.delta("Thinking");
    await a.flush();
    assert.deepEqual(calls.map((call) => call.fence), [
      { runId, leaseEpoch: 1 },
      { runId, leaseEpoch: 1 },
    ]);

    assert.equal((await claimRun(db, runId, "B", new Date()))?.epoch, 2);
    await a.emit("assistant", "Answer", { final: true });
    a.delta(" and more");
    await a.status("completed");
    await a.flush();
    assert.equal(calls.length, 3, "nothing is tried after the first refusal");
    assert.deepEqual(lines.map((line) => [line.level, line.message, line.fields.epoch]), [
      ["info", "run events stopped: the run was taken over", 1],
    ]);

    const b = new RunEvents(
      domain.conversationEvents,
      actor,
      conversation.id,
      runId,
      memoryLogger(),
      2,
    );
    await b.emit("assistant", "Answer", { final: true });
    await b.flush();
    const written = await domain.conversationEvents.after(actor, conversation.id, 0);
    assert.deepEqual(written.map((event) => [event.type, event.content]), [
      ["run", "running"],
      ["assistant", "Thinking"],
      ["assistant", "Answer"],
    ]);
  });

  await t.step(
    "events outside a runner are not fenced; other failures do not stop them",
    async () => {
      const conversation = await domain.conversations.create(actor);
      const runId = await insertRun(db, actor, conversation.id);
      const calls: NewConversationEvent[] = [];
      const lines: LogLine[] = [];
      const log = recording(calls);
      let failures = 1;
      const flaky: ConversationEventsService = {
        ...log,
        append(appendActor, conversationId, event) {
          if (failures-- > 0) return Promise.reject(new Error("connection reset"));
          return log.append(appendActor, conversationId, event);
        },
      };
      const events = new RunEvents(flaky, actor, conversation.id, runId, memoryLogger(lines));
      await events.status("queued");
      await events.status("cancelled");
      assert.deepEqual(calls.map((call) => [call.content, call.fence]), [["cancelled", undefined]]);
      assert.deepEqual(lines.map((line) => [line.level, line.message]), [
        ["warn", "conversation event not appended"],
      ]);
    },
  );
});
