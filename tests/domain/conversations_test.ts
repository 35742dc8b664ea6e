/**
 * Conversations and messages: create, list, rename, append with sequence numbers, delete, and
 * run fencing (a runner's message needs its run's current lease epoch).
 */
import assert from "node:assert/strict";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { RunFencedOutError } from "../../domain/run_fence.ts";
import { backendTest } from "../_helpers/backend.ts";
import { insertRun, registerUser } from "../_helpers/fixtures.ts";

backendTest("conversations", async (t, { db, domain, clock }) => {
  const { conversations } = domain;
  const actor = await registerUser(domain);

  await t.step("create with a default or given title; get and rename", async () => {
    const untitled = await conversations.create(actor);
    assert.equal(untitled.title, "New conversation");
    assert.equal(untitled.lastSeq, 0);
    const named = await conversations.create(actor, { title: "Weekly review" });
    assert.deepEqual(await conversations.get(actor, named.id), named);
    clock.advance(1_000);
    const renamed = await conversations.rename(actor, named.id, { title: "Q3 review" });
    assert.equal(renamed.title, "Q3 review");
  });

  await t.step("messages get gapless sequence numbers and keep metadata JSON", async () => {
    const conversation = await conversations.create(actor);
    const first = await conversations.appendMessage(actor, conversation.id, {
      role: "user",
      content: "How did my campaigns do? 📈",
    });
    const metadata = { component: "chart", data: { series: [1, 2.5, 3] } };
    const second = await conversations.appendMessage(actor, conversation.id, {
      role: "assistant",
      content: "Here you go",
      metadata,
    });
    assert.equal(first.seq, 1);
    assert.equal(second.seq, 2);
    assert.deepEqual(second.metadata, metadata);
    const messages = await conversations.listMessages(actor, conversation.id);
    assert.deepEqual(messages, [first, second]);
    assert.deepEqual(await conversations.listMessages(actor, conversation.id, { afterSeq: 1 }), [
      second,
    ]);
    assert.equal((await conversations.get(actor, conversation.id)).lastSeq, 2);
  });

  await t.step("concurrent appends never reuse a sequence number", async () => {
    const conversation = await conversations.create(actor);
    await Promise.all(
      Array.from({ length: 15 }, (_, index) =>
        conversations.appendMessage(actor, conversation.id, {
          role: "assistant",
          content: `delta ${index}`,
        })),
    );
    const messages = await conversations.listMessages(actor, conversation.id);
    assert.deepEqual(
      messages.map((message) => message.seq),
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
  });

  await t.step("a fenced message needs the run's current lease epoch", async () => {
    const conversation = await conversations.create(actor);
    const runId = await insertRun(db, actor, conversation.id, 3);
    const message = (leaseEpoch: number) => ({
      role: "assistant" as const,
      content: `epoch ${leaseEpoch}`,
      runId,
      fence: { runId, leaseEpoch },
    });
    await assert.rejects(
      conversations.appendMessage(actor, conversation.id, message(2)),
      RunFencedOutError,
    );
    assert.deepEqual(await conversations.listMessages(actor, conversation.id), []);
    assert.equal((await conversations.get(actor, conversation.id)).lastSeq, 0, "no seq taken");
    const stored = await conversations.appendMessage(actor, conversation.id, message(3));
    assert.deepEqual([stored.seq, stored.runId, stored.content], [1, runId, "epoch 3"]);
    assert.deepEqual(stored.metadata, {});
    await assert.rejects(
      conversations.appendMessage(actor, conversation.id, { ...message(3), runId: null }),
      ValidationError,
    );
  });

  await t.step("list shows most recently active first", async () => {
    const older = await conversations.create(actor, { title: "older" });
    clock.advance(60_000);
    await conversations.create(actor, { title: "newer" });
    clock.advance(60_000);
    await conversations.appendMessage(actor, older.id, { role: "user", content: "bump" });
    const page = await conversations.list(actor, { limit: 2 });
    assert.deepEqual(page.items.map((item) => item.title), ["older", "newer"]);
  });

  await t.step("invalid role is rejected; delete hides the conversation", async () => {
    const conversation = await conversations.create(actor);
    await assert.rejects(
      conversations.appendMessage(actor, conversation.id, { role: "robot" as "user", content: "" }),
      ValidationError,
    );
    await conversations.delete(actor, conversation.id);
    await assert.rejects(conversations.get(actor, conversation.id), NotFoundError);
    await assert.rejects(
      conversations.appendMessage(actor, conversation.id, { role: "user", content: "hi" }),
      NotFoundError,
    );
  });
});
