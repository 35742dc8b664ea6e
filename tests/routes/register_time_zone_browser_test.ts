/** A new user registered in a real browser starts in the browser's time zone. */
import assert from "node:assert/strict";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { scratchDatabaseUrl } from "../_helpers/backend.ts";

const NAME = "real chromium: registration takes the browser's time zone";
const chromium = browserOrSkip(NAME);

Deno.test({ name: NAME, ignore: !chromium }, async () => {
  // With DATABASE_URL, a database of the test's own (the shared one may be another branch's).
  const databaseUrl = await scratchDatabaseUrl("aae_register_time_zone");
  const server = await startApp({
    env: { ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), LOG_LEVEL: "warn" },
  });
  const browser = await launchBrowser(chromium!);
  try {
    const context = await browser.newContext({ timezoneId: "Asia/Tokyo", locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(`${server.url}/register`);
    assert.equal(await page.inputValue("input[name=timeZone]"), "Asia/Tokyo");
    await page.fill("#field-email", `tokyo-${Date.now()}@example.com`);
    await page.fill("#field-password", "browser test password");
    await page.click("button:has-text('Create account')");
    await page.waitForURL(`${server.url}/dashboard`);
    await page.goto(`${server.url}/settings`);
    assert.equal(await page.inputValue("#field-timezone"), "Asia/Tokyo");
    await page.goto(`${server.url}/settings/tokens`);
    await page.fill("#field-name", "Laptop");
    await page.click("button:has-text('Create token')");
    // The token list shows when it was made, on a Tokyo clock (English names the zone by offset).
    await page.waitForSelector("text=GMT+9");
  } finally {
    await browser.close();
    await server.stop();
  }
});
