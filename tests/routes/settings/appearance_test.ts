import assert from "node:assert/strict";
import { pagesApp, signedUpClient } from "../_helpers/pages.ts";

Deno.test("appearance settings", async (t) => {
  const { client } = await signedUpClient(await pagesApp());

  await t.step("the page holds the ThemeToggle island as a working form", async () => {
    const { status, body } = await client.get("/settings/appearance");
    assert.equal(status, 200);
    assert.match(body, /<!--frsh:island:\d+:ThemeToggle:default:-->/);
    assert.match(body, /<form method="post" action="\/settings\/appearance"/);
    for (const theme of ["system", "light", "dark"]) {
      assert.match(body, new RegExp(`<button type="submit" name="theme" value="${theme}"`));
    }
    assert.match(body, /<html lang="en" class="system">/, "no choice yet: the system's");
    assert.match(body, /value="system" aria-pressed="true"/);
    assert.match(body, /<script type="module">/);
  });

  await t.step("posting the form without JavaScript sets the cookie and redirects", async () => {
    const res = await client.post("/settings/appearance", { theme: "dark" });
    assert.equal(res.status, 303);
    assert.equal(res.location, "/settings/appearance");
    assert.match(res.headers.get("set-cookie")!, /^theme=dark; Path=\/; Max-Age=31536000/);
    const page = await client.follow(res);
    assert.match(page.body, /<html lang="en" class="dark">/);
    assert.match(page.body, /value="dark" aria-pressed="true"/);
    const light = await client.follow(
      await client.post("/settings/appearance", { theme: "light" }),
    );
    assert.match(light.body, /<html lang="en">/);
    const system = await client.follow(
      await client.post("/settings/appearance", { theme: "system" }),
    );
    assert.match(system.body, /<html lang="en" class="system">/);
  });

  await t.step("an unknown theme is rejected", async () => {
    const res = await client.post("/settings/appearance", { theme: "purple" });
    assert.equal(res.status, 400);
  });
});
