/**
 * Public types of the page layer, shaped like Fresh 1.x so route files written against them keep
 * compiling if the `$fresh/` alias is pointed at real Fresh.
 *
 * @module
 */
import type { ComponentType, VNode } from "preact";

/** Route parameters taken from `[name]` and `[...name]` path segments. */
export type RouteParams = Record<string, string>;

/** Options for `ctx.render`: the status and headers of the page response. */
export interface RenderInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

/** The request context handed to handlers, middlewares and async route components. */
export interface FreshContext<State = Record<string, unknown>, Data = unknown> {
  /** The parsed request URL. */
  readonly url: URL;
  /** Parameters of the matched route (empty when no route matched). */
  readonly params: RouteParams;
  /** The matched route pattern, e.g. `/campaigns/:id`. */
  readonly route: string;
  /** Per-request state shared by middlewares, handlers and the page. */
  state: State;
  /** Data passed to `ctx.render`, seen by the page as `props.data`. */
  data: Data;
  /** The error being rendered, on `_500` pages. */
  error?: unknown;
  /** What the request will reach after the middlewares run. */
  readonly destination: "route" | "static" | "notFound";
  /** The client's address. */
  readonly remoteAddr: Deno.NetAddr;
  /** Renders the route's page with `data` as `props.data`. */
  render(data?: Data, init?: RenderInit): Promise<Response>;
  /** Renders the `_404` page with status 404. */
  renderNotFound(data?: Data): Promise<Response>;
  /** Runs the next middleware, or the route when none is left. */
  next(): Promise<Response>;
}

/** Fresh 1.x name for the handler context. */
export type HandlerContext<Data = unknown, State = Record<string, unknown>> = FreshContext<
  State,
  Data
>;

/** Fresh 1.x name for the middleware context. */
export type MiddlewareHandlerContext<State = Record<string, unknown>> = FreshContext<State>;

/** A request handler of a route. */
export type Handler<Data = unknown, State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State, Data>,
) => Response | Promise<Response>;

/** Per-method handlers of a route; HEAD falls back to GET. */
export type Handlers<Data = unknown, State = Record<string, unknown>> = {
  [Method in "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS"]?: Handler<
    Data,
    State
  >;
};

/** A middleware: does work around `ctx.next()`, or answers itself. */
export type MiddlewareHandler<State = Record<string, unknown>> = (
  req: Request,
  ctx: FreshContext<State>,
) => Response | Promise<Response>;

/** Props of a page component. */
export interface PageProps<Data = unknown, State = Record<string, unknown>> {
  url: URL;
  route: string;
  params: RouteParams;
  data: Data;
  state: State;
  /** On `_app` and `_layout`: the content to wrap. */
  Component: ComponentType<Record<never, never>>;
  error?: unknown;
}

/** Props of `_app`. */
export type AppProps<Data = unknown, State = Record<string, unknown>> = PageProps<Data, State>;

/** Props of a `_layout`. */
export type LayoutProps<Data = unknown, State = Record<string, unknown>> = PageProps<Data, State>;

/** Props of `_500`. */
export type ErrorPageProps = PageProps<unknown> & { error: unknown };

/** Props of `_404`. */
export type UnknownPageProps<Data = unknown> = PageProps<Data>;

/** What an async route, layout or app component may return. */
export type RouteResult = VNode | Response | null;

/** An async route component: receives the request and context instead of props. */
export type AsyncRoute<State = Record<string, unknown>, Extra = Record<never, never>> = (
  req: Request,
  ctx: FreshContext<State> & Extra,
) => RouteResult | Promise<RouteResult>;

/** A page, `_app` or `_layout` component; may be async, taking `(req, ctx)`. */
export type PageComponent<Props> =
  | ComponentType<Props>
  | AsyncRoute<Record<string, unknown>, { Component: ComponentType }>;

/** Optional `config` export of a route module. */
export interface RouteConfig {
  /** Replaces the path derived from the file name, e.g. `/legacy/:id`. */
  routeOverride?: string;
  /** Render without `_app`. */
  skipAppWrapper?: boolean;
  /** Render without the `_layout`s of parent folders. */
  skipInheritedLayouts?: boolean;
}

/** Optional `config` export of a `_layout` module. */
export interface LayoutConfig {
  skipAppWrapper?: boolean;
  skipInheritedLayouts?: boolean;
}

/**
 * The exports a route, layout, middleware or special page module may have. `default` and
 * `handler` are left `unknown` because each module types them with its own data and state
 * parameters; the route table checks their shapes when it reads the manifest.
 */
export interface RouteModule {
  default?: unknown;
  handler?: unknown;
  config?: RouteConfig | LayoutConfig;
}

/** The generated `fresh.gen.ts` manifest. */
export interface Manifest {
  /** Route modules keyed by their path relative to the project, e.g. `./routes/index.tsx`. */
  routes: Record<string, RouteModule>;
  /** Island modules keyed like routes, e.g. `./islands/ThemeToggle.tsx`. */
  islands: Record<string, Record<string, unknown>>;
  /** `import.meta.url` of the manifest: the project root. */
  baseUrl: string;
}

/** What a plugin may do when a build (or an unbuilt start) runs. */
export interface PluginBuildContext {
  /** The project root directory. */
  root: string;
  /** A build output folder served like `static/` (and taking precedence over it). */
  outDir: string;
  /** True in `deno task dev`: no minification. */
  dev: boolean;
}

/** A route served by a plugin. */
export interface PluginRoute {
  path: string;
  handler: Handler;
}

/** Middleware contributed by a plugin; it runs before the route folders' own middlewares. */
export interface PluginMiddleware {
  /** URL path prefix the middleware covers, e.g. `/`. */
  path: string;
  middleware: { handler: MiddlewareHandler | MiddlewareHandler[] };
}

/** Extends the page layer; Fresh 1.x plugins have the same hooks we implement. */
export interface Plugin {
  name: string;
  /** Writes build output (such as compiled CSS) into `ctx.outDir`. */
  buildStart?(ctx: PluginBuildContext): Promise<void>;
  /** Extra routes. */
  routes?: PluginRoute[];
  /** Extra middlewares, e.g. to put app services into `ctx.state`. */
  middlewares?: PluginMiddleware[];
}

/** Configuration from `fresh.config.ts`. */
export interface FreshConfig {
  plugins?: Plugin[];
  build?: {
    /** Build output directory relative to the project (default `_fresh`). */
    outDir?: string;
  };
  /** Used by `start()`; `main.ts` normally reads the port from the process config. */
  server?: { port?: number; hostname?: string };
}
