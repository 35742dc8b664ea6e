/**
 * The conversation event log: gapless sequence numbers under concurrent appends (on one handle
 * and on two database handles, as two instances would be), persisted before published, replay
 * with `after`, and tenant isolation.
 */
import assert from "node:assert/strict";
import { createDomain } from "../../domain/mod.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { ConversationEvent } from "../../domain/conversation_events.ts";
import { backendTest, TEST_PASSWORD_ITERATIONS } from "../_helpers/backend.ts";
import { registerUser } from "../_helpers/fixtures.ts";

backendTest("conversation events", async (t, backend) => {
  const { domain } = backend;
  const events = domain.conversationEvents;
  const actor = await registerUser(domain);
  const runId = crypto.randomUUID();

  await t.step("append assigns seq from 1 and keeps metadata; after replays", async () => {
    const conversation = await domain.conversations.create(actor);
    const first = await events.append(actor, conversation.id, {
      type: "user",
      content: "hello",
      runId: null,
      metadata: { client_message_id: "c1", seq: 99, conversation_id: "forged" },
    });
    const second = await events.append(actor, conversation.id, {
      type: "assistant",
      content: "hi",
      runId,
      metadata: { delta: true, nested: { a: [1, 2] } },
    });
    assert.deepEqual(first.metadata, {
      client_message_id: "c1",
      seq: 1,
      conversation_id: conversation.id,
      run_id: null,
    });
    assert.equal(second.metadata.seq, 2);
    assert.deepEqual(second.metadata.nested, { a: [1, 2] });
    assert.match(second.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(await events.after(actor, conversation.id, 0), [first, second]);
    assert.deepEqual(await events.after(actor, conversation.id, 1), [second]);
    assert.deepEqual(await events.after(actor, conversation.id, 0, 1), [first]);
    assert.equal(await events.latestSeq(actor, conversation.id), 2);
    assert.equal(await events.conversationOfRun(actor, runId), conversation.id);
  });

  await t.step("concurrent appends (two handles on MySQL) are gapless and unique", async () => {
    const conversation = await domain.conversations.create(actor);
    // Two synchronous SQLite handles in one thread would block each other inside BEGIN
    // IMMEDIATE; the embedded default is one instance, so it gets concurrency on one handle.
    const other = backend.db.dialect === "mysql" ? backend.openAnotherHandle() : backend.db;
    try {
      const second = createDomain({
        db: other,
        coordination: backend.coordination,
        passwordIterations: TEST_PASSWORD_ITERATIONS,
      });
      const writes = Array.from(
        { length: 40 },
        (_, i) =>
          (i % 2 ? second : domain).conversationEvents.append(actor, conversation.id, {
            type: "assistant",
            content: `piece ${i}`,
            runId,
          }),
      );
      const appended = await Promise.all(writes);
      const seqs = appended.map((event) => event.metadata.seq).sort((a, b) => a - b);
      assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => i + 1));
      const replay = await events.after(actor, conversation.id, 0);
      assert.deepEqual(replay.map((event) => event.metadata.seq), seqs);
    } finally {
      if (other !== backend.db) await other.close();
    }
  });

  await t.step("subscribers get each event once it is persisted", async () => {
    const conversation = await domain.conversations.create(actor);
    const received: ConversationEvent[] = [];
    let persistedWhenReceived = true;
    const subscription = await events.subscribe(actor, conversation.id, (event) => {
      received.push(event);
      // The listener can already read what it was told about.
      events.after(actor, conversation.id, event.metadata.seq - 1, 1).then((rows) => {
        if (rows[0]?.metadata.seq !== event.metadata.seq) persistedWhenReceived = false;
      });
    });
    const appended = [];
    for (let i = 0; i < 5; i++) {
      appended.push(
        await events.append(actor, conversation.id, { type: "step", content: `s${i}`, runId }),
      );
    }
    const deadline = Date.now() + 5_000;
    while (received.length < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await subscription.unsubscribe();
    assert.deepEqual(received, appended);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(persistedWhenReceived);
  });

  await t.step("another user's conversation is not found; bad input is rejected", async () => {
    const conversation = await domain.conversations.create(actor);
    const stranger = await registerUser(domain, "stranger");
    const event = { type: "user" as const, content: "x", runId: null };
    await assert.rejects(events.append(stranger, conversation.id, event), NotFoundError);
    await assert.rejects(events.after(stranger, conversation.id, 0), NotFoundError);
    await assert.rejects(events.subscribe(stranger, conversation.id, () => {}), NotFoundError);
    await assert.rejects(events.conversationOfRun(stranger, runId), NotFoundError);
    await assert.rejects(
      events.append(actor, conversation.id, { ...event, type: "bogus" as "user" }),
      ValidationError,
    );
    await assert.rejects(events.after(actor, conversation.id, -1), ValidationError);
  });
});
