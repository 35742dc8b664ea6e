/**
 * Real Chromium, the credits dead end undone: a user at 0 credits sees in a sentence why the
 * assistant can't answer (sending is off, never the raw error line); an admin, promoted with
 * `deno task admin promote`, grants credits on the admin page; the user's menu balance and the
 * chat's cost line update without a reload, and so does the balance after a run charges for its
 * answer. A user who is not an admin gets 403 on the admin page.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { cookieHeader, type SessionCookie, signInCookies } from "../_helpers/signed_in.ts";

const NAME = "credits in Chromium: out of credits, an admin's grant, the balance live";
const executable = browserOrSkip(NAME);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PASSWORD = "credits browser password";

/** Registers `email` through the form and signs in; answers the session cookies. */
async function signUp(baseUrl: string, email: string): Promise<SessionCookie[]> {
  const response = await fetch(`${baseUrl}/register`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: baseUrl, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD }),
  });
  await response.body?.cancel();
  assert.equal(response.status, 303, "registered");
  return await signInCookies(baseUrl, email, PASSWORD);
}

/** The balance the menu shows. */
async function menuBalance(page: Page): Promise<number> {
  return Number(await page.getAttribute("aside [data-credit-balance]", "data-credit-balance"));
}

Deno.test({ name: NAME, ignore: !executable }, async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "aae-credits-browser-" });
  // New users start at 0 credits; the offline assistant (no GEMINI_API_KEY) answers.
  const app = await startApp({
    dataDir,
    env: { LOG_LEVEL: "warn", GEMINI_API_KEY: "", SIGNUP_CREDITS: "0" },
  });
  const browser = await launchBrowser(executable!);
  try {
    const stamp = Date.now();
    const userEmail = `credits-user-${stamp}@example.com`;
    const adminEmail = `credits-admin-${stamp}@example.com`;
    const userCookies = await signUp(app.url, userEmail);
    const adminCookies = await signUp(app.url, adminEmail);
    const promoted = await new Deno.Command(Deno.execPath(), {
      args: ["task", "-q", "admin", "promote", adminEmail],
      cwd: ROOT,
      env: { DATA_DIR: dataDir, LOG_LEVEL: "warn" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(promoted.success, new TextDecoder().decode(promoted.stderr));

    const pageFor = async (cookies: SessionCookie[]) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies(cookies.map((cookie) => ({ ...cookie, url: app.url })));
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      return { page, errors };
    };
    const user = await pageFor(userCookies);
    const admin = await pageFor(adminCookies);

    await t.step("at 0 credits the chat says why in a sentence and does not send", async () => {
      await user.page.goto(`${app.url}/assistant`);
      const notice = user.page.locator("[data-credit-notice=out]");
      await notice.waitFor();
      assert.match(
        await notice.innerText(),
        /You're out of credits, so the assistant can't answer until more are added\.\s+How to get more credits/,
      );
      assert.equal(await menuBalance(user.page), 0);
      await user.page.fill("#chat-input-page", "show my campaigns");
      assert.equal(await user.page.isDisabled("button[aria-label='Send message']"), true);
      assert.doesNotMatch(await user.page.innerText("body"), /insufficient credits/i);
      // Marks this document: a reload would lose it.
      await user.page.evaluate(() => Object.assign(window, { sameDocument: true }));
    });

    await t.step("a user who is not an admin gets 403 on the admin page", async () => {
      const response = await fetch(`${app.url}/admin/credits`, {
        headers: { cookie: cookieHeader(userCookies) },
      });
      assert.equal(response.status, 403);
      assert.match(await response.text(), /Only admins can see this page/);
    });

    await t.step("the admin grants credits with a reason on the admin page", async () => {
      await admin.page.goto(`${app.url}/credits`);
      await admin.page.click("nav a:has-text('Admin')");
      await admin.page.waitForURL(`${app.url}/admin/credits`);
      const row = admin.page.locator(`[data-usage-user="${userEmail}"]`);
      assert.equal(await row.locator("[data-usage-balance]").innerText(), "0");
      await admin.page.fill("#field-email", userEmail);
      await admin.page.fill("#field-amount", "40");
      await admin.page.fill("#field-reason", "Welcome to the pilot");
      await admin.page.click("[data-grant-form] button[type=submit]");
      await admin.page.waitForSelector(`text=Granted 40 credits to ${userEmail}`);
      assert.equal(await row.locator("[data-usage-balance]").innerText(), "40");
    });

    await t.step("the user's menu and chat show the grant without a reload", async () => {
      await user.page.waitForSelector("aside [data-credit-balance='40']");
      const line = user.page.locator("[data-credit-notice=ok]");
      await line.waitFor();
      assert.equal(await line.innerText(), "A message costs about 2 credits; you have 40.");
      assert.equal(await user.page.isDisabled("button[aria-label='Send message']"), false);
      assert.equal(await user.page.evaluate(() => "sameDocument" in window), true);
    });

    await t.step("a run's charge lowers the menu balance live", async () => {
      await user.page.press("#chat-input-page", "Enter");
      await user.page.waitForFunction(() => {
        const balance = document.querySelector("aside [data-credit-balance]");
        return Number(balance?.getAttribute("data-credit-balance")) < 40;
      });
      const balance = await menuBalance(user.page);
      assert.ok(balance > 0 && balance < 40, `balance ${balance}`);
      assert.equal(await user.page.evaluate(() => "sameDocument" in window), true);
      await user.page.goto(`${app.url}/credits`);
      assert.match(await user.page.innerText("main"), /Welcome to the pilot/);
      assert.match(await user.page.innerText("[data-more-credits]"), /Ask your admin/);
    });

    assert.deepEqual([...user.errors, ...admin.errors], []);
  } finally {
    await browser.close();
    await app.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
