/**
 * Response compression: the encoding a client accepts (brotli preferred, then gzip), which
 * responses are worth compressing (text: HTML, CSS, JavaScript, JSON, SVG…, at least 1 KiB when
 * the size is known), and compressing one on the fly as a stream (so streamed pages stay
 * streamed): gzip with the runtime's `CompressionStream`, brotli with `node:zlib` at quality 5 —
 * the web stream's brotli flushes every chunk a page is rendered in, which costs several times
 * the time and size. Static build output is compressed ahead of time instead (`precompress`, at
 * the highest levels), and served as it is.
 *
 * @module
 */
import { Duplex } from "node:stream";
import { brotliCompressSync, constants, createBrotliCompress, gzipSync } from "node:zlib";

/** A content coding this app produces. */
export type Encoding = "br" | "gzip";

/** File suffix of each coding's precompressed file. */
export const ENCODING_SUFFIX: Record<Encoding, string> = { br: ".br", gzip: ".gz" };

/** Bodies smaller than this are sent as they are: the coding's framing would eat the saving. */
export const MIN_COMPRESS_BYTES = 1024;

const COMPRESSIBLE =
  /^(?:text\/(?!event-stream)|application\/(?:json|javascript|xml|manifest\+json|problem\+json|openapi\+json|[\w.+-]*\+json)|image\/svg\+xml)/i;

/** True for content types that compress well (text); never for server-sent event streams. */
export function isCompressible(contentType: string | null): boolean {
  return contentType !== null && COMPRESSIBLE.test(contentType);
}

/**
 * The coding to answer `acceptEncoding` with: `br` when accepted, else `gzip`, else null.
 * `q=0` refuses a coding; `*` accepts both.
 */
export function negotiateEncoding(acceptEncoding: string | null): Encoding | null {
  if (!acceptEncoding) return null;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((param) => param.trim()).find((param) => param.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    accepted.set(name.trim(), Number.isNaN(weight) ? 0 : weight);
  }
  const weightOf = (coding: string) => accepted.get(coding) ?? accepted.get("*") ?? 0;
  if (weightOf("br") > 0) return "br";
  if (weightOf("gzip") > 0) return "gzip";
  return null;
}

/** Adds `Accept-Encoding` to a response's `Vary`, so caches keep one copy per coding. */
export function varyOnEncoding(headers: Headers): void {
  const vary = headers.get("vary");
  if (!vary) headers.set("vary", "Accept-Encoding");
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) {
    headers.set("vary", `${vary}, Accept-Encoding`);
  }
}

/**
 * `response` compressed for `req` when that is worthwhile and allowed; otherwise `response`
 * itself (with `Vary: Accept-Encoding` when its type is compressible). Responses that already
 * carry a coding (precompressed files), partial or empty ones, upgrades and HEAD answers pass
 * through untouched.
 */
export function compressResponse(req: Request, response: Response): Response {
  const { headers, status } = response;
  if (!isCompressible(headers.get("content-type"))) return response;
  if (headers.has("content-encoding") || headers.has("content-range")) return response;
  const encoding = negotiateEncoding(req.headers.get("accept-encoding"));
  const length = headers.get("content-length");
  const worthIt = encoding !== null && response.body !== null && req.method !== "HEAD" &&
    status >= 200 && status !== 204 && status !== 206 && status !== 304 &&
    (length === null || Number(length) >= MIN_COMPRESS_BYTES) &&
    !/\bno-transform\b/i.test(headers.get("cache-control") ?? "");
  if (!worthIt) return withVary(response);
  const out = new Headers(headers);
  varyOnEncoding(out);
  out.delete("content-length");
  out.set("content-encoding", encoding);
  // Another coding of the same content is a weak match of the original (as nginx does).
  const etag = out.get("etag");
  if (etag && !etag.startsWith("W/")) out.set("etag", `W/${etag}`);
  return new Response(response.body!.pipeThrough(compressor(encoding)), {
    status,
    statusText: response.statusText,
    headers: out,
  });
}

/** Quality of brotli on the fly: near gzip's speed, clearly smaller output (11 is for builds). */
const DYNAMIC_BROTLI_QUALITY = 5;

/** A streaming compressor for `encoding`. */
function compressor(encoding: Encoding): ReadableWritablePair<Uint8Array, Uint8Array> {
  if (encoding === "gzip") {
    // Its writable side takes any BufferSource, a superset of what bodies carry.
    return new CompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  }
  const brotli = createBrotliCompress({
    params: { [constants.BROTLI_PARAM_QUALITY]: DYNAMIC_BROTLI_QUALITY },
  });
  return Duplex.toWeb(brotli) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
}

/** `response` with `Vary: Accept-Encoding`, in place when its headers may change, else a copy. */
function withVary(response: Response): Response {
  try {
    varyOnEncoding(response.headers);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    varyOnEncoding(headers);
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }
}

/** Extensions of build output worth precompressing. */
const PRECOMPRESSED = /\.(?:css|js|mjs|json|svg|html|txt|map)$/i;

/**
 * The precompressed copies of a build file at the highest levels (brotli 11, gzip 9), or none
 * when the file is not text or too small to gain.
 */
export function precompress(
  path: string,
  bytes: Uint8Array,
): { encoding: Encoding; bytes: Uint8Array }[] {
  if (!PRECOMPRESSED.test(path) || bytes.length < MIN_COMPRESS_BYTES) return [];
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  const gzip = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
  return [
    { encoding: "br" as const, bytes: new Uint8Array(br) },
    { encoding: "gzip" as const, bytes: new Uint8Array(gzip) },
  ].filter((variant) => variant.bytes.length < bytes.length);
}
