/**
 * Reads a manifest into the route table: pages with their layouts, the middlewares of each folder,
 * and the special `_app`, `_404` and `_500` modules.
 *
 * @module
 */
import type {
  Handler,
  Handlers,
  LayoutConfig,
  Manifest,
  MiddlewareHandler,
  PageComponent,
  PageProps,
  RouteConfig,
  RouteModule,
} from "../types.ts";
import {
  comparePatterns,
  compilePattern,
  isGroup,
  pathToPattern,
  type RoutePattern,
} from "./router.ts";

/** A component that renders a page or wraps one (`_app`, `_layout`). */
export type AnyPage = PageComponent<PageProps>;

/** A layout with the folder it governs. */
export interface Layout {
  dir: string;
  component: AnyPage;
  config: LayoutConfig;
}

/** A page or API route, with everything a request needs precomputed. */
export interface Route extends RoutePattern {
  file: string;
  component?: AnyPage;
  /** A handler function answering every method, if the module exports one. */
  handle?: Handler;
  /** Otherwise per-method handlers; a page answers GET by rendering itself by default. */
  methods: Handlers;
  /** The Allow header of a 405 answer. */
  allow: string;
  /** Components wrapping the page, innermost first: layouts, then `_app`. */
  wrappers: AnyPage[];
  /** True when neither `_app` nor the page provides the `<html>` document. */
  needsDocument: boolean;
  /**
   * The middlewares of the route file's folder and its parents, outermost first; undefined for
   * plugin routes, which have no folder and are matched by URL.
   */
  middlewares?: MiddlewareHandler[];
}

/** A folder's middlewares, with the URL pattern of the folder. */
export interface Middleware extends RoutePattern {
  dir: string;
  handlers: MiddlewareHandler[];
}

