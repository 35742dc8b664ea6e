/** Idempotency records: first call starts, replays return the stored response. */
import assert from "node:assert/strict";
import { requestHash } from "../../domain/idempotency.ts";
import { ConflictError, NotFoundError } from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";
import { registerUser } from "../_helpers/fixtures.ts";

backendTest("idempotency", async (t, { domain, clock }) => {
  const { idempotency } = domain;
  const actor = await registerUser(domain);
  const scope = "POST /api/v1/campaigns";
  const hash = await requestHash({ name: "Spring" });

  await t.step("begin, complete, then replay the stored response", async () => {
    assert.deepEqual(await idempotency.begin(actor, { scope, key: "k1", requestHash: hash }), {
      state: "started",
    });
    await assert.rejects(
      idempotency.begin(actor, { scope, key: "k1", requestHash: hash }),
      ConflictError,
      "still in progress",
    );
    await idempotency.complete(actor, {
      scope,
      key: "k1",
      responseStatus: 201,
      responseBody: { data: { id: "c1" } },
    });
    const replay = await idempotency.begin(actor, { scope, key: "k1", requestHash: hash });
    assert.equal(replay.state, "replay");
    assert.ok(replay.state === "replay");
    assert.equal(replay.responseStatus, 201);
    assert.deepEqual(replay.responseBody, { data: { id: "c1" } });
  });

  await t.step("the same key with a different request is a conflict", async () => {
    await assert.rejects(
      idempotency.begin(actor, { scope, key: "k1", requestHash: await requestHash({ name: "x" }) }),
      ConflictError,
    );
  });

  await t.step("concurrent begins: exactly one starts", async () => {
    const results = await Promise.allSettled(
      Array.from(
        { length: 10 },
        () =>
          idempotency.begin(actor, {
            scope: "tool:create_campaign",
            key: "run:call",
            requestHash: hash,
          }),
      ),
    );
    assert.equal(results.filter((result) => result.status === "fulfilled").length, 1);
  });

  await t.step("abandon lets a retry start; keys are per user and scope", async () => {
    await idempotency.begin(actor, { scope, key: "k2", requestHash: hash });
    await idempotency.abandon(actor, { scope, key: "k2" });
    assert.equal(
      (await idempotency.begin(actor, { scope, key: "k2", requestHash: hash })).state,
      "started",
    );
    const other = await registerUser(domain, "other");
    assert.equal(
      (await idempotency.begin(other, { scope, key: "k1", requestHash: hash })).state,
      "started",
    );
    assert.equal(
      (await idempotency.begin(actor, { scope: "other", key: "k1", requestHash: hash })).state,
      "started",
    );
    await assert.rejects(
      idempotency.complete(other, { scope, key: "k2", responseStatus: 200, responseBody: null }),
      NotFoundError,
    );
  });

  await t.step("stale in-progress and expired records can be taken over", async () => {
    await idempotency.begin(actor, { scope, key: "k3", requestHash: hash });
    clock.advance(6 * 60_000);
    assert.equal(
      (await idempotency.begin(actor, { scope, key: "k3", requestHash: hash })).state,
      "started",
    );
    await idempotency.complete(actor, { scope, key: "k3", responseStatus: 200, responseBody: 1 });
    clock.advance(25 * 3_600_000);
    const other = await requestHash("different");
    assert.equal(
      (await idempotency.begin(actor, { scope, key: "k3", requestHash: other })).state,
      "started",
    );
  });
});
