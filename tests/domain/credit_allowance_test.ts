/**
 * The monthly allowance: a balance is topped up to the allowance once per calendar month (UTC),
 * at the month's first read or change, never taken down, recorded in the ledger; concurrent first
 * uses from two database handles (two instances) grant it once. Grants by operators, and what a
 * message costs.
 */
import assert from "node:assert/strict";
import { createDomain } from "../../domain/mod.ts";
import { modelCallChargeKey } from "../../domain/agent_pricing.ts";
import { DEFAULT_MESSAGE_CREDITS } from "../../domain/agent_pricing.ts";
import { ConflictError, ValidationError } from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";
import { registerUser } from "../_helpers/fixtures.ts";

const ALLOWANCE = 150;

backendTest("credits: monthly allowance, grants, message cost", async (t, backend) => {
  const { clock } = backend;
  const domain = backend.domainWith({ monthlyAllowance: ALLOWANCE });
  const { credits } = domain;
  clock.set("2026-12-07T10:00:00.000Z");

  const allowanceEntries = async (actor: { userId: string; role: "user" | "admin" }) =>
    (await credits.ledger(actor, { limit: 100 })).items.filter((entry) =>
      entry.idempotencyKey.startsWith("allowance:")
    );

  await t.step("the month's first read tops up to the allowance, once", async () => {
    const actor = await registerUser(domain);
    assert.equal(await credits.balance(actor), ALLOWANCE);
    assert.equal(await credits.balance(actor), ALLOWANCE);
    const [entry] = await allowanceEntries(actor);
    assert.equal(entry.kind, "grant");
    assert.equal(entry.amount, ALLOWANCE - 100);
    assert.equal(entry.idempotencyKey, "allowance:2026-12");
    assert.equal(entry.description, "Monthly allowance for December 2026");
    assert.equal((await allowanceEntries(actor)).length, 1);
  });

  await t.step("spending within the month gets no second top-up; the next month does", async () => {
    const actor = await registerUser(domain);
    await credits.charge(actor, { amount: 40, idempotencyKey: "c1", description: "x" });
    assert.equal(await credits.balance(actor), ALLOWANCE - 40);
    clock.set("2027-01-01T00:00:01.000Z");
    assert.equal(await credits.balance(actor), ALLOWANCE);
    assert.deepEqual(
      (await allowanceEntries(actor)).map((entry) => [entry.idempotencyKey, entry.amount]),
      [["allowance:2027-01", 40], ["allowance:2026-12", 50]],
    );
    clock.set("2026-12-07T10:00:00.000Z");
  });

  await t.step("a balance above the allowance is kept, with no ledger entry", async () => {
    const actor = await registerUser(domain);
    // Granted where no allowance is configured, so this month's first use is the read below.
    await backend.domain.credits.grant(actor.userId, {
      amount: 500,
      reason: "Pilot",
      idempotencyKey: "g",
    });
    assert.equal(await credits.balance(actor), 600);
    assert.equal((await allowanceEntries(actor)).length, 0);
  });

  await t.step("a charge as the month's first use gets the allowance first", async () => {
    const actor = await registerUser(domain);
    const entry = await credits.charge(actor, {
      amount: 120,
      idempotencyKey: "c",
      description: "x",
    });
    assert.equal(entry.balanceAfter, ALLOWANCE - 120);
  });

  await t.step("concurrent first uses on two instances grant it once", async () => {
    // Two processes on MySQL; the embedded database serves one process, whose synchronous
    // driver cannot wait for a second handle's lock without blocking the first.
    const mysql = backend.db.dialect === "mysql";
    const other = mysql ? backend.openAnotherHandle() : backend.db;
    try {
      const instance = createDomain({
        db: other,
        coordination: backend.coordination,
        clock,
        monthlyAllowance: ALLOWANCE,
      });
      const actor = await registerUser(domain);
      const balances = await Promise.all(
        Array.from(
          { length: 10 },
          (_, index) => (index % 2 === 0 ? domain : instance).credits.balance(actor),
        ),
      );
      assert.deepEqual(new Set(balances), new Set([ALLOWANCE]));
      assert.equal((await allowanceEntries(actor)).length, 1);
    } finally {
      if (mysql) await other.close();
    }
  });

  await t.step("the outlook names the next allowance date", async () => {
    const actor = await registerUser(domain);
    const outlook = await credits.outlook(actor);
    assert.deepEqual(outlook.allowance, { amount: ALLOWANCE, nextOn: "2027-01-01" });
    assert.equal(outlook.balance, ALLOWANCE);
    assert.equal((await backend.domain.credits.outlook(actor)).allowance, null);
  });

  await t.step("grant: positive amounts with a reason; the key replays", async () => {
    const actor = await registerUser(backend.domain);
    const first = await backend.domain.credits.grant(actor.userId, {
      amount: 25,
      reason: "Support ticket 12",
      idempotencyKey: "k",
    });
    assert.equal(first.kind, "grant");
    assert.equal(first.description, "Support ticket 12");
    assert.equal(first.balanceAfter, 125);
    const again = await backend.domain.credits.grant(actor.userId, {
      amount: 25,
      reason: "Support ticket 12",
      idempotencyKey: "k",
    });
    assert.equal(again.id, first.id);
    await assert.rejects(
      backend.domain.credits.grant(actor.userId, { amount: 26, reason: "x", idempotencyKey: "k" }),
      ConflictError,
    );
    for (const amount of [0, -5, 1.5]) {
      await assert.rejects(
        backend.domain.credits.grant(actor.userId, { amount, reason: "x", idempotencyKey: "z" }),
        ValidationError,
      );
    }
    await assert.rejects(
      backend.domain.credits.grant(actor.userId, { amount: 1, reason: " ", idempotencyKey: "y" }),
      ValidationError,
    );
    assert.equal(await backend.domain.credits.balance(actor), 125);
  });

  await t.step("a message costs the default, then the user's recent average per run", async () => {
    const actor = await registerUser(backend.domain);
    const own = backend.domain.credits;
    assert.equal((await own.outlook(actor)).messageCost, DEFAULT_MESSAGE_CREDITS);
    // Two runs: one of 3 model calls, one of 2 where one call was refunded → 4 credits / 2 runs.
    for (const [run, calls] of [["a", 3], ["b", 2]] as const) {
      for (let turn = 0; turn < calls; turn++) {
        await own.charge(actor, {
          amount: 1,
          idempotencyKey: modelCallChargeKey(run, turn),
          description: "model call",
        });
      }
    }
    await own.refundCharge(actor, { chargeKey: modelCallChargeKey("b", 1), description: "r" });
    assert.equal((await own.outlook(actor)).messageCost, 2);
  });

  await t.step("every committed change is signalled to the user's subscribers", async () => {
    const actor = await registerUser(backend.domain);
    const heard: number[] = [];
    const subscription = await backend.domain.credits.subscribe(actor, (signal) => {
      heard.push(signal.balance);
    });
    try {
      await backend.domain.credits.grant(actor.userId, {
        amount: 5,
        reason: "x",
        idempotencyKey: "s",
      });
      await backend.domain.credits.charge(actor, {
        amount: 2,
        idempotencyKey: "c",
        description: "x",
      });
      const deadline = Date.now() + 10_000;
      while (heard.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(heard, [105, 103]);
    } finally {
      await subscription.unsubscribe();
    }
  });
});
