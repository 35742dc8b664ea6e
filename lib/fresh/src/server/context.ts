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
  return found ? { kind: "route", ...found } : { kind: "notFound" };
}

/** A static file for GET and HEAD, else the matching route; a promise only when looked up on disk. */
function resolveDestination(
  p: Pipeline,
  req: Request,
  url: URL,
): Destination | Promise<Destination> {
  if (req.method !== "GET" && req.method !== "HEAD") return routeDestination(p, url.pathname);
  const found = p.findStatic(url.pathname);
  const choose = (file: StaticFile | null): Destination =>
    file ? { kind: "static", file } : routeDestination(p, url.pathname);
  return found instanceof Promise ? found.then(choose) : choose(found);
}

/** Each route's middleware chain when every plugin middleware applies, the usual case. */
const fullChains = new WeakMap<Route, MiddlewareHandler[]>();

/** The middlewares a request runs through, outermost first. */
function chainFor(p: Pipeline, route: Route | undefined, pathname: string): MiddlewareHandler[] {
  const cacheable = route?.middlewares &&
    p.pluginMiddlewares.every(({ path }) => pathname.startsWith(path));
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

function html(body: string, status: number, init?: RenderInit): Response {
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
  const respond = (result: string | Response) =>
    typeof result === "string" ? html(result, init?.status ?? status, init) : result;
  // Not an async function: a page of plain components then costs one promise, not three.
  try {
    const result = renderPage(route, { req, ctx, assets: p.assets });
    return result instanceof Promise ? result.then(respond) : Promise.resolve(respond(result));
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
  req: Request,
  ctx: FreshContext,
): Response | Promise<Response> {
  if (route.handle) return route.handle(req, ctx);
  const handler = route.methods[req.method as keyof Handlers] ??
    (req.method === "HEAD" ? route.methods.GET : undefined);
  if (!handler) {
    return new Response("Method Not Allowed", {
      status: 405,
      headers: { allow: route.allow, "content-type": "text/plain; charset=utf-8" },
    });
  }
  if (req.method !== "HEAD") return handler(req, ctx);
  return Promise.resolve(handler(req, ctx)).then((response) =>
    response.body ? new Response(null, response) : response
  );
}

/** Handles one page-layer request end to end. */
export async function handle(
  p: Pipeline,
  req: Request,
  url: URL,
  info: Deno.ServeHandlerInfo,
): Promise<Response> {
  const resolved = resolveDestination(p, req, url);
  const destination = resolved instanceof Promise ? await resolved : resolved;
  const route = destination.kind === "route" ? destination.route : undefined;
  const chain = chainFor(p, route, url.pathname);
  let index = 0;
  const ctx: FreshContext = {
    url,
    params: destination.kind === "route" ? destination.params : {},
    route: route?.pattern ?? "",
    state: {},
    data: undefined,
    destination: destination.kind,
    remoteAddr: info.remoteAddr as Deno.NetAddr,
    render: (data, init) => {
      if (!route) throw new Error("ctx.render() called outside a route");
      ctx.data = data;
      return render(p, route, req, ctx, 200, init);
    },
    renderNotFound: (data) => {
      ctx.data = data;
      return render(p, p.table.notFound, req, ctx, 404);
    },
    // Not an async function: `Promise.resolve` passes a handler's promise on as it is, so each
    // middleware level costs no extra promise; a synchronous throw still becomes a rejection.
    next: () => {
      try {
        return Promise.resolve(step());
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
  const step = (): Response | Promise<Response> => {
    const middleware = chain[index++];
    if (middleware) return middleware(req, ctx);
    switch (destination.kind) {
      case "static":
        return serveStatic(req, destination.file, p.isVersioned(url));
      case "route":
        return runRoute(destination.route, req, ctx);
      case "notFound":
        return ctx.renderNotFound();
    }
  };
  try {
    return await ctx.next();
  } catch (error) {
    console.error(`fresh: error handling ${req.method} ${url.pathname}:`, error);
    ctx.error = error;
    try {
      return await render(p, p.table.error, req, ctx, 500);
    } catch (renderError) {
      console.error("fresh: the _500 page failed too:", renderError);
      return new Response("Internal Server Error", { status: 500 });
    }
  }
}
