import assert from "node:assert/strict";
import { deserialize } from "$fresh/src/serializer.ts";
import { browserOrSkip, launchBrowser } from "../../_helpers/browser.ts";
import { fetchText, fixtureHandler, request } from "../../_helpers/fixture_app.ts";

function islandState(html: string): Record<string, unknown>[] {
  const match = html.match(/<script id="__FRSH_STATE" type="application\/json">(.*?)<\/script>/);
  assert.ok(match, "page has island state");
  return deserialize(match[1]) as Record<string, unknown>[];
}

Deno.test("islands on the server", async (t) => {
  await t.step("a page without islands ships no JavaScript at all", async () => {
    for (const path of ["/", "/about", "/admin", "/nope"]) {
      const { body } = await fetchText(path);
      assert.doesNotMatch(body, /<script/, path);
      assert.doesNotMatch(body, /modulepreload/, path);
    }
  });

  const { body } = await fetchText("/islands");

  await t.step("islands render between markers, a slot holds server-rendered children", () => {
    assert.match(
      body,
      /<!--frsh:island:0:Counter:default:--><button type="button" data-counter="first">first: 0<\/button><!--\/frsh:island:0-->/,
    );
    assert.match(body, /<!--frsh:island:1:nested\/Panel:Panel:children-->/);
    assert.match(
      body,
      /<!--frsh:slot:1:children--><p>server text<\/p><!--frsh:island:2:Counter:default:-->/,
    );
  });

  await t.step("props are serialized once, with types and shared signals intact", () => {
    const [first, panel, second] = islandState(body);
    assert.equal(first.count, second.count, "one signal for both counters");
    assert.equal(first.label, "first");
    const meta = panel.meta as { created: Date; tags: Set<string> };
    assert.ok(meta.created instanceof Date);
    assert.deepEqual([...meta.tags], ["a", "b"]);
    assert.equal("children" in panel, false, "slots are not serialized");
  });

  await t.step("unserializable props fail the page with a message naming the island", async () => {
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(...args);
    try {
      const res = await fetchText("/bad-props");
      assert.equal(res.status, 500);
      assert.match(res.body, /custom 500/);
    } finally {
      console.error = original;
    }
    const error = logged.find((item) => item instanceof Error) as Error;
    assert.match(error.message, /island props must be serializable \(islands: Counter#default\)/);
  });

  await t.step("the boot module and every chunk are preloaded and immutable", async () => {
    const preloads = [...body.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) =>
      m[1]
    );
    assert.ok(preloads.length >= 3, "boot, islands and the shared chunk");
    const script = body.match(/<script type="module">(.*?)<\/script>/)![1];
    for (const url of script.matchAll(/from"([^"]+)"/g)) assert.ok(preloads.includes(url[1]));
    for (const url of preloads) {
      assert.match(url, /^\/_frsh\/[0-9a-f]{12}\/js\//);
      const res = await request(url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
      assert.match(res.headers.get("content-type")!, /^text\/javascript/);
      await res.body?.cancel();
    }
  });

  await t.step("chunks only a dynamic import() reaches are served, not preloaded", async () => {
    const preloads = new Set([...body.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((
      m,
    ) => m[1]));
    const lazy: string[] = [];
    for (const url of preloads) {
      const code = await (await request(url)).text();
      for (const [, target] of code.matchAll(/import\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g)) {
        lazy.push(new URL(target, new URL(url, "http://localhost")).pathname);
      }
    }
    // LazyNote's chunk, and the boot script's own (devalue, signals) for pages that need them.
    const texts: string[] = [];
    for (const url of lazy) {
      assert.ok(!preloads.has(url), `${url} is not preloaded`);
      const res = await request(url);
      assert.equal(res.status, 200, url);
      texts.push(await res.text());
    }
    assert.ok(texts.some((text) => /loaded on demand/.test(text)), "LazyNote's chunk is served");
  });
});

const executable = browserOrSkip("islands hydrate in Chromium");

Deno.test("islands hydrate in Chromium", { ignore: !executable }, async (t) => {
  const handler = await fixtureHandler();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const browser = await launchBrowser(executable!);
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${server.addr.port}/islands`);

    await t.step("a shared signal updates both islands, including one inside a slot", async () => {
      await page.click("[data-counter=first]");
      await page.waitForFunction(() =>
        document.querySelector("[data-counter=second]")?.textContent === "second: 1"
      );
      await page.click("[data-counter=second]");
      await page.waitForFunction(() =>
        document.querySelector("[data-counter=first]")?.textContent === "first: 2"
      );
    });

    await t.step("the outer island hydrated with revived props and kept its slot", async () => {
      assert.equal(await page.textContent("[data-toggle]"), "hide (2026, a+b)");
      await page.click("[data-toggle]");
      await page.waitForFunction(() =>
        document.querySelector("[data-toggle]")?.textContent?.startsWith("show")
      );
      assert.equal(await page.textContent("[data-panel] p"), "server text");
      assert.equal(await page.locator("[data-counter]").count(), 2, "no island rendered twice");
    });

    await t.step("a chunk reached only by a dynamic import() is served", async () => {
      await page.click("[data-lazy-note]");
      await page.waitForFunction(() =>
        document.querySelector("[data-lazy-note]")?.textContent === "loaded on demand"
      );
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
