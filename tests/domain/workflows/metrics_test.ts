/**
 * The Prometheus metrics of workflow runs and rules, on both backends: runs by kind and outcome,
 * step durations by kind, lease takeovers, rule evaluations and firings by outcome. The metrics
 * are per process, so each check reads the change across what the test did.
 */
import assert from "node:assert/strict";
import type { Counter, Histogram } from "prom-client";
import { toDbTimestamp } from "../../../db/time.ts";
import { randomIds } from "../../../domain/clock.ts";
import type { DomainContext } from "../../../domain/context.ts";
import { addDays } from "../../../domain/dates.ts";
import { createWorkflows, type WorkflowHandler } from "../../../domain/workflows/engine.ts";
import {
  ruleEvaluations,
  ruleFirings,
  workflowLeaseTakeovers,
  workflowRuns,
  workflowStepDuration,
} from "../../../lib/metrics.ts";
import { backendTest, type TestBackend } from "../../_helpers/backend.ts";
import { createCampaign, registerUser } from "../../_helpers/fixtures.ts";

/** The counter's value for exactly these labels (0 before the first increment). */
async function valueOf<Label extends string>(
  metric: Counter<Label>,
  labels: Partial<Record<Label, string>>,
): Promise<number> {
  const { values } = await metric.get();
  const found = values.find((entry) =>
    Object.entries(labels).every(([name, value]) =>
      (entry.labels as Record<string, unknown>)[name] === value
    )
  );
  return found?.value ?? 0;
}

/** Observations recorded in the histogram for these labels (its `_count`). */
async function countOf<Label extends string>(
  metric: Histogram<Label>,
  labels: Partial<Record<Label, string>>,
): Promise<number> {
  const { values } = await metric.get();
  const found = values.find((entry) =>
    entry.metricName?.endsWith("_count") &&
    Object.entries(labels).every(([name, value]) =>
      (entry.labels as Record<string, unknown>)[name] === value
    )
  );
  return found?.value ?? 0;
}

function contextOf(backend: TestBackend): DomainContext {
  return {
    db: backend.db,
    coordination: backend.coordination,
    clock: backend.clock,
    ids: randomIds,
    platforms: {},
  };
}

backendTest("workflow metrics: runs, steps, takeovers", async (t, backend) => {
  const actor = await registerUser(backend.domain);
  // A kind of its own, so other tests in the process do not move these series.
  const kind = `probe_${randomIds().slice(0, 8)}`;
  let failOnce = true;
  const handlers: Record<string, WorkflowHandler> = {
    [kind]: async ({ step }) => {
      await step("one", "one", () => Promise.resolve(1));
      if (failOnce) {
        failOnce = false;
        throw new Error("transient");
      }
      await step("two", "two", () => Promise.resolve(2));
      return "done";
    },
  };
  const workflows = createWorkflows(contextOf(backend), { handlers, retryBaseMs: 0 });

  await t.step("a retried, then succeeded run and its steps", async () => {
    await workflows.enqueue(actor, { kind, subjectId: "s", dedupeKey: `${kind}:1`, input: {} });
    await workflows.runDue("metrics");
    assert.equal(await valueOf(workflowRuns, { kind, outcome: "retry" }), 1);
    assert.equal(await valueOf(workflowRuns, { kind, outcome: "succeeded" }), 1);
    // Step "one" once (then skipped on the retry), step "two" once.
    assert.equal(await countOf(workflowStepDuration, { kind, status: "succeeded" }), 2);
  });

  await t.step("a takeover, and the stalled runner's lost lease", async () => {
    const stalledKind = `${kind}_stall`;
    let reached!: () => void;
    const stalled = new Promise<void>((resolve) => reached = resolve);
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => wake = resolve);
    const stalling = createWorkflows(contextOf(backend), {
      leaseMs: 60_000,
      handlers: {
        [stalledKind]: async ({ step }) => {
          reached();
          await woken;
          await step("late", "late", () => Promise.resolve(0));
        },
      },
    });
    const later = { now: () => new Date(Date.now() + 3_600_000) };
    const other = createWorkflows(contextOf(backend), {
      leaseMs: 60_000,
      leaseClock: later,
      handlers: {
        [stalledKind]: async ({ step }) => await step("late", "late", () => Promise.resolve(0)),
      },
    });
    await stalling.enqueue(actor, {
      kind: stalledKind,
      subjectId: "s",
      dedupeKey: `${stalledKind}:1`,
      input: {},
    });
    const first = stalling.runDue("stalling", { limit: 1 });
    await stalled;
    assert.equal(await other.runDue("other", { limit: 1 }), 1);
    wake();
    await first;
    assert.equal(await valueOf(workflowLeaseTakeovers, { kind: stalledKind }), 1);
    assert.equal(await valueOf(workflowRuns, { kind: stalledKind, outcome: "succeeded" }), 1);
    assert.equal(await valueOf(workflowRuns, { kind: stalledKind, outcome: "lease_lost" }), 1);
  });
});

