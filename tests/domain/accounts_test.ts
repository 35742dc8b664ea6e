/** Accounts: registration with signup credits, password sign-in, profile, Google identity. */
import assert from "node:assert/strict";
import {
  ConflictError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";

backendTest("accounts", async (t, { domain, db }) => {
  const { accounts, credits } = domain;

  await t.step(
    "register creates the user, normalizes the email, grants signup credits",
    async () => {
      const { user, actor } = await accounts.register({
        email: "Ada@Example.TEST",
        password: "analytical engine",
        displayName: "Ada",
      });
      assert.equal(user.email, "ada@example.test");
      assert.equal(user.displayName, "Ada");
      assert.equal(user.role, "user");
      assert.equal(user.hasPassword, true);
      assert.deepEqual(actor, { userId: user.id, role: "user" });
      assert.equal(await credits.balance(actor), 100);
      const ledger = await credits.ledger(actor);
      assert.equal(ledger.total, 1);
      assert.equal(ledger.items[0].kind, "grant");
    },
  );

  await t.step("a common password is refused, whatever its case", async () => {
    for (const password of ["password123", "Iloveyou1", "  QWERTYUIOP "]) {
      await assert.rejects(
        accounts.register({ email: `common-${password.trim()}@example.test`, password }),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.issues.some((issue) =>
            issue.field === "password" && /too common/.test(issue.message)
          ),
        password,
      );
    }
    const { actor } = await accounts.register({
      email: "uncommon@example.test",
      password: "lighthouse keeper nine",
    });
    await assert.rejects(
      accounts.changePassword(actor, {
        currentPassword: "lighthouse keeper nine",
        newPassword: "password1",
      }),
      (error: unknown) =>
        error instanceof ValidationError && error.issues[0].field === "newPassword",
    );
  });

  await t.step(
    "the stored hash is a PBKDF2 string with its parameters, not the password",
    async () => {
      const row = await db.kysely.selectFrom("users").select("password_hash")
        .where("email", "=", "ada@example.test").executeTakeFirstOrThrow();
      assert.match(row.password_hash ?? "", /^pbkdf2-sha256\$1000\$[\w-]+\$[\w-]+$/);
      assert.ok(!row.password_hash?.includes("analytical"));
    },
  );

  await t.step("duplicate email (any case) is a conflict", async () => {
    await assert.rejects(
      accounts.register({ email: "ADA@example.test", password: "another password" }),
      ConflictError,
    );
  });

  await t.step("invalid input lists the bad fields", async () => {
    await assert.rejects(
      accounts.register({ email: "not-an-email", password: "short", timezone: "Mars/Base" }),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.deepEqual(error.issues.map((issue) => issue.field).sort(), [
          "email",
          "password",
          "timezone",
        ]);
        return true;
      },
    );
  });

  await t.step("authenticate accepts the right password and rejects everything else", async () => {
    const { user } = await accounts.authenticate({
      email: "ada@example.test",
      password: "analytical engine",
    });
    assert.equal(user.email, "ada@example.test");
    assert.ok(user.lastLoginAt);
    await assert.rejects(
      accounts.authenticate({ email: "ada@example.test", password: "wrong password" }),
      UnauthenticatedError,
    );
    await assert.rejects(
      accounts.authenticate({ email: "nobody@example.test", password: "analytical engine" }),
      UnauthenticatedError,
    );
  });

  await t.step("profile can be read and updated", async () => {
    const { actor } = await accounts.authenticate({
      email: "ada@example.test",
      password: "analytical engine",
    });
    const updated = await accounts.updateProfile(actor, {
      displayName: "Countess",
      locale: "fr-FR",
      timezone: "Europe/Paris",
    });
    assert.equal(updated.displayName, "Countess");
    assert.deepEqual(await accounts.getProfile(actor), updated);
    await assert.rejects(accounts.updateProfile(actor, { locale: "??" }), ValidationError);
    await assert.rejects(
      accounts.updateProfile(actor, { role: "admin" } as never),
      ValidationError,
      "role is not editable",
    );
  });

  await t.step("password change requires the current password", async () => {
    const { actor } = await accounts.authenticate({
      email: "ada@example.test",
      password: "analytical engine",
    });
    await assert.rejects(
      accounts.changePassword(actor, { currentPassword: "nope", newPassword: "new password 1" }),
      UnauthenticatedError,
    );
    await accounts.changePassword(actor, {
      currentPassword: "analytical engine",
      newPassword: "difference engine",
    });
    await accounts.authenticate({ email: "ada@example.test", password: "difference engine" });
  });

  await t.step(
    "Google sign-in creates, links by verified email, and finds by subject",
    async () => {
      const created = await accounts.signInWithGoogle({
        subject: "google-1",
        email: "grace@example.test",
        emailVerified: true,
        displayName: "Grace",
      });
      assert.equal(created.user.hasPassword, false);
      assert.equal(created.user.googleLinked, true);
      assert.equal(await credits.balance(created.actor), 100);
      const again = await accounts.signInWithGoogle({
        subject: "google-1",
        email: "changed@example.test",
        emailVerified: true,
      });
      assert.equal(again.user.id, created.user.id);
      const linked = await accounts.signInWithGoogle({
        subject: "google-2",
        email: "ada@example.test",
        emailVerified: true,
      });
      assert.equal(linked.user.email, "ada@example.test");
      assert.equal(linked.user.googleLinked, true);
      await assert.rejects(
        accounts.signInWithGoogle({
          subject: "google-3",
          email: "eve@example.test",
          emailVerified: false,
        }),
        UnauthenticatedError,
      );
      await assert.rejects(
        accounts.authenticate({ email: "grace@example.test", password: "anything at all" }),
        UnauthenticatedError,
        "a Google-only user has no password",
      );
    },
  );

  await t.step("linking a subject already used by someone else is a conflict", async () => {
    const { actor } = await accounts.register({
      email: "linus@example.test",
      password: "linus password",
    });
    await assert.rejects(
      accounts.linkGoogle(actor, {
        subject: "google-1",
        email: "linus@example.test",
        emailVerified: true,
      }),
      ConflictError,
    );
    const user = await accounts.linkGoogle(actor, {
      subject: "google-9",
      email: "linus@example.test",
      emailVerified: true,
    });
    assert.equal(user.googleLinked, true);
  });

  await t.step("an unknown actor gets NotFound", async () => {
    await assert.rejects(
      accounts.getProfile({ userId: crypto.randomUUID(), role: "user" }),
      NotFoundError,
    );
  });
});
