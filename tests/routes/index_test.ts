import assert from "node:assert/strict";
import { appHandler } from "../_helpers/app.ts";
import { fetchText } from "../_helpers/fixture_app.ts";

Deno.test("landing page", async (t) => {
  const app = await appHandler();
  const { status, body } = await fetchText("/", undefined, app);

  await t.step("says what AAE is", () => {
    assert.equal(status, 200);
    assert.match(body, /Chat-first ad operations/);
    assert.match(body, /Reads real data/);
    assert.match(body, /Acts through tools/);
    assert.match(body, /Asks before spending/);
  });

  await t.step("leads to sign-up first, sign-in second", () => {
    assert.match(body, /<a href="\/register"[^>]*data-sign-up[^>]*>Create your free account<\/a>/);
    const register = body.indexOf('href="/register"');
    assert.ok(register >= 0 && body.includes('href="/login"'));
    assert.doesNotMatch(body, /href="\/dashboard"/, "no dead end into the app for visitors");
  });

  await t.step("ships no JavaScript", () => {
    assert.doesNotMatch(body, /<script/);
    assert.doesNotMatch(body, /modulepreload/);
  });

  await t.step("links the stylesheet with the build id", () => {
    assert.match(body, /<link rel="stylesheet" href="\/styles\.css\?__frsh_c=[0-9a-f]{12}"\/>/);
  });

  await t.step("renders the theme from the cookie, the system's by default", async () => {
    assert.match(body, /<html lang="en" class="system">/);
    const dark = await fetchText("/", { headers: { cookie: "a=b; theme=dark" } }, app);
    assert.match(dark.body, /<html lang="en" class="dark">/);
    const light = await fetchText("/", { headers: { cookie: "theme=light" } }, app);
    assert.match(light.body, /<html lang="en">/);
  });
});
