/**
 * State shared by server rendering and the browser runtime. Kept free of server imports because
 * island bundles include it.
 *
 * @module
 */
import { type ComponentChildren, createContext } from "preact";

/** One island instance on a rendered page. */
export interface IslandRecord {
  /** The island module's name, e.g. `ThemeToggle` or `chat/Box`. */
  name: string;
  exportName: string;
  /** The serializable props; slot props are rendered into the page instead. */
  props: Record<string, unknown>;
}

/** Collects what a page render produces besides its HTML. */
export interface PageCollector {
  head: ComponentChildren[];
  islands: IslandRecord[];
}

/** Where in a server render a component is. */
export interface RenderScope {
  page: PageCollector;
  /** Inside an island, nested islands render as plain components. */
  insideIsland: boolean;
}

/** Provided where a server render enters a scope other than the page's own: islands, slots. */
export const RenderScope = createContext<RenderScope | null>(null);

/** The scope of the page being rendered, outside any island; null in the browser. */
let pageScope: RenderScope | null = null;

/**
 * Runs `render(arg)` (a synchronous server render) with `scope` as the page's scope. A variable
 * instead of a Provider around every page spares each render a context level; renders are
 * synchronous, so one page's scope cannot leak into another's.
 */
export function renderInScope<A, T>(scope: RenderScope, render: (arg: A) => T, arg: A): T {
  const outer = pageScope;
  pageScope = scope;
  try {
    // The argument is passed through rather than closed over, sparing a closure per page.
    return render(arg);
  } finally {
    pageScope = outer;
  }
}

/** The scope a component renders in: the nearest provided one, else the page's. */
export function currentScope(provided: RenderScope | null | undefined): RenderScope | null {
  return provided ?? pageScope;
}

let buildId = "";

/** Sets the build id that `asset()` appends; called once by the server and by the boot script. */
export function setBuildId(id: string): void {
  buildId = id;
}

/** The current build id ("" before the server or boot script set it). */
export function getBuildId(): string {
  return buildId;
}
