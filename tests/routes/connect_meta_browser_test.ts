/**
 * End to end in a real Chromium against the real app process and a local Meta fake the test
 * starts: connect a Meta account through the OAuth flow (Connect → Meta's consent dialog →
 * callback → account picker), watch the 90-day backfill progress on the account page, ask the
 * offline assistant to raise a campaign's budget, approve, and find the new budget on the fake
 * exactly once, in Meta's unit (cents for USD).
 *
 * Runs on the embedded default, and on MariaDB + Redis when DATABASE_URL / REDIS_URL are set.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { backendName } from "../_helpers/backend.ts";
import { signUpCookies } from "../_helpers/signed_in.ts";
import { sharedData, startApp } from "../agent/_helpers/app_process.ts";
import { FakeClock } from "../fakes/_shared.ts";
import { startMetaFake } from "../fakes/meta/server.ts";

const NAME = `[${backendName()}] real chromium: connect Meta by OAuth, backfill, ` +
  "raise a budget through the assistant";
const executable = browserOrSkip(NAME);

async function say(page: Page, text: string) {
  await page.fill("#chat-input-page", text);
  await page.press("#chat-input-page", "Enter");
}

Deno.test({
  name: NAME,
  ignore: !executable,
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const meta = startMetaFake({ clock: new FakeClock(Date.now()) });
  const metaAccount = meta.addAccount({
    name: "Fake Meta shop",
    currency: "USD",
    timezone: "America/Los_Angeles",
  });
  const campaignId = meta.seedCampaign(metaAccount, {
    name: "Evergreen traffic",
    dailyBudget: 5_000,
    activeSince: Date.now() - 120 * 86_400_000,
  });
  // Slow enough insights answers that the backfill's progress can be seen moving.
  meta.insightsDelayMs = 700;
  const shared = await sharedData();
  const app = await startApp({
    ...shared.env,
    GEMINI_API_KEY: "",
    META_APP_ID: meta.app.clientId,
    META_APP_SECRET: meta.app.clientSecret,
    META_API_BASE_URL: meta.url,
    META_LOGIN_BASE_URL: meta.url,
    WORKFLOW_POLL_MS: "200",
  });
  const browser = await launchBrowser(executable!);
  try {
    const session = await signUpCookies(app.url);
    const context = await browser.newContext();
    await context.addCookies(session.map((cookie) => ({ ...cookie, url: app.url })));
    const page = await context.newPage();

    let accountPage = "";
    await t.step("Connect Meta: consent, then the account picker", async () => {
      await page.goto(`${app.url}/ad-accounts`);
      await page.click("[data-connect=meta]");
      await page.waitForURL(/\/ad-accounts\/picker\/[0-9a-f-]{36}$/);
      const choice = page.locator("[data-picker-account]");
      assert.equal(await choice.count(), 1);
      assert.match(await choice.innerText(), new RegExp(`Fake Meta shop\\s+${metaAccount}`));
      await page.click("button:has-text('Connect selected accounts')");
      await page.waitForURL(/\/ad-accounts\/[0-9a-f-]{36}$/);
      accountPage = page.url();
      await page.waitForSelector("text=“Fake Meta shop” is connected");
    });

    await t.step("the account page shows the backfill progressing to 90 days", async () => {
      const seen = new Set<string>();
      const deadline = Date.now() + 90_000;
      for (;;) {
        // The page reloads itself every few seconds while the backfill works.
        const progress = await page.locator("[data-backfill-progress]").innerText()
          .catch(() => null);
        if (progress) seen.add(progress.trim());
        if ((await page.locator("[data-backfill=succeeded]").count()) > 0) break;
        assert.ok(Date.now() < deadline, `backfill did not finish; saw ${[...seen]}`);
        await page.waitForTimeout(200);
      }
      assert.equal(await page.locator("[data-backfill-progress]").innerText(), "90 / 90 days");
      const partial = [...seen].filter((text) => text !== "90 / 90 days");
      assert.ok(partial.length > 0, `only the end was seen: ${[...seen]}`);
      assert.notEqual(await page.locator("[data-sync-last]").innerText(), "Not yet");
      assert.notEqual(await page.locator("[data-sync-next]").innerText(), "None planned");
    });

    await t.step("the assistant raises the budget after approval, once, in cents", async () => {
      await page.goto(`${app.url}/assistant`);
      await say(page, "raise the daily budget of Evergreen traffic to $60");
      const card = page.locator("[data-chat-item=confirmation]");
      await card.locator("[data-approve]").waitFor({ timeout: 60_000 });
      assert.match(await card.innerText(), /\$50\.00[\s\S]*\$60\.00/);
      assert.equal(meta.campaigns.get(campaignId)!.dailyBudget, 5_000, "not before approval");
      await page.click("[data-chat-item=confirmation] [data-approve]");
      await page.waitForSelector("[data-run-status=completed]", { timeout: 60_000 });
      const onMeta = meta.campaigns.get(campaignId)!;
      assert.equal(onMeta.dailyBudget, 6_000);
      assert.equal(onMeta.updates, 1);
      // The account page reads it back the same.
      await page.goto(accountPage.replace(/\/ad-accounts\/.*/, "/campaigns"));
      assert.ok(await page.isVisible("text=$60.00"));
    });
  } finally {
    await browser.close();
    await app.stop();
    await meta.close();
    await shared.dispose();
  }
});
