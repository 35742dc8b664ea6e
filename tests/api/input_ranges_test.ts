/**
 * Values that parse but make no sense are refused with 422 naming the field: API tokens that
 * expire in the past, campaign dates outside 2000–2100 or ending before they start, targeting
 * languages that are not language codes, and query numbers not written as plain decimals.
 *
 * @module
 */
import assert from "node:assert/strict";
import { apiTest } from "./_helpers/harness.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function fieldsOf(body: Json): string[] {
  return (body?.errors ?? []).map((error: { field: string }) => error.field);
}

apiTest("out-of-range values are 422 naming the field", async (t, api) => {
  const { client, backend } = api;
  const session = await api.register();
  const token = session.accessToken;
  const account = await client.request("POST", "/ad-accounts", {
    token,
    body: { name: "Main", currency: "USD" },
  });
  const base = {
    ad_account_id: account.body.data.id,
    name: "Dates",
    objective: "traffic",
    budget_type: "daily",
    budget_amount_minor: 1000,
  };

  await t.step("API token expires_at must be in the future", async () => {
    const now = backend.clock.now().getTime();
    for (const expiresAt of [new Date(now - 60_000), new Date(now)]) {
      const response = await client.request("POST", "/api-tokens", {
        token,
        body: { name: "old", expires_at: expiresAt.toISOString() },
      });
      assert.equal(response.status, 422, response.text);
      assert.deepEqual(fieldsOf(response.body), ["expires_at"]);
    }
    const ok = await client.request("POST", "/api-tokens", {
      token,
      body: { name: "new", expires_at: new Date(now + 86_400_000).toISOString() },
    });
    assert.equal(ok.status, 201, ok.text);
  });

  await t.step("campaign dates lie within 2000–2100 and end on or after start", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ start_date: "1999-12-31" }, "start_date"],
      [{ start_date: "0001-01-01" }, "start_date"],
      [{ end_date: "2101-01-01" }, "end_date"],
      [{ end_date: "9999-12-31" }, "end_date"],
      [{ start_date: "2026-12-10", end_date: "2026-12-01" }, "end_date"],
    ];
    for (const [dates, field] of cases) {
      const response = await client.request("POST", "/campaigns", {
        token,
        body: { ...base, ...dates },
      });
      assert.equal(response.status, 422, `${JSON.stringify(dates)} → ${response.text}`);
      assert.deepEqual(fieldsOf(response.body), [field], JSON.stringify(dates));
    }
    const created = await client.request("POST", "/campaigns", {
      token,
      body: { ...base, start_date: "2000-01-01", end_date: "2100-12-31" },
    });
    assert.equal(created.status, 201, created.text);
    const patched = await client.request("PATCH", `/campaigns/${created.body.data.id}`, {
      token,
      body: { end_date: "2200-01-01" },
    });
    assert.equal(patched.status, 422, patched.text);
    assert.deepEqual(fieldsOf(patched.body), ["end_date"]);
  });

  await t.step("targeting languages are ISO 639-1 codes, optionally with a region", async () => {
    for (const language of ["english", "EN", "en_US", "en-us", "xx", "e", "123", "fr-XX"]) {
      const response = await client.request("POST", "/campaigns", {
        token,
        body: { ...base, targeting: { languages: ["fr", language] } },
      });
      assert.equal(response.status, 422, `${language} → ${response.text}`);
      assert.deepEqual(fieldsOf(response.body), ["targeting.languages.1"], language);
    }
    const ok = await client.request("POST", "/campaigns", {
      token,
      body: { ...base, targeting: { languages: ["en", "pt-BR", "zh"] } },
    });
    assert.equal(ok.status, 201, ok.text);
  });

  await t.step("query numbers are plain decimal integers", async () => {
    const conversation = await client.request("POST", "/conversations", { token, body: {} });
    const lists = [
      "/campaigns",
      "/ad-accounts",
      `/conversations/${conversation.body.data.id}/messages`,
    ];
    for (const list of lists) {
      for (
        const [query, field] of [
          ["skip=0x10", "skip"],
          ["skip=1e1", "skip"],
          ["skip=%2016", "skip"],
          ["skip=16.0", "skip"],
          ["skip=", "skip"],
          ["limit=0b11", "limit"],
          ["limit=0o7", "limit"],
        ]
      ) {
        const response = await client.request("GET", `${list}?${query}`, { token });
        assert.equal(response.status, 422, `${list}?${query} → ${response.text}`);
        assert.deepEqual(fieldsOf(response.body), [field], `${list}?${query}`);
      }
      const ok = await client.request("GET", `${list}?skip=16&limit=07`, { token });
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual([ok.body.skip, ok.body.limit], [16, 7]);
    }
  });
});
