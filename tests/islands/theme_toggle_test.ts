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
    const context = await browser.newContext();
    // The settings pages are for signed-in users.
    const session = await signUpCookies(server.url);
    await context.addCookies(session.map((cookie) => ({ ...cookie, url: server.url })));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const isDark = () => page.evaluate(() => document.documentElement.classList.contains("dark"));
    // A click that is a form submission must not happen: it would reload the page.
    let navigations = 0;
    page.on("framenavigated", () => navigations++);
    await page.goto(`${server.url}/settings/appearance`);
    const loaded = navigations;

    await t.step("starts light, as rendered by the server", async () => {
      assert.equal(await page.textContent("[data-testid=current-theme]"), "Light");
      assert.equal(await isDark(), false);
    });

    await t.step("clicking switches to dark in place", async () => {
      await page.click("[data-testid=theme-toggle]");
      await page.waitForFunction(() =>
        document.querySelector("[data-testid=current-theme]")?.textContent === "Dark"
      );
      assert.equal(await isDark(), true);
      assert.equal(navigations, loaded, "handled by the island, not a form post");
      const cookies = await context.cookies();
      assert.equal(cookies.find((cookie) => cookie.name === "theme")?.value, "dark");
    });

    await t.step("the choice survives a reload, rendered dark by the server", async () => {
      const response = await page.reload();
      assert.match(await response!.text(), /<html lang="en" class="dark">/);
      assert.equal(await page.textContent("[data-testid=current-theme]"), "Dark");
      await page.click("[data-testid=theme-toggle]");
      await page.waitForFunction(() => !document.documentElement.classList.contains("dark"));
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
