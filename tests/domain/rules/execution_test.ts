/**
 * Rules at work on both backends, with a fake clock: the scheduler enqueues each slot once and
 * only the latest after downtime; an evaluation applies through the gateway as the rule, records
 * every campaign's values and what stopped it (conditions, gate, cooldown, not applicable); a
 * change over the limits is held for approval (and notified), then applied with that approval at
 * the next run; pause-until-tomorrow schedules its resume at midnight; a runner that stalls mid-run
 * is taken over and each campaign is changed once.
 */
import assert from "node:assert/strict";
import { toDbTimestamp } from "../../../db/time.ts";
import type { Actor } from "../../../domain/actor.ts";
import { addDays } from "../../../domain/dates.ts";
import type { Domain } from "../../../domain/mod.ts";
import type { RuleNotice } from "../../../domain/rules/execution.ts";
import { backendTest, type TestBackend } from "../../_helpers/backend.ts";
import { createCampaign, registerUser } from "../../_helpers/fixtures.ts";

const QUARTER = 15 * 60_000;

interface Setup {
  actor: Actor;
  adAccountId: string;
  campaigns: { id: string; name: string }[];
}

/** Three active campaigns with yesterday's metrics: high CPA, thin data, low CPA. */
async function setup(backend: TestBackend, domain: Domain = backend.domain): Promise<Setup> {
  const actor = await registerUser(domain);
  const account = await domain.adAccounts.connectSandbox(actor, { name: "Main" });
  const yesterday = addDays(backend.clock.now().toISOString().slice(0, 10), -1);
  const at = toDbTimestamp(backend.clock.now());
  const rows = [
    { name: "High CPA", impressions: 5_000, clicks: 60, spend: 9_000, conversions: 1 },
    { name: "Thin data", impressions: 200, clicks: 3, spend: 9_000, conversions: 1 },
    { name: "Low CPA", impressions: 5_000, clicks: 60, spend: 1_000, conversions: 1 },
  ];
  const campaigns = [];
  for (const row of rows) {
    const campaign = await createCampaign(domain, actor, account.id, { name: row.name });
    await domain.campaigns.resume(actor, campaign.id);
    await backend.db.kysely.insertInto("campaign_metrics").values({
      id: crypto.randomUUID(),
      user_id: actor.userId,
      ad_account_id: account.id,
      campaign_id: campaign.id,
      metric_date: yesterday,
      impressions: row.impressions,
      clicks: row.clicks,
      spend_minor: row.spend,
      conversions: row.conversions,
      revenue_minor: 0,
      created_at: at,
      updated_at: at,
    }).execute();
    campaigns.push({ id: campaign.id, name: row.name });
  }
  return { actor, adAccountId: account.id, campaigns };
}

const highCpa = {
  match: "all",
  conditions: [{ metric: "cpa", window: { kind: "yesterday" }, operator: ">", value: 40 }],
} as const;

async function tickAndRun(domain: Domain): Promise<{ enqueued: number; ran: number }> {
  const enqueued = await domain.ruleExecution.tick(domain.workflows.enqueue);
  const ran = await domain.workflows.runDue("test");
  return { enqueued, ran };
}

