import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { DEMO_EMAIL, DEMO_PASSWORD } from "../../domain/demo.ts";

const NAME = "real chromium: sort the campaign table, pick dates, compare, bulk-pause, export CSV";
const chromium = browserOrSkip(NAME);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

Deno.test({ name: NAME, ignore: !chromium }, async (t) => {
  // The demo data set (60 days of metrics) in an embedded database of this test's own.
  const dataDir = await Deno.makeTempDir({ prefix: "aae-report-browser-" });
  const env = { DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "" };
  const seeded = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/seed.ts"],
    cwd: ROOT,
    env,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(seeded.success, new TextDecoder().decode(seeded.stderr));
  const server = await startApp({ cwd: ROOT, dataDir, env: { DATABASE_URL: "", REDIS_URL: "" } });
  const browser = await launchBrowser(chromium!);
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/login?next=%2Fcampaigns`);
    await page.fill("#field-email", DEMO_EMAIL);
    await page.fill("#field-password", DEMO_PASSWORD);
    await page.click("button:has-text('Sign in')");
    await page.waitForURL(`${server.url}/campaigns`);

    await t.step(
      "a metric header sorts the table on the server, marked with aria-sort",
      async () => {
        await page.click("th a:has-text('Spend')");
        await page.waitForURL(/sort=-spend/);
        assert.equal(
          await page.getAttribute("th:has(a:has-text('Spend'))", "aria-sort"),
          "descending",
        );
        const spends = await page.$$eval(
          "tr[data-campaign-id] td:nth-child(5)",
          (cells) => cells.map((cell) => Number(cell.textContent!.replace(/[^\d.]/g, ""))),
        );
        assert.ok(spends.length >= 2);
        assert.deepEqual(spends, [...spends].sort((a, b) => b - a));
      },
    );

    await t.step("a custom range from two date inputs, labelled on screen", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const day = (offset: number) =>
        new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
      await page.fill("[data-custom-range] input[name=from]", day(-14));
      await page.fill("[data-custom-range] input[name=to]", day(-1));
      await page.click("[data-custom-range] button:has-text('Apply dates')");
      await page.waitForURL(/range=custom/);
      assert.match(page.url(), new RegExp(`from=${day(-14)}&to=${day(-1)}`));
      assert.match(page.url(), /sort=-spend/, "the sort is kept");
      assert.match((await page.textContent("[data-range-label]"))!, /^[A-Z][a-z]{2} \d+ – /);
    });

    await t.step("the dashboard tiles show the change against the previous period", async () => {
      await page.goto(`${server.url}/dashboard?range=last_14_days`);
      const changes = await page.$$eval(
        "[data-change]",
        (nodes) => nodes.map((n) => n.textContent),
      );
      assert.equal(changes.length, 6);
      for (const change of changes) assert.match(change!, /([↑↓] [+−]\d[\d,]*\.\d%|0\.0%|—)/);
      assert.match((await page.textContent("[data-range-picker]"))!, /Compared with /);
    });

    await t.step("select two active campaigns and pause them in one action", async () => {
      await page.goto(`${server.url}/campaigns?status=active`);
      const boxes = page.locator("tr[data-campaign-id] input[type=checkbox]");
      assert.ok(await boxes.count() >= 2);
      await boxes.nth(0).check();
      await boxes.nth(1).check();
      await page.click("button[name=action][value=pause]");
      await page.waitForSelector("[data-bulk-results]");
      assert.match(page.url(), /\/campaigns\?status=active$/);
      assert.equal(await page.locator("[data-bulk-results] li[data-outcome=done]").count(), 2);
    });

    await t.step("the table downloads as CSV", async () => {
      await page.goto(`${server.url}/campaigns?range=last_30_days`);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("a:has-text('Export CSV')"),
      ]);
      assert.match(
        download.suggestedFilename(),
        /^campaigns-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/,
      );
      const text = await Deno.readTextFile((await download.path())!);
      const lines = text.trimEnd().split("\r\n");
      assert.match(lines[0], /^from,to,campaign_id,campaign,/);
      assert.ok(lines.length >= 3);
      assert.equal(lines.filter((line) => /,paused,/.test(line)).length >= 2, true);
    });
  } finally {
    await browser.close();
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
