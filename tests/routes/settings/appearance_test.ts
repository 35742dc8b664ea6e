import assert from "node:assert/strict";
import { pagesApp, signedUpClient } from "../_helpers/pages.ts";

Deno.test("appearance settings", async (t) => {
  const { client } = await signedUpClient(await pagesApp());

  await t.step("the page holds the ThemeToggle island as a working form", async () => {
    const { status, body } = await client.get("/settings/appearance");
    assert.equal(status, 200);
    assert.match(body, /<!--frsh:island:\d+:ThemeToggle:default:-->/);
    assert.match(body, /<form method="post" action="\/settings\/appearance"/);
    assert.match(body, /<input type="hidden" name="theme" value="dark"\/>/);
    assert.match(body, /<script type="module">/);
  });

  await t.step("posting the form without JavaScript sets the cookie and redirects", async () => {
    const res = await client.post("/settings/appearance", { theme: "dark" });
    assert.equal(res.status, 303);
    assert.equal(res.location, "/settings/appearance");
    assert.match(res.headers.get("set-cookie")!, /^theme=dark; Path=\/; Max-Age=31536000/);
    const page = await client.follow(res);
    assert.match(page.body, /<html lang="en" class="dark">/);
    assert.match(page.body, /<input type="hidden" name="theme" value="light"\/>/);
  });

  await t.step("an unknown theme is rejected", async () => {
    const res = await client.post("/settings/appearance", { theme: "purple" });
    assert.equal(res.status, 400);
  });
});
