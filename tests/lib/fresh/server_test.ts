import assert from "node:assert/strict";
import { defineRoute, start } from "$fresh/server.ts";
import { ASYNC_ROUTE } from "$fresh/src/server/render.ts";
import manifest from "../../_fixtures/app/fresh.gen.ts";
import { request } from "../../_helpers/fixture_app.ts";

Deno.test("server API", async (t) => {
  await t.step("start() serves a manifest over HTTP", async () => {
    const server = await start(manifest, { server: { port: 0, hostname: "127.0.0.1" } });
    try {
      const res = await fetch(`http://127.0.0.1:${server.addr.port}/users/7`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /<h1>user 7<\/h1>/);
    } finally {
      await server.shutdown();
    }
  });

  await t.step("defineRoute returns the same function, marked as an async route", () => {
    const fn = () => null;
    assert.equal(defineRoute(fn), fn);
    assert.ok(ASYNC_ROUTE in fn);
  });

  await t.step("a trailing slash redirects to the canonical URL", async () => {
    const res = await request("/users/7/?tab=1");
    assert.equal(res.status, 307);
    assert.equal(res.headers.get("location"), "http://localhost/users/7?tab=1");
  });
});
