import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";

const NAME = "real chromium: sign in, create a campaign through the form, see it listed";
const chromium = browserOrSkip(NAME);

Deno.test({ name: NAME, ignore: !chromium }, async (t) => {
  const server = await startApp({ cwd: fileURLToPath(new URL("../../", import.meta.url)) });
  const browser = await launchBrowser(chromium!);
  try {
    const email = `browser-${Date.now()}@example.com`;
    const password = "browser test password";
    const registered = await fetch(`${server.url}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, display_name: "Browser Tester" }),
    });
    const registration = await registered.json();
    assert.equal(registered.status, 201, JSON.stringify(registration));
    const page = await browser.newPage();

    await t.step("the login form signs in and lands where it was asked to", async () => {
      await page.goto(`${server.url}/campaigns`);
      assert.match(page.url(), /\/login\?next=%2Fcampaigns$/);
      await page.fill("#field-email", email);
      await page.fill("#field-password", password);
      await page.click("button:has-text('Sign in')");
      await page.waitForURL(`${server.url}/campaigns`);
      assert.equal(await page.textContent("[data-user-name]"), "Browser Tester");
    });

    await t.step("connect a sandbox account through its form", async () => {
      await page.goto(`${server.url}/ad-accounts`);
      await page.fill("#field-name", "Browser Shop");
      await page.click("button:has-text('Connect account')");
      await page.waitForSelector("text=“Browser Shop” is connected.");
    });

    await t.step("create a campaign through the form and find it in the list", async () => {
      await page.goto(`${server.url}/campaigns/new`);
      await page.fill("#field-name", "Browser Campaign");
      await page.selectOption("#field-objective", "leads");
      await page.fill("#field-budgetAmount", "42.50");
      await page.fill("#field-countries", "DE, AT");
      await page.click("button:has-text('Create campaign')");
      await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
      assert.match(await page.textContent("h1") ?? "", /Browser Campaign/);
      assert.ok(await page.isVisible("text=$42.50 daily"));
      await page.click("a:has-text('← Campaigns')");
      await page.waitForURL(`${server.url}/campaigns`);
      const row = page.locator("tr", { hasText: "Browser Campaign" });
      assert.equal(await row.count(), 1);
      assert.match(await row.innerText(), /Draft/);
    });

    await t.step("the bell counts a new notification live", async () => {
      await page.waitForSelector('[data-notification-bell="0"]');
      const sent = await fetch(`${server.url}/api/v1/notifications/test`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${registration.data.access_token}`,
        },
        body: JSON.stringify({ title: "Spend stopped", severity: "critical" }),
      });
      assert.equal(sent.status, 201, await sent.text());
      // No reload: the island hears it over the stream.
      await page.waitForSelector('[data-notification-bell="1"]');
      assert.match(await page.innerText("[data-notification-bell]"), /1 unread notification/);
    });
  } finally {
    await browser.close();
    await server.stop();
  }
});
