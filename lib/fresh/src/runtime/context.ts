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

/** Present while the server renders a page. */
export const RenderScope = createContext<RenderScope | null>(null);

let buildId = "";

/** Sets the build id that `asset()` appends; called once by the server and by the boot script. */
export function setBuildId(id: string): void {
  buildId = id;
}

/** The current build id ("" before the server or boot script set it). */
export function getBuildId(): string {
  return buildId;
}
