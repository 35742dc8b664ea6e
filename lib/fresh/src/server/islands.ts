/**
 * Server side of islands. A permanent `options.vnode` hook swaps every island component for a
 * wrapper; it must stay installed because async route components create their JSX before any
 * render starts. The wrapper renders the island between comment markers, records its props,
 * and renders JSX-valued props (slots) on the server between their own markers.
 *
 * @module
 */
import {
  type ComponentChildren,
  type ComponentType,
  Fragment,
  h,
  isValidElement,
  options,
  type VNode,
} from "preact";
import { currentScope, RenderScope } from "../runtime/context.ts";
import { markers } from "../runtime/markers.ts";
import { isSignal } from "../serializer.ts";

type AnyComponent = ComponentType<Record<string, unknown>>;

const wrappers = new Map<unknown, AnyComponent>();

function comment(text: string): VNode {
  // preact-render-to-string prints a Fragment with this prop as an HTML comment.
  return h(Fragment, { UNSTABLE_comment: text } as Record<string, unknown>);
}

function isJsx(value: unknown): boolean {
  // Signals look like valid elements, so they are tested first by the caller.
  return isValidElement(value) || (Array.isArray(value) && value.some(isJsx));
}

/** Creates a vnode the hook leaves alone, so a wrapper can render the original component. */
function unwrapped(component: AnyComponent, props: Record<string, unknown>): VNode {
  const vnode = h(component, props);
  vnode.type = component;
  return vnode;
}

function Slot(
  props: { id: number; name: string; scope: RenderScope; children?: ComponentChildren },
): VNode {
  return h(Fragment, null, [
    comment(markers.slot(props.id, props.name)),
    // Islands inside a slot are independent islands again.
    h(RenderScope.Provider, { value: props.scope }, props.children),
    comment(markers.slotEnd(props.id, props.name)),
  ]);
}

function wrap(component: AnyComponent, name: string, exportName: string): AnyComponent {
  // `contextType` rather than hooks: a hook-free component is cheaper to render on the server.
  function IslandRoot(props: Record<string, unknown>, provided?: RenderScope | null) {
    const scope = currentScope(provided);
    if (!scope || scope.insideIsland) return unwrapped(component, props);
    const { page } = scope;
    const id = page.islands.length;
    const serializable: Record<string, unknown> = {};
    const rendered: Record<string, unknown> = {};
    const slots: string[] = [];
    for (const key in props) {
      const value = props[key];
      if (!isSignal(value) && isJsx(value)) {
        slots.push(key);
        rendered[key] = h(Slot, { id, name: key, scope }, value as ComponentChildren);
      } else {
        serializable[key] = value;
        rendered[key] = value;
      }
    }
    page.islands.push({ name, exportName, props: serializable });
    return h(Fragment, null, [
      comment(markers.island(id, name, exportName, slots)),
      h(
        RenderScope.Provider,
        { value: { page, insideIsland: true } },
        unwrapped(component, rendered),
      ),
      comment(markers.islandEnd(id)),
    ]);
  }
  IslandRoot.contextType = RenderScope;
  return IslandRoot;
}

/** Island module name for a manifest key: `./islands/chat/Box.tsx` → `chat/Box`. */
export function islandName(file: string): string {
  return file.replace(/^\.\/islands\//, "").replace(/\.[jt]sx?$/, "");
}

let installed = false;

/** Registers every function export of the manifest's island modules and installs the hook. */
export function registerIslands(islands: Record<string, Record<string, unknown>>): void {
  for (const [file, mod] of Object.entries(islands)) {
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== "function" || wrappers.has(value)) continue;
      wrappers.set(value, wrap(value as AnyComponent, islandName(file), exportName));
    }
  }
  if (installed) return;
  installed = true;
  const previous = options.vnode;
  options.vnode = (vnode) => {
    const wrapper = wrappers.get(vnode.type);
    if (wrapper) vnode.type = wrapper;
    previous?.(vnode);
  };
}
