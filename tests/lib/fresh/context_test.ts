import assert from "node:assert/strict";
import { fetchText, request } from "../../_helpers/fixture_app.ts";

Deno.test("request pipeline of the fixture app", async (t) => {
  await t.step("index, static and grouped routes render inside _app and layouts", async () => {
    const home = await fetchText("/");
    assert.equal(home.status, 200);
    assert.match(home.headers.get("content-type")!, /^text\/html/);
    assert.match(home.body, /^<!DOCTYPE html><html><head><title>fixture<\/title>/);
    assert.match(home.body, /<div id="app"><div data-layout="root"><h1>home<\/h1><\/div><\/div>/);
    const pricing = await fetchText("/pricing");
    assert.match(
      pricing.body,
      /<div data-layout="root"><section data-layout="marketing"><h1>pricing<\/h1>/,
    );
    assert.equal((await fetchText("/about")).status, 200);
  });

  await t.step("a static segment beats a dynamic one; params are decoded", async () => {
    assert.match((await fetchText("/users/new")).body, /<h1>new user form<\/h1>/);
    assert.match((await fetchText("/users/a%20b")).body, /<h1>user a b<\/h1>/);
  });

  await t.step("a catch-all matches its folder and any depth", async () => {
    assert.match((await fetchText("/docs")).body, /<h1>docs \[\]<\/h1>/);
    assert.match((await fetchText("/docs/a/b/c")).body, /<h1>docs \[a\/b\/c\]<\/h1>/);
  });

  await t.step("middlewares run outer to inner and share state with the page", async () => {
    const admin = await fetchText("/admin");
    assert.match(admin.body, /<h1>admin sees root>admin>admin-2<\/h1>/);
    assert.equal(admin.headers.get("x-trail"), "root,admin,admin-2");
    const denied = await fetchText("/admin?deny");
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get("x-trail"), "root,admin");
    // The admin middleware does not run outside its folder.
    assert.equal((await fetchText("/about")).headers.get("x-trail"), "root");
  });

  await t.step("a (group) middleware covers exactly the group's routes", async () => {
    assert.equal((await fetchText("/pricing")).headers.get("x-trail"), "root,marketing");
    assert.equal((await fetchText("/")).headers.get("x-trail"), "root");
    assert.equal((await fetchText("/missing-page")).headers.get("x-trail"), "root");
  });

  await t.step("layouts nest outer to inner, async layouts included", async () => {
    const admin = await fetchText("/admin");
    assert.match(admin.body, /<div data-layout="root"><main data-layout="admin"><h1>admin sees/);
  });

  await t.step("skipAppWrapper and skipInheritedLayouts", async () => {
    const bare = await fetchText("/admin/bare");
    assert.equal(bare.body, "<!DOCTYPE html><html><body><h1>bare</h1></body></html>");
  });

  await t.step("ctx.render passes data, status and headers; renderNotFound", async () => {
    const greet = await fetchText("/greet?name=Ada");
    assert.equal(greet.status, 202);
    assert.equal(greet.headers.get("x-greeting"), "yes");
    assert.match(greet.body, /<h1>hello Ada<\/h1>/);
    const missing = await fetchText("/greet");
    assert.equal(missing.status, 404);
    assert.match(missing.body, /custom 404 for \/greet/);
  });

  await t.step("async route components get (req, ctx) and may return a Response", async () => {
    assert.match((await fetchText("/async?v=7")).body, /<h1>async 7 at \/async<\/h1>/);
    const redirect = await request("/async?v=redirect");
    assert.equal(redirect.status, 307);
    assert.equal(redirect.headers.get("location"), "/");
  });

  await t.step("unknown paths render _404 inside _app and root layouts", async () => {
    const res = await fetchText("/nope/nothing");
    assert.equal(res.status, 404);
    assert.match(res.body, /<div data-layout="root"><h1>custom 404 for \/nope\/nothing<\/h1>/);
    assert.equal(res.headers.get("x-trail"), "root");
  });

  await t.step("errors render _500 and never reach the client", async () => {
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const res = await fetchText("/boom");
      assert.equal(res.status, 500);
      assert.match(res.body, /custom 500/);
      assert.doesNotMatch(res.body, /secret failure detail|at .*\.tsx?:\d+/);
    } finally {
      console.error = original;
    }
    assert.match(String(errors.flat().join(" ")), /secret failure detail/);
  });

  await t.step("method handlers: HEAD from GET, 405 with Allow", async () => {
    const head = await request("/api/methods", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("x-method"), "GET");
    assert.equal(await head.text(), "");
    const post = await fetchText("/api/methods", { method: "POST", body: "x" });
    assert.equal(post.status, 201);
    assert.equal(post.body, "posted x");
    const put = await request("/api/methods", { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, POST, HEAD");
    await put.body?.cancel();
    const pagePost = await request("/about", { method: "POST" });
    assert.equal(pagePost.status, 405);
    assert.equal(pagePost.headers.get("allow"), "GET, HEAD");
    await pagePost.body?.cancel();
    const pageHead = await request("/about", { method: "HEAD" });
    assert.equal(pageHead.status, 200);
    assert.equal(await pageHead.text(), "");
  });

  await t.step("a handler function answers every method", async () => {
    for (const method of ["GET", "POST", "DELETE"]) {
      const res = await fetchText("/api/any", { method });
      assert.deepEqual(JSON.parse(res.body), { method });
    }
  });

  await t.step("<Head> children land in the document head", async () => {
    const about = await fetchText("/about");
    assert.match(about.body, /<meta name="description" content="about page"\/><\/head>/);
  });
});
