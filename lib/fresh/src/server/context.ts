/**
 * The per-request pipeline: builds the `FreshContext`, runs the matching middlewares outer to
 * inner, then the destination (static file, route handler or `_404`), and turns any thrown error
 * into the `_500` page without revealing it to the client.
 *
 * @module
 */
import type {
  FreshContext,
  Handlers,
  MiddlewareHandler,
  PluginMiddleware,
  RenderInit,
} from "../types.ts";
import { findRoute, matchPattern, type RouteIndex } from "./router.ts";
import { type PageAssets, renderPage } from "./render.ts";
import type { Route, RouteTable } from "./routes.ts";
import { serveStatic, type StaticFile, type StaticLookup } from "./static.ts";

/** What the pipeline needs besides the request. */
export interface Pipeline {
  table: RouteTable;
  /** `table.routes`, indexed once for matching. */
  routes: RouteIndex<Route>;
  assets: PageAssets;
  findStatic: StaticLookup;
  /** Plugin middlewares, outermost of all. */
  pluginMiddlewares: PluginMiddleware[];
  /** True when every plugin middleware covers `/`, so a route's chain never depends on the URL. */
  pluginsEverywhere: boolean;
  /** Whether a static URL carries the current build id, making it cacheable forever. */
  isVersioned(url: URL): boolean;
}

type Destination = { kind: "static"; file: StaticFile } | {
  kind: "route";
  route: Route;
  params: Record<string, string>;
} | { kind: "notFound" };

function routeDestination(p: Pipeline, pathname: string): Destination {
  const found = findRoute(p.routes, pathname);
  return found ? { kind: "route", route: found.route, params: found.params } : NOT_FOUND;
}

/** Shared: a miss carries nothing of its own. */
const NOT_FOUND: Destination = { kind: "notFound" };

/** A static file for GET and HEAD, else the matching route; a promise only when looked up on disk. */
function resolveDestination(
  p: Pipeline,
  method: string,
  pathname: string,
): Destination | Promise<Destination> {
  if (method !== "GET" && method !== "HEAD") return routeDestination(p, pathname);
  const found = p.findStatic(pathname);
  if (found instanceof Promise) {
    return found.then((file) => file ? { kind: "static", file } : routeDestination(p, pathname));
  }
  return found ? { kind: "static", file: found } : routeDestination(p, pathname);
}

/** Each route's middleware chain when every plugin middleware applies, the usual case. */
const fullChains = new WeakMap<Route, MiddlewareHandler[]>();

/** The middlewares a request runs through, outermost first. */
function chainFor(p: Pipeline, route: Route | undefined, pathname: string): MiddlewareHandler[] {
  const cacheable = route?.middlewares && (p.pluginsEverywhere ||
    p.pluginMiddlewares.every(({ path }) => pathname.startsWith(path)));
  const cached = cacheable ? fullChains.get(route) : undefined;
  if (cached) return cached;
  const plugins = p.pluginMiddlewares.filter(({ path }) => pathname.startsWith(path));
  const chain = [
    ...plugins.flatMap(({ middleware }) => middleware.handler),
    ...route?.middlewares ?? p.table.urlMiddlewares
      .filter((middleware) => matchPattern(middleware, pathname))
      .flatMap((middleware) => middleware.handlers),
  ];
  if (cacheable) fullChains.set(route, chain);
  return chain;
}

const HTML = "text/html; charset=utf-8";

/**
 * The init of a plain 200 page, made once: `Response` copies the headers into its own list, so
 * sharing it is safe, and most pages spare the two objects.
 */
const HTML_OK: ResponseInit = { status: 200, headers: { "content-type": HTML } };

function html(body: string, status: number, init?: RenderInit): Response {
  if (!init && status === 200) return new Response(body, HTML_OK);
  if (!init?.headers) {
    return new Response(body, {
      status,
      statusText: init?.statusText,
      headers: { "content-type": HTML },
    });
  }
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", HTML);
  return new Response(body, { status, statusText: init.statusText, headers });
}

function respond(result: string | Response, status: number, init?: RenderInit): Response {
  return typeof result === "string" ? html(result, init?.status ?? status, init) : result;
}

