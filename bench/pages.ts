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
import type { PageProps } from "$fresh/server.ts";
import { issueTokens } from "../auth/authenticate.ts";
import { ACCESS_COOKIE } from "../auth/cookies.ts";
import { loadConfig } from "../lib/config.ts";
import { createLogger } from "../lib/log.ts";
import type { SignedInState } from "../pages/state.ts";
import { openServices } from "../app/services.ts";
import { createApp } from "../main.ts";
import App from "../routes/_app.tsx";
import AppLayout from "../routes/(app)/_layout.tsx";
import Landing from "../routes/index.tsx";
import AppearancePage from "../routes/(app)/settings/appearance.tsx";

const JS_GOAL_GZIP = 15 * 1024;
const OVERHEAD_GOAL = 1.5;

type PageHandler = (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response>;

const info: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  completed: Promise.resolve(),
};

async function get(handler: PageHandler, path: string, cookie = ""): Promise<string> {
  const response = await handler(
    new Request(`http://localhost${path}`, { headers: { cookie } }),
    info,
  );
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return await response.text();
}

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const IMPORT = /(?:\bfrom|\bimport)\s*"([^"]+)"/g;

/** Sums the inline module scripts of a page and every module they load, transitively. */
async function javascriptOf(handler: PageHandler, path: string, cookie: string) {
  const html = await get(handler, path, cookie);
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
function bareTree(
  path: string,
  components: ComponentType<PageProps<unknown, SignedInState>>[],
  state: SignedInState,
): VNode {
  const props: PageProps<unknown, SignedInState> = {
    url: new URL(`http://localhost${path}`),
    route: path,
    params: {},
    data: undefined,
    state,
    Component: () => null,
  };
  let tree: VNode | null = null;
  for (const component of [...components].reverse()) {
    const inner = tree;
    tree = h(component, { ...props, Component: () => inner }) as VNode;
  }
  return tree!;
}

/** The real app over throwaway embedded services, and a signed-in session's cookie header. */
async function openApp() {
  const dataDir = await Deno.makeTempDir({ prefix: "aae-bench-pages-" });
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "error" });
  const services = await openServices(config, createLogger("error"));
  const app = await createApp(services);
  const handler: PageHandler = async (req, info) => await app(req, info);
  const signedIn = await services.domain.accounts.register({
    email: "bench@example.com",
    password: "bench password 123",
    displayName: "Bench",
  });
  const session = await services.domain.sessions.create(signedIn.actor);
  const tokens = await issueTokens(services, { ...session, actor: signedIn.actor });
  const cookie = `${ACCESS_COOKIE}=${tokens.accessToken}`;
  const close = async () => {
    await services.close();
    await Deno.remove(dataDir, { recursive: true });
  };
  return { services, handler, cookie, actor: signedIn.actor, close };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * Runs the benchmark and prints its figures and whether the goals are met. Both sides of the
 * throughput comparison do the same data work — the signed-in page's session check, profile and
 * balance reads — so the ratio isolates what the page layer adds to rendering.
 */
export async function main(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 2);
  const { services, handler, cookie, actor, close } = await openApp();
  const [{ accessTokens, domain }, token] = [services, cookie.slice(cookie.indexOf("=") + 1)];
  const signedInState = async (): Promise<SignedInState> => {
    const claims = await accessTokens.verify(token);
    if (!claims) throw new Error("bench session expired");
    const [user, credits] = await Promise.all([
      domain.accounts.getProfile(actor),
      domain.credits.balance(actor),
    ]);
    return { services, theme: "light", flash: null, actor, user, credits };
  };
  const pages = [
    {
      path: "/",
      name: "landing",
      components: [App, Landing],
      state: () => Promise.resolve({ theme: "light", flash: null } as SignedInState),
    },
    {
      path: "/settings/appearance",
      name: "appearance (1 island)",
      components: [App, AppLayout, AppearancePage],
      state: signedInState,
    },
  ];
  let jsOk = true;
  let overheadOk = true;
  console.log("JavaScript shipped (module script + every chunk it imports):");
  for (const page of pages) {
    const js = await javascriptOf(handler, page.path, cookie);
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
      () => get(handler, page.path, cookie),
      async () => renderToString(bareTree(page.path, page.components, await page.state())),
    );
    const ratio = bare / full;
    if (ratio > OVERHEAD_GOAL) overheadOk = false;
    console.log(
      `  ${page.name.padEnd(24)} handler ${full.toFixed(0)}/s, bare renderToString ${
        bare.toFixed(0)
      }/s, overhead ${ratio.toFixed(2)}x`,
    );
  }
  await close();
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
