/**
 * `GET /api/v1/ad-accounts/{id}/sync` on a Meta account connected through the fake's sign-in:
 * the backfill's progress, then the last success and the next sync; null backfill for a sandbox
 * account; another user's account is 404. Answers are validated against the OpenAPI document.
 */
import assert from "node:assert/strict";
import { backendTest } from "../_helpers/backend.ts";
import { connectMeta, metaSetup } from "../domain/connections/_meta.ts";
import { openApi } from "./_helpers/harness.ts";

backendTest("ad account sync status over REST", async (_t, backend) => {
  const setup = await metaSetup(backend);
  try {
    const api = await openApi(backend, { domain: () => setup.domain });
    const owner = await api.register("owner");
    const intruder = await api.register("intruder");
    const actor = { userId: owner.userId, role: "user" as const };
    const [account] = await connectMeta(setup.domain, actor, "rest-session");
    const path = `/ad-accounts/${account.id}/sync`;

    let answer = await api.client.request("GET", path, { token: owner.accessToken });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.data.backfill, {
      status: "queued",
      days_done: 0,
      days_total: 90,
      error: null,
    });
    assert.equal(answer.body.data.account_status, "active");

    await setup.domain.workflows.runDue("test", { limit: 1 });
    answer = await api.client.request("GET", path, { token: owner.accessToken });
    assert.equal(answer.body.data.backfill.status, "succeeded");
    assert.equal(answer.body.data.backfill.days_done, 90);
    assert.equal(answer.body.data.last_succeeded_at, backend.clock.now().toISOString());
    assert.equal(answer.body.data.next_at, "2026-11-26T13:00:00.000Z");
    assert.equal(answer.body.data.last_error, null);

    const sandbox = await api.client.request("POST", "/ad-accounts", {
      token: owner.accessToken,
      body: { name: "Sandbox" },
    });
    const sandboxSync = await api.client.request(
      "GET",
      `/ad-accounts/${sandbox.body.data.id}/sync`,
      { token: owner.accessToken },
    );
    assert.equal(sandboxSync.body.data.backfill, null);

    const hidden = await api.client.request("GET", path, { token: intruder.accessToken });
    assert.equal(hidden.status, 404);
  } finally {
    await setup.close();
  }
});
