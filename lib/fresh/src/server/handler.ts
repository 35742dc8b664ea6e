/**
 * Turns a manifest into a request handler: loads the production build when one exists, otherwise
 * builds at startup (dev mode always does, unminified), then wires routes, islands, plugin routes,
 * build assets and static files into the pipeline.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { FreshConfig, Manifest } from "../types.ts";
import { ASSET_CACHE_PARAM } from "../../runtime.ts";
import { setBuildId } from "../runtime/context.ts";
import { ALIVE_PATH, aliveResponse, aliveScript } from "./alive.ts";
import { build, JS_DIR, loadSnapshot, projectRoot, type Snapshot, STATIC_DIR } from "./build.ts";
import { readTree } from "./bundle.ts";
import { handle, type Pipeline } from "./context.ts";
import { islandName, registerIslands } from "./islands.ts";
import type { PageAssets } from "./render.ts";
import { comparePatterns, indexRoutes } from "./router.ts";
import { buildRouteTable, makeRoute, type RouteTable } from "./routes.ts";
import { contentType, IMMUTABLE, indexStatic, liveStatic, staticLookup } from "./static.ts";
import { ENCODING_SUFFIX, negotiateEncoding, varyOnEncoding } from "./compression.ts";

/** Set by `dev()` for the server process it starts. */
export const DEV_ENV = "FRESH_DEV";
/** Overrides `config.build.outDir`, e.g. to build into a scratch folder. */
export const OUT_DIR_ENV = "FRESH_OUT_DIR";

/** True when the process was started by `deno task dev`. */
export function isDev(): boolean {
  return Deno.env.get(DEV_ENV) === "1";
}

/** The build output folder for a project. */
export function outDirOf(manifest: Manifest, config: FreshConfig): string {
  const dir = Deno.env.get(OUT_DIR_ENV) ?? config.build?.outDir ?? "_fresh";
  return resolve(projectRoot(manifest), dir);
}

/** Uses the existing build, or builds into a temporary folder (`temporary: true`). */
async function prepareBuild(
  manifest: Manifest,
  config: FreshConfig,
  dev: boolean,
): Promise<{ snapshot: Snapshot; dir: string; temporary: boolean }> {
  const outDir = outDirOf(manifest, config);
  const existing = dev ? null : await loadSnapshot(outDir);
  const missing = Object.keys(manifest.islands).map(islandName)
    .filter((name) => existing && !(name in existing.islands));
  if (existing && missing.length === 0) {
    return { snapshot: existing, dir: outDir, temporary: false };
  }
  if (!dev) {
    const why = existing
      ? `the build in ${outDir} lacks island(s) ${missing.join(", ")}`
      : `no production build in ${outDir}`;
    console.warn(
      `fresh: ${why}; bundling now (run \`deno task build\` first so start bundles nothing)`,
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "fresh-build-" });
  return { snapshot: await build(manifest, config, dir, dev), dir, temporary: true };
}

function pageAssets(snapshot: Snapshot, dev: boolean): PageAssets {
  const base = `/_frsh/${snapshot.buildId}/${JS_DIR}/`;
  return {
    buildId: snapshot.buildId,
    runtimeUrl: base + snapshot.runtime,
    islandUrl: (name) => base + snapshot.islands[name],
    preloads: (names) => {
      const files = new Set([snapshot.runtime!, ...names.map((name) => snapshot.islands[name])]);
      for (const file of [...files]) snapshot.imports[file]?.forEach((dep) => files.add(dep));
      return [...files].map((file) => base + file);
    },
    devScript: dev ? aliveScript : undefined,
  };
}

/**
 * Loads every browser module of the build into memory (they are few and small): entries, the
 * chunks they import, and the chunks only a dynamic `import()` reaches.
 */
async function loadModules(dir: string): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  return await readTree(join(dir, JS_DIR)).catch((error) => {
    // A build without islands writes no modules at all.
    if (error instanceof Deno.errors.NotFound) return new Map();
    throw error;
  });
}

function addPluginRoutes(table: RouteTable, config: FreshConfig): void {
  for (const plugin of config.plugins ?? []) {
    for (const route of plugin.routes ?? []) {
      table.routes.push(makeRoute(route.path, `plugin:${plugin.name}`, { handler: route.handler }));
    }
  }
  table.routes.sort(comparePatterns);
}

/**
 * The page handler. A caller that has already parsed the request's URL (to route between
 * handlers) may pass it, sparing a second parse.
 */
export type PageHandler = (
  req: Request,
  info: Deno.ServeHandlerInfo,
  url?: URL,
) => Promise<Response>;

/**
 * Creates the page handler for a manifest. Usable on its own beside other handlers (such as an
 * API app): it answers every request it receives, with `_404` for unknown paths.
 */
export async function createHandler(
  manifest: Manifest,
  config: FreshConfig = {},
): Promise<PageHandler> {
  const dev = isDev();
  const table = buildRouteTable(manifest);
  addPluginRoutes(table, config);
  registerIslands(manifest.islands);
  const { snapshot, dir, temporary } = await prepareBuild(manifest, config, dev);
  setBuildId(snapshot.buildId);
  // Build output is served from memory, so a temporary build folder can go right away.
  const modules = await loadModules(dir);
  const built = await indexStatic(join(dir, STATIC_DIR), true);
  if (temporary) await Deno.remove(dir, { recursive: true });
  const publicDir = join(projectRoot(manifest), "static");
  const prefix = `/_frsh/${snapshot.buildId}/${JS_DIR}/`;
  const pluginMiddlewares = (config.plugins ?? []).flatMap((plugin) => plugin.middlewares ?? []);
  const pipeline: Pipeline = {
    table,
    routes: indexRoutes(table.routes),
    assets: pageAssets(snapshot, dev),
    findStatic: dev
      ? staticLookup(built, liveStatic(publicDir))
      : staticLookup(new Map([...await indexStatic(publicDir, false), ...built])),
    isVersioned: (url) => url.searchParams.get(ASSET_CACHE_PARAM) === snapshot.buildId,
    pluginMiddlewares,
    pluginsEverywhere: pluginMiddlewares.every(({ path }) => path === "/"),
  };
  return (req, info, parsed) => {
    const url = parsed ?? new URL(req.url);
    const { pathname } = url;
    if (dev && pathname === ALIVE_PATH) return Promise.resolve(aliveResponse());
    if (pathname.length > 1 && pathname.endsWith("/")) {
      // One URL per page: `/campaigns/` redirects to `/campaigns`.
      const location = pathname.replace(/\/+$/, "") || "/";
      return Promise.resolve(Response.redirect(new URL(location + url.search, url), 307));
    }
    if (pathname.startsWith(prefix)) {
      const path = pathname.slice(prefix.length);
      const body = modules.get(path);
      if (body) {
        const headers = new Headers({
          "content-type": contentType(pathname),
          "cache-control": IMMUTABLE,
        });
        // The build wrote precompressed copies of the larger modules: answer one if accepted.
        const encoding = negotiateEncoding(req.headers.get("accept-encoding"));
        const encoded = encoding ? modules.get(path + ENCODING_SUFFIX[encoding]) : undefined;
        if (modules.has(path + ENCODING_SUFFIX.br)) varyOnEncoding(headers);
        if (encoded) headers.set("content-encoding", encoding!);
        return Promise.resolve(
          new Response(req.method === "HEAD" ? null : encoded ?? body, { headers }),
        );
      }
    }
    return handle(pipeline, req, url, pathname, info);
  };
}
