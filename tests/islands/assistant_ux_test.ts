/**
 * The assistant as an advertiser meets it, in Chromium with the offline assistant: accounts in
 * two currencies are reported in a table per currency; "create an active campaign" asks for one
 * approval that creates and launches it; conversations are renamed and deleted from the list;
 * the runs page is in the menu and says what each run did.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { scratchDatabaseUrl } from "../_helpers/backend.ts";
import { signUpCookies } from "../_helpers/signed_in.ts";

const NAME = "assistant in Chromium: per-currency tables, create and launch, rename, delete, runs";
const executable = browserOrSkip(NAME);

async function say(page: Page, text: string) {
  await page.fill("#chat-input-page", text);
  await page.press("#chat-input-page", "Enter");
}

async function connect(page: Page, baseUrl: string, name: string, currency: string) {
  await page.goto(`${baseUrl}/ad-accounts`);
  await page.fill("#field-name", name);
  await page.selectOption("select[name=currency]", currency);
  await page.click("button:has-text('Connect account')");
  await page.waitForSelector(`text=“${name}” is connected.`);
}

Deno.test({ name: NAME, ignore: !executable }, async (t) => {
  // With DATABASE_URL set, a scratch database of its own (the shared one may hold other branches').
  const databaseUrl = await scratchDatabaseUrl("aae_browser_assistant_ux");
  const app = await startApp({
    env: {
      LOG_LEVEL: "warn",
      GEMINI_API_KEY: "",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
  });
  const browser = await launchBrowser(executable!);
  try {
    const session = await signUpCookies(app.url);
    const context = await browser.newContext();
    await context.addCookies(session.map((cookie) => ({ ...cookie, url: app.url })));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    await t.step("connect a EUR and a USD account", async () => {
      await connect(page, app.url, "Berlin Shop", "EUR");
      await connect(page, app.url, "Boston Shop", "USD");
    });

    await t.step(
      "“how did my campaigns do last week?” answers with a table per currency",
      async () => {
        await page.goto(`${app.url}/assistant`);
        await say(page, "how did my campaigns do last week?");
        await page.waitForSelector("[data-run-status=completed]");
        const answer = page.locator("[data-chat-item=assistant]").last();
        const text = await answer.innerText();
        assert.match(text, /one table per currency/);
        assert.doesNotMatch(text, /different currencies; choose one account/);
        const tables = answer.locator("table");
        assert.equal(await tables.count(), 2);
        assert.match(await tables.nth(0).innerText(), /Berlin Shop\s+€0\.00/);
        assert.match(await tables.nth(1).innerText(), /Boston Shop\s+\$0\.00/);
      },
    );

    await t.step("an active campaign is created and launched after one approval", async () => {
      await page.click("[data-new-conversation]");
      await page.waitForURL(`${app.url}/assistant`);
      await say(page, "create an active $50/day sales campaign called Spring Sale on Boston Shop");
      const card = page.locator("[data-chat-item=confirmation]");
      await card.locator("[data-approve]").waitFor();
      assert.match(await card.innerText(), /Create and launch sales campaign "Spring Sale"/);
      assert.match(await card.innerText(), /Boston Shop/);
      await card.locator("[data-approve]").click();
      await page.waitForSelector("[data-run-status=completed]");
      const answer = page.locator("[data-chat-item=assistant]").last();
      assert.match(await answer.innerText(), /Created and launched “Spring Sale”/);
      assert.equal(await page.locator("[data-chat-item=confirmation]").count(), 1, "asked once");
    });

    await t.step("rename the conversation from the list", async () => {
      const item = page.locator("[data-conversation-list] li:has(a[aria-current=page])");
      await item.locator("[data-conversation-actions] summary").click();
      await item.locator("[data-rename-conversation] input[name=title]").fill("Spring launch");
      await item.locator("[data-rename-conversation] button").click();
      await page.waitForSelector("text=Renamed to “Spring launch”.");
      assert.equal(
        await page.locator(
          "[data-conversation-list] a[aria-current=page] [data-conversation-title]",
        )
          .innerText(),
        "Spring launch",
      );
      assert.equal(await page.innerText("[data-conversation-heading]"), "Spring launch");
    });

    await t.step("delete asks for confirmation, then removes it", async () => {
      const item = page.locator("[data-conversation-list] li:has(a[aria-current=page])");
      await item.locator("[data-conversation-actions] summary").click();
      await item.locator("[data-delete-conversation-link]").click();
      await page.waitForSelector("[data-delete-conversation]");
      assert.match(await page.innerText("main"), /Delete “Spring launch” and its messages\?/);
      await page.click("button:has-text('Delete conversation')");
      await page.waitForURL(`${app.url}/assistant`);
      await page.waitForSelector("text=Deleted “Spring launch”.");
      const titles = await page.locator("[data-conversation-list] [data-conversation-title]")
        .allInnerTexts();
      assert.ok(!titles.includes("Spring launch"), titles.join(", "));
      assert.equal(titles.length, 1);
    });

    await t.step("Runs is in the menu; each row says what the run did", async () => {
      await page.click("nav[aria-label=Main] a[href='/runs']");
      await page.waitForURL(`${app.url}/runs`);
      const summaries = await page.locator("[data-run-kind=chat] [data-run-summary-text]")
        .allInnerTexts();
      assert.deepEqual(summaries, [
        "Created and launched Spring Sale",
        "Answered: how did my campaigns do last week?",
      ]);
      await page.click("[data-run-kind=chat] >> nth=0 >> a[href^='/runs/']");
      assert.equal(
        await page.innerText("[data-run-plain-summary]"),
        "Created and launched Spring Sale.",
      );
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.stop();
  }
});
