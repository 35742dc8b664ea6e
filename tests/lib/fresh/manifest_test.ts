import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { manifestSource } from "$fresh/src/dev/manifest.ts";

const fixture = fileURLToPath(new URL("../../_fixtures/app", import.meta.url));

Deno.test("manifest generation", async (t) => {
  const source = await manifestSource(fixture);

  await t.step("matches the committed fixture manifest", async () => {
    assert.equal(source, await Deno.readTextFile(`${fixture}/fresh.gen.ts`));
  });

  await t.step("lists routes and islands in nested folders with unique names", () => {
    assert.match(source, /"\.\/routes\/\(marketing\)\/pricing\.tsx": \$marketing_pricing,/);
    assert.match(source, /"\.\/islands\/nested\/Panel\.tsx": \$nested_Panel,/);
    const names = [...source.matchAll(/^import \* as (\S+)/gm)].map((m) => m[1]);
    assert.equal(new Set(names).size, names.length);
  });
});
