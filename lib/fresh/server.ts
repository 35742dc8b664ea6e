/**
 * The page layer's server API, mirroring Fresh 1.x's `$fresh/server.ts`: route file types, the
 * `define*` helpers, and `createHandler` / `start` to serve a manifest.
 *
 * @module
 */
import type { ComponentType } from "preact";
import type { AsyncRoute, FreshConfig, Manifest } from "./src/types.ts";
import { createHandler } from "./src/server/handler.ts";
export { compressResponse } from "./src/server/compression.ts";
import { ASYNC_ROUTE } from "./src/server/render.ts";

export type {
  AppProps,
  AsyncRoute,
  ErrorPageProps,
  FreshConfig,
  FreshContext,
  Handler,
  HandlerContext,
  Handlers,
  LayoutConfig,
  LayoutProps,
  Manifest,
  MiddlewareHandler,
  MiddlewareHandlerContext,
  PageProps,
  Plugin,
  PluginBuildContext,
  PluginMiddleware,
  PluginRoute,
  RenderInit,
  RouteConfig,
  RouteParams,
  RouteResult,
  UnknownPageProps,
} from "./src/types.ts";
export { createHandler };

function mark<T extends object>(fn: T): T {
  return Object.assign(fn, { [ASYNC_ROUTE]: true });
}

/** Declares a route component called as `(req, ctx)`; it may await data or return a Response. */
export function defineRoute<State = Record<string, unknown>>(
  fn: AsyncRoute<State>,
): AsyncRoute<State> {
  return mark(fn);
}

/** Declares a `_layout` called as `(req, ctx)`; render `<ctx.Component />` for the content. */
export function defineLayout<State = Record<string, unknown>>(
  fn: AsyncRoute<State, { Component: ComponentType }>,
): AsyncRoute<State, { Component: ComponentType }> {
  return mark(fn);
}

/** Declares an `_app` called as `(req, ctx)`; render `<ctx.Component />` for the page. */
export function defineApp<State = Record<string, unknown>>(
  fn: AsyncRoute<State, { Component: ComponentType }>,
): AsyncRoute<State, { Component: ComponentType }> {
  return mark(fn);
}

/** Types `fresh.config.ts`. */
export function defineConfig(config: FreshConfig): FreshConfig {
  return config;
}

/** Serves the manifest with `Deno.serve` on `config.server.port` (default 8000). */
export async function start(
  manifest: Manifest,
  config: FreshConfig = {},
): Promise<Deno.HttpServer<Deno.NetAddr>> {
  const handler = await createHandler(manifest, config);
  return Deno.serve({
    port: config.server?.port ?? 8000,
    hostname: config.server?.hostname,
  }, handler);
}
