import assert from "node:assert/strict";
import { apiTest } from "./_helpers/harness.ts";

apiTest("Idempotency-Key replays POST responses", async (t, api) => {
  const { client, backend } = api;
  const { accessToken: token } = await api.register();
  const countAccounts = async () =>
    (await backend.db.kysely.selectFrom("ad_accounts").select("id").execute()).length;

  const first = await client.request("POST", "/ad-accounts", {
    token,
    body: { name: "Once" },
    headers: { "idempotency-key": "connect-1" },
  });

  await t.step("the same key and body replay the stored response", async () => {
    const again = await client.request("POST", "/ad-accounts", {
      token,
      body: { name: "Once" },
      headers: { "idempotency-key": "connect-1" },
    });
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.equal(again.text, first.text);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.equal(first.headers.get("idempotent-replayed"), null);
    assert.equal(await countAccounts(), 1);
  });

  await t.step("the same key with another body is 409", async () => {
    const other = await client.request("POST", "/ad-accounts", {
      token,
      body: { name: "Twice" },
      headers: { "idempotency-key": "connect-1" },
    });
    assert.equal(other.status, 409);
    assert.equal(await countAccounts(), 1);
  });

  await t.step("keys are per user", async () => {
    const other = await api.register();
    const theirs = await client.request("POST", "/ad-accounts", {
      token: other.accessToken,
      body: { name: "Once" },
      headers: { "idempotency-key": "connect-1" },
    });
    assert.equal(theirs.status, 201);
    assert.notEqual(theirs.body.data.id, first.body.data.id);
  });

  await t.step("a failed request stores nothing, so the key can be retried", async () => {
    const invalid = await client.request("POST", "/ad-accounts", {
      token,
      body: { name: "" },
      headers: { "idempotency-key": "connect-2" },
    });
    assert.equal(invalid.status, 422);
    const fixed = await client.request("POST", "/ad-accounts", {
      token,
      body: { name: "Fixed" },
      headers: { "idempotency-key": "connect-2" },
    });
    assert.equal(fixed.status, 201);
  });

  await t.step("status actions replay too instead of failing as a transition", async () => {
    const campaign = await client.request("POST", "/campaigns", {
      token,
      body: {
        ad_account_id: first.body.data.id,
        name: "C",
        objective: "traffic",
        budget_type: "daily",
        budget_amount_minor: 100,
      },
    });
    const path = `/campaigns/${campaign.body.data.id}/resume`;
    const headers = { "idempotency-key": "resume-1" };
    const resumed = await client.request("POST", path, { token, headers });
    const replayed = await client.request("POST", path, { token, headers });
    assert.equal(resumed.status, 200);
    assert.equal(replayed.status, 200);
    assert.equal(replayed.headers.get("idempotent-replayed"), "true");
    const fresh = await client.request("POST", path, { token });
    assert.equal(fresh.status, 409, "without the key it is a real, invalid transition");
  });

  await t.step("an unusable key is 422", async () => {
    const response = await client.request("POST", "/conversations", {
      token,
      body: {},
      headers: { "idempotency-key": "x".repeat(300) },
    });
    assert.equal(response.status, 422);
    assert.equal(response.body.errors[0].field, "idempotency-key");
  });
});
