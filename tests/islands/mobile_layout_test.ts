import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { signUpCookies } from "../_helpers/signed_in.ts";

const NAME = "390 px wide in Chromium: the chat box and the current menu item are in view";
const executable = browserOrSkip(NAME);

/** Whether `locator` lies entirely inside the viewport and inside `within` (when given). */
async function fullyVisible(page: Page, locator: Locator, within?: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  if (!box) return false;
  const inViewport = box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width &&
    box.y + box.height <= viewport.height;
  if (!within) return inViewport;
  const outer = (await within.boundingBox())!;
  return inViewport && box.x >= outer.x && box.x + box.width <= outer.x + outer.width;
}

Deno.test({ name: NAME, ignore: !executable }, async (t) => {
  const app = await startApp({ env: { LOG_LEVEL: "warn", GEMINI_API_KEY: "" } });
  const browser = await launchBrowser(executable!);
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const session = await signUpCookies(app.url);
    await context.addCookies(session.map((cookie) => ({ ...cookie, url: app.url })));
    const page = await context.newPage();
    const menu = page.locator('nav[aria-label="Main"]');

    for (const path of ["/settings", "/assistant", "/credits"]) {
      await t.step(`${path}: the current menu item is scrolled into view`, async () => {
        await page.goto(`${app.url}${path}`);
        const current = menu.locator("[aria-current=page]");
        assert.ok(await fullyVisible(page, current, menu), path);
      });
    }

    await t.step("the assistant's message box is on the first screen", async () => {
      await page.goto(`${app.url}/assistant`);
      const input = page.locator("#chat-input-page");
      await input.waitFor();
      assert.ok(await fullyVisible(page, input), JSON.stringify(await input.boundingBox()));
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});
