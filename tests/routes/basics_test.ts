/** The basics a new user expects: a favicon, no dead ends on archived campaigns or past pages. */
import assert from "node:assert/strict";
import { PageClient, pagesApp, signedUpClient } from "./_helpers/pages.ts";

Deno.test("every page links a favicon, which is served", async () => {
  const app = await pagesApp();
  const client = new PageClient(app);
  const page = await client.get("/login");
  const href = page.body.match(/<link rel="icon" href="([^"]+)" type="image\/svg\+xml"/)?.[1];
  assert.ok(href, "the icon link");
  const icon = await client.get(href);
  assert.equal(icon.status, 200);
  assert.match(icon.headers.get("content-type") ?? "", /^image\/svg\+xml/);
  assert.match(icon.body, /^<svg /);
});

Deno.test("an archived campaign's edit page says it is archived", async (t) => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app, "Archivist");
  const connected = await client.post("/ad-accounts", {
    intent: "connect",
    name: "Archive Shop",
    currency: "USD",
    timezone: "UTC",
  });
  const adAccountId = (await client.follow(connected)).body
    .match(/data-ad-account-id="([0-9a-f-]{36})"/)![1];
  const fields = {
    name: "Old Promo",
    adAccountId,
    objective: "traffic",
    budgetType: "daily",
    budgetAmount: "20",
    landingUrl: "https://shop.example.com/",
  };
  const created = await client.post("/campaigns/new", fields);
  const path = created.location!;
  await client.post(path, { action: "archive" });

  await t.step("the edit page explains instead of offering a form", async () => {
    const page = await client.get(`${path}/edit`);
    assert.equal(page.status, 200);
    assert.match(page.body, /This campaign is archived/);
    assert.doesNotMatch(page.body, /name="budgetAmount"/);
  });

  await t.step("a form posted anyway (an old tab) gets the same explanation", async () => {
    const saved = await client.post(`${path}/edit`, { ...fields, name: "Renamed" });
    assert.equal(saved.status, 409);
    assert.match(saved.body, /This campaign is archived/);
    assert.doesNotMatch(saved.body, /data-field-error/);
  });
});

Deno.test("a page past the end of a list shows an empty state, not “Showing 8–8 of 8”", async () => {
  const app = await pagesApp();
  const { client } = await signedUpClient(app, "Past The End");
  for (const path of ["/credits?skip=50", "/settings/tokens?skip=20"]) {
    if (path.startsWith("/settings")) {
      await client.post("/settings/tokens", { intent: "create", name: "One" });
    }
    const page = await client.get(path);
    assert.equal(page.status, 200, path);
    assert.match(page.body, /Nothing on this page/, path);
    assert.doesNotMatch(page.body, /Showing/, path);
    const back = page.body.match(/href="([^"]+)"[^>]*>Go to the last page/)?.[1];
    assert.ok(back, path);
    const first = await client.get(back.replaceAll("&amp;", "&"));
    assert.match(first.body, /Showing <strong>1<\/strong>/, path);
  }
});
