/**
 * File paths to URL patterns, and the order in which patterns are tried: a static segment beats a
 * dynamic one, which beats a catch-all, so `/users/new` wins over `/users/[id]`.
 *
 * @module
 */

/** One segment's rank; lower ranks are tried first. */
const Rank = { Static: 0, Dynamic: 1, Rest: 2 } as const;
type Rank = typeof Rank[keyof typeof Rank];

/** A URL pattern derived from a file path, ready to match. */
export interface RoutePattern {
  /** The pattern text, e.g. `/campaigns/:id`. */
  pattern: string;
  ranks: Rank[];
  regexp: RegExp;
}

const REST = /^\[\.\.\.([A-Za-z_$][\w$]*)\]$/;
const PARAM = /\[([A-Za-z_$][\w$]*)\]/g;

/** True for a `(group)` folder name, which organises files without adding a URL segment. */
export function isGroup(segment: string): boolean {
  return /^\(.+\)$/.test(segment);
}

/**
 * Converts a path under `routes/` without extension (e.g. `(app)/campaigns/[id]`) to a URL
 * pattern: groups vanish, `index` maps to its folder, `[id]` to `:id`, `[...rest]` to `:rest*`.
 */
export function pathToPattern(path: string): string {
  const segments: string[] = [];
  const parts = path.split("/").filter((part) => part !== "" && !isGroup(part));
  parts.forEach((part, i) => {
    if (part === "index" && i === parts.length - 1) return;
    const rest = part.match(REST);
    if (rest) segments.push(`:${rest[1]}*`);
    else segments.push(part.replace(PARAM, (_, name: string) => `:${name}`));
  });
  return "/" + segments.join("/");
}

function ranksOf(pattern: string): Rank[] {
  return pattern.split("/").slice(1).map((segment) =>
    segment.endsWith("*") && segment.startsWith(":")
      ? Rank.Rest
      : segment.includes(":")
      ? Rank.Dynamic
      : Rank.Static
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Compiles a pattern to a regular expression. Plain RegExps instead of URLPattern because every
 * request tries several patterns and URLPattern costs microseconds per attempt. A catch-all also
 * matches its bare folder (`/docs` for `/docs/:rest*`).
 */
export function compilePattern(pattern: string): RoutePattern {
  const source = pattern.split("/").slice(1).map((segment) => {
    const rest = segment.match(/^:([\w$]+)\*$/);
    if (rest) return `(?:/(?<${rest[1]}>.*))?`;
    const parts = segment.split(/(:[\w$]+)/).map((part) =>
      part.startsWith(":") ? `(?<${part.slice(1)}>[^/]+?)` : escape(part)
    );
    return "/" + parts.join("");
  }).join("");
  return { pattern, ranks: ranksOf(pattern), regexp: new RegExp(`^${source || "/"}$`) };
}

/** Orders patterns the way they must be tried: more specific segments first. */
export function comparePatterns(a: RoutePattern, b: RoutePattern): number {
  const length = Math.max(a.ranks.length, b.ranks.length);
  for (let i = 0; i < length; i++) {
    // A missing segment sorts before any segment: `/users` before `/users/:id`.
    const ra = a.ranks[i] ?? -1;
    const rb = b.ranks[i] ?? -1;
    if (ra !== rb) return ra - rb;
  }
  return a.pattern.localeCompare(b.pattern);
}

/** Routes prepared for matching: exact paths in a map, patterns with parameters in order. */
export interface RouteIndex<T extends RoutePattern> {
  exact: Map<string, T>;
  dynamic: T[];
}

/**
 * Indexes routes sorted by `comparePatterns`. A pattern without parameters beats every other
 * pattern matching the same path (its segments all rank first), so it is found by one map
 * lookup instead of trying each regular expression before it.
 */
export function indexRoutes<T extends RoutePattern>(sorted: readonly T[]): RouteIndex<T> {
  const exact = new Map<string, T>();
  const dynamic: T[] = [];
  for (const route of sorted) {
    if (route.ranks.some((rank) => rank !== Rank.Static)) dynamic.push(route);
    else if (!exact.has(route.pattern)) exact.set(route.pattern, route);
  }
  return { exact, dynamic };
}

/** The first route matching `pathname` with its params, or null. */
export function findRoute<T extends RoutePattern>(
  index: RouteIndex<T>,
  pathname: string,
): { route: T; params: Record<string, string> } | null {
  const route = index.exact.get(pathname);
  if (route) return { route, params: {} };
  for (const route of index.dynamic) {
    const params = matchPattern(route, pathname);
    if (params) return { route, params };
  }
  return null;
}

/** Matches `pathname` against `route`, returning its decoded params or null. */
export function matchPattern(route: RoutePattern, pathname: string): Record<string, string> | null {
  const match = route.regexp.exec(pathname);
  if (!match) return null;
  const params: Record<string, string> = {};
  const groups = match.groups;
  for (const name in groups) {
    const value = groups[name];
    params[name] = value === undefined ? "" : safeDecode(value);
  }
  return params;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A malformed escape is kept as typed rather than failing the request.
    return value;
  }
}
