/**
 * The admin service: only users whose stored role is `admin` may list usage and grant credits
 * (the role is read from the database, so a promotion counts before the token is refreshed);
 * usage shows balance, spending this month and last activity; grants land in the ledger with the
 * reason and the granting admin in the key.
 */
import assert from "node:assert/strict";
import { setRoleByEmail } from "../../domain/admin.ts";
import { ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";
import { registerUser } from "../_helpers/fixtures.ts";

backendTest("admin: role check, usage per user, credit grants", async (t, backend) => {
  const { domain, clock } = backend;
  const context = { db: backend.db, clock };
  clock.set("2026-12-07T10:00:00.000Z");
  const admin = await registerUser(domain, "admin");
  const user = await registerUser(domain, "customer");
  const emailOf = async (userId: string) =>
    (await domain.accounts.getProfile({ userId, role: "user" })).email;

  await t.step("a user is not an admin: every admin call is refused", async () => {
    assert.equal(await domain.admin.isAdmin(admin), false);
    await assert.rejects(domain.admin.usage(admin), ForbiddenError);
    await assert.rejects(
      domain.admin.grantCredits(admin, user.userId, {
        amount: 5,
        reason: "x",
        idempotencyKey: "k",
      }),
      ForbiddenError,
    );
    await assert.rejects(domain.admin.userIdByEmail(admin, "x@example.test"), ForbiddenError);
  });

  await t.step("promoted by email (any case), the same actor is an admin at once", async () => {
    const email = await emailOf(admin.userId);
    assert.equal(
      await setRoleByEmail(
        context,
        email.toUpperCase(),
        "admin",
      ),
      admin.userId,
    );
    // The actor still says "user" (its token's claim); the stored role decides.
    assert.equal(await domain.admin.isAdmin(admin), true);
    await assert.rejects(
      setRoleByEmail(
        context,
        "nobody@example.test",
        "admin",
      ),
      NotFoundError,
    );
  });

  await t.step("grant: in the ledger with the reason, keyed by the admin", async () => {
    const entry = await domain.admin.grantCredits(admin, user.userId, {
      amount: 40,
      reason: "Trial extension",
      idempotencyKey: "req-1",
    });
    assert.equal(entry.amount, 40);
    assert.equal(entry.balanceAfter, 140);
    assert.equal(entry.description, "Trial extension");
    assert.equal(entry.idempotencyKey, `admin:${admin.userId}:req-1`);
    const replay = await domain.admin.grantCredits(admin, user.userId, {
      amount: 40,
      reason: "Trial extension",
      idempotencyKey: "req-1",
    });
    assert.equal(replay.id, entry.id);
    assert.equal(await domain.credits.balance(user), 140);
    await assert.rejects(
      domain.admin.grantCredits(admin, crypto.randomUUID(), {
        amount: 1,
        reason: "x",
        idempotencyKey: "k",
      }),
      NotFoundError,
    );
  });

  await t.step("usage: balance, spent this month (refunds off), last activity", async () => {
    await domain.credits.charge(user, { amount: 7, idempotencyKey: "c1", description: "x" });
    clock.set("2026-12-08T09:00:00.000Z");
    await domain.credits.charge(user, { amount: 3, idempotencyKey: "c2", description: "x" });
    await domain.credits.refundCharge(user, { chargeKey: "c2", description: "r" });
    const email = await emailOf(user.userId);
    const page = await domain.admin.usage(admin, { q: email.slice(0, 12).toUpperCase() });
    assert.equal(page.total, 1);
    const [row] = page.items;
    assert.equal(row.id, user.userId);
    assert.equal(row.email, email);
    assert.equal(row.role, "user");
    assert.equal(row.balance, 133);
    assert.equal(row.spentThisMonth, 7);
    assert.equal(row.lastActivityAt, "2026-12-08T09:00:00.000Z");
    assert.equal(await domain.admin.userIdByEmail(admin, email), user.userId);
  });

  await t.step("last month's charges are not this month's spending", async () => {
    clock.set("2027-01-02T09:00:00.000Z");
    const email = await emailOf(user.userId);
    const [row] = (await domain.admin.usage(admin, { q: email })).items;
    assert.equal(row.spentThisMonth, 0);
  });

  await t.step("demoted, the admin is refused again", async () => {
    await setRoleByEmail(
      context,
      await emailOf(admin.userId),
      "user",
    );
    await assert.rejects(domain.admin.usage(admin), ForbiddenError);
  });
});
