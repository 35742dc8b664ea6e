import assert from "node:assert/strict";
import { fetchText } from "../_helpers/fixture_app.ts";
import { pagesApp, signedUpClient } from "./_helpers/pages.ts";

const pages: [string, string][] = [
  ["/dashboard", "Dashboard"],
  ["/campaigns", "Campaigns"],
  ["/ad-accounts", "Ad accounts"],
  ["/approvals", "Approvals"],
  ["/changes", "Change history"],
  ["/credits", "Credits"],
  ["/assistant", "Assistant"],
  ["/settings", "Settings"],
];

Deno.test("app shell", async (t) => {
  const shell = await pagesApp();
  const app = shell.handler;

  await t.step("every section renders in the navigation frame, marked current", async () => {
    const { client } = await signedUpClient(shell, "Shell Tester");
    for (const [path, title] of pages) {
      const { status, body } = await client.get(path);
      assert.equal(status, 200, path);
      assert.match(body, new RegExp(`<h1[^>]*>${title}</h1>`), path);
      assert.match(body, /<nav aria-label="Main"/, path);
      assert.match(body, new RegExp(`<a href="${path}" aria-current="page"`), path);
      assert.match(body, /data-user-name[^>]*>Shell Tester</, path);
      assert.match(body, /data-credit-balance="100"/, path);
    }
  });

  await t.step("unknown pages get the styled 404", async () => {
    const { status, body } = await fetchText("/no/such/page", undefined, app);
    assert.equal(status, 404);
    assert.match(body, /Page not found/);
    assert.match(body, /<link rel="stylesheet"/);
  });

  await t.step("GET /healthz answers ok", async () => {
    const { status, body } = await fetchText("/healthz", undefined, app);
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(body), { status: "ok" });
  });

  await t.step("styles.css is compiled Tailwind, not the source file", async () => {
    const { status, headers, body } = await fetchText("/styles.css", undefined, app);
    assert.equal(status, 200);
    assert.equal(headers.get("content-type"), "text/css; charset=utf-8");
    assert.doesNotMatch(body, /@import "tailwindcss"/);
    assert.match(body, /\.bg-indigo-600/);
  });
});
