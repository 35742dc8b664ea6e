/**
 * The app's layers, read from its real import graph (`deno info --json` over every source file,
 * so aliases, `import type` and dynamic imports all count). Top to bottom:
 *
 *     main.ts, dev.ts, scripts/      entry points
 *     app/, fresh.*.ts               the composition root and the page manifest
 *     routes/                        pages
 *     components/ + islands/         the view (Fresh keeps islands in their own folder)
 *     pages/                         page helpers: state, forms, chat view models
 *     api/                           REST, chat transport (WebSocket, SSE), /mcp over HTTP
 *     agent/                         the assistant and its durable runs
 *     mcp/                           the MCP tool layer over the domain
 *     auth/                          tokens, sessions, cookies, Google sign-in
 *     domain/                        business rules
 *     db/, lib/coordination/         storage and cross-instance coordination
 *     lib/                           leaves: config, log, the page framework, ...
 *
 * A module may import its own folder's modules and those of any lower layer, never of a higher
 * one; pages (routes, view, page helpers) never import `db/` even though it is lower; and the
 * folders may not form a cycle. There is no allow-list: a new folder must be given a layer here.
 */
import assert from "node:assert/strict";
import { relative } from "node:path";
import { fileURLToPath as fromFileUrl, pathToFileURL } from "node:url";

const ROOT = fromFileUrl(new URL("..", import.meta.url));

/** Layers from the top; each names path prefixes (a folder ends with `/`). */
const LAYERS: readonly (readonly string[])[] = [
  ["main.ts", "dev.ts", "scripts/"],
  ["app/", "fresh.config.ts", "fresh.gen.ts"],
  ["routes/"],
  ["components/", "islands/"],
  ["pages/"],
  ["api/"],
  ["agent/"],
  ["mcp/"],
  ["auth/"],
  ["domain/"],
  ["db/", "lib/coordination/"],
  ["lib/"],
];

/** Folders that hold pages: they reach data through the domain and run reads, never `db/`. */
const PAGE_FOLDERS = ["routes/", "components/", "islands/", "pages/"];

/** Not part of the app's graph: tests, benchmarks, built assets, dependencies. */
const OUTSIDE = ["tests/", "bench/", "static/", "node_modules/", "_fresh/", ".git/"];

/** The folder unit a file belongs to: its top folder, or `lib/<name>/` for lib's parts. */
function unitOf(file: string): string {
  const parts = file.split("/");
  if (parts.length === 1) return file;
  if (parts[0] === "lib" && parts.length > 2) return `lib/${parts[1]}/`;
  if (parts[0] === "islands") return "components/";
  return `${parts[0]}/`;
}

function layerOf(file: string): number {
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach((prefixes, layer) => {
    for (const prefix of prefixes) {
      const matches = prefix.endsWith("/") ? file.startsWith(prefix) : file === prefix;
      if (matches && prefix.length > bestLength) [best, bestLength] = [layer, prefix.length];
    }
  });
  return best;
}

/** Every TypeScript source file of the app, relative to the root. */
async function sourceFiles(dir = ROOT): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}${entry.name}`;
    const rel = relative(ROOT, path);
    if (OUTSIDE.some((prefix) => `${rel}/`.startsWith(prefix) || rel.startsWith(prefix))) continue;
    if (entry.isDirectory) files.push(...await sourceFiles(`${path}/`));
    else if (/\.tsx?$/.test(entry.name)) files.push(rel);
  }
  return files;
}

interface Import {
  from: string;
  to: string;
}

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
}

/** The app's imports between its own files, from Deno's module graph. */
async function importsOf(files: readonly string[]): Promise<Import[]> {
  const dir = await Deno.makeTempDir();
  try {
    const entry = `${dir}/entry.ts`;
    const lines = files.map((file) => `import "${pathToFileURL(`${ROOT}${file}`).href}";`);
    await Deno.writeTextFile(entry, lines.join("\n"));
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", `${ROOT}deno.json`, entry],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: InfoModule[] };
    const own = (specifier: string) =>
      specifier.startsWith("file:") && !specifier.startsWith(pathToFileURL(dir).href)
        ? relative(ROOT, fromFileUrl(specifier))
        : null;
    const imports: Import[] = [];
    for (const module of graph.modules) {
      const from = own(module.specifier);
      if (from === null) continue;
      for (const dependency of module.dependencies ?? []) {
        for (const resolved of [dependency.code, dependency.type]) {
          const to = resolved && own(resolved.specifier);
          if (to) imports.push({ from, to });
        }
      }
    }
    return imports;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Why `from` may not import `to`, or null when it may. */
function violation({ from, to }: Import): string | null {
  if (unitOf(from) === unitOf(to)) return null;
  const [fromLayer, toLayer] = [layerOf(from), layerOf(to)];
  if (fromLayer < 0) return `${from} is in no layer`;
  if (toLayer < 0) return `${to} is in no layer`;
  if (toLayer < fromLayer) return "imports a higher layer";
  if (toLayer === fromLayer) return "imports a sibling of its own layer";
  if (PAGE_FOLDERS.some((folder) => from.startsWith(folder)) && to.startsWith("db/")) {
    return "a page reaches the database";
  }
  return null;
}

/** Cycles between folder units (Tarjan's strongly connected components of more than one). */
function folderCycles(imports: readonly Import[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    const [a, b] = [unitOf(from), unitOf(to)];
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

const files = await sourceFiles();
const imports = await importsOf(files);

Deno.test("every source file belongs to a layer", () => {
  assert.deepEqual(files.filter((file) => layerOf(file) < 0), []);
});

Deno.test("imports point down the layers, and pages never reach the database", () => {
  assert.ok(imports.length > files.length, "the import graph was read");
  const wrong = imports.flatMap((edge) => {
    const reason = violation(edge);
    return reason ? [`${edge.from} -> ${edge.to}: ${reason}`] : [];
  });
  assert.deepEqual(wrong, []);
});

Deno.test("lib/ imports nothing of the app", () => {
  const wrong = imports.filter(({ from, to }) => from.startsWith("lib/") && !to.startsWith("lib/"));
  assert.deepEqual(wrong, []);
});

Deno.test("the page framework stays independent of the rest of lib", () => {
  const wrong = imports.filter(({ from, to }) =>
    from.startsWith("lib/fresh/") && !to.startsWith("lib/fresh/")
  );
  assert.deepEqual(wrong, []);
});

Deno.test("folders form no import cycle", () => {
  assert.deepEqual(folderCycles(imports), []);
});

Deno.test("the checks catch what they forbid", () => {
  assert.equal(violation({ from: "domain/x.ts", to: "api/y.ts" }), "imports a higher layer");
  assert.equal(
    violation({ from: "routes/x.tsx", to: "db/schema.ts" }),
    "a page reaches the database",
  );
  assert.equal(violation({ from: "db/x.ts", to: "domain/y.ts" }), "imports a higher layer");
  assert.equal(violation({ from: "lib/log.ts", to: "domain/y.ts" }), "imports a higher layer");
  assert.equal(violation({ from: "api/x.ts", to: "pages/y.ts" }), "imports a higher layer");
  assert.equal(violation({ from: "agent/x.ts", to: "domain/y.ts" }), null);
  assert.deepEqual(
    folderCycles([{ from: "agent/a.ts", to: "mcp/b.ts" }, { from: "mcp/b.ts", to: "agent/c.ts" }]),
    [["agent/", "mcp/"]],
  );
});
