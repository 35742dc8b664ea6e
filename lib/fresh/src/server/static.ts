/**
 * Serves files from static folders with a content type, an ETag (size + mtime, so no file is read
 * just to answer a 304), and a year-long immutable cache when the URL carries the build id. Build
 * output held in memory comes with its precompressed copies (`file.br`, `file.gz`), answered to
 * clients that accept them.
 *
 * @module
 */
import { extname, join, normalize } from "node:path";
import {
  type Encoding,
  ENCODING_SUFFIX,
  negotiateEncoding,
  varyOnEncoding,
} from "./compression.ts";

const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
  ".xml": "application/xml",
  ".pdf": "application/pdf",
};

/** The Content-Type for a file name. */
export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** Cache-Control for URLs that change whenever their content does. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** A file found in one of the static folders. */
export interface StaticFile {
  path: string;
  size: number;
  etag: string;
  /** The contents, for files held in memory (build output). */
  body?: Uint8Array<ArrayBuffer>;
  /** Precompressed copies of a file held in memory, by coding. */
  encoded?: Partial<Record<Encoding, StaticFile>>;
}

/** Anything decoding or normalizing could change: escapes, `.` segments, doubled slashes. */
const UNNORMALIZED = /%|\/\.|\/\//;

function toRelative(pathname: string): string | null {
  // Most paths are already plain; they skip the decode and normalize, checked on every page.
  if (!UNNORMALIZED.test(pathname)) return pathname;
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname));
  } catch {
    return null;
  }
  return relative.includes("\0") ? null : relative;
}

async function statFile(path: string): Promise<StaticFile | null> {
  try {
    const stat = await Deno.stat(path);
    if (!stat.isFile) return null;
    const mtime = stat.mtime?.getTime() ?? 0;
    return { path, size: stat.size, etag: `W/"${stat.size.toString(36)}-${mtime.toString(36)}"` };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Finds a static file by URL path; an in-memory index answers without a promise. */
export type StaticLookup = (
  pathname: string,
) => StaticFile | null | Promise<StaticFile | null>;

/** Looks each request up on disk, so added and edited files show at once (dev mode). */
export function liveStatic(dir: string): StaticLookup {
  return async (pathname) => {
    const relative = toRelative(pathname);
    return relative === null ? null : await statFile(join(dir, relative));
  };
}

/**
 * Indexes every file under `dir` by URL path, with `load` also holding their contents in memory
 * (build output, so the build folder may be deleted once loaded).
 */
export async function indexStatic(dir: string, load: boolean): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  const visit = async (path: string, prefix: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(path));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const child = join(path, entry.name);
      const url = `${prefix}/${entry.name}`;
      if (entry.isDirectory) await visit(child, url);
      else {
        const file = await statFile(child);
        if (file && load) file.body = await Deno.readFile(child);
        if (file) files.set(url, file);
      }
    }
  };
  await visit(dir, "");
  if (load) foldPrecompressed(files);
  return files;
}

/** Moves each `file.br` / `file.gz` into its file's `encoded` (no URL of its own). */
function foldPrecompressed(files: Map<string, StaticFile>): void {
  for (const [url, file] of files) {
    for (const [encoding, suffix] of Object.entries(ENCODING_SUFFIX) as [Encoding, string][]) {
      const copy = files.get(url + suffix);
      if (!copy) continue;
      file.encoded ??= {};
      file.encoded[encoding] = { ...copy, etag: copy.etag.replace(/"$/, `-${encoding}"`) };
      files.delete(url + suffix);
    }
  }
}

/**
 * Looks paths up in `files`, then in `fallback`. With an index, a miss costs a map lookup
 * instead of file system calls, which matters because every page request checks for a file.
 */
export function staticLookup(
  files: Map<string, StaticFile>,
  fallback?: StaticLookup,
): StaticLookup {
  return (pathname) => {
    const relative = toRelative(pathname);
    const file = relative === null ? undefined : files.get(relative);
    if (file) return file;
    return fallback ? fallback(pathname) : null;
  };
}

/** True when the request's If-None-Match already names `etag`. */
export function isFresh(req: Request, etag: string): boolean {
  const header = req.headers.get("if-none-match");
  if (!header) return false;
  return header === "*" ||
    header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag.replace(/^W\//, ""));
}

/** Responds with `file`, or 304 when the client's copy is current. */
export async function serveStatic(
  req: Request,
  original: StaticFile,
  immutable: boolean,
): Promise<Response> {
  const encoding = original.encoded ? negotiateEncoding(req.headers.get("accept-encoding")) : null;
  const file = (encoding && original.encoded?.[encoding]) || original;
  const headers = new Headers({
    "content-type": contentType(original.path),
    etag: file.etag,
    "cache-control": immutable ? IMMUTABLE : "no-cache",
  });
  if (original.encoded) varyOnEncoding(headers);
  if (file !== original) headers.set("content-encoding", encoding!);
  if (isFresh(req, file.etag)) return new Response(null, { status: 304, headers });
  headers.set("content-length", String(file.size));
  if (req.method === "HEAD") return new Response(null, { headers });
  if (file.body) return new Response(file.body, { headers });
  const handle = await Deno.open(file.path);
  return new Response(handle.readable, { headers });
}
