/**
 * The conversation event log: gapless sequence numbers under concurrent appends (on one handle
 * and on two database handles, as two instances would be), persisted before published, replay
 * with `after`, tenant isolation, and run fencing (a runner's append needs its run's current
 * lease epoch).
 */
import assert from "node:assert/strict";
import { createDomain } from "../../domain/mod.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { ConversationEvent } from "../../domain/conversation_events.ts";
import { RunFencedOutError } from "../../domain/run_fence.ts";
import { backendTest, TEST_PASSWORD_ITERATIONS } from "../_helpers/backend.ts";
import { insertRun, registerUser } from "../_helpers/fixtures.ts";

backendTest("conversation events", async (t, backend) => {
  const { domain } = backend;
  const events = domain.conversationEvents;
  const actor = await registerUser(domain);
  const runId = crypto.randomUUID();

  /**
   * A second app instance: its own handle on MySQL. Two synchronous SQLite handles in one thread
   * would block each other inside BEGIN IMMEDIATE; the embedded default is one instance, so it
   * gets concurrency on one handle.
   */
  const secondInstance = () => {
    const db = backend.db.dialect === "mysql" ? backend.openAnotherHandle() : backend.db;
    return {
      db,
      domain: createDomain({
        db,
        coordination: backend.coordination,
        passwordIterations: TEST_PASSWORD_ITERATIONS,
      }),
      close: () => db === backend.db ? Promise.resolve() : db.close(),
    };
  };

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
    const { domain: second, close } = secondInstance();
    try {
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
      await close();
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

  await t.step("a fenced append needs the run's current lease epoch", async () => {
    const conversation = await domain.conversations.create(actor);
    const fencedRun = await insertRun(backend.db, actor, conversation.id, 2);
    const event = (leaseEpoch: number, content: string) => ({
      type: "assistant" as const,
      content,
      runId: fencedRun,
      fence: { runId: fencedRun, leaseEpoch },
    });
    const current = await events.append(actor, conversation.id, event(2, "current"));
    assert.equal(current.metadata.seq, 1);
    assert.equal(current.metadata.run_id, fencedRun);
    assert.equal("fence" in current.metadata, false, "the fence is not stored as metadata");

    const refused = await events.append(actor, conversation.id, event(1, "stale"))
      .then(() => null, (error: unknown) => error);
    assert.ok(refused instanceof RunFencedOutError, String(refused));
    assert.equal(refused.code, "run_fenced_out");
    assert.deepEqual([refused.runId, refused.leaseEpoch], [fencedRun, 1]);
    // A run of another conversation does not fence this one's events.
    const elsewhere = await insertRun(
      backend.db,
      actor,
      (await domain.conversations.create(actor)).id,
      2,
    );
    await assert.rejects(
      events.append(actor, conversation.id, {
        ...event(2, "wrong conversation"),
        runId: elsewhere,
        fence: { runId: elsewhere, leaseEpoch: 2 },
      }),
      RunFencedOutError,
    );
    // Nothing was written: no event, no seq consumed.
    assert.deepEqual(await events.after(actor, conversation.id, 0), [current]);
    const unfenced = await events.append(actor, conversation.id, {
      type: "user",
      content: "still open to events outside a runner",
      runId: fencedRun,
    });
    assert.equal(unfenced.metadata.seq, 2);
    await assert.rejects(
      events.append(actor, conversation.id, {
        ...event(2, "fence of another run"),
        runId: crypto.randomUUID(),
      }),
      ValidationError,
    );
  });

  await t.step("fenced appends racing epoch bumps keep epoch order, no deadlock", async () => {
    const conversation = await domain.conversations.create(actor);
    const race = await insertRun(backend.db, actor, conversation.id, 0);
    const { db: other, domain: second, close } = secondInstance();
    try {
      // Claims bump the epoch from the other handle while every epoch's runner keeps writing
      // events and messages (each write locks the conversation, then the run row).
      const claims = (async () => {
        for (let epoch = 1; epoch <= 4; epoch++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          await other.kysely.updateTable("agent_runs")
            .set((eb) => ({ lease_epoch: eb("lease_epoch", "+", 1) }))
            .where("id", "=", race).execute();
        }
      })();
      const runner = (epoch: number) =>
        (async () => {
          const fence = { runId: race, leaseEpoch: epoch };
          for (let i = 0; i < 12; i++) {
            const service = i % 2 ? second : domain;
            const write = i % 3
              ? service.conversationEvents.append(actor, conversation.id, {
                type: "step",
                content: String(epoch),
                runId: race,
                fence,
              })
              : service.conversations.appendMessage(actor, conversation.id, {
                role: "assistant",
                content: String(epoch),
                runId: race,
                fence,
              });
            await write.catch((error) => {
              if (!(error instanceof RunFencedOutError)) throw error;
            });
            // Spread each runner's writes over the claims.
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
        })();
      await Promise.all([claims, ...[0, 1, 2, 3, 4].map(runner)]);
      const epochs = (await events.after(actor, conversation.id, 0))
        .map((event) => Number(event.content));
      assert.ok(epochs.length > 0);
      assert.deepEqual(epochs, [...epochs].sort((a, b) => a - b), "no write of an older epoch");
      const messages = await domain.conversations.listMessages(actor, conversation.id);
      const messageEpochs = messages.map((message) => Number(message.content));
      assert.deepEqual(messageEpochs, [...messageEpochs].sort((a, b) => a - b));
    } finally {
      await close();
    }
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
