/**
 * `KyselySaver` behaviour beyond LangGraph's conformance suite (which `validation_test.ts` runs):
 * changed-only blobs and list append deltas, recovery when a delta's base is gone, thread
 * deletion, retention pruning, and a real `StateGraph` interrupted for approval and resumed with
 * `Command({ resume })` by a saver re-created on a new database handle (a process restart).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type Checkpoint,
  type CheckpointMetadata,
  emptyCheckpoint,
  uuid6,
} from "@langchain/langgraph-checkpoint";
import {
  Annotation,
  Command,
  END,
  interrupt,
  MessagesAnnotation,
  START,
  StateGraph,
} from "@langchain/langgraph";
// @ts-types="@langchain/core/messages"
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { KyselySaver } from "../../../agent/checkpoint/kysely_saver.ts";
import type { Database } from "../../../db/database.ts";
import { checkpointTest } from "./_scratch.ts";

const META: CheckpointMetadata = { source: "loop", step: 0, parents: {} };

/** Blob rows of a thread, oldest version first (versions are numeric), as plain objects. */
async function blobRows(db: Database, threadId: string) {
  const rows = await db.kysely.selectFrom("agent_checkpoint_blobs")
    .select(["channel", "version", "base_version", "root_version", "blob"])
    .where("thread_id", "=", threadId)
    .execute();
  return rows.sort((a, b) => Number(a.version) - Number(b.version))
    .map((row) => ({ ...row, text: new TextDecoder().decode(row.blob) }));
}

async function count(
  db: Database,
  table: "agent_checkpoints" | "agent_checkpoint_blobs" | "agent_checkpoint_writes",
  threadId: string,
) {
  const rows = await db.kysely.selectFrom(table).select("id").where("thread_id", "=", threadId)
    .execute();
  return rows.length;
}

/** Puts a checkpoint whose channels `changed` got new versions; returns its config. */
async function putStep(
  saver: KyselySaver,
  parent: RunnableConfig,
  previous: Checkpoint | undefined,
  values: Record<string, unknown>,
  changed: string[],
): Promise<{ config: RunnableConfig; checkpoint: Checkpoint }> {
  const versions = { ...(previous?.channel_versions ?? {}) };
  for (const channel of changed) {
    versions[channel] = saver.getNextVersion(versions[channel] as number | undefined);
  }
  const checkpoint: Checkpoint = {
    ...emptyCheckpoint(),
    id: uuid6(-1),
    channel_values: values,
    channel_versions: versions,
  };
  const newVersions = Object.fromEntries(changed.map((channel) => [channel, versions[channel]]));
  const config = await saver.put(parent, checkpoint, META, newVersions);
  return { config, checkpoint };
}

