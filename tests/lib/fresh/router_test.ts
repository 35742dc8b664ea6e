import assert from "node:assert/strict";
import fc from "fast-check";
import {
  comparePatterns,
  compilePattern,
  findRoute,
  indexRoutes,
  matchPattern,
  pathToPattern,
} from "$fresh/src/server/router.ts";

Deno.test("router", async (t) => {
  await t.step("file paths become URL patterns", () => {
    const cases: [string, string][] = [
      ["index", "/"],
      ["about", "/about"],
      ["blog/index", "/blog"],
      ["users/[id]", "/users/:id"],
      ["users/[id]/edit", "/users/:id/edit"],
      ["docs/[...path]", "/docs/:path*"],
      ["(marketing)/pricing", "/pricing"],
      ["(app)/settings/(tabs)/index", "/settings"],
      ["files/[name].json", "/files/:name.json"],
    ];
    for (const [path, pattern] of cases) assert.equal(pathToPattern(path), pattern, path);
  });

  await t.step("static segments sort before dynamic, dynamic before catch-all", () => {
    const patterns = ["/users/:id", "/:rest*", "/users/new", "/users", "/users/:id/edit", "/"];
    const sorted = patterns.map(compilePattern).sort(comparePatterns).map((p) => p.pattern);
    assert.deepEqual(sorted, [
      "/",
      "/users",
      "/users/new",
      "/users/:id",
      "/users/:id/edit",
      "/:rest*",
    ]);
  });

  await t.step("the first match is static wherever another match is dynamic (property)", () => {
    const segments = fc.array(fc.option(fc.constantFrom("a", "b"), { nil: null }), {
      minLength: 1,
      maxLength: 3,
    });
    // null stands for a parameter; each gets its own name, as URLPattern requires.
    const toPattern = (parts: (string | null)[]) =>
      "/" + parts.map((part, i) => part ?? `:p${i}`).join("/");
    const isDynamic = (pattern: string, i: number) => pattern.split("/")[i + 1].startsWith(":");
    fc.assert(
      fc.property(
        fc.uniqueArray(segments.map(toPattern), { maxLength: 6 }),
        fc.array(fc.constantFrom("a", "b", "x"), { minLength: 1, maxLength: 3 }),
        (texts, parts) => {
          const routes = texts.map(compilePattern).sort(comparePatterns);
          const path = "/" + parts.join("/");
          const matching = routes.filter((route) => matchPattern(route, path));
          const [winner, ...others] = matching;
          for (const other of others) {
            const differs = parts.findIndex((_, i) =>
              isDynamic(winner.pattern, i) !== isDynamic(other.pattern, i)
            );
            assert.ok(differs >= 0 && !isDynamic(winner.pattern, differs));
          }
        },
      ),
    );
  });

  await t.step("the route index finds what trying every pattern in order finds (property)", () => {
    const segment = fc.constantFrom("a", "b", ":id", ":rest*", "a-:id");
    const pattern = fc.array(segment, { minLength: 0, maxLength: 3 }).map((parts) => {
      // A catch-all only ends a pattern, and parameter names must differ within one.
      const cut = parts.findIndex((part) => part.endsWith("*"));
      const kept = cut < 0 ? parts : parts.slice(0, cut + 1);
      return "/" + kept.map((part, i) => part.replace(/:(\w+)/, `:$1${i}`)).join("/");
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(pattern, { maxLength: 8 }),
        fc.array(fc.constantFrom("a", "b", "a-1", "x"), { maxLength: 4 }),
        (texts, parts) => {
          const routes = texts.map(compilePattern).sort(comparePatterns);
          const path = "/" + parts.join("/");
          const linear = routes.find((route) => matchPattern(route, path));
          const found = findRoute(indexRoutes(routes), path);
          assert.equal(found?.route, linear);
          if (linear) assert.deepStrictEqual(found?.params, matchPattern(linear, path));
        },
      ),
      { numRuns: 500 },
    );
  });

  await t.step("params are decoded; catch-alls match their folder", () => {
    assert.deepEqual(matchPattern(compilePattern("/users/:id"), "/users/a%2Fb"), { id: "a/b" });
    assert.deepEqual(matchPattern(compilePattern("/docs/:path*"), "/docs"), { path: "" });
    assert.deepEqual(matchPattern(compilePattern("/docs/:path*"), "/docs/x/y"), { path: "x/y" });
    assert.equal(matchPattern(compilePattern("/users/:id"), "/users"), null);
  });
});
