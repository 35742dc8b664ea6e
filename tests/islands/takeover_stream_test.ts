/**
 * The chat island in Chromium, against the event log a run taken over mid-answer leaves: the
 * first runner streamed part of the answer, then the new owner called the model again, sent the
 * `metadata.replaces` marker and streamed the whole answer. The transcript shows the answer
 * once, not the first runner's text followed by the new owner's.
 */
import assert from "node:assert/strict";
import { browserOrSkip, launchBrowser } from "../_helpers/browser.ts";
import { sharedData, startApp } from "../agent/_helpers/app_process.ts";
import { signInCookies } from "../_helpers/signed_in.ts";

const NAME = "chat island: text streamed before a takeover is replaced, not repeated";
const executable = browserOrSkip(NAME);
const PASSWORD = "takeover stream password";

Deno.test({ name: NAME, ignore: !executable }, async () => {
  const shared = await sharedData();
  const app = await startApp({ ...shared.env, GEMINI_API_KEY: "" });
  const browser = await launchBrowser(executable!);
  try {
    const { domain } = shared.open();
    const email = `takeover-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const { actor } = await domain.accounts.register({ email, password: PASSWORD });
    const conversation = await domain.conversations.create(actor, { title: "Spend" });
    const runId = crypto.randomUUID();
    const append = (
      type: "user" | "assistant" | "run",
      content: string,
      metadata: Record<string, unknown> = {},
    ) =>
      domain.conversationEvents.append(actor, conversation.id, { type, content, runId, metadata });
    const run = (status: string) => append("run", status, { status });
    await append("user", "How is spend today?");
    await run("queued");
    await run("running");
    // The first runner's text, then it lost the run.
    await append("assistant", "Spend is on ", { delta: true, stream: "model:0" });
    // The new owner calls the model again: its text replaces what the first one streamed.
    await run("running");
    await append("assistant", "", { delta: true, stream: "model:0", replaces: true });
    await append("assistant", "Spend is ", { delta: true, stream: "model:0" });
    await append("assistant", "on track.", { delta: true, stream: "model:0" });
    await append("assistant", "Spend is on track.", { final: true, message_id: "m1" });
    await run("completed");

    const context = await browser.newContext();
    await context.addCookies((await signInCookies(app.url, email, PASSWORD)).map((cookie) => ({
      ...cookie,
      url: app.url,
    })));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${app.url}/assistant/${conversation.id}`);
    await page.locator("[data-chat-item=user]").waitFor();
    // Wait for the island to have folded the whole log (the run shows as completed).
    await page.waitForFunction(
      "!document.querySelector('[data-active-run]') && " +
        "!document.querySelector('[data-chat-item=assistant][data-streaming]')",
    );
    const answers = await page.locator("[data-chat-item=assistant]").allInnerTexts();
    assert.deepEqual(answers.map((text) => text.replace("Assistant:", "").trim()), [
      "Spend is on track.",
    ]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.kill("SIGKILL");
    await shared.dispose();
  }
});
