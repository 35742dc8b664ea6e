/**
 * The durable workflow engine on both backends: one run per dedupe key across instances, steps
 * recorded once and skipped on resume, retries with backoff then failure, a runner that lost its
 * lease records nothing while the instance that took over finishes, two workers racing over many
 * runs execute each once, and reads are tenant-scoped.
 */
import assert from "node:assert/strict";
import { backendTest, type TestBackend } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { randomIds } from "../../../domain/clock.ts";
import type { DomainContext } from "../../../domain/context.ts";
import { NotFoundError } from "../../../domain/errors.ts";
import {
  createWorkflows,
  type WorkflowHandler,
  type WorkflowOptions,
} from "../../../domain/workflows/engine.ts";

function contextOf(backend: TestBackend): DomainContext {
  return {
    db: backend.db,
    coordination: backend.coordination,
    clock: backend.clock,
    ids: randomIds,
    platforms: {},
  };
}

function engine(
  backend: TestBackend,
  handlers: Record<string, WorkflowHandler>,
  options: Partial<WorkflowOptions> = {},
) {
  return createWorkflows(contextOf(backend), { handlers, retryBaseMs: 0, ...options });
}

backendTest("enqueue: one run per dedupe key, even from racing instances", async (_t, backend) => {
  const actor = await registerUser(backend.domain);
  const instances = Array.from({ length: 4 }, () => engine(backend, {}));
  const runs = await Promise.all(
    instances.map((instance) =>
      instance.enqueue(actor, {
        kind: "noop",
        subjectId: "s1",
        dedupeKey: "noop:s1:slot-1",
        input: { n: 1 },
      })
    ),
  );
  assert.equal(new Set(runs.map((run) => run.id)).size, 1);
  const rows = await backend.db.kysely.selectFrom("workflow_runs").select("id").execute();
  assert.equal(rows.length, 1);
  assert.equal(await instances[0].exists("noop:s1:slot-1"), true);
  assert.equal(await instances[0].exists("noop:s1:slot-2"), false);
});

backendTest("a run executes its steps once; a retry skips the steps done", async (t, backend) => {
  const actor = await registerUser(backend.domain);
  const effects: string[] = [];
  let failOnce = true;
  const handler: WorkflowHandler = async ({ step, run }) => {
    const a = await step("a", "first", () => {
      effects.push("a");
      return Promise.resolve({ value: (run.input as { base: number }).base + 1 });
    });
    const b = await step("b", "second", () => {
      effects.push("b");
      if (failOnce) {
        failOnce = false;
        return Promise.reject(new Error("platform timed out"));
      }
      return Promise.resolve({ value: a.value * 10 });
    });
    return { total: b.value };
  };
  const workflows = engine(backend, { demo: handler });
  const run = await workflows.enqueue(actor, {
    kind: "demo",
    subjectId: "x",
    dedupeKey: "demo:x",
    input: { base: 1 },
  });

  await t.step("the first attempt fails at step b and goes back to the queue", async () => {
    assert.equal(await workflows.runDue("w1", { limit: 1 }), 1);
    const detail = await workflows.get(actor, run.id);
    assert.equal(detail.status, "queued");
    assert.equal(detail.error, "platform timed out");
    assert.deepEqual(detail.steps.map((s) => [s.key, s.status]), [
      ["a", "succeeded"],
      ["b", "failed"],
    ]);
  });

  await t.step("the retry skips step a, finishes b and stores the result", async () => {
    assert.equal(await workflows.runDue("w1"), 1);
    const detail = await workflows.get(actor, run.id);
    assert.equal(detail.status, "succeeded");
    assert.equal(detail.attempt, 2);
    assert.deepEqual(detail.result, { total: 20 });
    assert.equal(detail.error, null);
    assert.deepEqual(effects, ["a", "b", "b"]);
    assert.deepEqual(detail.steps.map((s) => [s.seq, s.key, s.status, s.attempt]), [
      [1, "a", "succeeded", 1],
      [2, "b", "succeeded", 2],
    ]);
    assert.deepEqual(detail.steps[0].output, { value: 2 });
    assert.equal(await workflows.runDue("w1"), 0, "nothing left");
  });
});

backendTest("a run that keeps failing is marked failed after maxAttempts", async (_t, backend) => {
  const actor = await registerUser(backend.domain);
  let calls = 0;
  const workflows = engine(backend, {
    broken: () => {
      calls++;
      return Promise.reject(new Error(`attempt ${calls} broke`));
    },
  }, { maxAttempts: 3 });
  const run = await workflows.enqueue(actor, {
    kind: "broken",
    subjectId: "x",
    dedupeKey: "broken:x",
    input: null,
  });
  for (let pass = 0; pass < 5; pass++) await workflows.runDue("w1");
  const detail = await workflows.get(actor, run.id);
  assert.equal(detail.status, "failed");
  assert.equal(detail.error, "attempt 3 broke");
  assert.equal(calls, 3);
  assert.ok(detail.finishedAt);
});

backendTest("a run not yet due waits for the domain clock", async (_t, backend) => {
  const actor = await registerUser(backend.domain);
  let ran = 0;
  const workflows = engine(backend, {
    later: () => {
      ran++;
      return Promise.resolve(null);
    },
  });
  await workflows.enqueue(actor, {
    kind: "later",
    subjectId: "x",
    dedupeKey: "later:x",
    input: null,
    scheduledFor: new Date(backend.clock.now().getTime() + 3_600_000),
  });
  assert.equal(await workflows.runDue("w1"), 0);
  backend.clock.advance(3_600_000);
  assert.equal(await workflows.runDue("w1"), 1);
  assert.equal(ran, 1);
});

