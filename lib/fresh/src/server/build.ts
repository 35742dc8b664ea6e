/**
 * The build: island bundles plus plugin output (e.g. CSS), named by a build id derived from their
 * content, described by `snapshot.json` so `start` can serve a build without bundling anything.
 * Text output is also written precompressed (`file.br`, `file.gz`), served to clients that
 * accept the coding without compressing anything per request.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FreshConfig, Manifest } from "../types.ts";
import { ENCODING_SUFFIX, precompress } from "./compression.ts";
import { bundle, readTree } from "./bundle.ts";
import { islandName } from "./islands.ts";

/** Describes a build; written to `<outDir>/snapshot.json`. */
export interface Snapshot {
  buildId: string;
  /** Output path of the boot script, or null when the app has no islands. */
  runtime: string | null;
  /** Output path of each island module by island name. */
  islands: Record<string, string>;
  /** Chunks each output file loads. */
  imports: Record<string, string[]>;
}

/** Where browser modules live inside the output directory. */
export const JS_DIR = "js";
/** Where plugins put files that are served like `static/`. */
export const STATIC_DIR = "static";
const SNAPSHOT = "snapshot.json";
const RUNTIME_ENTRY = "\0runtime";

/** The project root of a manifest. */
export function projectRoot(manifest: Manifest): string {
  return dirname(fileURLToPath(manifest.baseUrl));
}

/** Reads the snapshot of an existing build, or null when there is none. */
export async function loadSnapshot(outDir: string): Promise<Snapshot | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(outDir, SNAPSHOT))) as Snapshot;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** A short content hash of every file under `dir`, so an unchanged build keeps its id. */
async function hashFiles(dir: string): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const visit = async (path: string) => {
    const entries = await Array.fromAsync(Deno.readDir(path));
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory) await visit(child);
      else parts.push(encoder.encode(child.slice(dir.length) + "\0"), await Deno.readFile(child));
    }
  };
  await visit(dir);
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (bytes.set(part, offset), offset + part.length), 0);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes a complete build into `outDir` (replacing an older one) and returns its snapshot. */
export async function build(
  manifest: Manifest,
  config: FreshConfig,
  outDir: string,
  dev: boolean,
): Promise<Snapshot> {
  const root = projectRoot(manifest);
  await Deno.remove(outDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(join(outDir, STATIC_DIR), { recursive: true });
  const snapshot: Snapshot = { buildId: "", runtime: null, islands: {}, imports: {} };
  const islandFiles = Object.keys(manifest.islands);
  if (islandFiles.length > 0) {
    const entries: Record<string, string> = {
      [RUNTIME_ENTRY]: fileURLToPath(new URL("../runtime/boot.ts", import.meta.url)),
    };
    for (const file of islandFiles) entries[islandName(file)] = join(root, file);
    const result = await bundle({ root, entries, minify: !dev });
    for (const [path, bytes] of result.files) {
      const target = join(outDir, JS_DIR, path);
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.writeFile(target, bytes);
    }
    const { [RUNTIME_ENTRY]: runtime, ...islands } = result.entries;
    Object.assign(snapshot, { runtime, islands, imports: result.imports });
  }
  for (const plugin of config.plugins ?? []) {
    await plugin.buildStart?.({ root, outDir: join(outDir, STATIC_DIR), dev });
  }
  for (const dir of [JS_DIR, STATIC_DIR]) await precompressTree(join(outDir, dir));
  snapshot.buildId = await hashFiles(outDir);
  await Deno.writeTextFile(join(outDir, SNAPSHOT), JSON.stringify(snapshot, null, 2));
  return snapshot;
}

/** Writes the brotli and gzip copies of every text file under `dir` beside it. */
async function precompressTree(dir: string): Promise<void> {
  const files = await readTree(dir).catch((error) => {
    if (error instanceof Deno.errors.NotFound) return new Map<string, Uint8Array>();
    throw error;
  });
  for (const [path, bytes] of files) {
    for (const variant of precompress(path, bytes)) {
      await Deno.writeFile(join(dir, path + ENCODING_SUFFIX[variant.encoding]), variant.bytes);
    }
  }
}
