/**
 * Everything built on the sandbox works the same on a connected platform account (issue 15,
 * item 7): a fake Meta, Google Ads and TikTok account in turn is connected through sign-in and
 * backfilled, then the assistant's
 * MCP tools read it and change it (with approval) through the gateway, the dashboard's domain
 * reads show the synced delivery, a rule is backtested and its action lands on the fake, the
 * alert detector sees a stop of delivery injected into the fake, and rollbacks bring the fake's
 * state back. Each change is checked on the fake itself, in the platform's units.
 */
import assert from "node:assert/strict";
import { connectInProcess } from "../../../mcp/mod.ts";
import { addDays, dateOf } from "../../../domain/dates.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { registerUser } from "../../_helpers/fixtures.ts";
import { call, callApproved, structured, testServices } from "../../api/mcp/_helpers.ts";
import type { OAuthPlatform } from "../../../domain/platforms/oauth.ts";
import { connectedFake } from "./_platforms.ts";

const DAY = 86_400_000;

const PLATFORMS: OAuthPlatform[] = ["meta", "google", "tiktok"];

for (const platform of PLATFORMS) {
  backendTest(
    `a connected ${platform} account works as the sandbox does: tools, dashboard, rules, alerts, rollback`,
    async (t, backend) => {
      const setup = await connectedFake(backend, platform);
      const { domain } = setup;
      const services = { ...await testServices(backend), domain };
      const actor = await registerUser(domain);
      const account = await setup.connect(actor);
      assert.equal(await domain.workflows.runDue("test", { limit: 1 }), 1, "the backfill ran");
      const runId = crypto.randomUUID();
      const client = await connectInProcess(services, actor, {
        clock: backend.clock,
        source: { kind: "assistant", runId },
      });
      const onPlatform = setup.campaign;
      /** Moves the app's clock and the fake's together, then runs what came due. */
      const advance = async (ms: number) => {
        backend.clock.advance(ms);
        setup.clock.ms = backend.clock.now().getTime();
        for (const ticker of domain.workflowTickers) await ticker.run();
        await domain.ruleExecution.tick(domain.workflows.enqueue);
        await domain.workflows.runDue("test");
      };
      try {
        const [campaign] = (await domain.campaigns.list(actor, { adAccountId: account.id })).items;
        const today = dateOf(backend.clock.now(), account.timezone);
        const week = { from: addDays(today, -7), to: addDays(today, -1) };

        await t.step("the assistant's reads show the synced campaign and delivery", async () => {
          const listed = structured(
            await call(client, "list_campaigns", { adAccountId: account.id }),
          );
          const [item] = listed.items as {
            id: string;
            name: string;
            budgetAmountMinor: number;
            last7Days: { spendMinor: number };
          }[];
          assert.equal(item.name, "Evergreen");
          assert.equal(item.budgetAmountMinor, 5_000);
          const summary = structured(
            await call(client, "performance_summary", { adAccountId: account.id, ...week }),
          ) as { totals: { spendMinor: number; impressions: number } };
          assert.ok(summary.totals.spendMinor > 0 && summary.totals.impressions > 0);
          assert.equal(item.last7Days.spendMinor, summary.totals.spendMinor);
          const stored = await backend.db.kysely.selectFrom("campaign_metrics")
            .select((eb) => eb.fn.sum<number>("spend_minor").as("spend"))
            .where("campaign_id", "=", campaign.id)
            .where("metric_date", ">=", week.from).where("metric_date", "<=", week.to)
            .executeTakeFirstOrThrow();
          assert.equal(
            Number(stored.spend),
            summary.totals.spendMinor,
            "what the platform reported",
          );
          const trend = structured(
            await call(client, "daily_trend", { campaignId: campaign.id, ...week }),
          ) as { daily: unknown[] };
          assert.equal(trend.daily.length, 7);
        });

        await t.step(
          "a budget raise is held for approval, then lands on the platform once",
          async () => {
            const { result } = await callApproved(
              client,
              services.approvals,
              actor,
              "update_campaign",
              { campaignId: campaign.id, budgetAmountMinor: 6_000 },
            );
            assert.equal(result.isError, undefined, JSON.stringify(result.content));
            assert.equal(onPlatform().rawBudget, setup.raw(6_000), "in the platform's unit");
            assert.equal(onPlatform().updates, 1);
          },
        );

        await t.step("pause and resume reach the platform's status", async () => {
          const paused = await call(client, "pause_campaign", { campaignId: campaign.id });
          assert.equal(paused.isError, undefined, JSON.stringify(paused.content));
          assert.equal(onPlatform().active, false);
          await callApproved(client, services.approvals, actor, "resume_campaign", {
            campaignId: campaign.id,
          });
          assert.equal(onPlatform().active, true);
          assert.equal(onPlatform().updates, 3);
        });

        await t.step("the dashboard's reads show the same delivery", async () => {
          const report = await domain.metrics.performance(actor, {
            adAccountId: account.id,
            ...week,
          });
          assert.equal(report.currency, "USD");
          assert.ok(report.totals.spendMinor > 0);
          assert.equal(report.daily.length, 7);
          const [listed] = (await domain.campaigns.list(actor, { adAccountId: account.id })).items;
          assert.equal(listed.budgetAmountMinor, 6_000);
          assert.equal(listed.status, "active");
        });

        await t.step("rolling back the assistant's changes restores the first budget", async () => {
          const rollback = await domain.rollbacks.apply(actor, { sourceId: runId }, "user");
          assert.equal(rollback.status, "completed", JSON.stringify(rollback.outcomes));
          assert.equal(onPlatform().rawBudget, setup.raw(5_000));
          assert.equal(onPlatform().active, true);
          assert.equal((await domain.campaigns.get(actor, campaign.id)).budgetAmountMinor, 5_000);
        });

        let ruleId = "";
        await t.step(
          "a rule is backtested on the synced days and its cut lands on the platform",
          async () => {
            const rule = await domain.rules.create(actor, {
              name: "Trim Evergreen",
              adAccountId: account.id,
              scope: { kind: "campaigns", campaignIds: [campaign.id] },
              conditions: {
                match: "all",
                conditions: [{
                  metric: "spend",
                  window: { kind: "yesterday" },
                  operator: ">",
                  value: 1,
                }],
              },
              action: { type: "adjust_budget", percent: -10 },
              schedule: { frequency: "hourly" },
            });
            ruleId = rule.id;
            const backtest = await domain.rules.backtest(actor, rule.id, { days: 30 });
            assert.equal(backtest.campaignsEvaluated, 1);
            assert.ok(backtest.firingCount > 0, JSON.stringify(backtest));
            await domain.rules.enable(actor, rule.id);
            await advance(60 * 60_000);
            const [evaluation] = (await domain.ruleExecution.evaluations(actor, rule.id)).items;
            assert.equal(evaluation.counts.applied, 1, JSON.stringify(evaluation.counts));
            assert.equal(onPlatform().rawBudget, setup.raw(4_500));
            await domain.rules.disable(actor, rule.id);
          },
        );

        await t.step("rolling back the rule's cut restores the platform's budget", async () => {
          const rollback = await domain.rollbacks.apply(actor, { sourceId: ruleId }, "user");
          assert.equal(rollback.status, "completed");
          assert.equal(onPlatform().rawBudget, setup.raw(5_000));
        });

        await t.step(
          "a stop of delivery on the platform is synced and raises an alert",
          async () => {
            // The platform keeps the campaign active but delivers nothing (e.g. its ads were rejected).
            setup.stopDelivery();
            const before = await domain.alerts.detect(account.id);
            assert.ok(
              !before.raised.some((alert) => alert.type === "spend_stopped"),
              "no stop before the injection",
            );
            for (let day = 0; day < 2; day++) await advance(DAY);
            const report = await domain.alerts.detect(account.id);
            const alerts = await domain.alerts.list(actor, {
              status: "open",
              adAccountId: account.id,
            });
            assert.ok(
              alerts.items.some((alert) =>
                alert.type === "spend_stopped" && alert.campaignId === campaign.id
              ),
              JSON.stringify({ raised: report.raised, open: alerts.items }),
            );
          },
        );
      } finally {
        await client.close();
        await setup.close();
      }
    },
  );
}
