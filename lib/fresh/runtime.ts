/**
 * What route, component and island files import from `$fresh/runtime.ts`: usable on both the
 * server and in the browser.
 *
 * @module
 */
import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { currentScope, getBuildId, RenderScope } from "./src/runtime/context.ts";

/** True when running in the browser. */
export const IS_BROWSER: boolean = typeof document !== "undefined";

/** The query parameter that makes a static file URL change with every build. */
export const ASSET_CACHE_PARAM = "__frsh_c";

/**
 * Adds the build id to a local absolute path (`/styles.css` → `/styles.css?__frsh_c=<id>`), so
 * the file can be cached forever and still change with the next build. Other URLs pass through.
 */
export function asset(path: string): string {
  const id = getBuildId();
  if (!id || !path.startsWith("/") || path.startsWith("//")) return path;
  // String surgery rather than `new URL`: pages call this on every render.
  const hashAt = path.indexOf("#");
  const [rest, hash] = hashAt < 0 ? [path, ""] : [path.slice(0, hashAt), path.slice(hashAt)];
  if (rest.includes(`${ASSET_CACHE_PARAM}=`)) return path;
  return `${rest}${rest.includes("?") ? "&" : "?"}${ASSET_CACHE_PARAM}=${id}${hash}`;
}

/** Moves its children into the document's `<head>` when rendered on the server. */
export function Head(props: { children?: ComponentChildren }): null {
  currentScope(useContext(RenderScope))?.page.head.push(props.children);
  return null;
}
