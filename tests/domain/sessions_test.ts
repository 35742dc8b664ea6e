/** Sessions: refresh-token rotation, reuse detection revoking the family, logout, expiry. */
import assert from "node:assert/strict";
import { NotFoundError, UnauthenticatedError } from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";
import { registerUser } from "../_helpers/fixtures.ts";

backendTest("sessions", async (t, { domain, db, clock }) => {
  const { sessions } = domain;
  const actor = await registerUser(domain);

  await t.step("create issues a token that is stored only as a hash", async () => {
    const { refreshToken, session } = await sessions.create(actor, { userAgent: "test" });
    assert.ok(refreshToken.length > 40);
    const row = await db.kysely.selectFrom("sessions").selectAll()
      .where("id", "=", session.id).executeTakeFirstOrThrow();
    assert.notEqual(row.token_hash, refreshToken);
    assert.match(row.token_hash, /^[0-9a-f]{64}$/);
  });

  await t.step(
    "rotation returns a new token in the same family; the old one is spent",
    async () => {
      const first = await sessions.create(actor);
      const second = await sessions.rotate(first.refreshToken);
      assert.deepEqual(second.actor, actor);
      assert.equal(second.session.familyId, first.session.familyId);
      assert.notEqual(second.refreshToken, first.refreshToken);
      const third = await sessions.rotate(second.refreshToken);
      assert.equal(third.session.familyId, first.session.familyId);
    },
  );

  await t.step("reusing a rotated token revokes the whole family", async () => {
    const first = await sessions.create(actor);
    const second = await sessions.rotate(first.refreshToken);
    await assert.rejects(sessions.rotate(first.refreshToken), UnauthenticatedError);
    await assert.rejects(sessions.rotate(second.refreshToken), UnauthenticatedError);
  });

  await t.step(
    "two concurrent rotations of one token: exactly one wins, family revoked",
    async () => {
      const first = await sessions.create(actor);
      const results = await Promise.allSettled([
        sessions.rotate(first.refreshToken),
        sessions.rotate(first.refreshToken),
      ]);
      assert.equal(results.filter((result) => result.status === "fulfilled").length, 1);
      const winner = results.find((result) => result.status === "fulfilled");
      assert.ok(winner?.status === "fulfilled");
      await assert.rejects(sessions.rotate(winner.value.refreshToken), UnauthenticatedError);
    },
  );

  await t.step("logout revokes the family; unknown tokens are rejected", async () => {
    const first = await sessions.create(actor);
    await sessions.logout(actor, first.refreshToken);
    await assert.rejects(sessions.rotate(first.refreshToken), UnauthenticatedError);
    await assert.rejects(sessions.rotate("aaer_unknown"), UnauthenticatedError);
  });

  await t.step("expired tokens are rejected", async () => {
    const first = await sessions.create(actor);
    clock.advance(31 * 86_400_000);
    await assert.rejects(sessions.rotate(first.refreshToken), UnauthenticatedError);
  });

  await t.step("list shows live sessions; revoke and revokeAll end them", async () => {
    const a = await sessions.create(actor, { userAgent: "a" });
    const b = await sessions.create(actor, { userAgent: "b" });
    const listed = await sessions.list(actor);
    assert.deepEqual(listed.map((session) => session.userAgent).sort(), ["a", "b"]);
    await sessions.revoke(actor, a.session.id);
    assert.deepEqual((await sessions.list(actor)).map((session) => session.userAgent), ["b"]);
    await assert.rejects(sessions.revoke(actor, crypto.randomUUID()), NotFoundError);
    await sessions.revokeAll(actor);
    assert.deepEqual(await sessions.list(actor), []);
    await assert.rejects(sessions.rotate(b.refreshToken), UnauthenticatedError);
  });

  await t.step("another user cannot log out or revoke my session", async () => {
    const mine = await sessions.create(actor);
    const other = await registerUser(domain, "other");
    await sessions.logout(other, mine.refreshToken);
    await assert.rejects(sessions.revoke(other, mine.session.id), NotFoundError);
    await sessions.rotate(mine.refreshToken);
  });
});
