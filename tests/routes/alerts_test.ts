/**
 * The alert pages without JavaScript: the list with its filters and empty states, the frame's
 * badge and the dashboard card, the detail page's chart (baseline band, anomalous day marked),
 * its cause, next steps confirmed with the gateway's preview and made as the person (seen in the
 * change history), acknowledge / mute / resolve with redirects, and other users' 404s.
 */
import assert from "node:assert/strict";
import { addDays } from "../../domain/dates.ts";
import { spikedCampaign } from "./_helpers/alerts.ts";
import { pagesApp, signedUpClient } from "./_helpers/pages.ts";

const badgeOf = (body: string) => body.match(/data-open-alerts="(\d+)"/)?.[1] ?? "0";

Deno.test({
  name: "alert pages work without JavaScript",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const app = await pagesApp();
    const { domain } = app.services;
    const { client, email, password } = await signedUpClient(app, "Alert Tester");
    const { actor } = await domain.accounts.authenticate({ email, password });

    await t.step("without alerts: the empty state and no badge", async () => {
      const page = await client.get("/alerts");
      assert.equal(page.status, 200);
      assert.match(page.body, /No alerts so far/);
      assert.match(page.body, /href="\/alerts"/, "the menu entry");
      assert.equal(badgeOf(page.body), "0");
    });

    const { adAccountId, campaignId, yesterday } = await spikedCampaign(app, actor);
    const report = await domain.alerts.detect(adAccountId);
    assert.deepEqual(report.raised.map((alert) => alert.type), ["spend_spike"]);
    const alertId = report.raised[0].id;

    await t.step("the list, its filters and the frame's badge", async () => {
      const page = await client.get("/alerts");
      assert.equal(page.status, 200);
      assert.match(page.body, new RegExp(`data-alert-id="${alertId}"`));
      assert.match(page.body, /Spend spike · Spring Sale/);
      assert.equal(badgeOf(page.body), "1");
      const matching = [
        "status=open",
        "type=spend_spike",
        `severity=${report.raised[0].severity}`,
        `account=${adAccountId}`,
        `campaign=${campaignId}`,
        "type=nonsense", // dropped, not an error
      ];
      for (const query of matching) {
        const filtered = await client.get(`/alerts?${query}`);
        assert.equal(filtered.status, 200, query);
        assert.match(filtered.body, new RegExp(`data-alert-id="${alertId}"`), query);
      }
      for (const query of ["status=resolved", "type=cpa_up", "severity=info"]) {
        const filtered = await client.get(`/alerts?${query}`);
        assert.doesNotMatch(filtered.body, /data-alert-id=/, query);
        assert.match(filtered.body, /No alerts match these filters/, query);
        assert.match(filtered.body, /<option value="[^"]+" selected/, "the filter shown back");
      }
    });

    await t.step("the dashboard's card: the open count and the alert linked", async () => {
      const page = await client.get("/dashboard");
      assert.equal(page.status, 200);
      assert.match(page.body, /data-alerts-card="1"/);
      assert.match(page.body, new RegExp(`href="/alerts/${alertId}"`));
    });

    await t.step("the detail: chart with band and mark, parts, changes, next steps", async () => {
      const page = await client.get(`/alerts/${alertId}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /data-baseline-band/);
      assert.match(page.body, /data-baseline-median/);
      assert.match(page.body, new RegExp(`data-anomaly-mark="${yesterday}"`));
      assert.match(page.body, new RegExp(`data-date="${yesterday}"[^>]*data-anomalous="true"`));
      // Three weeks before the anomaly are on the chart.
      assert.match(page.body, new RegExp(`data-date="${addDays(yesterday, -21)}"`));
      assert.match(page.body, /data-x-tick/);
      assert.match(page.body, /data-part="impressions"[^>]*data-moved="true"/);
      assert.match(page.body, /data-cause-changes="1"/);
      assert.match(page.body, /data-actor-kind="user"/);
      assert.match(page.body, new RegExp(`href="/changes\\?campaign=${campaignId}"`));
      assert.match(page.body, /data-next-step="roll_back"/);
      assert.match(page.body, /href="\/rollbacks\/new\?change=[0-9a-f-]+"/);
      assert.match(page.body, /data-next-step="lower_budget"/);
      assert.match(page.body, /data-next-step="pause"/);
      assert.match(page.body, /data-form="acknowledge"/);
    });

    await t.step("a next step: preview first, made as the person on confirm", async () => {
      const step = report.raised[0].cause.nextSteps.find((step) => step.kind === "lower_budget");
      assert.ok(step?.kind === "lower_budget" && step.operation.type === "update");
      const lowered = step.operation.input.budgetAmountMinor!;
      assert.ok(lowered < 25_000);
      const shown = `$${(lowered / 100).toFixed(2)}`;
      const preview = await client.get(`/alerts/${alertId}?step=lower_budget`);
      assert.match(preview.body, /data-confirm-step="lower_budget"/);
      assert.match(preview.body, /data-field="budgetAmountMinor"/);
      assert.ok(preview.body.includes("$250.00") && preview.body.includes(shown));
      // Looking changed nothing.
      assert.equal((await domain.campaigns.get(actor, campaignId)).budgetAmountMinor, 25_000);

      const lower = await client.post(`/alerts/${alertId}`, {
        intent: "step",
        step: "lower_budget",
      });
      assert.equal(lower.status, 303);
      assert.equal(lower.location, `/alerts/${alertId}`);
      assert.match((await client.follow(lower)).body, /budget is lowered/);
      assert.equal((await domain.campaigns.get(actor, campaignId)).budgetAmountMinor, lowered);

      const pausePreview = await client.get(`/alerts/${alertId}?step=pause`);
      assert.match(pausePreview.body, /data-confirm-step="pause"/);
      assert.match(pausePreview.body, /data-field="status"/);
      const paused = await client.post(`/alerts/${alertId}`, { intent: "step", step: "pause" });
      assert.equal(paused.status, 303);
      assert.equal((await domain.campaigns.get(actor, campaignId)).status, "paused");

      // Both went through the gateway as the person: they are in the change history.
      const changes = await domain.changes.list(actor, { campaignId });
      const recent = changes.items.slice(0, 2);
      assert.deepEqual(recent.map((change) => change.actorKind), ["user", "user"]);
      assert.deepEqual(recent.map((change) => change.operation).sort(), ["pause", "update"]);
      const history = await client.get(`/changes?campaign=${campaignId}`);
      assert.equal(history.status, 200);
      assert.ok(history.body.includes(shown), "the lowered budget in the history");

      const unknown = await client.post(`/alerts/${alertId}`, { intent: "step", step: "delete" });
      assert.equal(unknown.status, 303);
      assert.match((await client.follow(unknown)).body, /not offered/);
    });

    await t.step("acknowledge, mute, resolve: each redirects back", async () => {
      const acknowledged = await client.post(`/alerts/${alertId}`, { intent: "acknowledge" });
      assert.equal(acknowledged.status, 303);
      const page = await client.follow(acknowledged);
      assert.match(page.body, /Alert acknowledged/);
      assert.equal(badgeOf(page.body), "0", "acknowledged alerts are not counted open");
      assert.equal((await domain.alerts.get(actor, alertId)).status, "acknowledged");

      const badMute = await client.post(`/alerts/${alertId}`, { intent: "mute", days: "0" });
      assert.equal(badMute.status, 303);
      assert.match((await client.follow(badMute)).body, /Choose between 1 and 90 days/);
      const muted = await client.post(`/alerts/${alertId}`, { intent: "mute", days: "7" });
      assert.equal(muted.status, 303);
      assert.match((await client.follow(muted)).body, /No new alerts on this campaign for 7 days/);
      const mute = await app.services.db.kysely.selectFrom("alert_mutes").select("muted_until")
        .where("campaign_id", "=", campaignId).executeTakeFirst();
      assert.ok(mute, "the mute is stored");

      const resolved = await client.post(`/alerts/${alertId}`, { intent: "resolve" });
      assert.equal(resolved.status, 303);
      const after = await client.follow(resolved);
      assert.match(after.body, /Alert resolved/);
      assert.doesNotMatch(after.body, /data-next-steps/, "no steps on a resolved alert");
      assert.equal((await domain.alerts.get(actor, alertId)).resolution, "manual");
    });

    await t.step("forms from another site are refused", async () => {
      const forged = await client.post(`/alerts/${alertId}`, { intent: "acknowledge" }, {
        origin: "https://evil.example",
      });
      assert.equal(forged.status, 403);
    });

    await t.step("another user's alert is a 404, never shown or changed", async () => {
      const other = (await signedUpClient(app, "Other Tester")).client;
      assert.equal((await other.get(`/alerts/${alertId}`)).status, 404);
      assert.equal((await other.get(`/alerts/${alertId}?step=pause`)).status, 404);
      const post = await other.post(`/alerts/${alertId}`, { intent: "acknowledge" });
      assert.equal(post.status, 404);
      const list = await other.get("/alerts");
      assert.doesNotMatch(list.body, /data-alert-id=/);
      assert.equal((await other.get("/alerts/not-a-uuid")).status, 404);
    });
  },
});
