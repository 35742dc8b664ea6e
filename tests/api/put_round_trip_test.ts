/**
 * Every resource with `PUT` takes back what its `GET` returns: the body of a GET, sent unchanged,
 * replaces the resource with itself. The list of PUT operations comes from the published OpenAPI
 * document, so a new PUT route fails this test until it has a round trip here.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type ApiTest, apiTest } from "./_helpers/harness.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Creates one resource for a PUT path template; returns its concrete path. */
type Fixture = (api: ApiTest, token: string) => Promise<string>;

const FIXTURES: Record<string, Fixture> = {
  "/campaigns/{id}": async ({ client }, token) => {
    const account = await client.request("POST", "/ad-accounts", {
      token,
      body: { name: "Main", currency: "USD" },
    });
    const created = await client.request("POST", "/campaigns", {
      token,
      body: {
        ad_account_id: account.body.data.id,
        name: "Round trip",
        objective: "traffic",
        budget_type: "daily",
        budget_amount_minor: 5000,
        start_date: "2026-12-01",
        end_date: "2026-12-31",
        targeting: { countries: ["FR"], languages: ["fr"], age_min: 25, age_max: 45 },
        landing_url: "https://shop.example.com/",
      },
    });
    assert.equal(created.status, 201, created.text);
    return `/campaigns/${created.body.data.id}`;
  },
  "/ad-accounts/{id}/limits": async ({ client }, token) => {
    const account = await client.request("POST", "/ad-accounts", {
      token,
      body: { name: "Limited", currency: "USD" },
    });
    const path = `/ad-accounts/${account.body.data.id}/limits`;
    // Saved once, so the round trip starts from stored limits (`is_default` false).
    const defaults = await client.request("GET", path, { token });
    const saved = await client.request("PUT", path, { token, body: defaults.body.data });
    assert.equal(saved.status, 200, saved.text);
    return path;
  },
  "/ad-accounts/{id}/alert-thresholds": async ({ client }, token) => {
    const account = await client.request("POST", "/ad-accounts", {
      token,
      body: { name: "Watched", currency: "USD" },
    });
    const path = `/ad-accounts/${account.body.data.id}/alert-thresholds`;
    const defaults = await client.request("GET", path, { token });
    const saved = await client.request("PUT", path, { token, body: defaults.body.data });
    assert.equal(saved.status, 200, saved.text);
    return path;
  },
  "/notification-settings": async ({ client }, token) => {
    const path = "/notification-settings";
    // Saved once, so the round trip starts from stored settings.
    const defaults = await client.request("GET", path, { token });
    const saved = await client.request("PUT", path, { token, body: defaults.body.data });
    assert.equal(saved.status, 200, saved.text);
    return path;
  },
};

/** Follows `$ref`s of the document down to a schema object. */
function resolve(doc: Json, schema: Json): Json {
  let node = schema;
  while (node?.$ref) {
    node = node.$ref.slice(2).split("/").reduce((at: Json, part: string) => at[part], doc);
  }
  return node;
}

apiTest("every PUT accepts exactly what GET returns", async (t, api) => {
  const session = await api.register();
  const token = session.accessToken;
  const putPaths = Object.entries(api.doc.paths as Record<string, Json>)
    .filter(([, item]) => item.put !== undefined)
    .map(([path]) => path.replace(/^\/api\/v1/, ""));
  assert.deepEqual(putPaths.sort(), Object.keys(FIXTURES).sort(), "a PUT without a round trip");

  for (const [template, create] of Object.entries(FIXTURES)) {
    await t.step(`GET → PUT ${template}`, async () => {
      const path = await create(api, token);
      const before = await api.client.request("GET", path, { token });
      assert.equal(before.status, 200, before.text);
      const put = await api.client.request("PUT", path, { token, body: before.body.data });
      assert.equal(put.status, 200, put.text);
      const { updated_at: _, ...unchanged } = before.body.data;
      // Limits carry no updated_at; every other field must come back exactly.
      assert.deepEqual({ ...put.body.data, updated_at: undefined }, {
        ...unchanged,
        updated_at: undefined,
      });
      const after = await api.client.request("GET", path, { token });
      assert.deepEqual(after.body.data, put.body.data);
    });
  }

  await t.step("the document describes PUT /campaigns/{id} targeting in snake_case", () => {
    const item = api.doc.paths["/campaigns/{id}"] ?? api.doc.paths["/api/v1/campaigns/{id}"];
    const body = resolve(api.doc, item.put.requestBody.content["application/json"].schema);
    const targeting = resolve(api.doc, body.properties.targeting);
    assert.ok("age_min" in targeting.properties, JSON.stringify(targeting));
    assert.ok(!("ageMin" in targeting.properties), JSON.stringify(targeting));
  });

  await t.step("PUT cannot change what GET shows as read-only", async () => {
    const path = await FIXTURES["/campaigns/{id}"](api, token);
    const before = await api.client.request("GET", path, { token });
    const put = await api.client.request("PUT", path, {
      token,
      body: { ...before.body.data, name: "Renamed", status: "active", objective: "sales" },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.data.name, "Renamed");
    assert.equal(put.body.data.status, before.body.data.status);
    assert.equal(put.body.data.objective, before.body.data.objective);
    const unknown = await api.client.request("PUT", path, {
      token,
      body: { ...before.body.data, budget: 1 },
    });
    assert.equal(unknown.status, 422, unknown.text);
  });
});