backendTest(
  "scheduled evaluations: once per slot, why it did or didn't fire",
  async (t, backend) => {
    const notices: RuleNotice[] = [];
    const domain = backend.domainWith({
      onRuleNotice: (_userId, notice) => {
        notices.push(notice);
        return Promise.resolve();
      },
    });
    const { actor, campaigns } = await setup(backend, domain);
    const [high, thin, low] = campaigns;
    const rule = await domain.rules.create(actor, {
      name: "Pause high CPA",
      adAccountId: (await domain.adAccounts.list(actor)).items[0].id,
      enabled: true,
      scope: { kind: "all" },
      conditions: highCpa,
      action: { type: "pause" },
      schedule: { frequency: "every_15_minutes" },
    });

    await t.step("the due slot is enqueued once however often the scheduler ticks", async () => {
      assert.deepEqual(await tickAndRun(domain), { enqueued: 1, ran: 1 });
      assert.deepEqual(await tickAndRun(domain), { enqueued: 0, ran: 0 });
      const other = backend.domainWith({});
      assert.equal(await other.ruleExecution.tick(other.workflows.enqueue), 0);
    });

    await t.step(
      "the evaluation applied the pause as the rule and explains each campaign",
      async () => {
        const page = await domain.ruleExecution.evaluations(actor, rule.id);
        assert.equal(page.total, 1);
        const [evaluation] = page.items;
        assert.equal(evaluation.status, "succeeded");
        assert.equal(evaluation.slotAt, "2026-11-26T12:00:00.000Z");
        assert.deepEqual(evaluation.counts, { applied: 1, not_fired: 2 });
        const byId = new Map(evaluation.campaigns.map((c) => [c.campaignId, c]));
        const fired = byId.get(high.id)!;
        assert.equal(fired.outcome, "applied");
        assert.ok(fired.changeId);
        assert.equal(fired.evaluation.conditions[0].actual, 9_000);
        assert.equal(fired.evaluation.conditions[0].threshold, 4_000);
        assert.equal(fired.windows.yesterday.impressions, 5_000);
        assert.equal(byId.get(thin.id)!.outcome, "not_fired");
        assert.equal(byId.get(thin.id)!.stoppedBy, "gate", "CPA is high but the data is thin");
        assert.equal(byId.get(thin.id)!.evaluation.gate.passed, false);
        assert.equal(byId.get(low.id)!.stoppedBy, "conditions");

        const changes = await domain.changes.list(actor, { sourceId: rule.id });
        assert.equal(changes.total, 1);
        assert.equal(changes.items[0].actorKind, "rule");
        assert.equal(changes.items[0].campaignId, high.id);
        assert.equal((await domain.campaigns.get(actor, high.id)).status, "paused");

        const run = await domain.workflows.get(actor, evaluation.runId);
        assert.equal(run.kind, "rule_evaluation");
        assert.deepEqual(run.steps.map((s) => s.key), ["evaluate", `apply:${high.id}`]);
        assert.ok(run.steps.every((s) => s.status === "succeeded"));
      },
    );

    await t.step("the next slot finds nothing to do: the campaign is already paused", async () => {
      backend.clock.advance(QUARTER);
      assert.deepEqual(await tickAndRun(domain), { enqueued: 1, ran: 1 });
      const [latest] = (await domain.ruleExecution.evaluations(actor, rule.id)).items;
      const fired = latest.campaigns.find((c) => c.campaignId === high.id)!;
      assert.equal(fired.outcome, "skipped");
      assert.equal(fired.stoppedBy, "not_applicable");
      assert.equal((await domain.changes.list(actor, { sourceId: rule.id })).total, 1);
    });

    await t.step("after three hours down, the missed slots are caught up once", async () => {
      backend.clock.advance(3 * 3_600_000 + 60_000);
      assert.deepEqual(await tickAndRun(domain), { enqueued: 1, ran: 1 });
      assert.deepEqual(await tickAndRun(domain), { enqueued: 0, ran: 0 });
      const page = await domain.ruleExecution.evaluations(actor, rule.id);
      assert.equal(page.total, 3);
      assert.equal(page.items[0].slotAt, "2026-11-26T15:15:00.000Z");
      const fired = await domain.ruleExecution.evaluations(actor, rule.id, { firedOnly: true });
      assert.equal(fired.total, 1);
    });

    await t.step("a disabled rule is not scheduled", async () => {
      await domain.rules.disable(actor, rule.id);
      backend.clock.advance(QUARTER);
      assert.deepEqual(await tickAndRun(domain), { enqueued: 0, ran: 0 });
      assert.equal(notices.length, 0, "applied changes notify nobody");
    });
  },
);

