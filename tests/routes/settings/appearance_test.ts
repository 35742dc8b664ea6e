import assert from "node:assert/strict";
import { appHandler } from "../../_helpers/app.ts";
import { fetchText, request } from "../../_helpers/fixture_app.ts";

function form(theme: string): RequestInit {
  return { method: "POST", body: new URLSearchParams({ theme }) };
}

Deno.test("appearance settings", async (t) => {
  const app = await appHandler();

  await t.step("the page holds the ThemeToggle island as a working form", async () => {
    const { status, body } = await fetchText("/settings/appearance", undefined, app);
    assert.equal(status, 200);
    assert.match(body, /<!--frsh:island:0:ThemeToggle:default:-->/);
    assert.match(body, /<form method="post" action="\/settings\/appearance"/);
    assert.match(body, /<input type="hidden" name="theme" value="dark"\/>/);
    assert.match(body, /<script type="module">/);
  });

  await t.step("posting the form without JavaScript sets the cookie and redirects", async () => {
    const res = await request("/settings/appearance", form("dark"), app);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/settings/appearance");
    assert.match(res.headers.get("set-cookie")!, /^theme=dark; Path=\/; Max-Age=31536000/);
    const page = await fetchText(
      "/settings/appearance",
      { headers: { cookie: "theme=dark" } },
      app,
    );
    assert.match(page.body, /<html lang="en" class="dark">/);
    assert.match(page.body, /<input type="hidden" name="theme" value="light"\/>/);
  });

  await t.step("an unknown theme is rejected", async () => {
    const res = await request("/settings/appearance", form("purple"), app);
    assert.equal(res.status, 400);
    await res.body?.cancel();
  });
});
