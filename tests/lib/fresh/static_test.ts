import assert from "node:assert/strict";
import { asset } from "$fresh/runtime.ts";
import { fetchText, fixtureHandler, request } from "../../_helpers/fixture_app.ts";

Deno.test("static files", async (t) => {
  await fixtureHandler();

  await t.step("served with content type and ETag; If-None-Match gives 304", async () => {
    const first = await fetchText("/hello.txt");
    assert.equal(first.status, 200);
    assert.equal(first.body, "hello static\n");
    assert.equal(first.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(first.headers.get("cache-control"), "no-cache");
    const etag = first.headers.get("etag")!;
    assert.ok(etag);
    const again = await request("/hello.txt", { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), "");
    const css = await fetchText("/site.css");
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
  });

  await t.step("asset() adds the build id, which makes the file immutable", async () => {
    const url = asset("/site.css");
    assert.match(url, /^\/site\.css\?__frsh_c=[0-9a-f]{12}$/);
    const res = await request(url);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    await res.body?.cancel();
    assert.equal(asset("https://example.com/x.png"), "https://example.com/x.png");
  });

  await t.step("paths cannot escape the static folder", async () => {
    for (const path of ["/../routes/index.tsx", "/%2e%2e/routes/index.tsx"]) {
      assert.equal((await request(path)).status, 404);
    }
  });

  await t.step("middlewares run for static files too", async () => {
    assert.equal((await request("/hello.txt")).headers.get("x-trail"), "root");
  });
});
