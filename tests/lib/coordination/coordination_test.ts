/**
 * Contract tests of coordination: the same assertions against Redis (REDIS_URL set) or the
 * in-process implementation.
 */
import assert from "node:assert/strict";
import { StaleLeaseError } from "../../../lib/coordination/types.ts";
import { backendTest } from "../../_helpers/backend.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

backendTest("coordination: leases", async (t, { coordination: { leases } }) => {
  await t.step("only one holder at a time; release frees the key", async () => {
    const first = await leases.acquire("run:a", 5_000);
    assert.ok(first);
    assert.equal(await leases.acquire("run:a", 5_000), null);
    assert.equal(await leases.release(first), true);
    assert.equal(await leases.release(first), false);
    const second = await leases.acquire("run:a", 5_000);
    assert.ok(second);
    assert.equal(second.epoch, first.epoch + 1);
    await leases.release(second);
  });

  await t.step("keys are independent", async () => {
    const left = await leases.acquire("run:left", 5_000);
    const right = await leases.acquire("run:right", 5_000);
    assert.ok(left && right);
    assert.equal(left.epoch, 1);
    assert.equal(right.epoch, 1);
  });

  await t.step("an expired lease can be taken, with a higher epoch", async () => {
    const old = await leases.acquire("run:expiry", 100);
    assert.ok(old);
    assert.equal(await leases.isCurrent(old), true);
    await sleep(200);
    assert.equal(await leases.isCurrent(old), false);
    const next = await leases.acquire("run:expiry", 5_000);
    assert.ok(next);
    assert.equal(next.epoch, old.epoch + 1);
    assert.equal(await leases.extend(old, 5_000), false, "the old holder cannot extend");
    assert.equal(await leases.release(old), false, "nor release the new holder's lease");
    assert.equal(await leases.isCurrent(next), true);
  });

  await t.step("extension keeps the lease past its first TTL", async () => {
    const lease = await leases.acquire("run:extend", 150);
    assert.ok(lease);
    await sleep(80);
    assert.equal(await leases.extend(lease, 400), true);
    await sleep(150);
    assert.equal(await leases.isCurrent(lease), true);
    assert.equal(await leases.acquire("run:extend", 1_000), null);
  });

  await t.step("a write carrying a stale epoch is rejected", async () => {
    const stale = await leases.acquire("run:fence", 100);
    assert.ok(stale);
    await leases.assertCurrent(stale);
    await sleep(200);
    const fresh = await leases.acquire("run:fence", 5_000);
    assert.ok(fresh);
    await assert.rejects(leases.assertCurrent(stale), StaleLeaseError);
    await leases.assertCurrent(fresh);
    const forged = { ...fresh, epoch: stale.epoch };
    await assert.rejects(leases.assertCurrent(forged), StaleLeaseError);
  });
});

backendTest("coordination: pub/sub", async (t, { coordination: { pubsub } }) => {
  await t.step("every subscriber of a channel receives each message, in order", async () => {
    const first: string[] = [];
    const second: string[] = [];
    const a = await pubsub.subscribe("conversation:1", (message) => first.push(message));
    const b = await pubsub.subscribe("conversation:1", (message) => second.push(message));
    const other: string[] = [];
    const c = await pubsub.subscribe("conversation:2", (message) => other.push(message));
    for (const message of ["one", "two", "three"]) await pubsub.publish("conversation:1", message);
    await waitFor(() => first.length === 3 && second.length === 3);
    assert.deepEqual(first, ["one", "two", "three"]);
    assert.deepEqual(second, ["one", "two", "three"]);
    assert.deepEqual(other, []);
    await Promise.all([a.unsubscribe(), b.unsubscribe(), c.unsubscribe()]);
  });

  await t.step("unsubscribed handlers stop receiving; others keep receiving", async () => {
    const kept: string[] = [];
    const dropped: string[] = [];
    const keep = await pubsub.subscribe("conversation:3", (message) => kept.push(message));
    const drop = await pubsub.subscribe("conversation:3", (message) => dropped.push(message));
    await drop.unsubscribe();
    await pubsub.publish("conversation:3", "after");
    await waitFor(() => kept.length === 1);
    await sleep(50);
    assert.deepEqual(dropped, []);
    await keep.unsubscribe();
  });
});

backendTest("coordination: counters", async (t, { coordination: { counters } }) => {
  await t.step("counts within a window and resets after it", async () => {
    const counts = [];
    for (let index = 0; index < 3; index++) {
      counts.push((await counters.increment("login:1.2.3.4", 200)).count);
    }
    assert.deepEqual(counts, [1, 2, 3]);
    const value = await counters.increment("login:1.2.3.4", 200);
    assert.ok(value.resetInMs > 0 && value.resetInMs <= 200);
    await sleep(300);
    assert.equal((await counters.increment("login:1.2.3.4", 200)).count, 1);
  });

  await t.step("concurrent increments are all counted", async () => {
    const values = await Promise.all(
      Array.from({ length: 25 }, () => counters.increment("api:user", 10_000)),
    );
    assert.deepEqual(values.map((value) => value.count).sort((a, b) => a - b), [
      ...Array.from({ length: 25 }, (_, index) => index + 1),
    ]);
  });

  await t.step("decrement takes one event back, never below zero", async () => {
    await counters.increment("login:undo", 10_000);
    await counters.increment("login:undo", 10_000);
    await counters.decrement("login:undo");
    assert.equal((await counters.increment("login:undo", 10_000)).count, 2);
    for (let index = 0; index < 4; index++) await counters.decrement("login:undo");
    assert.equal((await counters.increment("login:undo", 10_000)).count, 1);
    await counters.decrement("login:never-counted");
    assert.equal((await counters.increment("login:never-counted", 10_000)).count, 1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(10);
  }
}
