/** Ad accounts: connect a sandbox account, list, get, rename, disconnect. */
import assert from "node:assert/strict";
import { AccountFrozenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { backendTest } from "../_helpers/backend.ts";
import { createCampaign, registerUser } from "../_helpers/fixtures.ts";

backendTest("ad accounts", async (t, { domain, db }) => {
  const { adAccounts } = domain;
  const actor = await registerUser(domain);

  await t.step("connectSandbox creates an active account with defaults", async () => {
    const account = await adAccounts.connectSandbox(actor, { name: "Main" });
    assert.equal(account.platform, "sandbox");
    assert.equal(account.status, "active");
    assert.equal(account.currency, "USD");
    assert.equal(account.timezone, "UTC");
    assert.match(account.externalAccountId, /^sandbox-/);
    assert.deepEqual(await adAccounts.get(actor, account.id), account);
  });

  await t.step("unsupported currency or empty name is a validation error", async () => {
    await assert.rejects(
      adAccounts.connectSandbox(actor, { name: "X", currency: "XYZ" as "USD" }),
      ValidationError,
    );
    await assert.rejects(adAccounts.connectSandbox(actor, { name: "  " }), ValidationError);
  });

  await t.step("list pages newest first; rename changes the name", async () => {
    const second = await adAccounts.connectSandbox(actor, { name: "Second", currency: "EUR" });
    const page = await adAccounts.list(actor);
    assert.equal(page.total, 2);
    assert.equal(page.items.length, 2);
    const renamed = await adAccounts.rename(actor, second.id, { name: "Europe" });
    assert.equal(renamed.name, "Europe");
    assert.equal((await adAccounts.get(actor, second.id)).name, "Europe");
  });

  await t.step(
    "disconnect soft-deletes: gone from get/list, row kept as disconnected",
    async () => {
      const account = await adAccounts.connectSandbox(actor, { name: "Temp" });
      await createCampaign(domain, actor, account.id);
      await adAccounts.disconnect(actor, account.id);
      await assert.rejects(adAccounts.get(actor, account.id), NotFoundError);
      assert.ok(!(await adAccounts.list(actor)).items.some((item) => item.id === account.id));
      const row = await db.kysely.selectFrom("ad_accounts").select(["status", "deleted_at"])
        .where("id", "=", account.id).executeTakeFirstOrThrow();
      assert.equal(row.status, "disconnected");
      assert.ok(row.deleted_at);
      const campaigns = await domain.campaigns.list(actor, { adAccountId: account.id });
      assert.equal(campaigns.total, 0, "its campaigns leave the lists");
      await assert.rejects(adAccounts.disconnect(actor, account.id), NotFoundError);
    },
  );

  await t.step("a frozen account is not disconnected until it is unfrozen", async () => {
    const account = await adAccounts.connectSandbox(actor, { name: "Frozen" });
    const limits = await domain.limits.get(actor, account.id);
    await domain.limits.put(actor, account.id, { ...limits, frozen: true });
    await assert.rejects(adAccounts.disconnect(actor, account.id), AccountFrozenError);
    assert.equal((await adAccounts.get(actor, account.id)).status, "active");
    await domain.limits.put(actor, account.id, { ...limits, frozen: false });
    await adAccounts.disconnect(actor, account.id);
  });
});
