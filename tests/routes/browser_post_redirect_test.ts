import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";

const NAME = "real chromium: a reload after creating creates nothing; Back after sign-out is empty";
const chromium = browserOrSkip(NAME);

Deno.test({ name: NAME, ignore: !chromium }, async (t) => {
  const server = await startApp({ cwd: fileURLToPath(new URL("../../", import.meta.url)) });
  const browser = await launchBrowser(chromium!);
  try {
    const email = `prg-${Date.now()}@example.com`;
    const password = "browser test password";
    const registered = await fetch(`${server.url}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, display_name: "Reload Tester" }),
    });
    assert.equal(registered.status, 201, await registered.text());
    const page = await browser.newPage();
    await page.goto(`${server.url}/login?next=%2Fsettings%2Ftokens`);
    await page.fill("#field-email", email);
    await page.fill("#field-password", password);
    await page.click("button:has-text('Sign in')");
    await page.waitForURL(`${server.url}/settings/tokens`);

    await t.step(
      "create a token: its secret is shown once, reloading keeps one token",
      async () => {
        await page.fill("#field-name", "Reload script");
        await page.click("button:has-text('Create token')");
        await page.waitForSelector("[data-token-secret]");
        const secret = (await page.textContent("[data-token-secret]"))!.trim();
        assert.match(secret, /^aae_/);
        assert.equal(await page.locator("[data-token-id]").count(), 1);
        await page.reload();
        assert.equal(await page.locator("[data-token-id]").count(), 1, "no second token");
        assert.equal(await page.locator("[data-token-secret]").count(), 0, "shown once");
        assert.doesNotMatch(await page.content(), new RegExp(secret));
      },
    );

    await t.step("signing out, then Back, shows the sign-in page, nothing private", async () => {
      await page.goto(`${server.url}/dashboard`);
      assert.equal(await page.textContent("[data-user-name]"), "Reload Tester");
      await page.click("button:has-text('Sign out')");
      await page.waitForURL(/\/login$/);
      await page.goBack();
      await page.waitForLoadState();
      assert.match(page.url(), /\/login\?next=%2Fdashboard$/);
      const html = await page.content();
      assert.doesNotMatch(html, /Reload Tester/);
      assert.doesNotMatch(html, new RegExp(email));
      assert.equal(await page.locator("[data-user-name]").count(), 0);
    });
  } finally {
    await browser.close();
    await server.stop();
  }
});
