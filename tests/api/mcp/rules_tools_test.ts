/**
 * Rule tools over MCP: a draft is checked with its conflicts, backtested (summary card), saved
 * disabled, and enabled only once a person approved it; the activity answer reads the history.
 */
import assert from "node:assert/strict";
import { toDbTimestamp } from "../../../db/time.ts";
import { dateOf } from "../../../domain/dates.ts";
import { connectInProcess, IDEMPOTENCY_META_KEY } from "../../../mcp/mod.ts";
import { COMPONENT_META_KEY } from "../../../mcp/results.ts";
import { backendTest } from "../../_helpers/backend.ts";
import { connectAccount, createCampaign, registerUser } from "../../_helpers/fixtures.ts";
import { call, structured, testServices, textOf } from "./_helpers.ts";

const draft = (adAccountId: string, overrides: Record<string, unknown> = {}) => ({
  name: "High CPA pause",
  adAccountId,
  scope: { kind: "all" },
  conditions: {
    match: "all",
    conditions: [{ metric: "cpa", window: { kind: "today" }, operator: ">", value: 40 }],
  },
  action: { type: "pause" },
  schedule: { frequency: "hourly" },
  ...overrides,
});

backendTest("MCP rule tools", async (t, backend) => {
  const { domain } = backend;
  const services = await testServices(backend);
  const actor = await registerUser(domain, "ruletools");
  const adAccountId = await connectAccount(domain, actor);
  await createCampaign(domain, actor, adAccountId, { name: "Watched" });
  const runId = crypto.randomUUID();
  const client = await connectInProcess(services, actor, {
    clock: backend.clock,
    source: { kind: "assistant", runId },
  });
  let ruleId = "";
  try {
    await t.step("draft_rule validates, words the rule and lists conflicts", async () => {
      const resumer = await domain.rules.create(actor, {
        ...draft(adAccountId, { name: "Resume all", action: { type: "resume" } }),
        enabled: true,
      });
      const checked = await call(client, "draft_rule", { rule: draft(adAccountId) });
      assert.equal(checked.isError, undefined, textOf(checked));
      assert.match(textOf(checked), /Pause the campaign when CPA \(today so far\) > \$40\.00/);
      const warnings = structured(checked).warnings as { otherRuleId: string }[];
      assert.deepEqual(warnings.map((warning) => warning.otherRuleId), [resumer.id]);
      await domain.rules.delete(actor, resumer.id);
      const bad = await call(client, "draft_rule", {
        rule: draft(adAccountId, { schedule: { frequency: "weekly" } }),
      });
      assert.equal(bad.isError, true);
      const cents = await call(client, "draft_rule", {
        rule: draft(adAccountId, {
          conditions: {
            match: "all",
            conditions: [{
              metric: "cpa",
              window: { kind: "today" },
              operator: ">",
              value: 40.001,
            }],
          },
        }),
      });
      assert.equal(cents.isError, true, "more decimals than the currency has");
    });

    await t.step("backtest_rule answers a summary card for a draft", async () => {
      const result = await call(client, "backtest_rule", { rule: draft(adAccountId), days: 14 });
      assert.equal(result.isError, undefined, textOf(result));
      const backtest = structured(result).backtest as { days: number; firingCount: number };
      assert.equal(backtest.days, 14);
      const component = result._meta?.[COMPONENT_META_KEY] as {
        type: string;
        data: { title: string };
      };
      assert.equal(component.type, "card");
      assert.match(component.data.title, /Backtest: High CPA pause/);
      assert.match(textOf(result), /estimate|Estimated/i);
    });

    await t.step("create_rule saves it disabled; list_rules lists it", async () => {
      const created = await call(client, "create_rule", { rule: draft(adAccountId) });
      const rule = structured(created).rule as { id: string; enabled: boolean };
      assert.equal(rule.enabled, false);
      ruleId = rule.id;
      const listed = await call(client, "list_rules", {});
      assert.match(textOf(listed), /“High CPA pause” \(disabled/);
      const saved = await call(client, "backtest_rule", { ruleId });
      assert.ok((await domain.rules.latestBacktest(actor, ruleId)) !== null, textOf(saved));
    });

    await t.step("enable_rule waits for a person's approval, then enables once", async () => {
      const meta = { [IDEMPOTENCY_META_KEY]: `${runId}:enable` };
      const held = await call(client, "enable_rule", { ruleId }, meta);
      assert.equal(structured(held).status, "approval_required", textOf(held));
      assert.equal((await domain.rules.get(actor, ruleId)).enabled, false);
      const approval = structured(held).approval as { approvalId: string };
      const pending = await domain.approvals.get(actor, approval.approvalId);
      assert.match(pending.preview.summary, /Enable the rule “High CPA pause”/);
      assert.match(pending.preview.summary, /backtest over the last 30 days/);
      await domain.approvals.decide(actor, approval.approvalId, "approve");
      const applied = await call(client, "enable_rule", { ruleId }, meta);
      assert.equal(structured(applied).status, "applied", textOf(applied));
      assert.equal((await domain.rules.get(actor, ruleId)).enabled, true);
    });

    await t.step("rule_activity reads what rules changed and what waits", async () => {
      const quiet = await call(client, "rule_activity", {});
      assert.match(textOf(quiet), /changed nothing since/);
      const campaign = await createCampaign(domain, actor, adAccountId, { name: "Acted on" });
      await domain.campaigns.resume(actor, campaign.id);
      // Today so far: $90 for one conversion, over the rule's $40 CPA and past the data gate.
      const at = toDbTimestamp(backend.clock.now());
      await backend.db.kysely.insertInto("campaign_metrics").values({
        id: crypto.randomUUID(),
        user_id: actor.userId,
        ad_account_id: adAccountId,
        campaign_id: campaign.id,
        metric_date: dateOf(backend.clock.now()),
        impressions: 5_000,
        clicks: 60,
        spend_minor: 9_000,
        conversions: 1,
        revenue_minor: 0,
        created_at: at,
        updated_at: at,
      }).execute();
      // The next hourly slot: the rule runs as a scheduled workflow run (on these metrics: the
      // account counts as just synced, so the sandbox does not redraw today's row).
      backend.clock.advance(3_600_000);
      await backend.db.kysely.updateTable("ad_accounts")
        .set({ metrics_synced_at: toDbTimestamp(backend.clock.now()) })
        .where("id", "=", adAccountId).execute();
      assert.ok(await domain.ruleExecution.tick(domain.workflows.enqueue) >= 1);
      await domain.workflows.runDue("test");
      assert.equal((await domain.campaigns.get(actor, campaign.id)).status, "paused");
      const active = await call(client, "rule_activity", {});
      assert.match(textOf(active), /your rules acted 1 time\b/);
      assert.match(textOf(active), /“High CPA pause” pause/);
      const [latest] = await domain.ruleActivity.recentEvaluations(actor, ruleId, 5);
      assert.equal(latest.campaignId, campaign.id);
      assert.equal(latest.outcome, "applied");
      assert.equal(latest.conditions[0]?.actual, 9_000, "the CPA it saw, in cents");
      assert.equal(latest.link?.kind, "change");
      const summaries = await domain.ruleActivity.summaries(actor, [
        await domain.rules.get(actor, ruleId),
      ]);
      assert.equal(summaries.get(ruleId)?.firingsThisWeek, 1);
      assert.ok(summaries.get(ruleId)?.nextRunAt);
    });

    await t.step("another user's rule is not found", async () => {
      const other = await registerUser(domain, "ruletools-other");
      const otherClient = await connectInProcess(services, other, {
        clock: backend.clock,
        source: { kind: "assistant", runId: crypto.randomUUID() },
      });
      try {
        const result = await call(otherClient, "enable_rule", { ruleId });
        assert.equal(result.isError, true);
        const listed = await call(otherClient, "list_rules", {});
        assert.match(textOf(listed), /No rules yet/);
      } finally {
        await otherClient.close();
      }
    });
  } finally {
    await client.close();
  }
});
