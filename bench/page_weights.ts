/**
 * Page weights as a browser sees them: every page of the app (the routes manifest's pages, plus
 * the first detail page linked from each list) loaded in headless Chromium over the real server
 * with the demo data, signed in, counting what went over the wire (compressed) and what it
 * decoded to, split into HTML, CSS and JavaScript. Then the floating assistant is opened on the
 * dashboard, and the JavaScript that loads on that first interaction is counted apart.
 *
 * Usage: `deno task bench page_weights` (needs Chromium; see tests/_helpers/browser.ts).
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import type { Page, Response } from "playwright-core";
import { findChromium, launchBrowser } from "../tests/_helpers/browser.ts";
import { loadConfig } from "../lib/config.ts";
import { createLogger } from "../lib/log.ts";
import { openServices } from "../app/services.ts";
import { createApp } from "../main.ts";
import manifest from "../fresh.gen.ts";
import { seedDemo } from "../scripts/seed.ts";

type Kind = "html" | "css" | "js" | "other";

/**
 * Bytes over the wire and decoded, per kind of resource, and what each would weigh gzipped (level
 * 9, file by file, as the build precompresses them) for a browser that does not take brotli.
 */
type Weights = Record<Kind, { wire: number; decoded: number; gzip: number }>;

function emptyWeights(): Weights {
  return {
    html: { wire: 0, decoded: 0, gzip: 0 },
    css: { wire: 0, decoded: 0, gzip: 0 },
    js: { wire: 0, decoded: 0, gzip: 0 },
    other: { wire: 0, decoded: 0, gzip: 0 },
  };
}

function kindOf(response: Response): Kind {
  const type = response.headers()["content-type"] ?? "";
  if (type.includes("text/html")) return "html";
  if (type.includes("text/css")) return "css";
  if (type.includes("javascript")) return "js";
  return "other";
}

/** Adds every response `page` receives while `action` runs (and the network settles). */
async function weigh(page: Page, action: () => Promise<unknown>): Promise<Weights> {
  const responses: Response[] = [];
  const collect = (response: Response) => responses.push(response);
  page.on("response", collect);
  try {
    await action();
    await page.waitForLoadState("networkidle");
  } finally {
    page.off("response", collect);
  }
  const weights = emptyWeights();
  for (const response of responses) {
    // Redirects and event streams carry no body worth counting.
    if (response.status() >= 300 && response.status() < 400) continue;
    if ((response.headers()["content-type"] ?? "").includes("text/event-stream")) continue;
    const sizes = await response.request().sizes();
    // Negative when the body came from a cache; every page is weighed with an empty one.
    const body = await response.body().catch(() => new Uint8Array());
    const entry = weights[kindOf(response)];
    entry.wire += Math.max(0, sizes.responseBodySize);
    entry.decoded += body.byteLength;
    entry.gzip += body.byteLength === 0 ? 0 : gzipSync(body, { level: 9 }).byteLength;
  }
  return weights;
}

