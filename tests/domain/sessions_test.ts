/** Sessions: refresh-token rotation, reuse detection revoking the family, logout, expiry. */
import assert from "node:assert/strict";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "../../domain/errors.ts";
import { SIGN_IN_CACHE_TTL_MS, SIGN_IN_ENDED_CHANNEL } from "../../domain/sign_in_cache.ts";
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
    await assert.rejects(sessions.logout(other, mine.refreshToken), ForbiddenError);
    await assert.rejects(sessions.logout(other, "aaer_unknown"), ForbiddenError);
    await assert.rejects(sessions.revoke(other, mine.session.id), NotFoundError);
    await sessions.rotate(mine.refreshToken);
  });
});

backendTest("signedInActor: a session's sign-in ends for every token issued in it", async (t, {
  domain,
  db,
  clock,
}) => {
  const { sessions } = domain;
  const actor = await registerUser(domain);
  const signedIn = (sessionId: string, userId = actor.userId) =>
    sessions.signedInActor(userId, sessionId);

  await t.step("live through rotations, for the first session and its successor", async () => {
    const first = await sessions.create(actor);
    assert.deepEqual(await signedIn(first.session.id), actor);
    const second = await sessions.rotate(first.refreshToken);
    assert.deepEqual(await signedIn(first.session.id), actor);
    assert.deepEqual(await signedIn(second.session.id), actor);
    assert.equal(await signedIn(first.session.id, crypto.randomUUID()), null, "another user");
    assert.equal(await signedIn(crypto.randomUUID()), null, "unknown session");
  });

  await t.step("ended by logout, revoke, revokeAll and refresh-token reuse", async () => {
    const out = await sessions.create(actor);
    const rotated = await sessions.rotate(out.refreshToken);
    await sessions.logout(actor, rotated.refreshToken);
    assert.equal(await signedIn(out.session.id), null);
    assert.equal(await signedIn(rotated.session.id), null);

    const revoked = await sessions.create(actor);
    const kept = await sessions.create(actor);
    await sessions.revoke(actor, revoked.session.id);
    assert.equal(await signedIn(revoked.session.id), null);
    assert.deepEqual(await signedIn(kept.session.id), actor, "other sign-ins go on");

    const reused = await sessions.create(actor);
    const successor = await sessions.rotate(reused.refreshToken);
    await assert.rejects(sessions.rotate(reused.refreshToken), UnauthenticatedError);
    assert.equal(await signedIn(successor.session.id), null);

    await sessions.revokeAll(actor);
    assert.equal(await signedIn(kept.session.id), null);
  });

  await t.step("ended by expiry and by the user's deletion", async () => {
    const expiring = await sessions.create(actor);
    clock.advance(31 * 86_400_000);
    assert.equal(await signedIn(expiring.session.id), null);
    const live = await sessions.create(actor);
    assert.deepEqual(await signedIn(live.session.id), actor);
    await db.kysely.updateTable("users").set({ deleted_at: "2026-11-26 12:00:00.000" })
      .where("id", "=", actor.userId).execute();
    // Nothing announces a deletion made in the database: a cached sign-in notices it at expiry.
    clock.advance(SIGN_IN_CACHE_TTL_MS);
    assert.equal(await signedIn(live.session.id), null);
  });
});

backendTest("a sign-out reaches every instance's cached sign-ins at once", async (t, backend) => {
  const { db, coordination } = backend;
  const here = backend.domain;
  const elsewhere = backend.domainWith({});
  const actor = await registerUser(here);
  const { session } = await here.sessions.create(actor);
  const checkElsewhere = () => elsewhere.sessions.signedInActor(actor.userId, session.id);
  const markRevoked = (revokedAt: string | null) =>
    db.kysely.updateTable("sessions").set({ revoked_at: revokedAt })
      .where("id", "=", session.id).execute();

  // The other instance starts listening on first use; a subscription made after it on the same
  // coordination is active (and delivered to) only after the instance's own.
  assert.deepEqual(await checkElsewhere(), actor);
  const announced = Promise.withResolvers<void>();
  const subscription = await coordination.pubsub.subscribe(SIGN_IN_ENDED_CHANNEL, (userId) => {
    if (userId === actor.userId) announced.resolve();
  });
  try {
    await t.step("the other instance answers from its cache", async () => {
      assert.deepEqual(await checkElsewhere(), actor);
      // A change nobody announces is not seen until the entry expires.
      await markRevoked("2026-11-26 12:00:00.000");
      assert.deepEqual(await checkElsewhere(), actor);
      await markRevoked(null);
    });

    await t.step("a sign-out here drops it there as soon as the announcement arrives", async () => {
      await here.sessions.revoke(actor, session.id);
      assert.equal(await here.sessions.signedInActor(actor.userId, session.id), null);
      await announced.promise;
      assert.equal(await checkElsewhere(), null);
    });
  } finally {
    await subscription.unsubscribe();
  }
});
