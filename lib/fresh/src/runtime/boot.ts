/**
 * The browser boot script: finds island markers left by the server, revives the page's props and
 * renders each island into its marker range. Islands inside slots are rendered by their outer
 * island, which receives the slot's server HTML as vnodes.
 *
 * @module
 */
import { type ComponentChildren, type ComponentType, h, hydrate, type VNode } from "preact";
import { setBuildId } from "./context.ts";
import { type IslandMarker, markers, parseIslandMarker } from "./markers.ts";
import { readProps } from "./props.ts";

/** Island modules by island name, as imported by the page's boot script. */
export type IslandModules = Record<string, Record<string, unknown>>;

interface Page {
  modules: IslandModules;
  props: Record<string, unknown>[];
}

/** The nodes from `start` up to (excluding) the sibling comment with text `endText`. */
function rangeOf(start: Node, endText: string): { nodes: Node[]; end: Comment } {
  const nodes: Node[] = [];
  for (let node = start.nextSibling; node; node = node.nextSibling) {
    if (node.nodeType === Node.COMMENT_NODE && (node as Comment).data === endText) {
      return { nodes, end: node as Comment };
    }
    nodes.push(node);
  }
  throw new Error(`fresh: missing marker <!--${endText}--> (invalid HTML nesting?)`);
}

function findComment(nodes: Node[], text: string): Comment | null {
  for (const node of nodes) {
    if (node.nodeType === Node.COMMENT_NODE && (node as Comment).data === text) {
      return node as Comment;
    }
    const found = findComment([...node.childNodes], text);
    if (found) return found;
  }
  return null;
}

/** Turns server-rendered slot HTML back into vnodes; nested islands become island vnodes. */
function toVNodes(page: Page, nodes: Node[]): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node.nodeType === Node.TEXT_NODE) out.push((node as Text).data);
    else if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      const attrs: Record<string, string> = {};
      for (const attr of el.attributes) attrs[attr.name] = attr.value;
      out.push(h(el.localName, attrs, ...toVNodes(page, [...el.childNodes])));
    } else if (node.nodeType === Node.COMMENT_NODE) {
      const marker = parseIslandMarker((node as Comment).data);
      if (!marker) continue;
      const { nodes: inner, end } = rangeOf(node, markers.islandEnd(marker.id));
      out.push(islandVNode(page, marker, inner));
      i = nodes.indexOf(end);
    }
  }
  return out;
}

function islandVNode(page: Page, marker: IslandMarker, nodes: Node[]): VNode {
  const { id, name, exportName } = marker;
  const component = page.modules[name]?.[exportName] as ComponentType | undefined;
  if (!component) throw new Error(`fresh: island ${name}#${exportName} was not loaded`);
  const props: Record<string, unknown> = { ...page.props[Number(id)] };
  for (const slot of marker.slots) {
    const start = findComment(nodes, markers.slot(id, slot));
    if (!start) continue;
    props[slot] = toVNodes(page, rangeOf(start, markers.slotEnd(id, slot)).nodes);
  }
  return h(component, props);
}

/**
 * A stand-in parent that makes Preact render into the nodes between two markers instead of a
 * whole element, so an island needs no wrapper element.
 */
function rangeParent(start: Comment, end: Comment): Element {
  const parent = start.parentNode!;
  const children = () => rangeOf(start, end.data).nodes;
  const fake = {
    nodeType: Node.ELEMENT_NODE,
    namespaceURI: (parent as Element).namespaceURI,
    ownerDocument: parent.ownerDocument,
    get parentNode() {
      return parent;
    },
    get firstChild() {
      return children()[0] ?? null;
    },
    get childNodes() {
      return children();
    },
    insertBefore: (node: Node, ref: Node | null) => parent.insertBefore(node, ref ?? end),
    appendChild: (node: Node) => parent.insertBefore(node, end),
    removeChild: (node: Node) => parent.removeChild(node),
    contains: (node: Node | null) => children().some((child) => child.contains(node)),
  };
  return fake as unknown as Element;
}

function walk(page: Page, parent: Node): void {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === Node.ELEMENT_NODE) walk(page, node);
    if (node.nodeType !== Node.COMMENT_NODE) continue;
    const marker = parseIslandMarker((node as Comment).data);
    if (!marker) continue;
    const { nodes, end } = rangeOf(node, markers.islandEnd(marker.id));
    hydrate(islandVNode(page, marker, nodes), rangeParent(node as Comment, end));
    node = end;
  }
}

/** Renders every island of the page; `stateId` names the script element holding the props. */
export async function boot(
  modules: IslandModules,
  buildId: string,
  stateId: string,
): Promise<void> {
  setBuildId(buildId);
  const text = document.getElementById(stateId)?.textContent ?? "[]";
  walk({ modules, props: await readProps(text) as Record<string, unknown>[] }, document.body);
}
