import assert from "node:assert/strict";
import { createHandler } from "$fresh/server.ts";
import { DEV_ENV } from "$fresh/src/server/handler.ts";
import manifest from "../../_fixtures/app/fresh.gen.ts";
import { fetchText, request } from "../../_helpers/fixture_app.ts";

Deno.test("dev mode live reload", async (t) => {
  Deno.env.set(DEV_ENV, "1");
  const dev = await createHandler(manifest).finally(() => Deno.env.delete(DEV_ENV));

  await t.step("pages get the reload client, as a classic script", async () => {
    const { body } = await fetchText("/about", undefined, dev);
    assert.match(body, /<script>.*new EventSource\("\/_frsh\/alive"\).*<\/script><\/body>/);
    assert.doesNotMatch(body, /<script type="module">/);
  });

  await t.step("/_frsh/alive streams this process's revision", async () => {
    const res = await request("/_frsh/alive", undefined, dev);
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /^retry: 300\ndata: [0-9a-f-]{36}\n\n$/);
    await reader.cancel();
  });

  await t.step("outside dev mode there is neither client nor endpoint", async () => {
    assert.doesNotMatch((await fetchText("/about")).body, /EventSource/);
    assert.equal((await request("/_frsh/alive")).status, 404);
  });
});
