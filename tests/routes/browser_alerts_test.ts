/**
 * Real Chromium on an alert's page: the chart draws the baseline band and the marked day, its
 * axis text has at least 4.5:1 contrast against the card and no two labels overlap, and a next
 * step is confirmed from its preview and lands back on the alert with the campaign paused.
 */
import assert from "node:assert/strict";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { spikedCampaign } from "./_helpers/alerts.ts";
import { pagesApp, signedUpClient } from "./_helpers/pages.ts";

const NAME = "real chromium: an alert's chart is legible and a next step is confirmed";
const chromium = browserOrSkip(NAME);

Deno.test({
  name: NAME,
  ignore: !chromium,
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const app = await pagesApp();
  const controller = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen() {} },
    app.handler,
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launchBrowser(chromium!);
  try {
    const { domain } = app.services;
    const { email, password } = await signedUpClient(app, "Chart Viewer");
    const { actor } = await domain.accounts.authenticate({ email, password });
    const { adAccountId, campaignId, yesterday } = await spikedCampaign(app, actor);
    const [alert] = (await domain.alerts.detect(adAccountId)).raised;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/login?next=${encodeURIComponent(`/alerts/${alert.id}`)}`);
    await page.fill("#field-email", email);
    await page.fill("#field-password", password);
    await page.click("button:has-text('Sign in')");
    await page.waitForURL(`${base}/alerts/${alert.id}`);

    await t.step("the band and the anomalous day are drawn", async () => {
      const band = await page.locator("[data-baseline-band] rect").boundingBox();
      assert.ok(band && band.height > 1 && band.width > 100, "a visible band");
      const mark = await page.locator(`[data-anomaly-mark="${yesterday}"]`).boundingBox();
      assert.ok(mark && mark.width > 1, "the day is marked");
      assert.equal(await page.locator("circle[data-anomalous]").count(), 1);
    });

    await t.step("axis text: 4.5:1 contrast, no overlapping labels", async () => {
      const result = await page.evaluate(() => {
        // Computed colours may be oklch(): a canvas pixel turns any CSS colour into sRGB.
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 1;
        const context = canvas.getContext("2d", { willReadFrequently: true })!;
        const parse = (color: string) => {
          context.clearRect(0, 0, 1, 1);
          context.fillStyle = color;
          context.fillRect(0, 0, 1, 1);
          return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)];
        };
        const luminance = ([r, g, b]: number[]) => {
          const channel = (value: number) => {
            const c = value / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          };
          return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
        };
        // The card the chart sits on: the nearest ancestor with a background.
        let element: Element | null = document.querySelector("[data-chart]");
        let background = "rgb(255, 255, 255)";
        while (element) {
          const color = getComputedStyle(element).backgroundColor;
          if (color && !/rgba\(0, 0, 0, 0\)|transparent/.test(color)) {
            background = color;
            break;
          }
          element = element.parentElement;
        }
        const texts = [...document.querySelectorAll("[data-x-tick], [data-y-tick]")];
        const ratios = texts.map((text) => {
          const [a, b] = [
            luminance(parse(getComputedStyle(text).fill)),
            luminance(parse(background)),
          ];
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        });
        const boxes = (selector: string) =>
          [...document.querySelectorAll(selector)].map((node) => node.getBoundingClientRect());
        const overlaps = (list: DOMRect[]) =>
          list.some((a, i) =>
            list.some((b, j) =>
              i < j && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
            )
          );
        return {
          count: texts.length,
          minRatio: Math.min(...ratios),
          xOverlap: overlaps(boxes("[data-x-tick]")),
          yOverlap: overlaps(boxes("[data-y-tick]")),
        };
      });
      assert.ok(result.count >= 4, `axis labels drawn: ${result.count}`);
      assert.ok(result.minRatio >= 4.5, `contrast ${result.minRatio.toFixed(2)}:1`);
      assert.equal(result.xOverlap, false, "date labels overlap");
      assert.equal(result.yOverlap, false, "value labels overlap");
    });

    await t.step("pause: preview, confirm, back on the alert", async () => {
      await page.click("[data-next-step='pause'] a");
      await page.waitForSelector("[data-confirm-step='pause'] [data-preview]");
      assert.equal((await domain.campaigns.get(actor, campaignId)).status, "active");
      await page.click("[data-confirm-step='pause'] button[data-confirm]");
      await page.waitForURL(`${base}/alerts/${alert.id}`);
      await page.waitForSelector("text=is paused");
      assert.equal((await domain.campaigns.get(actor, campaignId)).status, "paused");
    });
  } finally {
    await browser.close();
    controller.abort();
    await server.finished;
  }
});
