/**
 * The per-request pipeline: builds the `FreshContext`, runs the matching middlewares outer to
 * inner, then the destination (static file, route handler or `_404`), and turns any thrown error
 * into the `_500` page without revealing it to the client.
 *
 * @module
 */
import type { FreshContext, Handlers, PluginMiddleware, RenderInit } from "../types.ts";
import { matchPattern } from "./router.ts";
import { type PageAssets, renderPage } from "./render.ts";
import type { Route, RouteTable } from "./routes.ts";
import { serveStatic, type StaticFile, type StaticLookup } from "./static.ts";

/** What the pipeline needs besides the request. */
export interface Pipeline {
  table: RouteTable;
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

async function resolveDestination(p: Pipeline, req: Request, url: URL): Promise<Destination> {
  if (req.method === "GET" || req.method === "HEAD") {
    const file = await p.findStatic(url.pathname);
    if (file) return { kind: "static", file };
  }
  for (const route of p.table.routes) {
    const params = matchPattern(route, url.pathname);
    if (params) return { kind: "route", route, params };
  }
  return { kind: "notFound" };
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
async function render(
  p: Pipeline,
  route: Route,
  req: Request,
  ctx: FreshContext,
  status: number,
  init?: RenderInit,
): Promise<Response> {
  if (!route.component) {
    const text = status === 404 ? "Not Found" : "Internal Server Error";
    return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  const result = await renderPage(route, { req, ctx, assets: p.assets });
  return typeof result === "string" ? html(result, init?.status ?? status, init) : result;
}

/** Calls the route's handler for the request method: HEAD uses GET, unknown methods get 405. */
async function runRoute(route: Route, req: Request, ctx: FreshContext): Promise<Response> {
  if (route.handle) return await route.handle(req, ctx);
  const handler = route.methods[req.method as keyof Handlers] ??
    (req.method === "HEAD" ? route.methods.GET : undefined);
  if (!handler) {
    return new Response("Method Not Allowed", {
      status: 405,
      headers: { allow: route.allow, "content-type": "text/plain; charset=utf-8" },
    });
  }
  const response = await handler(req, ctx);
  return req.method === "HEAD" && response.body ? new Response(null, response) : response;
}

/** Handles one page-layer request end to end. */
export async function handle(
  p: Pipeline,
  req: Request,
  url: URL,
  info: Deno.ServeHandlerInfo,
): Promise<Response> {
  const destination = await resolveDestination(p, req, url);
  const route = destination.kind === "route" ? destination.route : undefined;
  const chain = [
    ...p.pluginMiddlewares.filter(({ path }) => url.pathname.startsWith(path))
      .flatMap(({ middleware }) => middleware.handler),
    ...route?.middlewares ?? p.table.urlMiddlewares
      .filter((middleware) => matchPattern(middleware, url.pathname))
      .flatMap((middleware) => middleware.handlers),
  ];
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
    next: async () => {
      const middleware = chain[index++];
      if (middleware) return await middleware(req, ctx);
      switch (destination.kind) {
        case "static":
          return await serveStatic(req, destination.file, p.isVersioned(url));
        case "route":
          return await runRoute(destination.route, req, ctx);
        case "notFound":
          return await ctx.renderNotFound();
      }
    },
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
