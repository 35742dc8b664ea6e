import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { startApp } from "../_helpers/app_process.ts";
import { signUpCookies } from "../_helpers/signed_in.ts";

const NAME = "chat on the wire in Chromium: history once, approval badges live";
const executable = browserOrSkip(NAME);

/** What one page sent and received over `/ws/chat`, frame by frame. */
interface Wire {
  sent: { type: string }[];
  events: { type: string; metadata: { conversation_id: string; seq: number } }[];
}

/** Records every `/ws/chat` frame of `page` from now on. */
function watchWire(page: Page): Wire {
  const wire: Wire = { sent: [], events: [] };
  page.on("websocket", (socket) => {
    socket.on("framesent", (frame) => {
      if (typeof frame.payload === "string") wire.sent.push(JSON.parse(frame.payload));
    });
    socket.on("framereceived", (frame) => {
      if (typeof frame.payload !== "string") return;
      const message = JSON.parse(frame.payload);
      if (typeof message.metadata?.seq === "number") wire.events.push(message);
    });
  });
  return wire;
}

Deno.test({ name: NAME, ignore: !executable }, async (t) => {
  const app = await startApp({ env: { LOG_LEVEL: "warn", GEMINI_API_KEY: "" } });
  const browser = await launchBrowser(executable!);
  try {
    const context = await browser.newContext();
    const session = await signUpCookies(app.url);
    await context.addCookies(session.map((cookie) => ({ ...cookie, url: app.url })));
    const chat = await context.newPage();
    const errors: string[] = [];
    chat.on("pageerror", (error) => errors.push(error.message));
    await chat.goto(`${app.url}/ad-accounts`);
    await chat.fill("#field-name", "Wire Shop");
    await chat.click("button:has-text('Connect account')");
    await chat.waitForSelector("text=“Wire Shop” is connected.");

    // Open before anything waits for approval: its badges can only change live.
    const dashboard = await context.newPage();
    await dashboard.goto(`${app.url}/dashboard`);
    assert.equal(await dashboard.locator("[data-pending-approvals]").count(), 0);
    // Wait until the dashboard listens, so what follows is not missed before it subscribed.
    await dashboard.locator("[data-live-attention=listening]").waitFor({ state: "attached" });

    let conversationUrl = "";
    await t.step(
      "an approval request shows up in another tab's menu without a reload",
      async () => {
        await chat.goto(`${app.url}/assistant`);
        await chat.fill("#chat-input-page", "create a $40/day traffic campaign called Wire Boots");
        await chat.press("#chat-input-page", "Enter");
        await chat.locator("[data-chat-item=confirmation] [data-approve]").waitFor();
        await chat.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
        conversationUrl = chat.url();
        await dashboard.locator("[data-pending-approvals]").waitFor();
      },
    );

    const viewer = await context.newPage();
    await t.step("opening the conversation sends one resume, each event once", async () => {
      const wire = watchWire(viewer);
      await viewer.goto(conversationUrl);
      await viewer.locator("[data-chat-item=confirmation] [data-approve]").waitFor();
      assert.equal(await viewer.locator("[data-awaiting-approval]").count(), 1);
      const resumes = wire.sent.filter((message) => message.type === "resume");
      assert.equal(resumes.length, 1, JSON.stringify(resumes));
      const seqs = wire.events.map((event) => event.metadata.seq);
      assert.ok(seqs.length >= 3, `the history arrived: ${seqs}`);
      assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), "each once, in order");
    });

    await t.step("deciding clears the badges in the other tabs live", async () => {
      await viewer.locator("[data-live-attention=listening]").waitFor({ state: "attached" });
      await chat.click("[data-chat-item=confirmation] [data-approve]");
      await chat.waitForSelector("[data-run-status=completed]");
      await dashboard.locator("[data-pending-approvals]").waitFor({ state: "detached" });
      await viewer.locator("[data-awaiting-approval]").waitFor({ state: "detached" });
    });

    await t.step("a new request marks the conversation in the list live", async () => {
      await chat.fill("#chat-input-page", "create a $30/day traffic campaign called Wire Hats");
      await chat.press("#chat-input-page", "Enter");
      await chat.locator("[data-chat-item=confirmation] [data-approve]").last().waitFor();
      await viewer.locator("[data-conversation-list] [data-awaiting-approval]").waitFor();
      await dashboard.locator("[data-pending-approvals]").waitFor();
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.stop();
  }
});
