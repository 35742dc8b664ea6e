import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startApp } from "../../_helpers/app_process.ts";
import { cookieHeader, signUpCookies } from "../../_helpers/signed_in.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const IMMUTABLE = "public, max-age=31536000, immutable";
const NO_BUILD_WARNING = /no production build/;

async function get(url: string, cookie?: string): Promise<{ res: Response; body: string }> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {} });
  return { res, body: await res.text() };
}

Deno.test("deno task build, then deno task start", async (t) => {
  const outDir = await Deno.makeTempDir({ prefix: "fresh-build-test-" });
  try {
    await t.step("the build writes minified bundles, CSS and a snapshot", async () => {
      const result = await new Deno.Command(Deno.execPath(), {
        args: ["task", "build"],
        cwd: root,
        env: { FRESH_OUT_DIR: outDir },
      }).output();
      const log = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
      assert.ok(result.success, log);
      assert.match(log, /build [0-9a-f]{12} written/);
      const snapshot = JSON.parse(await Deno.readTextFile(join(outDir, "snapshot.json")));
      assert.ok(snapshot.islands.ThemeToggle);
      const css = await Deno.readTextFile(join(outDir, "static", "styles.css"));
      assert.match(css, /\.bg-indigo-600\{/, "minified Tailwind output with the app's classes");
      const island = await Deno.readTextFile(join(outDir, "js", snapshot.islands.ThemeToggle));
      assert.ok(island.split("\n").length <= 3, "minified");
    });

    const server = await startApp({ cwd: root, env: { FRESH_OUT_DIR: outDir } });
    try {
      const snapshot = JSON.parse(await Deno.readTextFile(join(outDir, "snapshot.json")));
      const buildId: string = snapshot.buildId;

      await t.step("start serves the build without bundling anything", () => {
        assert.doesNotMatch(server.output(), NO_BUILD_WARNING);
      });

      await t.step("CSS is linked with the build id and cached immutably", async () => {
        const { body } = await get(`${server.url}/`);
        const href = body.match(/<link rel="stylesheet" href="([^"]+)"/)![1];
        assert.equal(href, `/styles.css?__frsh_c=${buildId}`);
        const css = await get(server.url + href);
        assert.equal(css.res.headers.get("cache-control"), IMMUTABLE);
        assert.equal(css.body, await Deno.readTextFile(join(outDir, "static", "styles.css")));
      });

      await t.step("island modules are the built files, under the build id", async () => {
        // App pages need a session.
        const cookie = cookieHeader(await signUpCookies(server.url));
        const { body } = await get(`${server.url}/settings/appearance`, cookie);
        const preloads = [...body.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)];
        assert.ok(preloads.length >= 2);
        for (const [, url] of preloads) {
          assert.ok(url.startsWith(`/_frsh/${buildId}/js/`), url);
          const file = await get(server.url + url);
          assert.equal(file.res.headers.get("cache-control"), IMMUTABLE);
          const path = join(outDir, "js", url.slice(`/_frsh/${buildId}/js/`.length));
          assert.equal(file.body, await Deno.readTextFile(path));
        }
      });
    } finally {
      await server.stop();
    }
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }

  await t.step("without a build, start warns, builds once, and still serves CSS", async () => {
    const empty = await Deno.makeTempDir({ prefix: "fresh-no-build-" });
    const server = await startApp({ cwd: root, env: { FRESH_OUT_DIR: empty } });
    try {
      assert.match(server.output(), NO_BUILD_WARNING);
      const { body } = await get(`${server.url}/`);
      const href = body.match(/<link rel="stylesheet" href="([^"]+)"/)![1];
      const css = await get(server.url + href);
      assert.equal(css.res.status, 200);
      assert.match(css.body, /bg-indigo-600/);
    } finally {
      await server.stop();
      await Deno.remove(empty, { recursive: true });
    }
  });
});
