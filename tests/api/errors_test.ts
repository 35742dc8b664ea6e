import assert from "node:assert/strict";
import { PlatformRateLimitError } from "../../domain/errors.ts";
import { apiTest } from "./_helpers/harness.ts";

apiTest("malformed requests get JSON errors with the right status", async (t, api) => {
  const { client } = api;
  const { accessToken: token } = await api.register();

  await t.step("invalid JSON is 400 {detail}", async () => {
    const response = await client.request("POST", "/campaigns", {
      token,
      rawBody: '{"name": ',
      headers: { "content-type": "application/json" },
    });
    assert.equal(response.status, 400);
    assert.deepEqual(Object.keys(response.body), ["detail"]);
  });

  await t.step("a JSON body that is not an object is 422", async () => {
    const response = await client.request("POST", "/ad-accounts", { token, body: [1, 2] });
    assert.equal(response.status, 422);
  });

  await t.step("another content type is 415", async () => {
    const response = await client.request("POST", "/ad-accounts", {
      token,
      rawBody: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(response.status, 415);
  });

  await t.step("bodies over 1 MiB are 413", async () => {
    const response = await client.request("POST", "/conversations", {
      token,
      body: { title: "x".repeat(1024 * 1024 + 10) },
    });
    assert.equal(response.status, 413);
    assert.match(response.body.detail, /too large/);
  });

  await t.step("unknown routes and methods are JSON 404s", async () => {
    for (const [method, path] of [["GET", "/nope"], ["DELETE", "/users/me"], ["GET", "/"]]) {
      const response = await client.request(method, path, { token });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.deepEqual(response.body, { detail: "Not found" });
    }
  });

  await t.step("request ids: generated, or a sane incoming one echoed", async () => {
    const generated = await client.request("GET", "/users/me", { token });
    assert.match(generated.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const echoed = await client.request("GET", "/users/me", {
      token,
      headers: { "x-request-id": "trace-abc.123" },
    });
    assert.equal(echoed.headers.get("x-request-id"), "trace-abc.123");
    const insane = await client.request("GET", "/users/me", {
      token,
      headers: { "x-request-id": "<script>" + "x".repeat(300) },
    });
    assert.match(insane.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });

  await t.step("access logs carry request fields and never secrets", () => {
    const lines = api.logs.filter((line) => line.message === "request");
    assert.ok(lines.length > 5);
    for (const line of lines) {
      for (const key of ["request_id", "method", "path", "status", "duration_ms", "user_id"]) {
        assert.ok(key in line.fields, key);
      }
    }
    const registered = lines.find((line) => line.fields.path === "/api/v1/auth/register");
    assert.equal(registered?.fields.status, 201);
    const all = JSON.stringify(api.logs);
    assert.ok(!all.includes(token), "no access token in logs");
    assert.ok(!all.includes("correct horse battery staple"), "no password in logs");
  });
});

apiTest(
  "unexpected errors are a bare 500 with the request id, logged server-side",
  async (t, api) => {
    const { accessToken: token } = await api.register();
    await t.step("no stack trace or message leaves the server", async () => {
      const response = await api.client.request("GET", "/campaigns", { token });
      assert.equal(response.status, 500);
      assert.deepEqual(Object.keys(response.body).sort(), ["detail", "request_id"]);
      assert.equal(response.body.detail, "Internal server error");
      assert.equal(response.body.request_id, response.headers.get("x-request-id"));
      assert.ok(!response.text.includes("kaboom"));
    });
    await t.step("the error is logged with its stack", () => {
      const logged = api.logs.find((line) => line.message === "unhandled error");
      assert.ok(logged);
      assert.match(String((logged.fields.error as Error).stack), /kaboom/);
    });
  },
  {
    domain: (domain) => ({
      ...domain,
      campaigns: {
        ...domain.campaigns,
        list: () => Promise.reject(new Error("kaboom: secret internals")),
      },
    }),
  },
);

apiTest(
  "a platform rate limit answers 503 with Retry-After and the platform's own message",
  async (t, api) => {
    const { accessToken: token } = await api.register();
    await t.step("the wait in seconds, rounded up, and the message that names it", async () => {
      const response = await api.client.request("GET", "/campaigns", { token });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "91");
      assert.match(response.body.detail, /Google Ads is limiting requests/);
      assert.match(response.body.detail, /retrying after 91 s/);
    });
  },
  {
    domain: (domain) => ({
      ...domain,
      campaigns: {
        ...domain.campaigns,
        list: () =>
          Promise.reject(
            new PlatformRateLimitError(
              "Google Ads is limiting requests for this ad account (quota); retrying after 91 s",
              90_500,
            ),
          ),
      },
    }),
  },
);
