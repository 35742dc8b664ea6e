/**
 * Everything under `/api/` belongs to the API: paths outside `/api/v1` (another version, or
 * reached through `..` segments) answer a JSON 404, never the HTML page; and `/api/v1/health`
 * answers load balancers that only route `/api/v1`.
 */
import assert from "node:assert/strict";
import { appHandler } from "../_helpers/app.ts";
import { fakeInfo } from "../_helpers/fixture_app.ts";

/** Sends a request line as is (no client-side `..` normalisation) to a real server. */
async function rawGet(port: number, target: string): Promise<{ status: number; text: string }> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;
    await connection.write(new TextEncoder().encode(request));
    const text = new TextDecoder().decode(
      await new Response(connection.readable).arrayBuffer(),
    );
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text };
  } catch (error) {
    connection.close();
    throw error;
  }
}

Deno.test("paths under /api/ outside /api/v1 are JSON 404s", async (t) => {
  const handler = await appHandler();
  const paths = [
    "/api",
    "/api/",
    "/api/v2/campaigns",
    "/api/v10/campaigns",
    "/api/v1x",
    "/api/v1/../v2/campaigns",
    "/api/v1/%2e%2e/v2/campaigns",
    "/api/v1/no-such-route",
  ];

  await t.step("in process", async () => {
    for (const path of paths) {
      for (const method of ["GET", "POST"]) {
        const response = await handler(
          new Request(`http://localhost${path}`, { method }),
          fakeInfo,
        );
        const context = `${method} ${path}`;
        assert.equal(response.status, 404, context);
        assert.match(response.headers.get("content-type") ?? "", /application\/json/, context);
        const body = await response.json();
        assert.deepEqual(Object.keys(body), ["detail"], context);
        assert.equal(typeof body.detail, "string", context);
      }
    }
  });

  await t.step("over a socket, with the request line sent as is", async () => {
    const controller = new AbortController();
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen() {} },
      handler,
    );
    try {
      for (const target of ["/api/v1/../v2/campaigns", "/api/v1/campaigns/../../v2/x"]) {
        const { status, text } = await rawGet(server.addr.port, target);
        assert.equal(status, 404, target);
        assert.match(text, /content-type: application\/json/i, target);
        assert.doesNotMatch(text, /<html/i, target);
      }
    } finally {
      controller.abort();
      await server.finished;
    }
  });

  await t.step("pages outside /api/ still get the HTML 404", async () => {
    const response = await handler(new Request("http://localhost/no-such-page"), fakeInfo);
    assert.equal(response.status, 404);
    assert.match(response.headers.get("content-type") ?? "", /text\/html/);
    await response.body?.cancel();
  });
});

Deno.test("GET /api/v1/health answers without credentials and is documented", async () => {
  const handler = await appHandler();
  const response = await handler(new Request("http://localhost/api/v1/health"), fakeInfo);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: "ok" });
  const doc = await (await handler(
    new Request("http://localhost/api/v1/openapi.json"),
    fakeInfo,
  )).json();
  const operation = doc.paths["/api/v1/health"]?.get;
  assert.ok(operation, "GET /health is in the OpenAPI document");
  assert.deepEqual(operation.security, []);
  assert.ok(operation.responses["200"].content["application/json"].schema);
});
