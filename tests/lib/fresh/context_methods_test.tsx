import assert from "node:assert/strict";
import { createHandler } from "$fresh/server.ts";
import type { FreshContext, Manifest } from "$fresh/server.ts";
import manifest from "../../_fixtures/app/fresh.gen.ts";
import { fetchText } from "../../_helpers/fixture_app.ts";

/** The fixture app without islands (nothing to bundle) plus `routes`. */
function withRoutes(routes: Manifest["routes"]): Manifest {
  return { ...manifest, routes: { ...manifest.routes, ...routes }, islands: {} };
}

Deno.test("ctx methods work when taken off the context, as with Fresh", async (t) => {
  const handler = await createHandler(withRoutes({
    "./routes/destructured.tsx": {
      handler: {
        GET: (_req: Request, { render }: FreshContext) => render("taken off"),
      },
      default: ({ data }: { data: string }) => <h1>{data}</h1>,
    },
    "./routes/destructured-missing.ts": {
      handler: (_req: Request, { renderNotFound }: FreshContext) => renderNotFound(),
    },
    "./routes/_middleware.ts": {
      handler: (_req: Request, { next }: FreshContext) => next(),
    },
  }));

  await t.step("render and next", async () => {
    const res = await fetchText("/destructured", undefined, handler);
    assert.equal(res.status, 200);
    assert.match(res.body, /<h1>taken off<\/h1>/);
  });

  await t.step("renderNotFound", async () => {
    const res = await fetchText("/destructured-missing", undefined, handler);
    assert.equal(res.status, 404);
    assert.match(res.body, /custom 404/);
  });

  await t.step("an async route's context has them too", async () => {
    const res = await fetchText("/async?v=7", undefined, handler);
    assert.match(res.body, /<h1>async 7 at \/async<\/h1>/);
  });
});