checkpointTest(
  "KyselySaver stores changed values only, growing lists as deltas",
  async (t, scratch) => {
    const { db } = scratch;
    const saver = new KyselySaver(db);
    const thread = { configurable: { thread_id: "thread-delta", checkpoint_ns: "" } };
    const first = await putStep(saver, thread, undefined, { messages: ["hello"], mood: "calm" }, [
      "messages",
      "mood",
    ]);
    const second = await putStep(saver, first.config, first.checkpoint, {
      messages: ["hello", { role: "ai", text: "hi there" }],
      mood: "calm",
    }, ["messages"]);

    await t.step("an unchanged channel is not stored again", async () => {
      const rows = await blobRows(db, "thread-delta");
      assert.equal(rows.filter((row) => row.channel === "mood").length, 1);
      assert.equal(rows.filter((row) => row.channel === "messages").length, 2);
    });

    await t.step("the appended item alone is stored, pointing at its base", async () => {
      const rows = (await blobRows(db, "thread-delta")).filter((row) => row.channel === "messages");
      assert.equal(rows[0].base_version, null);
      assert.equal(rows[0].text, '["hello"]');
      assert.equal(rows[1].base_version, rows[0].version);
      assert.equal(rows[1].root_version, rows[0].version);
      assert.equal(rows[1].text, '[{"role":"ai","text":"hi there"}]');
    });

    await t.step("reads rebuild whole values, also from a fresh saver", async () => {
      for (const reader of [saver, new KyselySaver(db)]) {
        const tuple = await reader.getTuple(second.config);
        assert.deepEqual(tuple?.checkpoint.channel_values, {
          messages: ["hello", { role: "ai", text: "hi there" }],
          mood: "calm",
        });
        const older = await reader.getTuple(first.config);
        assert.deepEqual(older?.checkpoint.channel_values, { messages: ["hello"], mood: "calm" });
      }
    });

    await t.step("a list edited in place is stored whole", async () => {
      const third = await putStep(saver, second.config, second.checkpoint, {
        messages: ["HELLO", { role: "ai", text: "hi there" }, "more"],
        mood: "calm",
      }, ["messages"]);
      const rows = (await blobRows(db, "thread-delta")).filter((row) => row.channel === "messages");
      assert.equal(rows.at(-1)?.base_version, null);
      const tuple = await saver.getTuple(third.config);
      assert.deepEqual(tuple?.checkpoint.channel_values.messages, [
        "HELLO",
        { role: "ai", text: "hi there" },
        "more",
      ]);
    });

    await t.step("a saver that just read the latest checkpoint continues the chain", async () => {
      const restarted = new KyselySaver(db);
      const latest = await restarted.getTuple(thread);
      assert.ok(latest);
      const next = await putStep(restarted, latest.config, latest.checkpoint, {
        ...latest.checkpoint.channel_values,
        messages: [...latest.checkpoint.channel_values.messages as unknown[], "after restart"],
      }, ["messages"]);
      const rows = (await blobRows(db, "thread-delta")).filter((row) => row.channel === "messages");
      assert.equal(rows.at(-1)?.text, '["after restart"]');
      const tuple = await new KyselySaver(db).getTuple(next.config);
      assert.deepEqual(
        (tuple?.checkpoint.channel_values.messages as unknown[]).at(-1),
        "after restart",
      );
    });
  },
);

checkpointTest("KyselySaver bounds delta chains by maxDeltaDepth", async (_t, scratch) => {
  const saver = new KyselySaver(scratch.db, { maxDeltaDepth: 2 });
  let step = await putStep(saver, { configurable: { thread_id: "chain" } }, undefined, {
    items: [0],
  }, ["items"]);
  const items = [0];
  for (let i = 1; i <= 5; i++) {
    items.push(i);
    step = await putStep(saver, step.config, step.checkpoint, { items: [...items] }, ["items"]);
  }
  const rows = await blobRows(scratch.db, "chain");
  // full, delta, delta, full, delta, delta
  assert.deepEqual(rows.map((row) => row.base_version === null), [
    true,
    false,
    false,
    true,
    false,
    false,
  ]);
  const tuple = await new KyselySaver(scratch.db).getTuple(step.config);
  assert.deepEqual(tuple?.checkpoint.channel_values.items, [0, 1, 2, 3, 4, 5]);
});

checkpointTest(
  "KyselySaver stores a list whole when its delta base is gone",
  async (_t, scratch) => {
    const { db } = scratch;
    const saver = new KyselySaver(db);
    const first = await putStep(saver, { configurable: { thread_id: "lost" } }, undefined, {
      log: ["a"],
    }, ["log"]);
    const second = await putStep(saver, first.config, first.checkpoint, { log: ["a", "b"] }, [
      "log",
    ]);
    // Another process removes the chain behind this saver's back (its cache still knows it).
    await db.kysely.deleteFrom("agent_checkpoint_blobs").where("thread_id", "=", "lost").execute();
    const third = await putStep(saver, second.config, second.checkpoint, { log: ["a", "b", "c"] }, [
      "log",
    ]);
    const rows = await blobRows(db, "lost");
    assert.equal(rows.length, 1);
    assert.equal(rows[0].base_version, null);
    const tuple = await new KyselySaver(db).getTuple(third.config);
    assert.deepEqual(tuple?.checkpoint.channel_values.log, ["a", "b", "c"]);
  },
);

