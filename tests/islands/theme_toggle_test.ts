import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { signUpCookies } from "../_helpers/signed_in.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

const executable = browserOrSkip("ThemeToggle in Chromium");

Deno.test("ThemeToggle in Chromium", { ignore: !executable }, async (t) => {
  const server = await startApp({ cwd: root });
  const browser = await launchBrowser(executable!);
  try {
    // The device prefers dark; nothing has been chosen in the app yet.
    const context = await browser.newContext({ colorScheme: "dark" });
    // The settings pages are for signed-in users.
    const session = await signUpCookies(server.url);
    await context.addCookies(session.map((cookie) => ({ ...cookie, url: server.url })));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    /** Whether the page is drawn dark: the body's background lightness is below half. */
    const looksDark = () =>
      page.evaluate(() => {
        const color = getComputedStyle(document.body).backgroundColor;
        const [first, second, third] = color.match(/[\d.]+/g)!.map(Number);
        // Tailwind's palette is oklch (lightness 0–1); anything else reads as rgb.
        return color.startsWith("oklch") ? first < 0.5 : first + second + third < 3 * 128;
      });
    // A click that is a form submission must not happen: it would reload the page.
    let navigations = 0;
    page.on("framenavigated", () => navigations++);
    await page.goto(`${server.url}/settings/appearance`);
    const loaded = navigations;

    await t.step("with no choice made, it follows the system's dark setting", async () => {
      assert.equal(await page.textContent("[data-testid=current-theme]"), "System");
      assert.equal(await looksDark(), true);
      await page.emulateMedia({ colorScheme: "light" });
      assert.equal(await looksDark(), false, "and its light one");
      await page.emulateMedia({ colorScheme: "dark" });
    });

    await t.step("choosing light overrides the system in place", async () => {
      await page.click("[data-testid=theme-light]");
      await page.waitForFunction(() =>
        document.querySelector("[data-testid=current-theme]")?.textContent === "Light"
      );
      assert.equal(await looksDark(), false);
      assert.equal(navigations, loaded, "handled by the island, not a form post");
      const cookies = await context.cookies();
      assert.equal(cookies.find((cookie) => cookie.name === "theme")?.value, "light");
    });

    await t.step("the choice survives a reload, rendered by the server", async () => {
      const response = await page.reload();
      assert.match(await response!.text(), /<html lang="en">/);
      assert.equal(await page.textContent("[data-testid=current-theme]"), "Light");
      assert.equal(await looksDark(), false);
      await page.click("[data-testid=theme-dark]");
      await page.waitForFunction(() => document.documentElement.classList.contains("dark"));
      await page.emulateMedia({ colorScheme: "light" });
      assert.equal(await looksDark(), true, "a chosen dark ignores the system");
    });

    await t.step("choosing System follows the device again", async () => {
      await page.click("[data-testid=theme-system]");
      await page.waitForFunction(() => document.documentElement.classList.contains("system"));
      assert.equal(await looksDark(), false);
      await page.emulateMedia({ colorScheme: "dark" });
      assert.equal(await looksDark(), true);
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
