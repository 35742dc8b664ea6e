/**
 * The runner tells the model which zone the user's "today" is in: the zone the user's accounts
 * share, else the user's own (`metrics.timeZone`); the system message names that day.
 */
import assert from "node:assert/strict";
import { dateOf } from "../../../domain/dates.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { finished, openRuntime, ScriptModel, waitForRun } from "./_helpers.ts";

backendTest("agent runs pass the user's reporting time zone to the model", async (t, backend) => {
  const { domain } = backend;

  const zoneSeen = async (actor: Awaited<ReturnType<typeof registerUser>>) => {
    const model = new ScriptModel([{ content: "Done." }]);
    const runtime = await openRuntime(backend, model);
    try {
      const submitted = await runtime.submit(actor, { content: "how did we do yesterday?" });
      const view = await waitForRun(runtime, actor, submitted.runId, finished);
      assert.equal(view.status, "completed", JSON.stringify(view));
      const [request] = model.requests;
      const system = request.messages.find((message) => message.role === "system");
      // The runtime runs on the system clock: the model is told today's date in that zone.
      const today = dateOf(new Date(), request.timeZone ?? "UTC");
      assert.match(
        system?.content ?? "",
        new RegExp(`Today is ${today} in the ${request.timeZone}`),
      );
      return request.timeZone;
    } finally {
      await runtime.drain();
    }
  };

  await t.step("one account: its zone", async () => {
    const actor = await registerUser(domain, "west");
    await domain.adAccounts.connectSandbox(actor, {
      name: "West",
      timezone: "America/Los_Angeles",
    });
    assert.equal(await zoneSeen(actor), "America/Los_Angeles");
  });

  await t.step("accounts in several zones: the user's own", async () => {
    const actor = await registerUser(domain, "mixed");
    await domain.accounts.updateProfile(actor, { timezone: "Europe/Paris" });
    await domain.adAccounts.connectSandbox(actor, { name: "Tokyo", timezone: "Asia/Tokyo" });
    await domain.adAccounts.connectSandbox(actor, { name: "UTC" });
    assert.equal(await zoneSeen(actor), "Europe/Paris");
  });
});
