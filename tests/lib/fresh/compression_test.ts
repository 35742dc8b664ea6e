import assert from "node:assert/strict";
import {
  compressResponse,
  isCompressible,
  negotiateEncoding,
  precompress,
} from "../../../lib/fresh/src/server/compression.ts";

const html = `<!DOCTYPE html><html><body>${
  "<p>Spring sale, $21.43 CPA</p>".repeat(200)
}</body></html>`;

async function decoded(response: Response, format: CompressionFormat): Promise<string> {
  return await new Response(response.body!.pipeThrough(new DecompressionStream(format))).text();
}

function request(acceptEncoding?: string, method = "GET"): Request {
  const headers = new Headers();
  if (acceptEncoding !== undefined) headers.set("accept-encoding", acceptEncoding);
  return new Request("http://localhost/", { method, headers });
}

Deno.test("the coding follows Accept-Encoding: brotli first, then gzip, never refused ones", () => {
  assert.equal(negotiateEncoding("gzip, deflate, br, zstd"), "br");
  assert.equal(negotiateEncoding("gzip"), "gzip");
  assert.equal(negotiateEncoding("br;q=0, gzip;q=0.8"), "gzip");
  assert.equal(negotiateEncoding("*"), "br");
  assert.equal(negotiateEncoding("*;q=0"), null);
  assert.equal(negotiateEncoding("identity"), null);
  assert.equal(negotiateEncoding(null), null);
});

Deno.test("text types compress; event streams and binaries do not", () => {
  for (
    const type of ["text/html; charset=utf-8", "text/css", "application/json", "image/svg+xml"]
  ) {
    assert.ok(isCompressible(type), type);
  }
  for (const type of ["text/event-stream", "image/png", "application/octet-stream", null]) {
    assert.ok(!isCompressible(type), String(type));
  }
});

Deno.test("a page compresses to brotli or gzip and decodes to the same text", async () => {
  for (const [accept, format] of [["br", "brotli"], ["gzip", "gzip"]] as const) {
    const response = compressResponse(
      request(accept),
      new Response(html, { headers: { "content-type": "text/html; charset=utf-8", etag: '"v1"' } }),
    );
    assert.equal(response.headers.get("content-encoding"), accept);
    assert.equal(response.headers.get("vary"), "Accept-Encoding");
    assert.equal(response.headers.get("etag"), 'W/"v1"', "a coding is a weak match");
    assert.equal(await decoded(response, format), html);
  }
});

Deno.test("what is not worth or not allowed to compress passes through", async () => {
  const page = () => new Response(html, { headers: { "content-type": "text/html" } });
  const plain = compressResponse(request(), page());
  assert.equal(plain.headers.get("content-encoding"), null);
  assert.equal(plain.headers.get("vary"), "Accept-Encoding", "caches still key on the coding");
  assert.equal(await plain.text(), html);
  const small = compressResponse(
    request("br"),
    new Response("ok", { headers: { "content-type": "text/plain", "content-length": "2" } }),
  );
  assert.equal(small.headers.get("content-encoding"), null);
  const stream = compressResponse(
    request("br"),
    new Response("data: x\n\n", { headers: { "content-type": "text/event-stream" } }),
  );
  assert.equal(stream.headers.get("content-encoding"), null);
  const head = compressResponse(request("br", "HEAD"), new Response(null, page()));
  assert.equal(head.headers.get("content-encoding"), null);
  const already = compressResponse(
    request("br"),
    new Response("x", { headers: { "content-type": "text/css", "content-encoding": "gzip" } }),
  );
  assert.equal(already.headers.get("content-encoding"), "gzip");
  const png = new Response(new Uint8Array(4096), { headers: { "content-type": "image/png" } });
  assert.equal(compressResponse(request("br"), png), png, "untouched, not even copied");
});

Deno.test("build output is precompressed at the highest levels when it gains", () => {
  const css = new TextEncoder().encode(".a{color:red}\n".repeat(500));
  const variants = precompress("styles.css", css);
  assert.deepEqual(variants.map((variant) => variant.encoding), ["br", "gzip"]);
  for (const variant of variants) assert.ok(variant.bytes.length < css.length / 10);
  assert.deepEqual(precompress("logo.png", css), []);
  assert.deepEqual(precompress("tiny.js", new TextEncoder().encode("x()")), []);
});
