/** API tokens: shown once, stored hashed, prefix visible, revocable, expiring, last use. */
import assert from "node:assert/strict";
import { NotFoundError, UnauthenticatedError } from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";
import { registerUser } from "../_helpers/fixtures.ts";

backendTest("api tokens", async (t, { domain, db, clock }) => {
  const { apiTokens } = domain;
  const actor = await registerUser(domain);

  await t.step("create returns the secret once; only its hash and prefix are stored", async () => {
    const { token, secret } = await apiTokens.create(actor, { name: "CI" });
    assert.match(secret, /^aae_[\w-]{43}$/);
    assert.equal(token.prefix, secret.slice(0, 12));
    const row = await db.kysely.selectFrom("api_tokens").selectAll()
      .where("id", "=", token.id).executeTakeFirstOrThrow();
    assert.ok(!Object.values(row).includes(secret));
  });

  await t.step("authenticate resolves the owner and records last use", async () => {
    const { token, secret } = await apiTokens.create(actor, { name: "script" });
    assert.equal(token.lastUsedAt, null);
    const found = await apiTokens.authenticate(secret);
    assert.deepEqual(found.actor, actor);
    assert.equal(found.token.lastUsedAt, clock.now().toISOString());
    await assert.rejects(apiTokens.authenticate(`${secret}x`), UnauthenticatedError);
    await assert.rejects(apiTokens.authenticate("Bearer nonsense"), UnauthenticatedError);
  });

  await t.step("revoked tokens stop working; revoke is idempotent", async () => {
    const { token, secret } = await apiTokens.create(actor, { name: "old" });
    const revoked = await apiTokens.revoke(actor, token.id);
    assert.ok(revoked.revokedAt);
    assert.deepEqual(await apiTokens.revoke(actor, token.id), revoked);
    await assert.rejects(apiTokens.authenticate(secret), UnauthenticatedError);
  });

  await t.step("expired tokens stop working", async () => {
    const expiresAt = new Date(clock.now().getTime() + 60_000).toISOString();
    const { secret } = await apiTokens.create(actor, { name: "short", expiresAt });
    await apiTokens.authenticate(secret);
    clock.advance(61_000);
    await assert.rejects(apiTokens.authenticate(secret), UnauthenticatedError);
  });

  await t.step("list pages the actor's tokens; others cannot see or revoke them", async () => {
    const page = await apiTokens.list(actor, { limit: 2 });
    assert.equal(page.total, 4);
    assert.equal(page.items.length, 2);
    const other = await registerUser(domain, "other");
    assert.equal((await apiTokens.list(other)).total, 0);
    await assert.rejects(apiTokens.revoke(other, page.items[0].id), NotFoundError);
  });
});