checkpointTest(
  "groupCommit commits a turn's calls together and fails only the call that failed",
  async (_t, scratch) => {
    const db = scratch.openAnother({ multipleStatements: true });
    const saver = new KyselySaver(db, { groupCommit: true });
    let step = await putStep(saver, { configurable: { thread_id: "batched" } }, undefined, {
      log: ["a"],
    }, ["log"]);
    step = await putStep(saver, step.config, step.checkpoint, { log: ["a", "b"] }, ["log"]);
    // The next delta's chain is gone: the group fails at its blob insert and is rolled back;
    // the writes sent in the same turn are then committed on their own, and the saver retries
    // the put with the whole value.
    await db.kysely.deleteFrom("agent_checkpoint_blobs").where("thread_id", "=", "batched")
      .execute();
    const [next] = await Promise.all([
      putStep(saver, step.config, step.checkpoint, { log: ["a", "b", "c"] }, ["log"]),
      saver.putWrites(step.config, [["log", "pending"]], "task-1"),
    ]);
    step = next;
    assert.equal(await count(scratch.db, "agent_checkpoint_writes", "batched"), 1);
    for (let i = 0; i < 12; i++) {
      // Pooled connections must not be left inside the failed transaction: later puts on any
      // of them commit and are visible from another handle.
      const [later] = await Promise.all([
        putStep(saver, step.config, step.checkpoint, {
          log: [...step.checkpoint.channel_values.log as string[], `x${i}`],
        }, ["log"]),
        saver.putWrites(step.config, [["log", `pending ${i}`]], `task-${i}`),
      ]);
      step = later;
    }
    const tuple = await new KyselySaver(scratch.db).getTuple({
      configurable: { thread_id: "batched" },
    });
    assert.equal(tuple?.checkpoint.id, step.checkpoint.id);
    assert.equal((tuple?.checkpoint.channel_values.log as string[]).length, 15);
    assert.equal(await count(scratch.db, "agent_checkpoints", "batched"), 15);
    assert.equal(await count(scratch.db, "agent_checkpoint_writes", "batched"), 13);
  },
  { ignore: !Deno.env.get("DATABASE_URL") }, // multi-statement transactions are MySQL's
);

checkpointTest(
  "KyselySaver.deleteThread removes checkpoints, delta chains and writes",
  async (_t, scratch) => {
    const { db } = scratch;
    const saver = new KyselySaver(db);
    for (const threadId of ["doomed", "kept"]) {
      let step = await putStep(saver, { configurable: { thread_id: threadId } }, undefined, {
        log: ["a"],
      }, ["log"]);
      for (const item of ["b", "c", "d"]) {
        const values = { log: [...step.checkpoint.channel_values.log as string[], item] };
        step = await putStep(saver, step.config, step.checkpoint, values, ["log"]);
        await saver.putWrites(step.config, [["log", item]], `task-${item}`);
      }
    }
    await saver.deleteThread("doomed");
    for (
      const table of [
        "agent_checkpoints",
        "agent_checkpoint_blobs",
        "agent_checkpoint_writes",
      ] as const
    ) {
      assert.equal(await count(db, table, "doomed"), 0, table);
      assert.ok(await count(db, table, "kept") > 0, table);
    }
    const kept = await saver.getTuple({ configurable: { thread_id: "kept" } });
    assert.deepEqual(kept?.checkpoint.channel_values.log, ["a", "b", "c", "d"]);
  },
);