backendTest("cooldown, and a change over the limits held then applied", async (t, backend) => {
  const notices: RuleNotice[] = [];
  const domain = backend.domainWith({
    onRuleNotice: (_userId, notice) => {
      notices.push(notice);
      return Promise.resolve();
    },
  });
  const { actor, adAccountId, campaigns } = await setup(backend, domain);
  const [high] = campaigns;
  const everyOne = {
    match: "all",
    conditions: [{ metric: "daily_budget", window: { kind: "today" }, operator: ">", value: 0 }],
  } as const;

  await t.step("a budget cut applies once, then waits out its cooldown", async () => {
    const rule = await domain.rules.create(actor, {
      name: "Trim",
      adAccountId,
      enabled: true,
      scope: { kind: "campaigns", campaignIds: [high.id] },
      conditions: everyOne,
      action: { type: "adjust_budget", percent: -10 },
      schedule: { frequency: "hourly" },
    });
    await tickAndRun(domain);
    assert.equal((await domain.campaigns.get(actor, high.id)).budgetAmountMinor, 4_500);
    backend.clock.advance(3_600_000);
    await tickAndRun(domain);
    const [latest] = (await domain.ruleExecution.evaluations(actor, rule.id)).items;
    assert.equal(latest.campaigns[0].stoppedBy, "cooldown");
    assert.equal((await domain.campaigns.get(actor, high.id)).budgetAmountMinor, 4_500);
    await domain.rules.disable(actor, rule.id);
  });

  let approvalId = "";
  let ruleId = "";
  await t.step("a raise over the approval threshold is held and notified", async () => {
    const rule = await domain.rules.create(actor, {
      name: "Scale winners",
      adAccountId,
      enabled: true,
      scope: { kind: "campaigns", campaignIds: [high.id] },
      conditions: everyOne,
      action: { type: "adjust_budget", percent: 50 },
      schedule: { frequency: "hourly" },
    });
    ruleId = rule.id;
    backend.clock.advance(3_600_000);
    await tickAndRun(domain);
    const [latest] = (await domain.ruleExecution.evaluations(actor, rule.id)).items;
    const held = latest.campaigns[0];
    assert.equal(held.outcome, "held");
    assert.equal(held.stoppedBy, "approval");
    assert.ok(held.approvalId);
    approvalId = held.approvalId!;
    assert.equal(held.budgetBeforeMinor, 4_500);
    assert.equal(held.budgetAfterMinor, 6_750);
    assert.equal((await domain.campaigns.get(actor, high.id)).budgetAmountMinor, 4_500);
    assert.equal(notices.length, 1);
    assert.equal(notices[0].type, "rule_change_held");
    assert.equal(notices[0].link, `/approvals/${approvalId}`);
    const approval = await domain.approvals.get(actor, approvalId);
    assert.equal(approval.requester.kind, "rule");
    assert.equal(approval.requester.id, rule.id);
  });

  await t.step("once approved, the next run applies it with the approval", async () => {
    await domain.approvals.decide(actor, approvalId, "approve");
    backend.clock.advance(3_600_000);
    await tickAndRun(domain);
    const [latest] = (await domain.ruleExecution.evaluations(actor, ruleId)).items;
    assert.equal(latest.campaigns[0].outcome, "applied");
    assert.equal(latest.campaigns[0].approvalId, approvalId);
    assert.equal((await domain.campaigns.get(actor, high.id)).budgetAmountMinor, 6_750);
    assert.equal((await domain.approvals.get(actor, approvalId)).status, "used");
  });
});

backendTest("pause until tomorrow resumes at the account's midnight", async (_t, backend) => {
  const { domain } = backend;
  const { actor, adAccountId, campaigns } = await setup(backend);
  const [high] = campaigns;
  await domain.rules.create(actor, {
    name: "Rest for the day",
    adAccountId,
    enabled: true,
    scope: { kind: "campaigns", campaignIds: [high.id] },
    conditions: highCpa,
    action: { type: "pause_until_tomorrow" },
    schedule: { frequency: "daily", at: "12:00" },
  });
  await tickAndRun(domain);
  assert.equal((await domain.campaigns.get(actor, high.id)).status, "paused");
  const resumes = await domain.workflows.list(actor, { kind: "rule_resume" });
  assert.equal(resumes.total, 1);
  assert.equal(resumes.items[0].scheduledFor, "2026-11-27T00:00:00.000Z");
  backend.clock.set("2026-11-27T00:00:30.000Z");
  await domain.workflows.runDue("test");
  const resume = await domain.workflows.get(actor, resumes.items[0].id);
  assert.equal(resume.status, "succeeded");
  // The resume restores the rule's own pause (nobody changed the status since): no approval.
  assert.equal((resume.steps[0].output as { outcome: string }).outcome, "applied");
  assert.equal((await domain.campaigns.get(actor, high.id)).status, "active");
});

