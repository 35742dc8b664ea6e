import assert from "node:assert/strict";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { signUpCookies } from "../_helpers/signed_in.ts";

const NAME = "campaign pages in Chromium confirm a launch and a budget raise, with and without JS";
const executable = browserOrSkip(NAME);

Deno.test({ name: NAME, ignore: !executable }, async (t) => {
  const app = await startApp({ env: { LOG_LEVEL: "warn", GEMINI_API_KEY: "" } });
  const browser = await launchBrowser(executable!);
  try {
    for (const javaScriptEnabled of [false, true]) {
      const context = await browser.newContext({ javaScriptEnabled });
      const session = await signUpCookies(app.url);
      await context.addCookies(session.map((cookie) => ({ ...cookie, url: app.url })));
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

      await t.step(
        `${mode}: Launch shows the change and launches only once confirmed`,
        async () => {
          await page.goto(`${app.url}/ad-accounts`);
          await page.fill("#field-name", "Confirm Shop");
          await page.click("button:has-text('Connect account')");
          await page.waitForSelector("text=“Confirm Shop” is connected.");
          await page.goto(`${app.url}/campaigns/new`);
          await page.fill("#field-name", "Careful Launch");
          await page.fill("#field-budgetAmount", "20");
          await page.fill("#field-landingUrl", "https://shop.example.com/");
          await page.click("button:has-text('Create campaign')");
          await page.waitForSelector("text=was created as a draft");
          await page.click("button:has-text('Launch')");
          const preview = page.locator("[data-confirm-launch]");
          await preview.waitFor();
          assert.match(await preview.innerText(), /Launch “Careful Launch”\?/);
          assert.match(await preview.innerText(), /Activate campaign "Careful Launch"/);
          assert.match(await preview.locator("[data-change-field=status]").innerText(), /Active/i);
          assert.equal(await page.locator("[data-status=draft]").count(), 1, "not launched yet");
          await preview.locator("button:has-text('Launch campaign')").click();
          await page.waitForSelector("text=“Careful Launch” is live.");
          assert.equal(await page.locator("[data-confirm-launch]").count(), 0);
        },
      );

      await t.step(`${mode}: raising the budget past the threshold asks first`, async () => {
        await page.goto(`${page.url().replace(/\?.*$/, "")}/edit`);
        await page.fill("#field-budgetAmount", "50");
        await page.click("button:has-text('Save changes')");
        const preview = page.locator("[data-change-preview]");
        await preview.waitFor();
        assert.match(
          await preview.locator("[data-change-field=budgetAmountMinor]").innerText(),
          /\$20\.00[\s\S]*\$50\.00/,
        );
        await page.click("button:has-text('Confirm and save changes')");
        await page.waitForSelector("text=was saved.");
        assert.match(await page.innerText("main"), /\$50\.00 daily/);
      });
      assert.deepEqual(errors, []);
      await context.close();
    }
  } finally {
    await browser.close();
    await app.stop();
  }
});