/** The pages without path parameters, from the routes manifest, signed-out ones first. */
function staticPages(): string[] {
  return Object.keys(manifest.routes)
    .filter((file) => file.endsWith(".tsx") && !/\[|\/_/.test(file))
    .map((file) =>
      file.replace(/^\.\/routes/, "").replace(/\/\([^)]+\)/g, "").replace(/\.tsx$/, "")
        .replace(/\/index$/, "") || "/"
    )
    .sort((a, b) =>
      Number(a !== "/" && a !== "/login" && a !== "/register") -
        Number(b !== "/" && b !== "/login" && b !== "/register") || a.localeCompare(b)
    );
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)}`.padStart(7);

/** Runs the benchmark and prints its figures. */
export async function main(_args: string[]): Promise<void> {
  const chromiumPath = findChromium();
  if (!chromiumPath) throw new Error("page_weights needs Chromium (set CHROMIUM_PATH)");
  const dataDir = await Deno.makeTempDir({ prefix: "aae-bench-weights-" });
  const services = await openServices(
    loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "error" }),
    createLogger("error"),
  );
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    await createApp(services),
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launchBrowser(chromiumPath);
  try {
    const demo = await seedDemo({
      db: services.db,
      coordination: services.coordination,
      passwordIterations: services.config.PASSWORD_PBKDF2_ITERATIONS,
    });
    // Each page is weighed in a fresh context (an empty cache: a first visit), signed in with the
    // session cookie taken once.
    const signIn = await browser.newContext();
    const login = await signIn.newPage();
    await login.goto(`${origin}/login`);
    await login.fill('input[name="email"]', demo.email);
    await login.fill('input[name="password"]', demo.password);
    await Promise.all([
      login.waitForURL((url) => url.pathname !== "/login"),
      login.press('input[name="password"]', "Enter"),
    ]);
    const session = await signIn.storageState();
    await signIn.close();
    const firstVisit = async <T>(signedIn: boolean, use: (page: Page) => Promise<T>) => {
      const context = await browser.newContext(signedIn ? { storageState: session } : {});
      try {
        return await use(await context.newPage());
      } finally {
        await context.close();
      }
    };

    const rows: { path: string; weights: Weights }[] = [];
    const signedOut = ["/", "/login", "/register"];
    for (const path of signedOut) {
      rows.push({
        path,
        weights: await firstVisit(false, (page) => weigh(page, () => page.goto(origin + path))),
      });
    }
    const queue = staticPages().filter((path) => !signedOut.includes(path));
    const visited = new Set(queue);
    while (queue.length > 0) {
      const path = queue.shift()!;
      await firstVisit(true, async (page) => {
        rows.push({ path, weights: await weigh(page, () => page.goto(origin + path)) });
        // The first detail page linked from a list: one more path segment below it.
        const detail = await page.evaluate((base) => {
          const pattern = new RegExp(`^${base}/(?!new$)[^/?#]+$`);
          return [...document.querySelectorAll("a[href]")]
            .map((a) => new URL((a as HTMLAnchorElement).href).pathname)
            .find((href) => pattern.test(href)) ?? null;
        }, path);
        if (detail && !visited.has(detail)) {
          visited.add(detail);
          queue.unshift(detail);
        }
      });
    }
    const opened = await firstVisit(true, async (page) => {
      await page.goto(`${origin}/dashboard`, { waitUntil: "networkidle" });
      // The panel's code is imported on the click: wait for the panel itself, not the idle network.
      return await weigh(page, async () => {
        await page.click("[data-floating-assistant]");
        await page.waitForSelector("[data-floating-panel] textarea");
      });
    });

    console.log(
      "Per page, KB: wire (brotli as Chromium takes it) / decoded, and JS gzipped — demo data, signed in",
    );
    console.log(
      `  ${"page".padEnd(40)} ${"HTML".padStart(15)} ${"CSS".padStart(15)} ${"JS".padStart(15)} ${
        "JS gzip".padStart(7)
      } ${"total wire".padStart(10)}`,
    );
    const cell = (entry: { wire: number; decoded: number }) =>
      `${kb(entry.wire)}/${kb(entry.decoded)}`;
    for (const { path, weights } of rows) {
      const total = weights.html.wire + weights.css.wire + weights.js.wire + weights.other.wire;
      console.log(
        `  ${path.replace(/[0-9a-f-]{36}/g, ":id").padEnd(40)} ${cell(weights.html)} ${
          cell(weights.css)
        } ${cell(weights.js)} ${kb(weights.js.gzip)} ${kb(total).padStart(10)}`,
      );
    }
    console.log(
      `\nOpening the floating assistant on /dashboard loads JS ${
        cell(opened.js)
      } KB (wire/decoded), ${kb(opened.js.gzip).trim()} KB gzipped`,
    );
  } finally {
    await browser.close();
    await server.shutdown();
    await services.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}