/** Renders `route` with the context's data; plain-text fallback when the route has no page. */
function render(
  p: Pipeline,
  route: Route,
  req: Request,
  ctx: FreshContext,
  status: number,
  init?: RenderInit,
): Promise<Response> {
  if (!route.component) {
    const text = status === 404 ? "Not Found" : "Internal Server Error";
    return Promise.resolve(
      new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } }),
    );
  }
  // Not an async function: a page of plain components then costs one promise, not three.
  try {
    const result = renderPage(route, req, ctx, p.assets);
    return result instanceof Promise
      ? result.then((resolved) => respond(resolved, status, init))
      : Promise.resolve(respond(result, status, init));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Calls the route's handler for the request method: HEAD uses GET, unknown methods get 405.
 * Hands the handler's result straight back (its caller awaits it), sparing an async frame.
 */
function runRoute(
  route: Route,
  method: string,
  req: Request,
  ctx: FreshContext,
): Response | Promise<Response> {
  if (route.handle) return route.handle(req, ctx);
  const handler = route.methods[method as keyof Handlers] ??
    (method === "HEAD" ? route.methods.GET : undefined);
  if (!handler) {
    return new Response("Method Not Allowed", {
      status: 405,
      headers: { allow: route.allow, "content-type": "text/plain; charset=utf-8" },
    });
  }
  if (method !== "HEAD") return handler(req, ctx);
  return Promise.resolve(handler(req, ctx)).then((response) =>
    response.body ? new Response(null, response) : response
  );
}

/**
 * The context of one request. A class rather than an object literal of closures: `render`,
 * `renderNotFound` and `next` are made on first use (a page request uses two of them), and bound,
 * so `const { render } = ctx` works as it does with Fresh.
 */
class Context implements FreshContext {
  readonly url: URL;
  readonly params: Record<string, string>;
  readonly route: string;
  state: Record<string, unknown> = {};
  data: unknown = undefined;
  error?: unknown;
  readonly destination: Destination["kind"];
  readonly remoteAddr: Deno.NetAddr;
  readonly #p: Pipeline;
  readonly #req: Request;
  readonly #method: string;
  readonly #target: Destination;
  readonly #chain: MiddlewareHandler[];
  #index = 0;
  #next?: () => Promise<Response>;
  #render?: (data?: unknown, init?: RenderInit) => Promise<Response>;
  #renderNotFound?: (data?: unknown) => Promise<Response>;

  constructor(
    p: Pipeline,
    req: Request,
    method: string,
    url: URL,
    info: Deno.ServeHandlerInfo,
    target: Destination,
    chain: MiddlewareHandler[],
  ) {
    this.url = url;
    this.params = target.kind === "route" ? target.params : {};
    this.route = target.kind === "route" ? target.route.pattern : "";
    this.destination = target.kind;
    this.remoteAddr = info.remoteAddr as Deno.NetAddr;
    this.#p = p;
    this.#req = req;
    this.#method = method;
    this.#target = target;
    this.#chain = chain;
  }

  get render(): (data?: unknown, init?: RenderInit) => Promise<Response> {
    return this.#render ??= (data, init) => this.#renderRoute(data, init);
  }

  get renderNotFound(): (data?: unknown) => Promise<Response> {
    return this.#renderNotFound ??= (data) => this.#renderMissing(data);
  }

  get next(): () => Promise<Response> {
    return this.#next ??= () => this.#advance();
  }

  #renderRoute(data?: unknown, init?: RenderInit): Promise<Response> {
    if (this.#target.kind !== "route") {
      return Promise.reject(new Error("ctx.render() called outside a route"));
    }
    this.data = data;
    return render(this.#p, this.#target.route, this.#req, this, 200, init);
  }

  #renderMissing(data?: unknown): Promise<Response> {
    this.data = data;
    return render(this.#p, this.#p.table.notFound, this.#req, this, 404);
  }

  // Not an async function: `Promise.resolve` passes a handler's promise on as it is, so each
  // middleware level costs no extra promise; a synchronous throw still becomes a rejection.
  #advance(): Promise<Response> {
    try {
      return Promise.resolve(this.#step());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #step(): Response | Promise<Response> {
    const middleware = this.#chain[this.#index++];
    if (middleware) return middleware(this.#req, this);
    const target = this.#target;
    switch (target.kind) {
      case "static":
        return serveStatic(this.#req, target.file, this.#p.isVersioned(this.url));
      case "route":
        return runRoute(target.route, this.#method, this.#req, this);
      case "notFound":
        return this.#renderMissing();
    }
  }

  /** Runs the chain; any failure, thrown or rejected, becomes the `_500` page. */
  run(): Promise<Response> {
    return this.#advance().then(undefined, (error) => this.#fail(error));
  }

  #fail(error: unknown): Promise<Response> {
    console.error(`fresh: error handling ${this.#method} ${this.url.pathname}:`, error);
    this.error = error;
    return render(this.#p, this.#p.table.error, this.#req, this, 500).then(
      undefined,
      (renderError) => {
        console.error("fresh: the _500 page failed too:", renderError);
        return new Response("Internal Server Error", { status: 500 });
      },
    );
  }
}

/**
 * Handles one page-layer request end to end. Not an async function, sparing a frame per
 * request; every throw past this point, synchronous or not, still reaches `_500` through
 * `Context.run`.
 */
export function handle(
  p: Pipeline,
  req: Request,
  url: URL,
  pathname: string,
  info: Deno.ServeHandlerInfo,
): Promise<Response> {
  const method = req.method;
  try {
    const resolved = resolveDestination(p, method, pathname);
    if (resolved instanceof Promise) {
      return resolved.then((target) => start(p, req, method, url, pathname, info, target));
    }
    return start(p, req, method, url, pathname, info, resolved);
  } catch (error) {
    // Before a context exists (a failing static lookup): the server's own error answer.
    return Promise.reject(error);
  }
}

function start(
  p: Pipeline,
  req: Request,
  method: string,
  url: URL,
  pathname: string,
  info: Deno.ServeHandlerInfo,
  target: Destination,
): Promise<Response> {
  const route = target.kind === "route" ? target.route : undefined;
  return new Context(p, req, method, url, info, target, chainFor(p, route, pathname)).run();
}
