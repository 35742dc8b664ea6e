/**
 * `list_alerts` and `explain_alert` through a real MCP client: the alerts of the user (never
 * another's), and one alert's explanation with its next steps.
 */
import assert from "node:assert/strict";
import { connectInProcess } from "../../../mcp/mod.ts";
import { addDays, dateOf } from "../../../domain/dates.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { steadyHistory, writeHistory } from "../../domain/alerts/_history.ts";
import { call, structured, testServices, textOf } from "./_helpers.ts";

const DAY_MS = 86_400_000;

backendTest("MCP alert tools: list and explain", async (t, backend) => {
  const services = await testServices(backend);
  const { domain } = backend;
  const actor = await registerUser(domain, "owner");
  const other = await registerUser(domain, "other");
  const adAccountId = await connectAccount(domain, actor);
  const past = backend.domainWith({
    clock: { now: () => new Date(backend.clock.now().getTime() - 70 * DAY_MS) },
  });
  const campaign = await createCampaign(past, actor, adAccountId, {
    name: "Spring Sale",
    budgetAmountMinor: 20_000,
  });
  await past.campaigns.resume(actor, campaign.id);
  // Yesterday it stopped delivering.
  const yesterday = addDays(dateOf(backend.clock.now()), -1);
  await writeHistory(
    backend.db,
    { userId: actor.userId, adAccountId, campaignId: campaign.id },
    steadyHistory(yesterday).filter((day) => day.date !== yesterday),
  );
  const report = await domain.alerts.detect(adAccountId);
  assert.equal(report.raised.length, 1);
  const alertId = report.raised[0].id;

  const client = await connectInProcess(services, actor, { clock: backend.clock });
  const intruder = await connectInProcess(services, other, { clock: backend.clock });
  try {
    await t.step("list_alerts: the user's alerts with filters", async () => {
      const listed = await call(client, "list_alerts", { status: "open" });
      assert.ok(!listed.isError, textOf(listed));
      const page = structured(listed) as unknown as { total: number; items: { id: string }[] };
      assert.equal(page.total, 1);
      assert.equal(page.items[0].id, alertId);
      assert.match(textOf(listed), /No delivery/);
      const none = structured(await call(client, "list_alerts", { type: "cpa_up" }));
      assert.equal(none.total, 0);
      const theirs = structured(await call(intruder, "list_alerts", {}));
      assert.equal(theirs.total, 0);
    });

    await t.step("explain_alert: cause and next steps; another user's is not found", async () => {
      const explained = await call(client, "explain_alert", { id: alertId });
      assert.ok(!explained.isError, textOf(explained));
      const alert = structured(explained) as unknown as { cause: { nextSteps: unknown[] } };
      assert.ok(Array.isArray(alert.cause.nextSteps));
      assert.match(textOf(explained), /No delivery for a whole day/);
      const hidden = await call(intruder, "explain_alert", { id: alertId });
      assert.ok(hidden.isError);
    });
  } finally {
    await client.close();
    await intruder.close();
  }
});
