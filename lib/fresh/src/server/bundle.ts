/**
 * Browser bundling behind one function. Uses `deno bundle` (esbuild inside Deno, resolving
 * deno.json's import map), run as a subprocess because the `Deno.bundle` API needs an unstable
 * flag on every command that imports this module. Code splitting makes all islands share one
 * Preact chunk.
 *
 * @module
 */
import { dirname, join, relative } from "node:path";

/** Input of `bundle`. */
export interface BundleOptions {
  /** Project root; `deno bundle` runs there to find deno.json. */
  root: string;
  /** Entry modules by name: absolute file paths. */
  entries: Record<string, string>;
  /** Minify and drop dev-only code. */
  minify: boolean;
}

/** Output of `bundle`: every file by its path relative to the output root. */
export interface BundleResult {
  files: Map<string, Uint8Array>;
  /** Output path of each entry, by entry name. */
  entries: Record<string, string>;
  /** Every chunk each output file loads, directly or not (for modulepreload). */
  imports: Record<string, string[]>;
}

function commonDir(paths: string[]): string {
  let common = dirname(paths[0]);
  while (!paths.every((path) => path.startsWith(common + "/"))) common = dirname(common);
  return common;
}

/** Every file under `dir`, by its path relative to `dir`. */
export async function readTree(
  dir: string,
  base = dir,
  out = new Map<string, Uint8Array<ArrayBuffer>>(),
): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) await readTree(path, base, out);
    else out.set(relative(base, path), await Deno.readFile(path));
  }
  return out;
}

const IMPORT = /(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g;

/** Follows relative imports between output files. */
function importGraph(files: Map<string, Uint8Array>): Record<string, string[]> {
  const direct = new Map<string, string[]>();
  const decoder = new TextDecoder();
  for (const [path, bytes] of files) {
    if (!path.endsWith(".js")) continue;
    const text = decoder.decode(bytes);
    direct.set(path, [...text.matchAll(IMPORT)].map((m) => join(dirname(path), m[1])));
  }
  const all: Record<string, string[]> = {};
  for (const path of direct.keys()) {
    const seen = new Set<string>();
    const stack = [...direct.get(path)!];
    while (stack.length) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(direct.get(next) ?? []));
    }
    all[path] = [...seen].sort();
  }
  return all;
}

/** Bundles the entries for the browser as ES modules with shared chunks. */
export async function bundle(options: BundleOptions): Promise<BundleResult> {
  const outDir = await Deno.makeTempDir({ prefix: "fresh-bundle-" });
  try {
    const paths = Object.values(options.entries);
    const args = [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--format",
      "esm",
      "--code-splitting",
    ];
    if (options.minify) args.push("--minify");
    const output = await new Deno.Command(Deno.execPath(), {
      args: [...args, "--outdir", outDir, ...paths],
      cwd: options.root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      throw new Error(`deno bundle failed:\n${new TextDecoder().decode(output.stderr)}`);
    }
    const files = await readTree(outDir);
    const base = commonDir(paths);
    const entries = Object.fromEntries(
      Object.entries(options.entries).map((
        [name, path],
      ) => [name, relative(base, path).replace(/\.[jt]sx?$/, ".js")]),
    );
    for (const [name, path] of Object.entries(entries)) {
      if (!files.has(path)) throw new Error(`deno bundle wrote no ${path} for entry ${name}`);
    }
    return { files, entries, imports: importGraph(files) };
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
}
