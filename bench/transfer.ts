/**
 * Transfer-size benchmark: the bytes each page, the API's JSON and the page's CSS and JavaScript
 * put on the wire without compression (the baseline, as before compression existed) and with
 * gzip and brotli as the app now answers them, measured in the same run over the real app and
 * the demo data. Also times the handler with and without brotli on one signed-in page, for the
 * price of compressing on the fly (CSS and JavaScript are precompressed at build time).
 *
 * Usage: `deno task bench transfer [requests-per-timing]` (default 200).
 *
 * @module
 */
import { loadConfig } from "../lib/config.ts";
import { createLogger } from "../lib/log.ts";
import { openServices } from "../app/services.ts";
import { createApp } from "../main.ts";
import { seedDemo } from "../scripts/seed.ts";

const info: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  completed: Promise.resolve(),
};

/** Imports inside module scripts and chunks (relative or absolute). */
const IMPORT = /(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g;

type Handler = (req: Request) => Promise<Response>;

async function size(handler: Handler, path: string, cookie: string, coding: string | null) {
  const headers = new Headers({ cookie });
  if (coding) headers.set("accept-encoding", coding);
  const response = await handler(new Request(`http://localhost${path}`, { headers }));
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  const bytes = (await response.arrayBuffer()).byteLength;
  return { bytes, coding: response.headers.get("content-encoding") ?? "identity" };
}

/** The CSS and every JavaScript file a page loads (module scripts and their imports). */
async function assetsOf(handler: Handler, path: string, cookie: string): Promise<string[]> {
  const html = await (await handler(
    new Request(`http://localhost${path}`, { headers: { cookie } }),
  )).text();
  const assets = [...html.matchAll(/href="(\/styles\.css[^"]*)"/g)].map((m) => m[1]);
  const queue = [...html.matchAll(IMPORT)].map((m) => m[1]);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const url = queue.pop()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const code = await (await handler(new Request(`http://localhost${url}`))).text();
    for (const m of code.matchAll(IMPORT)) queue.push(new URL(m[1], `http://x${url}`).pathname);
  }
  return [...assets, ...seen];
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(9);

/** Median milliseconds of `count` sequential GETs of `path` accepting `coding`. */
async function medianMs(handler: Handler, path: string, cookie: string, coding: string | null) {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) await size(handler, path, cookie, coding);
  for (let i = 0; i < timingRequests; i++) {
    const start = performance.now();
    await size(handler, path, cookie, coding);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

let timingRequests = 200;

/** Runs the benchmark and prints its figures. */
export async function main(args: string[]): Promise<void> {
  timingRequests = Number(args[0] ?? 200);
  const dataDir = await Deno.makeTempDir({ prefix: "aae-bench-transfer-" });
  const services = await openServices(
    loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "error" }),
    createLogger("error"),
  );
  try {
    const app = await createApp(services);
    const handler: Handler = (req) => Promise.resolve(app(req, info));
    const demo = await seedDemo({
      db: services.db,
      coordination: services.coordination,
      passwordIterations: services.config.PASSWORD_PBKDF2_ITERATIONS,
    });
    const login = await handler(
      new Request("http://localhost/login", {
        method: "POST",
        headers: {
          origin: "http://localhost",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ email: demo.email, password: demo.password }),
      }),
    );
    const cookie = login.headers.getSetCookie().map((value) => value.split(";")[0]).join("; ");
    // Signed-out pages are measured without the session (`/login` would redirect).
    const signedOut = new Set(["/", "/login"]);
    const paths = [
      "/",
      "/login",
      "/dashboard",
      "/campaigns",
      "/assistant",
      "/runs",
      "/changes",
      "/api/v1/openapi.json",
      "/api/v1/campaigns",
      ...await assetsOf(handler, "/assistant", cookie),
    ];
    console.log("Bytes on the wire per response: none (before) → gzip → brotli (now)");
    const totals = { identity: 0, gzip: 0, br: 0 };
    for (const path of paths) {
      const session = signedOut.has(path) ? "" : cookie;
      const identity = await size(handler, path, session, null);
      const gzip = await size(handler, path, session, "gzip");
      const br = await size(handler, path, session, "gzip, deflate, br");
      totals.identity += identity.bytes;
      totals.gzip += gzip.bytes;
      totals.br += br.bytes;
      const name = path.length > 44 ? `${path.slice(0, 41)}…` : path;
      console.log(
        `  ${name.padEnd(44)} ${kb(identity.bytes)} → ${kb(gzip.bytes)} (${gzip.coding}) → ` +
          `${kb(br.bytes)} (${br.coding})  ${(identity.bytes / br.bytes).toFixed(1)}× smaller`,
      );
    }
    console.log(
      `  ${"all of the above".padEnd(44)} ${kb(totals.identity)} → ${kb(totals.gzip)}        → ` +
        `${kb(totals.br)}       ${(totals.identity / totals.br).toFixed(1)}× smaller`,
    );
    const timed = "/dashboard";
    const plain = await medianMs(handler, timed, cookie, null);
    const brotli = await medianMs(handler, timed, cookie, "br");
    console.log(
      `\nHandler time of ${timed} (median of ${timingRequests}): ${plain.toFixed(2)} ms plain, ` +
        `${brotli.toFixed(2)} ms brotli on the fly (ratio ${(brotli / plain).toFixed(2)})`,
    );
  } finally {
    await services.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}
