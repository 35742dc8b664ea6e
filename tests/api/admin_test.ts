/**
 * The admin endpoints on both backends: 401 without credentials, 403 for a user who is not an
 * admin, 200/201 for an admin (promoted in the database; the same token works at once), grants
 * that land in the user's ledger and balance, replays by `Idempotency-Key`, 404 and 422.
 */
import assert from "node:assert/strict";
import { setRoleByEmail } from "../../domain/admin.ts";
import { apiTest } from "./_helpers/harness.ts";

apiTest("admin REST: usage and credit grants, admins only", async (t, api) => {
  const { client, backend } = api;
  const admin = await api.register("admin");
  const user = await api.register("customer");

  await t.step("without credentials: 401", async () => {
    assert.equal((await client.request("GET", "/admin/users")).status, 401);
  });

  await t.step("a user who is not an admin: 403 on every admin endpoint", async () => {
    const list = await client.request("GET", "/admin/users", { token: admin.accessToken });
    assert.equal(list.status, 403, list.text);
    const grant = await client.request("POST", `/admin/users/${user.userId}/credit-grants`, {
      token: admin.accessToken,
      body: { amount: 10, reason: "x" },
    });
    assert.equal(grant.status, 403, grant.text);
    assert.equal(
      (await client.request("GET", "/credits/balance", { token: user.accessToken }))
        .body.data.balance,
      100,
    );
  });

  await setRoleByEmail({ db: backend.db, clock: backend.clock }, admin.email, "admin");

  await t.step("promoted: the usage list, searchable by email", async () => {
    const response = await client.request("GET", `/admin/users?q=${user.email}`, {
      token: admin.accessToken,
    });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.total, 1);
    const [row] = response.body.items;
    assert.equal(row.id, user.userId);
    assert.equal(row.balance, 100);
    assert.equal(row.spent_this_month, 0);
    assert.equal(row.role, "user");
  });

  await t.step("a grant: 201, in the user's ledger with the reason; a retry replays", async () => {
    const request = () =>
      client.request("POST", `/admin/users/${user.userId}/credit-grants`, {
        token: admin.accessToken,
        headers: { "idempotency-key": "grant-1" },
        body: { amount: 50, reason: "Conference demo" },
      });
    const first = await request();
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.data.amount, 50);
    assert.equal(first.body.data.balance_after, 150);
    const again = await request();
    assert.equal(again.status, 201);
    assert.equal(again.body.data.id, first.body.data.id);
    const ledger = await client.request("GET", "/credits/ledger", { token: user.accessToken });
    const grants = ledger.body.items.filter((entry: { kind: string; description: string }) =>
      entry.description === "Conference demo"
    );
    assert.equal(grants.length, 1);
    const balance = await client.request("GET", "/credits/balance", { token: user.accessToken });
    assert.equal(balance.body.data.balance, 150);
  });

  await t.step("unknown user: 404; bad amounts or no reason: 422", async () => {
    const unknown = await client.request(
      "POST",
      `/admin/users/${crypto.randomUUID()}/credit-grants`,
      { token: admin.accessToken, body: { amount: 5, reason: "x" } },
    );
    assert.equal(unknown.status, 404, unknown.text);
    for (const body of [{ amount: 0, reason: "x" }, { amount: 1.5, reason: "x" }, { amount: 5 }]) {
      const response = await client.request("POST", `/admin/users/${user.userId}/credit-grants`, {
        token: admin.accessToken,
        body,
      });
      assert.equal(response.status, 422, JSON.stringify(body));
    }
  });
});
