import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { cookieHeader, signUpCookies } from "../_helpers/signed_in.ts";

const NAME = "assistant chat in Chromium: approve, reject, tables, floating panel";
const executable = browserOrSkip(NAME);

/** Types a message into the chat box and sends it with Enter. */
async function say(page: Page, text: string, input = "#chat-input-page") {
  await page.fill(input, text);
  await page.press(input, "Enter");
}

Deno.test({ name: NAME, ignore: !executable }, async (t) => {
  // Quiet logs; the offline assistant (no GEMINI_API_KEY) answers deterministically.
  const app = await startApp({
    // Re-check sockets' sign-ins every second, so signing out shows up within the test.
    env: { LOG_LEVEL: "warn", GEMINI_API_KEY: "", CHAT_REVALIDATE_INTERVAL_MS: "1000" },
  });
  const browser = await launchBrowser(executable!);
  try {
    const session = await signUpCookies(app.url);
    const context = await browser.newContext();
    await context.addCookies(session.map((cookie) => ({ ...cookie, url: app.url })));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const campaigns = async () => {
      const response = await fetch(`${app.url}/api/v1/campaigns?limit=100`, {
        headers: { cookie: cookieHeader(session) },
      });
      assert.equal(response.status, 200);
      const body = await response.json() as {
        items: { name: string; budgetAmountMinor?: number; budget_amount_minor?: number }[];
      };
      return body.items;
    };

    await t.step("connect a sandbox account for the assistant to use", async () => {
      await page.goto(`${app.url}/ad-accounts`);
      await page.fill("#field-name", "Chat Shop");
      await page.click("button:has-text('Connect account')");
      await page.waitForSelector("text=“Chat Shop” is connected.");
    });

    let conversationUrl = "";
    await t.step("a create request stops at an approval card with the exact preview", async () => {
      await page.goto(`${app.url}/assistant`);
      assert.equal(await page.locator("[data-floating-assistant]").count(), 0);
      await say(page, "create a $40/day traffic campaign called Winter Boots");
      const card = page.locator("[data-chat-item=confirmation]");
      await card.locator("[data-approve]").waitFor();
      assert.match(await card.innerText(), /Create traffic campaign "Winter Boots" on "Chat Shop"/);
      const budget = card.locator("[data-change-field=budgetAmountMinor]");
      assert.match(await budget.innerText(), /Budget\s+—\s+\$40\.00/);
      assert.match(await card.locator("[data-change-field=name]").innerText(), /Winter Boots/);
      assert.equal(
        await page.getAttribute("[data-active-run]", "data-active-run"),
        "waiting_confirmation",
      );
      // The page now has the conversation's own address and the list shows it.
      await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
      conversationUrl = page.url();
      assert.match(
        await page.locator("[data-conversation-list] a[aria-current=page]").innerText(),
        /create a \$40\/day traffic campaign/,
      );
      assert.equal((await campaigns()).length, 0, "nothing is created before approval");
    });

    await t.step("approving applies it once; another tab sees the decision", async () => {
      const other = await context.newPage();
      await other.goto(conversationUrl);
      await other.locator("[data-chat-item=confirmation] [data-approve]").waitFor();
      assert.match(
        await other.locator("[data-conversation-list] li:has([data-awaiting-approval])")
          .innerText(),
        /create a \$40\/day traffic campaign[\s\S]*Needs your approval/,
      );
      await page.click("[data-chat-item=confirmation] [data-approve]");
      await page.waitForSelector("[data-chat-item=confirmation][data-decision=approve]");
      assert.equal(await page.locator("[data-chat-item=confirmation] button").count(), 0);
      await page.waitForSelector("[data-run-status=completed]");
      const answer = page.locator("[data-chat-item=assistant]").last();
      assert.match(await answer.innerText(), /Created “Winter Boots”/);
      assert.equal(await answer.locator("[data-embedded=card]").count(), 1);
      assert.equal(await page.locator("[data-chat-item=assistant]").count(), 1, "shown once");
      await other.waitForSelector("[data-chat-item=confirmation][data-decision=approve]");
      assert.equal(await other.locator("[data-chat-item=confirmation] button").count(), 0);
      await other.close();
      const created = (await campaigns()).filter((campaign) => campaign.name === "Winter Boots");
      assert.equal(created.length, 1);
      assert.equal(created[0].budget_amount_minor ?? created[0].budgetAmountMinor, 4000);
    });

    await t.step("a reload replays the history without duplicates", async () => {
      await page.reload();
      await page.waitForSelector("[data-run-status=completed]");
      assert.equal(await page.locator("[data-chat-item=user]").count(), 1);
      assert.equal(await page.locator("[data-chat-item=assistant]").count(), 1);
      assert.equal(await page.locator("[data-chat-item=confirmation]").count(), 1);
      assert.equal(await page.locator("[data-awaiting-approval]").count(), 0, "decided");
    });

    await t.step("“show my campaigns” renders a table", async () => {
      await say(page, "show my campaigns");
      const table = page.locator("[data-embedded=table]");
      await table.waitFor();
      assert.match(await table.innerText(), /Winter Boots[\s\S]*Draft/);
      assert.equal(await table.locator("a[href^='/campaigns/']").count(), 1);
      await page.waitForSelector("[data-run-status=completed] >> nth=1");
    });

    await t.step("rejecting changes nothing and the assistant says so", async () => {
      await page.click("[data-new-conversation]");
      await page.waitForURL(`${app.url}/assistant`);
      await say(page, "create a $25/day traffic campaign called Summer Sandals");
      await page.click("[data-chat-item=confirmation] [data-reject]");
      await page.waitForSelector("[data-chat-item=confirmation][data-decision=reject]");
      await page.waitForSelector("[data-run-status=completed]");
      assert.match(
        await page.locator("[data-chat-item=assistant]").last().innerText(),
        /I did not create “Summer Sandals”[\s\S]*rejected/,
      );
      const names = (await campaigns()).map((campaign) => campaign.name);
      assert.deepEqual(names, ["Winter Boots"]);
      assert.equal(await page.locator("[data-conversation-list] li").count(), 2);
    });

    await t.step(
      "the floating assistant opens the latest conversation on other pages",
      async () => {
        await page.goto(`${app.url}/campaigns`);
        await page.click("[data-floating-assistant]");
        const panel = page.locator("[data-floating-panel]");
        await panel.locator("[data-run-status=completed]").waitFor();
        assert.match(await panel.innerText(), /Summer Sandals/);
        assert.match(
          await panel.locator("[data-full-page]").getAttribute("href") ?? "",
          /\/assistant\/[0-9a-f-]{36}$/,
        );
        await page.keyboard.press("Escape");
        await page.locator("[data-floating-assistant]").waitFor();
      },
    );

    await t.step("signing out in another tab stops the chat with a way back in", async () => {
      await page.goto(conversationUrl);
      await page.locator("[data-run-status=completed]").first().waitFor();
      const other = await context.newPage();
      await other.goto(`${app.url}/settings`);
      await other.click("button:has-text('Sign out')");
      await other.waitForURL(/\/login/);
      const expired = page.locator("[data-connection=expired]");
      await expired.waitFor();
      assert.match(await expired.innerText(), /Session expired — sign in again/);
      assert.match(await expired.locator("a").getAttribute("href") ?? "", /^\/login\?next=/);
      await page.fill("#chat-input-page", "are you there?");
      assert.equal(await page.locator("button[aria-label='Send message']").isDisabled(), true);
      assert.match(
        await page.innerText("form:has(#chat-input-page)"),
        /Sign in again to keep chatting/,
      );
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.stop();
  }
});
