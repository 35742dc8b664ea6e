import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { signUpCookies } from "../_helpers/signed_in.ts";

const NAME = "chat without JavaScript in Chromium: server-rendered history, plain form";
const executable = browserOrSkip(NAME);

/** Reloads until `selector` matches `count` elements (the run answers in the background). */
async function reloadUntil(page: Page, selector: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await page.locator(selector).count() >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
    await page.reload();
  }
  throw new Error(`never found ${count} × ${selector}`);
}

Deno.test({ name: NAME, ignore: !executable }, async (t) => {
  const app = await startApp({ env: { LOG_LEVEL: "warn", GEMINI_API_KEY: "" } });
  const browser = await launchBrowser(executable!);
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const session = await signUpCookies(app.url);
    await context.addCookies(session.map((cookie) => ({ ...cookie, url: app.url })));
    const page = await context.newPage();
    await page.goto(`${app.url}/ad-accounts`);
    await page.fill("#field-name", "Plain Shop");
    await page.click("button:has-text('Connect account')");
    await page.waitForSelector("text=“Plain Shop” is connected.");

    await t.step("the chat shows no spinner, connection state or keyboard hints", async () => {
      await page.goto(`${app.url}/assistant`);
      for (const text of ["Loading conversation", "Connecting", "Enter to send"]) {
        assert.equal(
          await page.getByText(text).first().isVisible().catch(() => false),
          false,
          text,
        );
      }
      assert.equal(await page.locator("[data-chat-window]").isVisible(), false);
      assert.equal(await page.locator("[data-nojs-form]").isVisible(), true);
      assert.match(await page.innerText("[data-nojs-form]"), /answer appears when you reload/);
    });

    await t.step(
      "posting a message starts the conversation; a reload shows the answer",
      async () => {
        await page.fill("#chat-input-nojs", "show my campaigns");
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === "POST"),
          page.click("[data-nojs-form] button[type=submit]"),
        ]);
        assert.equal(response.status(), 303);
        await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
        assert.match(await page.innerText("main"), /answer appears when you reload/);
        const user = page.locator("[data-chat-nojs] [data-chat-item=user]");
        assert.equal(await user.count(), 1);
        assert.match(await user.innerText(), /show my campaigns/);
        await reloadUntil(page, "[data-chat-nojs] [data-run-status=completed]", 1);
        assert.equal(await page.locator("[data-chat-nojs] [data-chat-item=assistant]").count(), 1);
        // Reloading does not post again: one question, one answer.
        await page.reload();
        assert.equal(await page.locator("[data-chat-nojs] [data-chat-item=user]").count(), 1);
      },
    );

    await t.step("an approval request points to the Approvals page", async () => {
      await page.fill("#chat-input-nojs", "create a $40/day traffic campaign called Plain Boots");
      await page.click("[data-nojs-form] button[type=submit]");
      await reloadUntil(page, "[data-nojs-run=waiting_confirmation]", 1);
      const card = page.locator("[data-chat-nojs] [data-chat-item=confirmation]");
      assert.match(await card.innerText(), /Plain Boots/);
      assert.equal(await card.locator("[data-approve]").isVisible(), false);
      await page.click("[data-nojs-run] a[href='/approvals']");
      await page.waitForURL(/\/approvals$/);
    });

    await t.step("a message while the assistant waits is refused in plain words", async () => {
      await page.goBack();
      await page.fill("#chat-input-nojs", "hello?");
      await page.click("[data-nojs-form] button[type=submit]");
      assert.match(await page.innerText("main"), /still working on your previous message/);
    });
  } finally {
    await browser.close();
    await app.stop();
  }
});
