/**
 * Page-layer benchmark: JavaScript shipped per page (the inline module script plus every module
 * it imports, raw and gzip) and render throughput of the full handler against a bare
 * `renderToString` of the same component tree, measured in the same run.
 *
 * Usage: `deno task bench pages [seconds-per-measurement]` (default 2).
 *
 * @module
 */
import { type ComponentType, h, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { createHandler, type PageProps } from "$fresh/server.ts";
import config from "../fresh.config.ts";
import manifest from "../fresh.gen.ts";
import App from "../routes/_app.tsx";
import AppLayout from "../routes/(app)/_layout.tsx";
import Landing from "../routes/index.tsx";
import AppearancePage from "../routes/(app)/settings/appearance.tsx";
import type { AppState } from "../routes/_middleware.ts";

const JS_GOAL_GZIP = 15 * 1024;
const OVERHEAD_GOAL = 1.5;

type PageHandler = (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response>;

const info: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  completed: Promise.resolve(),
};

async function get(handler: PageHandler, path: string): Promise<string> {
  return await (await handler(new Request(`http://localhost${path}`), info)).text();
}

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const IMPORT = /(?:\bfrom|\bimport)\s*"([^"]+)"/g;

/** Sums the inline module scripts of a page and every module they load, transitively. */
async function javascriptOf(handler: PageHandler, path: string) {
  const html = await get(handler, path);
  const inline = [...html.matchAll(/<script type="module">(.*?)<\/script>/gs)].map((m) => m[1]);
  const seen = new Set<string>();
  const queue = inline.flatMap((code) => [...code.matchAll(IMPORT)].map((m) => m[1]));
  const texts = [...inline];
  while (queue.length > 0) {
    const url = queue.pop()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const code = await get(handler, url);
    texts.push(code);
    for (const m of code.matchAll(IMPORT)) queue.push(new URL(m[1], `http://x${url}`).pathname);
  }
  const bytes = new TextEncoder().encode(texts.join("\n"));
  return { files: seen.size, raw: bytes.byteLength, gzip: await gzipSize(bytes) };
}

/**
 * Calls `a` and `b` in alternating batches for `seconds` after a warm-up and returns each one's
 * calls per second. Interleaving exposes both to the same background load on a shared machine.
 */
async function throughput(
  seconds: number,
  a: () => unknown,
  b: () => unknown,
): Promise<[number, number]> {
  const batch = async (fn: () => unknown) => {
    const start = performance.now();
    for (let i = 0; i < 100; i++) await fn();
    return performance.now() - start;
  };
  await batch(a);
  await batch(b);
  let [timeA, timeB, calls] = [0, 0, 0];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    timeA += await batch(a);
    timeB += await batch(b);
    calls += 100;
  }
  return [calls / (timeA / 1000), calls / (timeB / 1000)];
}

/** The page's component tree as the layer would build it, without the layer. */
function bareTree(path: string, components: ComponentType<PageProps<unknown, AppState>>[]): VNode {
  const props: PageProps<unknown, AppState> = {
    url: new URL(`http://localhost${path}`),
    route: path,
    params: {},
    data: undefined,
    state: { theme: "light" },
    Component: () => null,
  };
  let tree: VNode | null = null;
  for (const component of [...components].reverse()) {
    const inner = tree;
    tree = h(component, { ...props, Component: () => inner }) as VNode;
  }
  return tree!;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Runs the benchmark and prints its figures and whether the goals are met. */
export async function main(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 2);
  const handler = await createHandler(manifest, config);
  const pages = [
    { path: "/", name: "landing", components: [App, Landing] },
    {
      path: "/settings/appearance",
      name: "appearance (1 island)",
      components: [App, AppLayout, AppearancePage],
    },
  ];
  let jsOk = true;
  let overheadOk = true;
  console.log("JavaScript shipped (module script + every chunk it imports):");
  for (const page of pages) {
    const js = await javascriptOf(handler, page.path);
    console.log(
      `  ${page.name.padEnd(24)} ${js.files} files, ${kb(js.raw)} raw, ${kb(js.gzip)} gzip`,
    );
    if (js.gzip > JS_GOAL_GZIP) jsOk = false;
    if (page.path === "/" && js.raw > 0) jsOk = false;
  }
  console.log(`\nRender throughput (${seconds}s per page, handler and bare interleaved):`);
  for (const page of pages) {
    const [full, bare] = await throughput(
      seconds,
      () => get(handler, page.path),
      () => renderToString(bareTree(page.path, page.components)),
    );
    const ratio = bare / full;
    if (ratio > OVERHEAD_GOAL) overheadOk = false;
    console.log(
      `  ${page.name.padEnd(24)} handler ${full.toFixed(0)}/s, bare renderToString ${
        bare.toFixed(0)
      }/s, overhead ${ratio.toFixed(2)}x`,
    );
  }
  console.log(
    `\nGoal: landing ships no JS, one-island page <= ${kb(JS_GOAL_GZIP)} gzip: ${
      jsOk ? "met" : "NOT met"
    }`,
  );
  console.log(
    `Goal: page-layer overhead <= ${OVERHEAD_GOAL}x bare rendering: ${
      overheadOk ? "met" : "NOT met"
    }`,
  );
}
