import assert from "node:assert/strict";
import { createHandler } from "$fresh/server.ts";
import type { Manifest, MiddlewareHandler } from "$fresh/server.ts";
import manifest from "../../_fixtures/app/fresh.gen.ts";
import { fetchText } from "../../_helpers/fixture_app.ts";

/** A middleware that throws before returning anything: no promise for a `.catch` to hang on. */
const throwsSynchronously: MiddlewareHandler = () => {
  throw new Error("secret synchronous failure");
};

/** The fixture app without islands (nothing to bundle), its root middleware throwing. */
function throwingManifest(withErrorPage: boolean): Manifest {
  const routes: Manifest["routes"] = Object.fromEntries(
    Object.entries(manifest.routes).filter(([file]) =>
      withErrorPage || !file.endsWith("/_500.tsx")
    ),
  );
  routes["./routes/_middleware.ts"] = { handler: throwsSynchronously };
  return { ...manifest, routes, islands: {} };
}

async function quietly<T>(run: () => Promise<T>): Promise<{ result: T; logged: string }> {
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(...args);
  try {
    return { result: await run(), logged: errors.map(String).join(" ") };
  } finally {
    console.error = original;
  }
}

Deno.test("a middleware that throws synchronously still reaches the error page", async (t) => {
  await t.step("the app's _500 page when there is one", async () => {
    const handler = await createHandler(throwingManifest(true));
    const { result, logged } = await quietly(() => fetchText("/about", undefined, handler));
    assert.equal(result.status, 500);
    assert.match(result.body, /custom 500/);
    assert.doesNotMatch(result.body, /secret synchronous failure/);
    assert.match(logged, /secret synchronous failure/);
  });

  await t.step("the default 500 answer when the app has no _500 page", async () => {
    const handler = await createHandler(throwingManifest(false));
    const { result, logged } = await quietly(() => fetchText("/about", undefined, handler));
    assert.equal(result.status, 500);
    assert.equal(result.body, "Internal Server Error");
    assert.match(logged, /secret synchronous failure/);
  });

  await t.step("a route handler that throws synchronously", async () => {
    const routes: Manifest["routes"] = {
      ...manifest.routes,
      "./routes/sync-throw.ts": {
        handler: () => {
          throw new Error("secret handler failure");
        },
      },
    };
    const handler = await createHandler({ ...manifest, routes, islands: {} });
    const { result, logged } = await quietly(() => fetchText("/sync-throw", undefined, handler));
    assert.equal(result.status, 500);
    assert.match(result.body, /custom 500/);
    assert.match(logged, /secret handler failure/);
  });

  await t.step("also for paths that reach no route", async () => {
    const handler = await createHandler(throwingManifest(false));
    const { result } = await quietly(() => fetchText("/no/such/page", undefined, handler));
    assert.equal(result.status, 500);
    assert.equal(result.body, "Internal Server Error");
  });
});