backendTest("rule metrics: evaluations and firings by outcome", async (_t, backend) => {
  const { domain } = backend;
  const actor = await registerUser(domain);
  const account = await domain.adAccounts.connectSandbox(actor, { name: "Main" });
  const yesterday = addDays(backend.clock.now().toISOString().slice(0, 10), -1);
  const at = toDbTimestamp(backend.clock.now());
  const ids: string[] = [];
  for (
    const row of [
      { name: "High CPA", impressions: 5_000, clicks: 60, spend: 9_000 },
      { name: "Thin data", impressions: 200, clicks: 3, spend: 9_000 },
    ]
  ) {
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
      conversions: 1,
      revenue_minor: 0,
      created_at: at,
      updated_at: at,
    }).execute();
    ids.push(campaign.id);
  }
  const before = {
    evaluated: await valueOf(ruleEvaluations, { result: "evaluated" }),
    applied: await valueOf(ruleFirings, { outcome: "applied" }),
    held: await valueOf(ruleFirings, { outcome: "held" }),
    gated: await valueOf(ruleFirings, { outcome: "gated" }),
    cooldown: await valueOf(ruleFirings, { outcome: "cooldown" }),
  };
  const conditions = {
    match: "all",
    conditions: [{ metric: "cpa", window: { kind: "yesterday" }, operator: ">", value: 40 }],
  } as const;
  await domain.rules.create(actor, {
    name: "Trim",
    adAccountId: account.id,
    enabled: true,
    scope: { kind: "all" },
    conditions,
    action: { type: "adjust_budget", percent: -10 },
    schedule: { frequency: "hourly" },
  });
  await domain.rules.create(actor, {
    name: "Boost (over the limits)",
    adAccountId: account.id,
    enabled: true,
    scope: { kind: "campaigns", campaignIds: [ids[0]] },
    conditions,
    action: { type: "adjust_budget", percent: 50 },
    schedule: { frequency: "hourly" },
  });
  backend.clock.advance(3_600_000);
  await domain.ruleExecution.tick(domain.workflows.enqueue);
  await domain.workflows.runDue("test");
  // The next hour: the trim rule's firing is in its cooldown (a day by default).
  backend.clock.advance(3_600_000);
  await domain.ruleExecution.tick(domain.workflows.enqueue);
  await domain.workflows.runDue("test");

  const delta = async (metric: Counter<string>, labels: Record<string, string>, key: string) =>
    await valueOf(metric, labels) - before[key as keyof typeof before];
  assert.equal(await delta(ruleEvaluations, { result: "evaluated" }, "evaluated"), 4);
  assert.equal(await delta(ruleFirings, { outcome: "applied" }, "applied"), 1);
  // The +50% is over the account's limits: held for approval.
  assert.equal(await delta(ruleFirings, { outcome: "held" }, "held"), 1);
  // Thin data: the conditions hold but the minimum-data gate stops it, at both runs of Trim.
  assert.equal(await delta(ruleFirings, { outcome: "gated" }, "gated"), 2);
  // Trim's second run on High CPA, and Boost's (its held change counts as a firing).
  assert.equal(await delta(ruleFirings, { outcome: "cooldown" }, "cooldown"), 2);
});