checkpointTest(
  "KyselySaver.prune keeps each thread's latest checkpoint and what it needs",
  async (t, scratch) => {
    const { db } = scratch;
    let now = Date.parse("2026-11-20T12:00:00.000Z");
    const saver = new KyselySaver(db, { now: () => new Date(now) });
    const DAY = 86_400_000;

    // An old finished thread: five steps in the root namespace and two in a subgraph namespace.
    let step = await putStep(
      saver,
      { configurable: { thread_id: "old", checkpoint_ns: "" } },
      undefined,
      {
        messages: ["m0"],
        status: "running",
      },
      ["messages", "status"],
    );
    for (let i = 1; i <= 4; i++) {
      now += 1000;
      await saver.putWrites(step.config, [["messages", `m${i}`]], `task-${i}`);
      step = await putStep(saver, step.config, step.checkpoint, {
        messages: [...step.checkpoint.channel_values.messages as string[], `m${i}`],
        status: i === 4 ? "done" : "running",
      }, i === 4 ? ["messages", "status"] : ["messages"]);
    }
    await saver.putWrites(step.config, [["__interrupt__", "pending"]], "final-task");
    const latestRoot = step;
    let sub = await putStep(
      saver,
      { configurable: { thread_id: "old", checkpoint_ns: "tools:1" } },
      undefined,
      {
        scratch: "a",
      },
      ["scratch"],
    );
    sub = await putStep(saver, sub.config, sub.checkpoint, { scratch: "b" }, ["scratch"]);

    // A recent thread.
    now += 3 * DAY;
    let recent = await putStep(saver, { configurable: { thread_id: "recent" } }, undefined, {
      messages: ["r0"],
    }, ["messages"]);
    recent = await putStep(saver, recent.config, recent.checkpoint, { messages: ["r0", "r1"] }, [
      "messages",
    ]);
    const before = {
      checkpoints: await count(db, "agent_checkpoints", "old"),
      blobs: await count(db, "agent_checkpoint_blobs", "old"),
      writes: await count(db, "agent_checkpoint_writes", "old"),
    };
    const recentBlobs = await count(db, "agent_checkpoint_blobs", "recent");

    const report = await t.step("prunes the idle thread only", async () => {
      const report = await saver.prune({ olderThanMs: DAY });
      assert.equal(report.threads, 1);
      assert.equal(report.checkpoints, 5); // 4 of the root namespace, 1 of the subgraph
      assert.equal(report.writes, 4);
      assert.equal(await count(db, "agent_checkpoints", "old"), before.checkpoints - 5);
      assert.equal(await count(db, "agent_checkpoints", "old"), 2);
      assert.equal(
        await count(db, "agent_checkpoint_writes", "old"),
        1,
        "the latest's writes stay",
      );
      assert.equal(await count(db, "agent_checkpoints", "recent"), 2);
      assert.equal(await count(db, "agent_checkpoint_blobs", "recent"), recentBlobs);
      // The first "status" and "scratch" values are unreferenced now; every "messages" version is
      // part of the latest value's delta chain and stays.
      assert.equal(report.blobs, 2);
      assert.equal(await count(db, "agent_checkpoint_blobs", "old"), before.blobs - 2);
    });
    assert.ok(report);

    await t.step("the latest checkpoints still read whole", async () => {
      const reader = new KyselySaver(db);
      const root = await reader.getTuple({ configurable: { thread_id: "old", checkpoint_ns: "" } });
      assert.equal(root?.checkpoint.id, latestRoot.checkpoint.id);
      assert.deepEqual(root?.checkpoint.channel_values, {
        messages: ["m0", "m1", "m2", "m3", "m4"],
        status: "done",
      });
      assert.deepEqual(root?.pendingWrites, [["final-task", "__interrupt__", "pending"]]);
      const subgraph = await reader.getTuple({
        configurable: { thread_id: "old", checkpoint_ns: "tools:1" },
      });
      assert.deepEqual(subgraph?.checkpoint.channel_values, { scratch: "b" });
      const history = [];
      for await (const tuple of reader.list({ configurable: { thread_id: "old" } })) {
        history.push(tuple);
      }
      assert.equal(history.length, 2);
    });

    await t.step("a resumed thread keeps appending after the prune", async () => {
      const next = await putStep(saver, latestRoot.config, latestRoot.checkpoint, {
        messages: ["m0", "m1", "m2", "m3", "m4", "m5"],
        status: "done",
      }, ["messages"]);
      const tuple = await new KyselySaver(db).getTuple(next.config);
      assert.deepEqual(tuple?.checkpoint.channel_values.messages, [
        "m0",
        "m1",
        "m2",
        "m3",
        "m4",
        "m5",
      ]);
    });

    await t.step(
      "a second prune finds nothing; named threads are pruned regardless of idleness",
      async () => {
        now += 3 * DAY;
        assert.deepEqual(await saver.prune({ olderThanMs: 10 * DAY }), {
          threads: 0,
          checkpoints: 0,
          blobs: 0,
          writes: 0,
        });
        const named = await saver.prune({ olderThanMs: DAY, threadIds: ["recent"] });
        assert.equal(named.checkpoints, 1);
        const tuple = await saver.getTuple({ configurable: { thread_id: "recent" } });
        assert.deepEqual(tuple?.checkpoint.channel_values.messages, ["r0", "r1"]);
      },
    );
  },
);

