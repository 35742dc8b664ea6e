/** Credits: charges, refunds, idempotency, and the balance under concurrency. */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ConflictError,
  InsufficientCreditsError,
  NotFoundError,
  ValidationError,
} from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";
import { registerUser } from "../_helpers/fixtures.ts";

backendTest("credits", async (t, { domain, db }) => {
  const { credits } = domain;

  await t.step("charge lowers the balance and records balance_after", async () => {
    const actor = await registerUser(domain);
    const entry = await credits.charge(actor, {
      amount: 30,
      idempotencyKey: "run-1:call-1",
      description: "Gemini call",
    });
    assert.equal(entry.kind, "charge");
    assert.equal(entry.amount, -30);
    assert.equal(entry.balanceAfter, 70);
    assert.equal(await credits.balance(actor), 70);
  });

  await t.step("the same key replays the same entry; a different operation conflicts", async () => {
    const actor = await registerUser(domain);
    const first = await credits.charge(actor, { amount: 5, idempotencyKey: "k", description: "x" });
    const again = await credits.charge(actor, { amount: 5, idempotencyKey: "k", description: "x" });
    assert.deepEqual(again, first);
    assert.equal(await credits.balance(actor), 95);
    await assert.rejects(
      credits.charge(actor, { amount: 6, idempotencyKey: "k", description: "x" }),
      ConflictError,
    );
    const otherCase = await credits.charge(actor, {
      amount: 5,
      idempotencyKey: "K",
      description: "x",
    });
    assert.notEqual(otherCase.id, first.id, "keys are case-sensitive on every backend");
  });

  await t.step("insufficient credit is a typed error and changes nothing", async () => {
    const actor = await registerUser(domain);
    await assert.rejects(
      credits.charge(actor, { amount: 101, idempotencyKey: "big", description: "x" }),
      (error) => {
        assert.ok(error instanceof InsufficientCreditsError);
        assert.equal(error.balance, 100);
        assert.equal(error.required, 101);
        return true;
      },
    );
    assert.equal(await credits.balance(actor), 100);
    assert.equal((await credits.ledger(actor)).total, 1);
    await credits.charge(actor, { amount: 100, idempotencyKey: "all", description: "x" });
    assert.equal(await credits.balance(actor), 0);
  });

  await t.step("amounts must be positive integers", async () => {
    const actor = await registerUser(domain);
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(
        credits.charge(actor, { amount, idempotencyKey: `a${amount}`, description: "x" }),
        ValidationError,
      );
    }
  });

  await t.step("refundCharge: by the charge's key, once", async () => {
    const actor = await registerUser(domain);
    assert.equal(
      await credits.refundCharge(actor, { chargeKey: "run:x:model:0", description: "r" }),
      null,
    );
    await credits.charge(actor, { amount: 1, idempotencyKey: "run:x:model:0", description: "m" });
    const refund = await credits.refundCharge(actor, {
      chargeKey: "run:x:model:0",
      description: "failed call",
    });
    assert.equal(refund?.amount, 1);
    assert.equal(refund?.idempotencyKey, "run:x:model:0:refund");
    const again = await credits.refundCharge(actor, {
      chargeKey: "run:x:model:0",
      description: "failed call",
    });
    assert.deepEqual(again, refund);
    assert.equal(await credits.balance(actor), 100);
  });

  await t.step("refunds return credits and never exceed the charge", async () => {
    const actor = await registerUser(domain);
    const charge = await credits.charge(actor, {
      amount: 40,
      idempotencyKey: "c",
      description: "x",
    });
    const partial = await credits.refund(actor, {
      chargeId: charge.id,
      amount: 15,
      idempotencyKey: "r1",
    });
    assert.equal(partial.amount, 15);
    assert.equal(partial.refundOfId, charge.id);
    assert.deepEqual(
      await credits.refund(actor, { chargeId: charge.id, amount: 15, idempotencyKey: "r1" }),
      partial,
    );
    await assert.rejects(
      credits.refund(actor, { chargeId: charge.id, amount: 26, idempotencyKey: "r2" }),
      ConflictError,
    );
    const rest = await credits.refund(actor, { chargeId: charge.id, idempotencyKey: "r3" });
    assert.equal(rest.amount, 25);
    assert.equal(await credits.balance(actor), 100);
    await assert.rejects(
      credits.refund(actor, { chargeId: charge.id, idempotencyKey: "r4" }),
      ConflictError,
    );
    await assert.rejects(
      credits.refund(actor, { chargeId: crypto.randomUUID(), idempotencyKey: "r5" }),
      NotFoundError,
    );
  });

  await t.step("20 parallel charges with one key produce exactly one ledger row", async () => {
    const actor = await registerUser(domain);
    const entries = await Promise.all(
      Array.from(
        { length: 20 },
        () => credits.charge(actor, { amount: 7, idempotencyKey: "same-key", description: "tool" }),
      ),
    );
    assert.equal(new Set(entries.map((entry) => entry.id)).size, 1);
    const rows = await db.kysely.selectFrom("credit_ledger").select("id")
      .where("user_id", "=", actor.userId).where("idempotency_key", "=", "same-key").execute();
    assert.equal(rows.length, 1);
    assert.equal(await credits.balance(actor), 93);
  });

  await t.step("parallel charges that would overdraw never make the balance negative", async () => {
    const actor = await registerUser(domain);
    const results = await Promise.allSettled(
      Array.from(
        { length: 20 },
        (_, index) =>
          credits.charge(actor, { amount: 15, idempotencyKey: `p${index}`, description: "x" }),
      ),
    );
    const succeeded = results.filter((result) => result.status === "fulfilled").length;
    assert.equal(succeeded, 6, "100 credits cover six charges of 15");
    for (const result of results) {
      if (result.status === "rejected") {
        assert.ok(result.reason instanceof InsufficientCreditsError, String(result.reason));
      }
    }
    assert.equal(await credits.balance(actor), 10);
  });

  await t.step(
    "property: balance = grant + Σ entries ≥ 0, and matches the last entry",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ refund: fc.boolean(), amount: fc.integer({ min: 1, max: 60 }) }), {
            maxLength: 12,
          }),
          async (operations) => {
            const actor = await registerUser(domain);
            const charges: { id: string; amount: number }[] = [];
            for (const [index, operation] of operations.entries()) {
              try {
                if (operation.refund && charges.length > 0) {
                  await credits.refund(actor, {
                    chargeId: charges[index % charges.length].id,
                    amount: operation.amount,
                    idempotencyKey: `op${index}`,
                  });
                } else {
                  const entry = await credits.charge(actor, {
                    amount: operation.amount,
                    idempotencyKey: `op${index}`,
                    description: "x",
                  });
                  charges.push({ id: entry.id, amount: -entry.amount });
                }
              } catch (error) {
                if (
                  !(error instanceof InsufficientCreditsError || error instanceof ConflictError)
                ) {
                  throw error;
                }
              }
            }
            const balance = await credits.balance(actor);
            const ledger = await credits.ledger(actor, { limit: 100 });
            const sum = ledger.items.reduce((total, entry) => total + entry.amount, 0);
            assert.ok(balance >= 0);
            assert.equal(balance, sum);
            assert.ok(ledger.items.every((entry) => entry.balanceAfter >= 0));
          },
        ),
        { numRuns: 15 },
      );
    },
  );
});
