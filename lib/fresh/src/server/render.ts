/**
 * Renders a page: composes the page with its layouts and `_app` (awaiting async components
 * first), renders to HTML, then adds `<Head>` content and, only when islands were rendered, the
 * island props and boot script.
 *
 * @module
 */
import { type ComponentChildren, type ComponentType, Fragment, h, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { AsyncRoute, FreshContext, PageProps } from "../types.ts";
import { type PageCollector, renderInScope } from "../runtime/context.ts";
import { serialize } from "../serializer.ts";
import type { AnyPage, Route } from "./routes.ts";

/** Marks components made with `defineRoute`/`defineLayout`/`defineApp`: called as `(req, ctx)`. */
export const ASYNC_ROUTE: unique symbol = Symbol("fresh.asyncRoute");

/** What a page needs to reference the build's browser files. */
export interface PageAssets {
  buildId: string;
  /** URL of the boot script module. */
  runtimeUrl: string;
  /** URL of an island's module by island name. */
  islandUrl(name: string): string;
  /** Every chunk URL the given island modules load, for modulepreload. */
  preloads(names: string[]): string[];
  /** Extra markup for the end of `<body>` (the dev reload client). */
  devScript?: string;
}

/** The id of the script element holding the island props. */
const STATE_ID = "__FRSH_STATE";

type AsyncPage = AsyncRoute<Record<string, unknown>, { Component: ComponentType }>;

/** Marked by a `define*` helper, or an `async function` (as Fresh 1.x also accepts). */
function isAsyncPage(component: AnyPage): component is AsyncPage {
  return ASYNC_ROUTE in component || component.constructor.name === "AsyncFunction";
}

/**
 * Renders one level: a plain component becomes a vnode, an async one is called and awaited.
 * Synchronous for plain components, sparing a microtask per level on every page.
 */
function part(
  component: AnyPage,
  props: PageProps,
  req: Request,
  ctx: FreshContext,
): VNode | Promise<VNode | Response> {
  if (!isAsyncPage(component)) return h(component as ComponentType<PageProps>, props) as VNode;
  return (async () => {
    const result = await component(req, withComponent(ctx, props.Component));
    return result instanceof Response ? result : h(Fragment, null, result as ComponentChildren);
  })();
}

/**
 * The context an async page or layout receives: the request's context plus `Component`. The
 * methods are copied by name because the request's context makes them in getters, which a spread
 * does not copy.
 */
function withComponent(ctx: FreshContext, Component: ComponentType): FreshContext & {
  Component: ComponentType;
} {
  return {
    ...ctx,
    render: ctx.render,
    renderNotFound: ctx.renderNotFound,
    next: ctx.next,
    Component,
  };
}

function DefaultDocument(props: { children?: ComponentChildren }): VNode {
  return h("html", null, [
    h("head", null, [
      h("meta", { charset: "utf-8" }),
      h("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
    ]),
    h("body", null, props.children),
  ]);
}

/** Inserts `head` before `</head>` and `body` before `</body>`, in a single pass. */
function inject(html: string, head: string, body: string): string {
  if (!head && !body) return html;
  // Searching from the nearer end: the head closes early in a page, the body at its end.
  const headAt = head ? html.indexOf("</head>") : -1;
  const bodyAt = body ? html.lastIndexOf("</body>") : -1;
  const cuts = [[headAt, head], [bodyAt, body]] as const;
  let out = "";
  let from = 0;
  for (const [at, extra] of cuts) {
    if (!extra) continue;
    const to = at < 0 ? html.length : at;
    out += html.slice(from, to) + extra;
    from = to;
  }
  return out + html.slice(from);
}

/** The parts of the island markup that depend only on which islands a page uses. */
interface IslandImports {
  preloads: string;
  imports: string;
}

const importCache = new WeakMap<PageAssets, Map<string, IslandImports>>();

function islandImports(names: string[], assets: PageAssets): IslandImports {
  let cache = importCache.get(assets);
  if (!cache) importCache.set(assets, cache = new Map());
  const key = names.join("\0");
  let found = cache.get(key);
  if (!found) {
    const modules = names.map((name, i) => `${JSON.stringify(name)}:i${i}`).join(",");
    found = {
      preloads: assets.preloads(names).map((url) => `<link rel="modulepreload" href="${url}">`)
        .join(""),
      imports: `import{boot}from${JSON.stringify(assets.runtimeUrl)};` +
        names.map((name, i) => `import*as i${i} from${JSON.stringify(assets.islandUrl(name))};`)
          .join("") +
        `boot({${modules}},${JSON.stringify(assets.buildId)},"${STATE_ID}")`,
    };
    cache.set(key, found);
  }
  return found;
}

function islandMarkup(
  collector: PageCollector,
  assets: PageAssets,
): { head: string; body: string } {
  const names = [...new Set(collector.islands.map((island) => island.name))];
  const { preloads, imports } = islandImports(names, assets);
  let state: string;
  try {
    state = serialize(collector.islands.map((island) => island.props));
  } catch (error) {
    // devalue's message names the value, not the island; say where to look.
    const list = collector.islands.map((island) => `${island.name}#${island.exportName}`);
    throw new Error(`fresh: island props must be serializable (islands: ${list.join(", ")})`, {
      cause: error,
    });
  }
  return {
    head: preloads,
    body: `<script id="${STATE_ID}" type="application/json">${state}</script>` +
      `<script type="module">${imports}</script>`,
  };
}

/** The HTML document of a composed page, with its `<Head>` content and island markup added. */
function toHtml(route: Route, content: VNode, assets: PageAssets): string {
  const collector: PageCollector = { head: [], islands: [] };
  const document = route.needsDocument ? h(DefaultDocument, null, content) : content;
  const html = "<!DOCTYPE html>" +
    renderInScope({ page: collector, insideIsland: false }, renderToString, document);
  let head = collector.head.length > 0 ? renderToString(h(Fragment, null, collector.head)) : "";
  let body = assets.devScript ?? "";
  if (collector.islands.length > 0) {
    const islands = islandMarkup(collector, assets);
    head += islands.head;
    body = islands.body + body;
  }
  return inject(html, head, body);
}

/**
 * Wraps `content` (the page wrapped in its first `applied` wrappers) in the rest, then renders.
 * Waits only where a part is async, so pages of plain components render without a microtask.
 */
function compose(
  route: Route,
  props: PageProps,
  req: Request,
  ctx: FreshContext,
  assets: PageAssets,
  content: VNode | Response | Promise<VNode | Response>,
  applied: number,
): string | Response | Promise<string | Response> {
  for (let i = applied;; i++) {
    if (content instanceof Promise) {
      const at = i;
      return content.then((resolved) => compose(route, props, req, ctx, assets, resolved, at));
    }
    if (content instanceof Response) return content;
    if (i === route.wrappers.length) return toHtml(route, content, assets);
    const inner: VNode = content;
    content = part(route.wrappers[i], { ...props, Component: () => inner }, req, ctx);
  }
}

/**
 * Renders `route`'s page to a complete HTML document, or returns a component's Response; a
 * promise only when a component is async.
 */
export function renderPage(
  route: Route,
  req: Request,
  ctx: FreshContext,
  assets: PageAssets,
): string | Response | Promise<string | Response> {
  if (!route.component) throw new Error(`${route.file} has no default export to render`);
  const props: PageProps = {
    url: ctx.url,
    route: ctx.route,
    params: ctx.params,
    data: ctx.data,
    state: ctx.state,
    error: ctx.error,
    Component: () => null,
  };
  return compose(route, props, req, ctx, assets, part(route.component, props, req, ctx), 0);
}
