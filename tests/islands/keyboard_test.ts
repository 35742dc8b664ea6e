import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { DEMO_EMAIL, DEMO_PASSWORD } from "../../scripts/seed.ts";

const NAME = "keyboard and contrast in Chromium: skip link, Escape, focus after sending, axes";
const executable = browserOrSkip(NAME);

/**
 * The contrast ratio (WCAG 2.1) of the chart's axis labels against the card behind them, with
 * both colours resolved by drawing them on a canvas (the page's colours are oklch).
 */
function axisContrast(page: Page): Promise<number> {
  return page.evaluate(() => {
    const label = document.querySelector("[data-chart] svg text")!;
    let backdrop: Element | null = label;
    let background = "rgba(0, 0, 0, 0)";
    while (backdrop && /rgba\(0, 0, 0, 0\)|transparent/.test(background)) {
      backdrop = backdrop.parentElement;
      background = backdrop ? getComputedStyle(backdrop).backgroundColor : "white";
    }
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d", { willReadFrequently: true })!;
    const srgb = (color: string) => {
      context.clearRect(0, 0, 1, 1);
      context.fillStyle = color;
      context.fillRect(0, 0, 1, 1);
      return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    };
    const luminance = (color: string) => {
      const [r, g, b] = srgb(color).map((value) => {
        const channel = value / 255;
        return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [a, b] = [luminance(getComputedStyle(label).fill), luminance(background)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

Deno.test({ name: NAME, ignore: !executable }, async (t) => {
  // The demo data gives the dashboard its charts.
  const dataDir = await Deno.makeTempDir({ prefix: "aae-keyboard-" });
  const seeded = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/seed.ts"],
    cwd: new URL("../../", import.meta.url),
    env: { DATA_DIR: dataDir, LOG_LEVEL: "error" },
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(seeded.success, new TextDecoder().decode(seeded.stderr));
  const app = await startApp({ dataDir, env: { LOG_LEVEL: "warn", GEMINI_API_KEY: "" } });
  const browser = await launchBrowser(executable!);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${app.url}/login`);
    await page.fill("#field-email", DEMO_EMAIL);
    await page.fill("#field-password", DEMO_PASSWORD);
    await page.click("button:has-text('Sign in')");
    await page.waitForURL(`${app.url}/dashboard`);

    await t.step("the first Tab reaches a skip link that jumps to the content", async () => {
      await page.keyboard.press("Tab");
      assert.equal(
        await page.evaluate(() => document.activeElement?.textContent),
        "Skip to content",
      );
      assert.ok(await page.isVisible("[data-skip-link]"), "visible once focused");
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    });

    await t.step("chart axis labels meet 4.5:1 in the light and the dark theme", async () => {
      await page.waitForSelector("[data-chart] svg text");
      const light = await axisContrast(page);
      assert.ok(light >= 4.5, `light: ${light.toFixed(2)}:1`);
      await context.addCookies([{ name: "theme", value: "dark", url: app.url }]);
      await page.reload();
      const dark = await axisContrast(page);
      assert.ok(dark >= 4.5, `dark: ${dark.toFixed(2)}:1`);
      await context.addCookies([{ name: "theme", value: "light", url: app.url }]);
    });

    await t.step("Escape closes the floating panel, even with the focus behind it", async () => {
      await page.goto(`${app.url}/campaigns`);
      await page.click("[data-floating-assistant]");
      await page.waitForSelector("[data-floating-panel] textarea");
      await page.click("h1");
      await page.keyboard.press("Escape");
      await page.waitForSelector("[data-floating-panel]", { state: "detached" });
      assert.ok(await page.isVisible("[data-floating-assistant]"));
    });

    await t.step("after sending, the focus is back in the message box", async () => {
      await page.goto(`${app.url}/assistant`);
      const box = "#chat-input-page";
      await page.waitForSelector(`${box}:not([readonly])`);
      await page.fill(box, "show my campaigns");
      await page.click("button[aria-label='Send message']");
      // The answer itself ("You have 3 campaigns: …"), not the cost line under the box.
      await page.waitForSelector("text=/You have \\d+ campaigns?/");
      await page.waitForFunction(() => document.activeElement?.id === "chat-input-page");
      await page.fill(box, "how much credit do I have left");
      await page.press(box, "Enter");
      await page.waitForSelector("text=credits left");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "chat-input-page");
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