/** Everything the request pipeline needs from the manifest. */
export interface RouteTable {
  routes: Route[];
  /**
   * Middlewares for requests that reach no route (static files, 404s), matched by URL, outermost
   * first. Those in `(group)` folders are left out: a group has no URL of its own.
   */
  urlMiddlewares: Middleware[];
  notFound: Route;
  error: Route;
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const renderPage: Handler = (_req, ctx) => ctx.render();

/** Builds a route from its pattern, module exports, layouts and `_app`. */
export function makeRoute(
  pattern: string,
  file: string,
  parts: {
    component?: AnyPage;
    handler?: Handler | Handlers;
    config?: RouteConfig;
    layouts?: Layout[];
    app?: AnyPage;
    middlewares?: MiddlewareHandler[];
  },
): Route {
  const { component, handler, config = {}, layouts = [], app, middlewares } = parts;
  const methods: Handlers = {
    ...(component ? { GET: renderPage } : {}),
    ...(typeof handler === "object" ? handler : {}),
  };
  const own: string[] = METHODS.filter((method) => methods[method]);
  if (own.includes("GET") && !own.includes("HEAD")) own.push("HEAD");
  const skipApp = config.skipAppWrapper || layouts.some((layout) => layout.config.skipAppWrapper);
  const wrappers = layouts.map((layout) => layout.component).reverse();
  if (app && !skipApp) wrappers.push(app);
  return {
    ...compilePattern(pattern),
    file,
    component,
    handle: typeof handler === "function" ? handler : undefined,
    methods,
    allow: own.join(", "),
    wrappers,
    needsDocument: !app && !skipApp,
    middlewares,
  };
}

const SPECIAL = /^_(app|layout|middleware|404|500)$/;

/** Splits `./routes/a/(g)/b.tsx` into its folder `a/(g)` and name `b`. */
function splitFile(file: string): { dir: string; name: string } {
  const path = file.replace(/^\.\/routes\//, "").replace(/\.[jt]sx?$/, "");
  const slash = path.lastIndexOf("/");
  return slash < 0
    ? { dir: "", name: path }
    : { dir: path.slice(0, slash), name: path.slice(slash + 1) };
}

function depth(dir: string): number {
  return dir === "" ? 0 : dir.split("/").length;
}

function isInside(dir: string, ancestor: string): boolean {
  return ancestor === "" || dir === ancestor || dir.startsWith(ancestor + "/");
}

/** The module's page component; only functions can be components or async routes. */
function page(mod: RouteModule): AnyPage | undefined {
  return typeof mod.default === "function" ? mod.default as AnyPage : undefined;
}

/** The module's handler: a function, an array of middlewares, or an object of methods. */
function handlerOf(mod: RouteModule): Handler | Handlers | MiddlewareHandler[] | undefined {
  const handler = mod.handler;
  if (handler === undefined) return undefined;
  if (typeof handler === "function" || typeof handler === "object" && handler !== null) {
    return handler as Handler | Handlers | MiddlewareHandler[];
  }
  throw new TypeError("`handler` must be a function, an array, or an object of methods");
}

/** The layouts around a page: none if it skips them, else from the last one that skips its own. */
function layoutsFor(dir: string, layouts: Layout[], config: RouteConfig): Layout[] {
  if (config.skipInheritedLayouts) return [];
  const own = layouts.filter((layout) => isInside(dir, layout.dir));
  return own.slice(Math.max(0, own.findLastIndex((layout) => layout.config.skipInheritedLayouts)));
}

/** Builds the route table; files whose names start with `_` other than the known ones are ignored. */
export function buildRouteTable(manifest: Manifest): RouteTable {
  const entries = Object.entries(manifest.routes).map(([file, mod]) => ({
    file,
    mod,
    ...splitFile(file),
  }));
  const layouts: Layout[] = entries
    .filter((e) => e.name === "_layout" && page(e.mod))
    .map((e) => ({
      dir: e.dir,
      component: page(e.mod)!,
      config: (e.mod.config ?? {}) as LayoutConfig,
    }))
    .sort((a, b) => depth(a.dir) - depth(b.dir));
  // Outermost first: a folder's middlewares run before those of its subfolders.
  const middlewares: Middleware[] = entries
    .filter((e) => e.name === "_middleware" && e.mod.handler)
    .map((e) => {
      const handler = handlerOf(e.mod) as MiddlewareHandler | MiddlewareHandler[];
      const base = pathToPattern(e.dir);
      return {
        ...compilePattern(base === "/" ? "/:rest*" : `${base}/:rest*`),
        dir: e.dir,
        handlers: Array.isArray(handler) ? handler : [handler],
      };
    })
    .sort((a, b) => depth(a.dir) - depth(b.dir));
  const app = entries.find((e) => e.name === "_app" && e.dir === "");
  const toRoute = (e: (typeof entries)[number], pattern: string): Route => {
    const config = (e.mod.config ?? {}) as RouteConfig;
    return makeRoute(config.routeOverride ?? pattern, e.file, {
      component: page(e.mod),
      handler: handlerOf(e.mod) as Handler | Handlers | undefined,
      config,
      layouts: layoutsFor(e.dir, layouts, config),
      app: app && page(app.mod),
      // By folder, not URL, so a `(group)` middleware covers exactly the group's routes.
      middlewares: middlewares.filter((m) => isInside(e.dir, m.dir)).flatMap((m) => m.handlers),
    });
  };
  const routes = entries
    .filter((e) => !e.name.startsWith("_"))
    .map((e) => toRoute(e, pathToPattern(`${e.dir}/${e.name}`)))
    .sort(comparePatterns);
  const special = (name: string): Route => {
    const found = entries.find((e) => e.name === name && e.dir === "");
    return found ? toRoute(found, "/") : makeRoute("/", name, {});
  };
  for (const e of entries) {
    if (e.name.startsWith("_") && !SPECIAL.test(e.name)) {
      console.warn(`fresh: ignoring ${e.file}: unknown special file`);
    }
  }
  return {
    routes,
    urlMiddlewares: middlewares.filter((m) => !m.dir.split("/").some(isGroup)),
    notFound: special("_404"),
    error: special("_500"),
  };
}