backendTest("a stalled runner is taken over; each campaign is changed once", async (t, backend) => {
  let reached!: () => void;
  const stalledAt = new Promise<void>((resolve) => reached = resolve);
  let wake!: () => void;
  const woken = new Promise<void>((resolve) => wake = resolve);
  const stalling = backend.domainWith({
    workflows: { leaseMs: 60_000 },
    pause: (point) => {
      if (point !== "rule_before_apply:2") return Promise.resolve();
      reached();
      return woken;
    },
  });
  const later = { now: () => new Date(Date.now() + 3_600_000) };
  const other = backend.domainWith({ workflows: { leaseMs: 60_000, leaseClock: later } });
  const actor = await registerUser(backend.domain);
  const account = await backend.domain.adAccounts.connectSandbox(actor, { name: "Main" });
  const ids: string[] = [];
  for (let index = 0; index < 5; index++) {
    const campaign = await createCampaign(backend.domain, actor, account.id, { name: `C${index}` });
    await backend.domain.campaigns.resume(actor, campaign.id);
    ids.push(campaign.id);
  }
  const rule = await backend.domain.rules.create(actor, {
    name: "Trim all",
    adAccountId: account.id,
    enabled: true,
    scope: { kind: "all" },
    conditions: {
      match: "all",
      conditions: [{ metric: "daily_budget", window: { kind: "today" }, operator: ">", value: 0 }],
    },
    action: { type: "adjust_budget", percent: -10 },
    schedule: { frequency: "every_15_minutes" },
  });
  assert.equal(await stalling.ruleExecution.tick(stalling.workflows.enqueue), 1);
  const first = stalling.workflows.runDue("stalling", { limit: 1 });
  await stalledAt;

  await t.step("the other instance finishes the run", async () => {
    assert.equal(await other.workflows.runDue("other"), 1);
    const [evaluation] = (await other.ruleExecution.evaluations(actor, rule.id)).items;
    assert.equal(evaluation.status, "succeeded");
    assert.deepEqual(evaluation.counts, { applied: 5 });
  });

  await t.step("the stalled runner wakes and changes nothing more", async () => {
    wake();
    await first;
    const changes = await backend.domain.changes.list(actor, { sourceId: rule.id, limit: 100 });
    assert.equal(changes.total, 5, "one change per campaign");
    assert.deepEqual(changes.items.map((c) => c.campaignId).sort(), [...ids].sort());
    for (const id of ids) {
      assert.equal((await backend.domain.campaigns.get(actor, id)).budgetAmountMinor, 4_500);
    }
  });
});

backendTest("notify only: the owner gets a notification, nothing changes", async (_t, backend) => {
  const { domain } = backend;
  const { actor, adAccountId, campaigns } = await setup(backend);
  const [high] = campaigns;
  const rule = await domain.rules.create(actor, {
    name: "Tell me about high CPA",
    adAccountId,
    enabled: true,
    scope: { kind: "all" },
    conditions: highCpa,
    action: { type: "notify_only" },
    schedule: { frequency: "hourly" },
  });
  await tickAndRun(domain);
  const [evaluation] = (await domain.ruleExecution.evaluations(actor, rule.id)).items;
  assert.deepEqual(evaluation.counts, { notified: 1, not_fired: 2 });
  const inbox = await domain.notifications.list(actor);
  assert.equal(inbox.total, 1);
  assert.equal(inbox.items[0].kind, "rule");
  assert.equal(inbox.items[0].subjectId, rule.id);
  assert.match(inbox.items[0].title, /High CPA/);
  assert.equal((await domain.changes.list(actor, { sourceId: rule.id })).total, 0);
  assert.equal((await domain.campaigns.get(actor, high.id)).status, "active");
});

backendTest(
  "a frozen account: the change is refused and recorded, not retried",
  async (_t, backend) => {
    const { domain } = backend;
    const { actor, adAccountId, campaigns } = await setup(backend);
    const [high] = campaigns;
    await domain.limits.put(actor, adAccountId, {
      ...await domain.limits.get(actor, adAccountId),
      frozen: true,
    });
    const rule = await domain.rules.create(actor, {
      name: "Pause high CPA",
      adAccountId,
      enabled: true,
      scope: { kind: "campaigns", campaignIds: [high.id] },
      conditions: highCpa,
      action: { type: "pause" },
      schedule: { frequency: "hourly" },
    });
    await tickAndRun(domain);
    const [evaluation] = (await domain.ruleExecution.evaluations(actor, rule.id)).items;
    assert.equal(evaluation.status, "succeeded");
    assert.equal(evaluation.campaigns[0].outcome, "refused");
    assert.equal(evaluation.campaigns[0].stoppedBy, "limits");
    assert.match(evaluation.campaigns[0].message ?? "", /frozen/);
    assert.equal((await domain.campaigns.get(actor, high.id)).status, "active");
    const inbox = await domain.notifications.list(actor);
    assert.equal(inbox.items[0].type, "rule_change_refused");
  },
);