backendTest(
  "a runner that lost its lease records nothing; the instance that took over finishes",
  async (t, backend) => {
    const actor = await registerUser(backend.domain);
    let reached!: () => void;
    const atStepB = new Promise<void>((resolve) => reached = resolve);
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => wake = resolve);
    const recorded: string[] = [];
    const handler: WorkflowHandler = async ({ step, run }) => {
      await step("a", "first", () => Promise.resolve("a done"));
      await step("b", "second", async () => {
        if (run.attempt === 1) {
          reached();
          await woken;
        }
        return `b by attempt ${run.attempt}`;
      });
      await step("c", "third", () => {
        recorded.push(`c by attempt ${run.attempt}`);
        return Promise.resolve("c done");
      });
      return { attempt: run.attempt };
    };
    const stalled = engine(backend, { demo: handler }, { leaseMs: 60_000 });
    // The other instance's wall clock runs an hour ahead: the stalled runner's lease looks lapsed.
    const later = { now: () => new Date(Date.now() + 3_600_000) };
    const other = engine(backend, { demo: handler }, { leaseMs: 60_000, leaseClock: later });
    const run = await stalled.enqueue(actor, {
      kind: "demo",
      subjectId: "x",
      dedupeKey: "demo:stall",
      input: null,
    });
    const first = stalled.runDue("stalled", { limit: 1 });
    await atStepB;

    await t.step("the other instance takes the run over and completes it", async () => {
      assert.equal(await other.runDue("other"), 1);
      const detail = await other.get(actor, run.id);
      assert.equal(detail.status, "succeeded");
      assert.equal(detail.attempt, 2);
      assert.deepEqual(detail.steps.map((s) => [s.key, s.status, s.attempt]), [
        ["a", "succeeded", 1],
        ["b", "succeeded", 2],
        ["c", "succeeded", 2],
      ]);
      assert.equal(detail.steps[1].output, "b by attempt 2");
    });

    await t.step("the stalled runner wakes and writes nothing more", async () => {
      wake();
      await first;
      const detail = await other.get(actor, run.id);
      assert.equal(detail.status, "succeeded");
      assert.deepEqual(detail.result, { attempt: 2 });
      assert.equal(detail.steps[1].output, "b by attempt 2");
      assert.deepEqual(recorded, ["c by attempt 2"]);
    });
  },
);

backendTest("on shutdown a run is handed back after its current step", async (_t, backend) => {
  const actor = await registerUser(backend.domain);
  const stopping = new AbortController();
  const ran: string[] = [];
  const handler: WorkflowHandler = async ({ step, run }) => {
    await step("a", "first", () => {
      ran.push(`a#${run.attempt}`);
      stopping.abort();
      return Promise.resolve(null);
    });
    await step("b", "second", () => {
      ran.push(`b#${run.attempt}`);
      return Promise.resolve(null);
    });
    return null;
  };
  const workflows = engine(backend, { demo: handler });
  const run = await workflows.enqueue(actor, {
    kind: "demo",
    subjectId: "x",
    dedupeKey: "demo:drain",
    input: null,
  });
  assert.equal(await workflows.runDue("leaving", { signal: stopping.signal }), 1);
  const handedBack = await workflows.get(actor, run.id);
  assert.equal(handedBack.status, "queued");
  assert.equal(handedBack.attempt, 0, "a hand-back is not an attempt");
  assert.equal(await workflows.runDue("other"), 1);
  const done = await workflows.get(actor, run.id);
  assert.equal(done.status, "succeeded");
  assert.deepEqual(ran, ["a#1", "b#1"]);
});

backendTest("two workers racing over many runs execute each once", async (_t, backend) => {
  const actor = await registerUser(backend.domain);
  const executions = new Map<string, number>();
  const handler: WorkflowHandler = async ({ step, run }) => {
    await step("only", "only", () => {
      executions.set(run.id, (executions.get(run.id) ?? 0) + 1);
      return Promise.resolve(null);
    });
    return null;
  };
  const a = engine(backend, { work: handler });
  const b = engine(backend, { work: handler });
  for (let index = 0; index < 20; index++) {
    await a.enqueue(actor, {
      kind: "work",
      subjectId: "x",
      dedupeKey: `work:${index}`,
      input: null,
    });
  }
  const [byA, byB] = await Promise.all([a.runDue("a"), b.runDue("b")]);
  assert.equal(byA + byB, 20);
  assert.equal(executions.size, 20);
  assert.ok([...executions.values()].every((count) => count === 1));
  const page = await a.list(actor, { status: "succeeded", limit: 100 });
  assert.equal(page.total, 20);
});

backendTest("reads are the owner's only", async (_t, backend) => {
  const owner = await registerUser(backend.domain);
  const stranger = await registerUser(backend.domain);
  const workflows = engine(backend, {});
  const run = await workflows.enqueue(owner, {
    kind: "noop",
    subjectId: "rule-1",
    dedupeKey: "noop:owned",
    input: null,
  });
  assert.equal((await workflows.list(owner, { subjectId: "rule-1" })).total, 1);
  assert.equal((await workflows.list(stranger)).total, 0);
  await assert.rejects(() => workflows.get(stranger, run.id), NotFoundError);
  await assert.rejects(() => workflows.get(owner, "not-a-uuid"), NotFoundError);
});
