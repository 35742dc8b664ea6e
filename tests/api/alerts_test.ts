/** `/api/v1/alerts`: list with filters, get, acknowledge, resolve, mute; tenant isolation. */
import assert from "node:assert/strict";
import { addDays, dateOf } from "../../domain/dates.ts";
import { steadyHistory, writeHistory } from "../domain/alerts/_history.ts";
import { apiTest } from "./_helpers/harness.ts";

const DAY_MS = 86_400_000;

apiTest("alerts over REST", async (t, api) => {
  const { client, backend } = api;
  const owner = await api.register("owner");
  const intruder = await api.register("intruder");
  const token = owner.accessToken;
  const account = await client.request("POST", "/ad-accounts", { token, body: { name: "A" } });
  const adAccountId = account.body.data.id;
  const created = await client.request("POST", "/campaigns", {
    token,
    body: {
      ad_account_id: adAccountId,
      name: "Spring",
      objective: "sales",
      budget_type: "daily",
      budget_amount_minor: 20_000,
    },
  });
  const campaignId = created.body.data.id;
  // Launched 70 days ago; yesterday it stopped delivering.
  const past = backend.domainWith({
    clock: { now: () => new Date(backend.clock.now().getTime() - 70 * DAY_MS) },
  });
  await past.campaigns.resume({ userId: owner.userId, role: "user" }, campaignId);
  const yesterday = addDays(dateOf(backend.clock.now()), -1);
  await writeHistory(
    backend.db,
    { userId: owner.userId, adAccountId, campaignId },
    steadyHistory(yesterday).filter((day) => day.date !== yesterday),
  );
  const report = await api.deps.domain.alerts.detect(adAccountId);
  assert.deepEqual(report.raised.map((alert) => alert.type), ["spend_stopped"]);
  const alertId = report.raised[0].id;

  await t.step("list, with filters", async () => {
    const all = await client.request("GET", "/alerts", { token });
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body.total, 1);
    const [item] = all.body.items;
    assert.equal(item.type, "spend_stopped");
    assert.equal(item.severity, "critical");
    assert.equal(item.campaign_id, campaignId);
    assert.equal(item.finding.metric, "spend");
    assert.ok(Array.isArray(item.cause.next_steps));
    for (
      const [query, total] of [
        ["type=spend_stopped", 1],
        ["type=cpa_up", 0],
        ["severity=critical", 1],
        ["severity=info", 0],
        ["status=open", 1],
        ["status=resolved", 0],
        [`campaign_id=${campaignId}`, 1],
        [`ad_account_id=${adAccountId}`, 1],
      ] as const
    ) {
      const page = await client.request("GET", `/alerts?${query}`, { token });
      assert.equal(page.body.total, total, query);
    }
    const bad = await client.request("GET", "/alerts?type=nonsense", { token });
    assert.equal(bad.status, 422);
    assert.equal((await client.request("GET", "/alerts")).status, 401);
  });

  await t.step("get, acknowledge, resolve", async () => {
    const one = await client.request("GET", `/alerts/${alertId}`, { token });
    assert.equal(one.body.data.id, alertId);
    const acknowledged = await client.request("POST", `/alerts/${alertId}/acknowledge`, { token });
    assert.equal(acknowledged.status, 200, acknowledged.text);
    assert.equal(acknowledged.body.data.status, "acknowledged");
    const resolved = await client.request("POST", `/alerts/${alertId}/resolve`, { token });
    assert.equal(resolved.body.data.status, "resolved");
    assert.equal(resolved.body.data.resolution, "manual");
    const again = await client.request("POST", `/alerts/${alertId}/acknowledge`, { token });
    assert.equal(again.status, 409);
  });

  await t.step("mute a campaign for N days, then unmute", async () => {
    const muted = await client.request("POST", `/campaigns/${campaignId}/alert-mute`, {
      token,
      body: { days: 7 },
    });
    assert.equal(muted.status, 200, muted.text);
    assert.equal(
      Date.parse(muted.body.data.muted_until),
      backend.clock.now().getTime() + 7 * DAY_MS,
    );
    assert.deepEqual((await api.deps.domain.alerts.detect(adAccountId)).raised, []);
    const tooLong = await client.request("POST", `/campaigns/${campaignId}/alert-mute`, {
      token,
      body: { days: 365 },
    });
    assert.equal(tooLong.status, 422);
    const unmuted = await client.request("DELETE", `/campaigns/${campaignId}/alert-mute`, {
      token,
    });
    assert.equal(unmuted.status, 204);
    assert.equal((await api.deps.domain.alerts.detect(adAccountId)).raised.length, 1);
  });

  await t.step("per-account thresholds: defaults, then a person's sign-in edits them", async () => {
    const path = `/ad-accounts/${adAccountId}/alert-thresholds`;
    const defaults = await client.request("GET", path, { token });
    assert.equal(defaults.status, 200, defaults.text);
    assert.equal(defaults.body.data.min_z, 3);
    assert.equal(defaults.body.data.cpa_up, 0.5);
    assert.equal(defaults.body.data.is_default, true);
    const stricter = { ...defaults.body.data, min_z: 4, min_conversions: 10 };
    const saved = await client.request("PUT", path, { token, body: stricter });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.body.data.min_z, 4);
    assert.equal(saved.body.data.is_default, false);
    const read = await client.request("GET", path, { token });
    assert.equal(read.body.data.min_conversions, 10);
    assert.equal((await client.request("PUT", path, { token, body: { min_z: 0 } })).status, 422);
    // An API token is software: it must not loosen what alerts it.
    const created = await client.request("POST", "/api-tokens", { token, body: { name: "bot" } });
    const apiToken = created.body.data.secret as string;
    assert.equal((await client.request("GET", path, { token: apiToken })).status, 200);
    const bySoftware = await client.request("PUT", path, { token: apiToken, body: stricter });
    assert.equal(bySoftware.status, 403, bySoftware.text);
    const other = await client.request("GET", path, { token: intruder.accessToken });
    assert.equal(other.status, 404);
  });

  await t.step("another user sees nothing and can touch nothing", async () => {
    const other = intruder.accessToken;
    const list = await client.request("GET", "/alerts", { token: other });
    assert.equal(list.body.total, 0);
    const filtered = await client.request("GET", `/alerts?campaign_id=${campaignId}`, {
      token: other,
    });
    assert.equal(filtered.body.total, 0);
    for (
      const [method, path, body] of [
        ["GET", `/alerts/${alertId}`],
        ["POST", `/alerts/${alertId}/acknowledge`],
        ["POST", `/alerts/${alertId}/resolve`],
        ["POST", `/campaigns/${campaignId}/alert-mute`, { days: 1 }],
      ] as [string, string, unknown?][]
    ) {
      const response = await client.request(method, path, { token: other, body });
      assert.equal(response.status, 404, `${method} ${path}: ${response.text}`);
    }
    const mine = await client.request("GET", `/alerts/${alertId}`, { token });
    assert.equal(mine.body.data.status, "resolved", "unchanged by the intruder");
  });
});