/** State of the approval graph: chat messages plus what the approval decided. */
const ApprovalState = Annotation.Root({
  ...MessagesAnnotation.spec,
  decision: Annotation<string>(),
});

/** A small agent: propose a tool call, stop for approval, run the tool only if approved. */
function approvalGraph(checkpointer: KyselySaver, sideEffects: string[]) {
  return new StateGraph(ApprovalState)
    .addNode("propose", () => ({
      messages: [
        new AIMessage({
          content: "I will pause campaign c1.",
          tool_calls: [{
            id: "call_1",
            name: "pause_campaign",
            args: { id: "c1" },
            type: "tool_call",
          }],
        }),
      ],
    }))
    .addNode("approve", () => {
      const answer = interrupt({ preview: "pause campaign c1" }) as string;
      return { decision: answer };
    })
    .addNode("execute", (state) => {
      if (state.decision === "approve") sideEffects.push("paused c1");
      return {
        messages: [
          new ToolMessage({
            tool_call_id: "call_1",
            content: state.decision === "approve" ? "paused" : "rejected by user",
          }),
        ],
      };
    })
    .addEdge(START, "propose")
    .addEdge("propose", "approve")
    .addEdge("approve", "execute")
    .addEdge("execute", END)
    .compile({ checkpointer });
}

checkpointTest(
  "a StateGraph interrupted for approval resumes after a restart",
  async (t, scratch) => {
    const config = { configurable: { thread_id: "approval-thread" } };
    const sideEffects: string[] = [];

    await t.step("the first process runs until the interrupt", async () => {
      const db = scratch.openAnother();
      const graph = approvalGraph(new KyselySaver(db), sideEffects);
      const result = await graph.invoke(
        { messages: [new HumanMessage("pause c1 please")] },
        { ...config, durability: "sync" },
      );
      const interrupts = (result as { __interrupt__?: { value: { preview: string } }[] })
        .__interrupt__;
      assert.equal(interrupts?.[0]?.value.preview, "pause campaign c1");
      assert.deepEqual(sideEffects, []);
      const state = await graph.getState(config);
      assert.deepEqual(state.next, ["approve"]);
      await db.close(); // the process dies
    });

    await t.step("a new process with a new saver resumes with Command({ resume })", async () => {
      const db = scratch.openAnother();
      const graph = approvalGraph(new KyselySaver(db), sideEffects);
      const state = await graph.getState(config);
      assert.deepEqual(state.next, ["approve"]);
      assert.equal(state.tasks[0]?.interrupts[0]?.value?.preview, "pause campaign c1");
      const result = await graph.invoke(new Command({ resume: "approve" }), {
        ...config,
        durability: "sync",
      });
      assert.equal(result.decision, "approve");
      assert.deepEqual(sideEffects, ["paused c1"]);
      assert.deepEqual(
        result.messages.map((message: { content: unknown }) => message.content),
        ["pause c1 please", "I will pause campaign c1.", "paused"],
      );
      const final = await graph.getState(config);
      assert.deepEqual(final.next, []);
      const history = [];
      for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
      assert.ok(history.length >= 4);
    });

    await t.step("the stored history reads back from a third handle", async () => {
      const reader = new KyselySaver(scratch.openAnother());
      const latest = await reader.getTuple(config);
      const messages = latest?.checkpoint.channel_values.messages as { content: unknown }[];
      assert.equal(messages.length, 3);
      assert.ok(messages[1] instanceof AIMessage);
      assert.deepEqual((messages[1] as AIMessage).tool_calls?.[0]?.args, { id: "c1" });
    });
  },
);
