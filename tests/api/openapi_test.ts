import assert from "node:assert/strict";
import { compileErrors, validate } from "@readme/openapi-parser";
import { apiTest } from "./_helpers/harness.ts";

apiTest("the OpenAPI document is valid and describes every operation", async (t, api) => {
  await t.step("passes an independent OpenAPI validator", async () => {
    const result = await validate(structuredClone(api.doc));
    assert.ok(result.valid, result.valid ? "" : compileErrors(result));
    assert.equal(api.doc.openapi, "3.1.0");
  });

  await t.step("every operation has tags, a summary, security and error responses", () => {
    assert.deepEqual(api.doc.components.securitySchemes.bearerAuth, {
      type: "http",
      scheme: "bearer",
      description: api.doc.components.securitySchemes.bearerAuth.description,
    });
    const tagNames = new Set(api.doc.tags.map((tag: { name: string }) => tag.name));
    for (const [path, item] of Object.entries(api.doc.paths)) {
      assert.ok(path.startsWith("/api/v1/"), path);
      for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
        const where = `${method} ${path}`;
        assert.ok((op.tags as string[]).every((tag) => tagNames.has(tag)), where);
        assert.ok(typeof op.summary === "string" && op.summary.length > 0, where);
        assert.ok(Array.isArray(op.security), where);
        const responses = op.responses as Record<string, unknown>;
        for (const status of ["401", "404", "422", "429", "500"]) {
          assert.ok(status in responses, `${where} lacks ${status}`);
        }
      }
    }
  });

  await t.step("private operations require the bearer scheme, public ones do not", () => {
    const publicPaths = [
      "/api/v1/auth/register",
      "/api/v1/auth/login",
      "/api/v1/auth/refresh",
      "/api/v1/auth/google/start",
      "/api/v1/auth/google/callback",
      "/api/v1/health",
    ];
    for (const [path, item] of Object.entries(api.doc.paths)) {
      for (const op of Object.values(item as Record<string, { security: unknown[] }>)) {
        const expected = publicPaths.includes(path) ? [] : [{ bearerAuth: [] }];
        assert.deepEqual(op.security, expected, path);
      }
    }
  });

  await t.step("request bodies use snake_case field names", () => {
    const body = api.doc.paths["/api/v1/campaigns"].post.requestBody.content["application/json"]
      .schema;
    assert.ok("budget_amount_minor" in body.properties);
    assert.ok("ad_account_id" in body.properties);
    assert.deepEqual(body.required.sort(), [
      "ad_account_id",
      "budget_amount_minor",
      "budget_type",
      "name",
      "objective",
    ]);
  });

  await t.step("the docs page renders offline HTML", async () => {
    const response = await api.client.handler(new Request("http://localhost/api/v1/docs"));
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(response.headers.get("content-type") ?? "", /text\/html/);
    assert.match(html, /\/api\/v1\/campaigns/);
    assert.doesNotMatch(html, /<script[^>]+src=["']https?:/);
  });
});
