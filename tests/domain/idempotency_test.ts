/**
 * Idempotency records: the first call claims, replays return the stored response; claims carry
 * tokens, so only the holder completes or releases one; `runOnce` commits an effect only with its
 * completion, which lets a retry take an in-progress claim over at once; the REST path never
 * re-runs an in-progress record.
 */
import assert from "node:assert/strict";
import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { toDbTimestamp } from "../../db/time.ts";
import type { Actor } from "../../domain/actor.ts";
import {
  CLAIM_HELD_MESSAGE,
  type IdempotencyClaim,
  type IdempotentStart,
  platformRequestKey,
  requestHash,
} from "../../domain/idempotency.ts";
import { ConflictError, NotFoundError } from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";
import { registerUser } from "../_helpers/fixtures.ts";

/** The claim of a started `begin` (fails the test on a replay). */
function claimOf(start: IdempotentStart, record: { scope: string; key: string }): IdempotencyClaim {
  assert.equal(start.state, "started");
  assert.ok(start.state === "started");
  return { ...record, claimToken: start.claimToken };
}

backendTest("idempotency", async (t, { domain, db, clock }) => {
  const { idempotency } = domain;
  const actor = await registerUser(domain);
  const scope = "POST /api/v1/campaigns";
  const hash = await requestHash({ name: "Spring" });
  const toolScope = "mcp:tool:create_campaign";

  /** An effect that writes one conversation titled `title` (something to count). */
  const writeConversation = (title: string) => async (trx: Transaction<DB>) => {
    const at = toDbTimestamp(clock.now());
    await trx.insertInto("conversations").values({
      id: crypto.randomUUID(),
      user_id: actor.userId,
      title,
      last_seq: 0,
      created_at: at,
      updated_at: at,
      deleted_at: null,
    }).execute();
    return { responseStatus: 200, responseBody: { title } };
  };
  const conversations = async (title: string) =>
    (await db.kysely.selectFrom("conversations").select("id").where("user_id", "=", actor.userId)
      .where("title", "=", title).execute()).length;

  await t.step("begin, complete, then replay the stored response", async () => {
    const record = { scope, key: "k1" };
    const claim = claimOf(await idempotency.begin(actor, { ...record, requestHash: hash }), record);
    await assert.rejects(
      idempotency.begin(actor, { ...record, requestHash: hash }),
      ConflictError,
      "still in progress",
    );
    await idempotency.complete(actor, {
      ...claim,
      responseStatus: 201,
      responseBody: { data: { id: "c1" } },
    });
    const replay = await idempotency.begin(actor, { ...record, requestHash: hash });
    assert.equal(replay.state, "replay");
    assert.ok(replay.state === "replay");
    assert.equal(replay.responseStatus, 201);
    assert.deepEqual(replay.responseBody, { data: { id: "c1" } });
    const again = await idempotency.begin(actor, { ...record, requestHash: hash }, {
      takeOverInProgress: true,
    });
    assert.equal(again.state, "replay", "a completed record is never taken over");
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
        () => idempotency.begin(actor, { scope: toolScope, key: "run:call", requestHash: hash }),
      ),
    );
    assert.equal(results.filter((result) => result.status === "fulfilled").length, 1);
  });

  await t.step("only the holder's token completes or releases a claim", async () => {
    const record = { scope, key: "k2" };
    const claim = claimOf(await idempotency.begin(actor, { ...record, requestHash: hash }), record);
    const forged = { ...claim, claimToken: crypto.randomUUID() };
    await assert.rejects(
      idempotency.complete(actor, { ...forged, responseStatus: 200, responseBody: null }),
      NotFoundError,
    );
    await idempotency.abandon(actor, forged);
    await assert.rejects(idempotency.begin(actor, { ...record, requestHash: hash }), ConflictError);
    await idempotency.abandon(actor, claim);
    claimOf(await idempotency.begin(actor, { ...record, requestHash: hash }), record);
    const other = await registerUser(domain, "other");
    claimOf(await idempotency.begin(other, { scope, key: "k1", requestHash: hash }), {
      scope,
      key: "k1",
    });
    claimOf(await idempotency.begin(actor, { scope: "other", key: "k1", requestHash: hash }), {
      scope: "other",
      key: "k1",
    });
    await assert.rejects(
      idempotency.complete(other, { ...claim, responseStatus: 200, responseBody: null }),
      NotFoundError,
    );
  });

  await t.step("an in-progress record is never presumed dead without takeover", async () => {
    // A REST handler may have committed its effect before crashing: re-running could double it.
    const record = { scope, key: "k-crashed" };
    await idempotency.begin(actor, { ...record, requestHash: hash });
    clock.advance(6 * 60_000);
    await assert.rejects(
      idempotency.begin(actor, { ...record, requestHash: hash }),
      (error) => error instanceof ConflictError && error.message === CLAIM_HELD_MESSAGE,
    );
    clock.advance(2 * 3_600_000);
    await assert.rejects(idempotency.begin(actor, { ...record, requestHash: hash }), ConflictError);
  });

  await t.step("a leased claim is taken over once its owner stops renewing it", async () => {
    const record = { scope, key: "k-leased" };
    const leaseMs = 10_000;
    const owner = claimOf(
      await idempotency.begin(actor, { ...record, requestHash: hash }, { leaseMs }),
      record,
    );
    clock.advance(8_000);
    assert.equal(await idempotency.heartbeat(actor, owner, leaseMs), true);
    clock.advance(8_000);
    await assert.rejects(
      idempotency.begin(actor, { ...record, requestHash: hash }, { leaseMs }),
      (error) => error instanceof ConflictError && error.message === CLAIM_HELD_MESSAGE,
      "renewed: the owner is alive",
    );
    clock.advance(3_000);
    const retry = claimOf(
      await idempotency.begin(actor, { ...record, requestHash: hash }, { leaseMs }),
      record,
    );
    assert.notEqual(retry.claimToken, owner.claimToken);
    assert.equal(await idempotency.heartbeat(actor, owner, leaseMs), false, "no longer held");
    await assert.rejects(
      idempotency.runOnce(actor, owner, writeConversation("late owner")),
      ConflictError,
    );
    const done = await idempotency.runOnce(actor, retry, writeConversation("leased"));
    assert.equal(done.state, "completed");
    assert.equal(await conversations("late owner"), 0);
    assert.equal(await conversations("leased"), 1);
  });

  await t.step("expired records can be taken over, even for another request", async () => {
    const record = { scope, key: "k3" };
    const claim = claimOf(await idempotency.begin(actor, { ...record, requestHash: hash }), record);
    await idempotency.complete(actor, { ...claim, responseStatus: 200, responseBody: 1 });
    clock.advance(25 * 3_600_000);
    const next = await idempotency.begin(actor, {
      ...record,
      requestHash: await requestHash("different"),
    });
    assert.notEqual(claimOf(next, record).claimToken, claim.claimToken);
  });

  await t.step("runOnce commits the effect and the completion together", async () => {
    const record = { scope: toolScope, key: "run-1:t0c0" };
    const claim = claimOf(
      await idempotency.begin(actor, { ...record, requestHash: hash }, {
        takeOverInProgress: true,
      }),
      record,
    );
    const outcome = await idempotency.runOnce(actor, claim, writeConversation("once"));
    assert.deepEqual(outcome, {
      state: "completed",
      response: { responseStatus: 200, responseBody: { title: "once" } },
    });
    const replay = await idempotency.begin(actor, { ...record, requestHash: hash }, {
      takeOverInProgress: true,
    });
    assert.ok(replay.state === "replay");
    assert.deepEqual(replay.responseBody, { title: "once" });
    assert.equal(await conversations("once"), 1);
  });

  await t.step("a taken-over claimant's effect is refused and rolled back", async () => {
    const record = { scope: toolScope, key: "run-2:t0c0" };
    const begin = () =>
      idempotency.begin(actor, { ...record, requestHash: hash }, { takeOverInProgress: true });
    const stale = claimOf(await begin(), record);
    // A retry takes the in-progress claim over at once: no 409, no waiting.
    const current = claimOf(await begin(), record);
    assert.notEqual(current.claimToken, stale.claimToken);
    await assert.rejects(
      idempotency.runOnce(actor, stale, writeConversation("stale")),
      (error) => error instanceof ConflictError && error.message === CLAIM_HELD_MESSAGE,
    );
    assert.equal(await conversations("stale"), 0, "rolled back");
    await assert.rejects(
      idempotency.complete(actor, { ...stale, responseStatus: 200, responseBody: "stale" }),
      NotFoundError,
    );
    const done = await idempotency.runOnce(actor, current, writeConversation("current"));
    assert.equal(done.state, "completed");
    // Late again, after the record was completed: the stored response, and still no effect.
    const late = await idempotency.runOnce(actor, stale, writeConversation("stale"));
    assert.ok(late.state === "replay");
    assert.deepEqual(late.responseBody, { title: "current" });
    assert.equal(await conversations("stale"), 0);
    assert.equal(await conversations("current"), 1);
  });

  await t.step("an effect that fails rolls back; the retry takes over and completes", async () => {
    const record = { scope: toolScope, key: "run-3:t0c0" };
    const begin = () =>
      idempotency.begin(actor, { ...record, requestHash: hash }, { takeOverInProgress: true });
    const crashed = claimOf(await begin(), record);
    await assert.rejects(
      idempotency.runOnce(actor, crashed, async (trx) => {
        await writeConversation("crash")(trx);
        throw new Error("crash inside the transaction");
      }),
      /crash inside the transaction/,
    );
    assert.equal(await conversations("crash"), 0);
    const retry = claimOf(await begin(), record);
    assert.equal(
      (await idempotency.runOnce(actor, retry, writeConversation("crash"))).state,
      "completed",
    );
    assert.equal(await conversations("crash"), 1);
  });

  await t.step("concurrent takeovers: the effect commits exactly once", async () => {
    const record = { scope: toolScope, key: "run-4:t0c0" };
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, async () => {
        const start = await idempotency.begin(actor, { ...record, requestHash: hash }, {
          takeOverInProgress: true,
        });
        if (start.state === "replay") return start;
        return await idempotency.runOnce(
          actor,
          { ...record, claimToken: start.claimToken },
          writeConversation("raced"),
        );
      }),
    );
    assert.equal(await conversations("raced"), 1);
    const outcomes = attempts.flatMap((attempt) =>
      attempt.status === "fulfilled" ? [attempt.value] : []
    );
    assert.equal(outcomes.filter((outcome) => outcome.state === "completed").length, 1);
    for (const attempt of attempts) {
      if (attempt.status === "rejected") assert.ok(attempt.reason instanceof ConflictError);
    }
  });

  await t.step("records claimed before claim tokens are never taken over in progress", async () => {
    const at = toDbTimestamp(clock.now());
    const legacy = {
      id: crypto.randomUUID(),
      user_id: actor.userId,
      scope: toolScope,
      idempotency_key: "legacy:t0c0",
      request_hash: hash,
      status: "in_progress" as const,
      claim_token: null,
      response_status: null,
      response_body: null,
      expires_at: toDbTimestamp(new Date(clock.now().getTime() + 3_600_000)),
      created_at: at,
      updated_at: at,
    };
    await db.kysely.insertInto("idempotency_keys").values(legacy).execute();
    const record = { scope: toolScope, key: legacy.idempotency_key };
    await assert.rejects(
      idempotency.begin(actor, { ...record, requestHash: hash }, { takeOverInProgress: true }),
      ConflictError,
    );
    clock.advance(2 * 3_600_000);
    claimOf(
      await idempotency.begin(actor, { ...record, requestHash: hash }, {
        takeOverInProgress: true,
      }),
      record,
    );
  });

  await t.step("platform request keys: stable per operation, distinct otherwise", async () => {
    const other = await registerUser(domain, "keys");
    const key = (who: Actor, scope: string, key: string) => platformRequestKey(who, { scope, key });
    const first = await key(actor, toolScope, "run:t0c0");
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(await key(actor, toolScope, "run:t0c0"), first);
    assert.notEqual(await key(other, toolScope, "run:t0c0"), first);
    assert.notEqual(await key(actor, "mcp:tool:update_campaign", "run:t0c0"), first);
    assert.notEqual(await key(actor, toolScope, "run:t0c1"), first);
  });
});
