import assert from "node:assert/strict";
import { demoClient, PageClient, pagesApp } from "./_helpers/pages.ts";

Deno.test("pages without islands ship no JavaScript", async () => {
  const app = await pagesApp();
  const client = await demoClient(app);
  const campaign = (await client.get("/campaigns")).body.match(/data-campaign-id="([^"]+)"/)![1];
  const pages = [
    "/campaigns",
    "/campaigns/new",
    `/campaigns/${campaign}/edit`,
    "/ad-accounts",
    "/credits",
    "/settings",
    "/settings/tokens",
  ];
  for (const path of pages) {
    const { status, body } = await client.get(path);
    assert.equal(status, 200, path);
    assert.doesNotMatch(body, /<script/, path);
    assert.doesNotMatch(body, /modulepreload/, path);
  }
  const anonymous = new PageClient(app);
  for (const path of ["/login", "/register"]) {
    const { status, body } = await anonymous.get(path);
    assert.equal(status, 200, path);
    assert.doesNotMatch(body, /<script/, path);
  }
});
