/** Responses go out compressed: pages, the API's JSON and the precompressed build output. */
import assert from "node:assert/strict";
import { ORIGIN, pagesApp, signedUpClient } from "./_helpers/pages.ts";
import { fakeInfo } from "../_helpers/fixture_app.ts";

async function get(path: string, acceptEncoding: string | null): Promise<Response> {
  const app = await pagesApp();
  const headers = new Headers();
  if (acceptEncoding) headers.set("accept-encoding", acceptEncoding);
  return await app.handler(new Request(new URL(path, ORIGIN), { headers }), fakeInfo);
}

async function bytesOf(response: Response): Promise<number> {
  return (await response.arrayBuffer()).byteLength;
}

async function decode(response: Response, format: CompressionFormat): Promise<string> {
  return await new Response(response.body!.pipeThrough(new DecompressionStream(format))).text();
}

Deno.test("pages, JSON and build assets are compressed with brotli or gzip", async (t) => {
  const plainPage = await (await get("/login", null)).text();
  const css = plainPage.match(/href="(\/styles\.css[^"]*)"/)![1];
  const { client } = await signedUpClient(await pagesApp(), "Compressed Reader");
  const module = (await client.get("/settings/appearance")).body.match(/\/_frsh\/[^"']+\.js/)
    ?.[0];

  await t.step("a page: br or gzip as accepted, the same HTML once decoded", async () => {
    for (const [accept, format] of [["gzip, deflate, br", "brotli"], ["gzip", "gzip"]] as const) {
      const response = await get("/login", accept);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-encoding"), accept === "gzip" ? "gzip" : "br");
      assert.match(response.headers.get("vary") ?? "", /Accept-Encoding/);
      const html = await decode(response, format);
      // The page carries nothing per request but its CSRF-free form: same markup as plain.
      assert.equal(html.length, plainPage.length);
    }
    const identity = await get("/login", "identity");
    assert.equal(identity.headers.get("content-encoding"), null);
    await identity.body?.cancel();
  });

  await t.step("the API's JSON is compressed", async () => {
    const plain = await bytesOf(await get("/api/v1/openapi.json", null));
    const br = await get("/api/v1/openapi.json", "br");
    assert.equal(br.headers.get("content-encoding"), "br");
    assert.ok(await bytesOf(br) < plain / 5);
  });

  await t.step("the stylesheet is served precompressed from the build", async () => {
    const plain = await get(css, null);
    const plainSize = await bytesOf(plain);
    const br = await get(css, "br");
    assert.equal(br.headers.get("content-encoding"), "br");
    assert.match(br.headers.get("etag") ?? "", /-br"$/, "the build's brotli copy, not on the fly");
    assert.equal(br.headers.get("content-length"), String(await bytesOf(br.clone())));
    assert.ok(await bytesOf(br) < plainSize / 4);
    const gzip = await get(css, "gzip");
    assert.match(gzip.headers.get("etag") ?? "", /-gzip"$/);
    await gzip.body?.cancel();
    const fresh = await app304(css, br.headers.get("etag")!);
    assert.equal(fresh, 304, "the brotli copy's ETag revalidates");
  });

  await t.step("island modules are served precompressed", async () => {
    assert.ok(module, "the page loads an island module");
    const br = await get(module, "br");
    assert.equal(br.status, 200);
    assert.equal(br.headers.get("content-encoding"), "br");
    await br.body?.cancel();
  });
});

async function app304(path: string, etag: string): Promise<number> {
  const app = await pagesApp();
  const response = await app.handler(
    new Request(new URL(path, ORIGIN), {
      headers: { "accept-encoding": "br", "if-none-match": etag },
    }),
    fakeInfo,
  );
  await response.body?.cancel();
  return response.status;
}
