/**
 * Rules at work: a scheduler that turns each enabled rule's due slot into one durable workflow
 * run, and the handlers that run it — evaluate every campaign in scope, decide, and apply
 * through the write gateway as `actor_kind = rule` — plus the evaluation history that answers
 * "why did / didn't it fire?".
 *
 * - **Once per slot.** The scheduler (every instance, every `RULES_TICK_MS`) computes each rule's
 *   latest slot at or before now in its ad account's time zone and enqueues
 *   `rule:{ruleId}:{slotKey}`; the unique dedupe key makes that one run however many instances
 *   ask. Only the latest slot is ever enqueued, so after downtime the missed slots are caught up
 *   once, not once per slot; slots before the rule was last saved or enabled are not run.
 * - **Steps.** `evaluate` loads the rule, the campaigns in scope (a filter scope picks up new
 *   matching campaigns), their metric windows as of the slot, evaluates, applies the cooldown
 *   and stores one `rule_evaluations` row per campaign with every value; its output is the list
 *   of changes to make. Then one `apply:{campaignId}` step per firing campaign: a gateway write
 *   under the idempotency key `rule-run:{runId}:{campaignId}`, committed together with its
 *   idempotency record (as rollbacks do), so a step cut off by a crash is finished by the
 *   resumed run without changing the campaign twice. Recording the evaluate step's decisions
 *   (rather than a decide step per campaign) keeps a resumed run on the same decisions and costs
 *   one step row for the campaigns that do not fire.
 * - **Limits.** A change over the account's limits comes back `approval_required`: recorded as
 *   `held` with the approval id, and the user is notified. Once a person approves it, the rule's
 *   next evaluation that still fires on that campaign applies it with that approval (within the
 *   cooldown too). A change the hard caps refuse is recorded `refused` with the limit's message.
 * - **Pause until tomorrow** enqueues a `rule_resume` run at the next local midnight, which
 *   resumes the campaign only if its status was not changed since the rule paused it. Restoring
 *   its own pause needs no person's approval (the gateway's `resumesOwnPause`); the freeze and
 *   the hard caps still apply, and anything else activating a campaign is still held.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import { fromDbJson, toDbJson } from "../../db/json.ts";
import type { RuleEvaluationOutcome, RulesTable } from "../../db/schema.ts";
import { isoFromDb, toDbTimestamp } from "../../db/time.ts";
import { upsert } from "../../db/upsert.ts";
import type { Actor } from "../actor.ts";
import { loadAdAccount } from "../ad_accounts.ts";
import type { CampaignStatus } from "../campaigns.ts";
import type { ChangeHistory } from "../change_history.ts";
import type { DomainContext } from "../context.ts";
import { addDays, daysBetween } from "../dates.ts";
import {
  ConflictError,
  DomainError,
  LimitExceededError,
  NotFoundError,
  PlatformAuthError,
  PlatformError,
} from "../errors.ts";
import { type IdempotencyService, platformRequestKey, requestHash } from "../idempotency.ts";
import type { MetricsSync } from "../metrics_sync.ts";
import { type Page, pageSchema } from "../pagination.ts";
import { parseInput } from "../validation.ts";
import { ruleEvaluations, ruleFirings } from "../../lib/metrics.ts";
import type { AppliedChange, CampaignOperation, WriteGateway } from "../write_gateway.ts";
import type { EnqueueInput, WorkflowContext, WorkflowHandler } from "../workflows/engine.ts";
import { evaluateRule, type RuleEvaluation, type WindowCounts, windowsOf } from "./conditions.ts";
import { inScope } from "./conflicts.ts";
import { dailyMetricRows } from "./metric_rows.ts";
import { type RuleAction, type RuleDefinition, windowKey } from "./model.ts";
import { latestSlot, localDateOf, nextLocalMidnight } from "./schedule.ts";

/** Workflow kinds this module handles. */
export const RULE_EVALUATION = "rule_evaluation";
/** The resume at midnight after `pause_until_tomorrow`. */
export const RULE_RESUME = "rule_resume";

/** How often each instance looks for due rule slots unless configured. */
export const DEFAULT_RULES_TICK_MS = 30_000;

/**
 * Something a rule has to tell its owner (a held change, a notify-only firing, a refusal),
 * shaped as `domain.notifications.publish` takes it, so wiring it is one line.
 */
export interface RuleNotice {
  kind: "rule";
  type: "rule_fired" | "rule_change_held" | "rule_change_refused";
  severity: "info" | "warning";
  title: string;
  body: string;
  link: string | null;
  subjectId: string;
  data: Record<string, unknown>;
}

/** Publishes a notice to a user (the notifications service, once wired). */
export type RuleNotifier = (userId: string, notice: RuleNotice) => Promise<void>;

/** What the execution is built from. */
export interface RuleExecutionParts {
  gateway: WriteGateway;
  idempotency: IdempotencyService;
  history: Pick<ChangeHistory, "latestByField">;
  sync: Pick<MetricsSync, "refreshStale">;
  /** The notifications hook; without it notices are dropped. */
  notify?: RuleNotifier;
  /**
   * TEST ONLY: crash tests' pause points: `rule_before_apply:<index>` (before the index-th firing
   * campaign's apply step) and `rule_after_apply:<index>` (inside it, the change made and its
   * idempotency record completed, the step not yet recorded).
   */
  pause?: (point: string) => Promise<void>;
}

/** One campaign in one evaluation, as the rule page shows it. */
export interface CampaignEvaluation {
  campaignId: string;
  campaignName: string;
  action: RuleAction["type"];
  outcome: RuleEvaluationOutcome;
  /** What stopped it: conditions, gate, cooldown, not_applicable, limits, approval. */
  stoppedBy: string | null;
  /** Every condition's value and result, and the gate per window. */
  evaluation: RuleEvaluation;
  /** The metric counts per window the values came from (money in minor units). */
  windows: Record<string, WindowCounts>;
  dailyBudgetMinor: number | null;
  /** For budget actions: the budget before and the one asked for. */
  budgetBeforeMinor: number | null;
  budgetAfterMinor: number | null;
  changeId: string | null;
  approvalId: string | null;
  /** A refusal's or hold's reason. */
  message: string | null;
}

/** One scheduled evaluation of a rule. */
export interface RuleEvaluationRun {
  runId: string;
  /** The slot (UTC) and its local time in the account's zone. */
  slotAt: string;
  slotLocal: string;
  status: string;
  error: string | null;
  /** Campaigns per outcome. */
  counts: Partial<Record<RuleEvaluationOutcome, number>>;
  campaigns: CampaignEvaluation[];
  startedAt: string | null;
  finishedAt: string | null;
}

/** Filters of `evaluations`. */
export const listEvaluationsSchema = pageSchema.extend({
  /** Only evaluations where at least one campaign fired (applied, held, refused, notified). */
  firedOnly: z.boolean().optional(),
});

/** Rule execution: the scheduler's tick, the workflow handlers and the evaluation history. */
export interface RuleExecution {
  /** Workflow handlers by kind, for `createWorkflows`. */
  handlers: Record<string, WorkflowHandler>;
  /** Enqueues the due slot of every enabled rule (idempotent); returns how many it enqueued. */
  tick(enqueue: (actor: Actor, input: EnqueueInput) => Promise<unknown>): Promise<number>;
  /** A rule's evaluations, newest first, each with its per-campaign details. */
  evaluations(
    actor: Actor,
    ruleId: string,
    query?: z.input<typeof listEvaluationsSchema>,
  ): Promise<Page<RuleEvaluationRun>>;
}

/** Input of a `rule_evaluation` run. */
interface EvaluationInput {
  ruleId: string;
  slotAt: string;
  slotLocal: string;
}

/** A change the evaluate step decided to make. */
interface PlannedChange {
  campaignId: string;
  campaignName: string;
  operation: CampaignOperation | null;
  /** An approved hold of this rule for this campaign, applied now. */
  approvalId: string | null;
}

/** What the evaluate step returns (stored, so a resumed run keeps the same decisions). */
interface EvaluateOutput {
  skipped?: string;
  campaigns: number;
  planned: PlannedChange[];
  timeZone: string;
  currency: string;
}

/** Outcomes that count as firings (for cooldowns and "fired only"). */
const FIRINGS: RuleEvaluationOutcome[] = ["pending", "applied", "held", "refused", "notified"];

const ACTIVE_OR_PAUSED: CampaignStatus[] = ["active", "paused"];

/** Builds rule execution. */
export function createRuleExecution(
  context: DomainContext,
  parts: RuleExecutionParts,
): RuleExecution {
  const { db } = context;
  const { gateway, idempotency } = parts;
  const notify: RuleNotifier = parts.notify ?? (() => Promise.resolve());

  function definitionOf(row: Selectable<RulesTable>): RuleDefinition {
    return {
      ...(fromDbJson(row.definition) as Omit<RuleDefinition, "name" | "adAccountId" | "enabled">),
      name: row.name,
      adAccountId: row.ad_account_id,
      enabled: row.enabled === 1,
    };
  }

  async function tick(
    enqueue: (actor: Actor, input: EnqueueInput) => Promise<unknown>,
  ): Promise<number> {
    const now = context.clock.now();
    const rules = await db.kysely.selectFrom("rules")
      .innerJoin("ad_accounts", "ad_accounts.id", "rules.ad_account_id")
      .select([
        "rules.id",
        "rules.user_id",
        "rules.definition",
        "rules.updated_at",
        "ad_accounts.timezone",
      ])
      .where("rules.enabled", "=", 1).where("rules.deleted_at", "is", null)
      .where("ad_accounts.deleted_at", "is", null).execute();
    const due: { actor: Actor; input: EnqueueInput }[] = [];
    for (const rule of rules) {
      const { schedule } = fromDbJson(rule.definition) as Pick<RuleDefinition, "schedule">;
      const slot = latestSlot(schedule, now, rule.timezone);
      // A slot before the rule was last saved or enabled belongs to another version of it.
      if (!slot || toDbTimestamp(slot.at) < rule.updated_at.slice(0, 16)) continue;
      due.push({
        actor: { userId: rule.user_id, role: "user" },
        input: {
          kind: RULE_EVALUATION,
          subjectId: rule.id,
          dedupeKey: `rule:${rule.id}:${slot.key}`,
          input: {
            ruleId: rule.id,
            slotAt: slot.at.toISOString(),
            slotLocal: slot.local,
          } satisfies EvaluationInput,
          scheduledFor: slot.at,
        },
      });
    }
    let enqueued = 0;
    for (let start = 0; start < due.length; start += 500) {
      const batch = due.slice(start, start + 500);
      const existing = new Set(
        (await db.kysely.selectFrom("workflow_runs").select("dedupe_key")
          .where("dedupe_key", "in", batch.map((item) => item.input.dedupeKey)).execute())
          .map((row) => row.dedupe_key),
      );
      for (const item of batch) {
        if (existing.has(item.input.dedupeKey)) continue;
        await enqueue(item.actor, item.input);
        enqueued++;
      }
    }
    return enqueued;
  }

  /** Counts per window key for each campaign, as of the local date `today`. */
  async function metricWindows(
    adAccountId: string,
    definition: RuleDefinition,
    campaignIds: readonly string[],
    today: string,
  ): Promise<Map<string, Record<string, WindowCounts>>> {
    const windows = windowsOf(definition.conditions);
    const lifetime = windows.some((window) => window.kind === "lifetime");
    const lookback = Math.max(
      1,
      ...windows.map((window) => window.kind === "last_n_days" ? window.n : 1),
    );
    const rows = await dailyMetricRows(db, {
      adAccountId,
      campaignIds,
      from: lifetime ? undefined : addDays(today, -lookback),
      to: today,
    });
    const byCampaign = new Map<string, Record<string, WindowCounts>>();
    const firstDate = new Map<string, string>();
    for (const row of rows) {
      const date = String(row.metric_date).slice(0, 10);
      const first = firstDate.get(row.campaign_id);
      if (first === undefined || date < first) firstDate.set(row.campaign_id, date);
    }
    for (const id of campaignIds) {
      const counts: Record<string, WindowCounts> = {};
      for (const window of windows) {
        const days = window.kind === "last_n_days"
          ? window.n
          : window.kind === "lifetime"
          ? Math.max(1, daysBetween(firstDate.get(id) ?? today, today) + 1)
          : 1;
        counts[windowKey(window)] = {
          impressions: 0,
          clicks: 0,
          spendMinor: 0,
          conversions: 0,
          revenueMinor: 0,
          days,
        };
      }
      byCampaign.set(id, counts);
    }
    for (const row of rows) {
      const date = String(row.metric_date).slice(0, 10);
      const counts = byCampaign.get(row.campaign_id);
      if (!counts) continue;
      for (const window of windows) {
        const from = window.kind === "today"
          ? today
          : window.kind === "yesterday"
          ? addDays(today, -1)
          : window.kind === "last_n_days"
          ? addDays(today, -window.n)
          : "0000-00-00";
        const to = window.kind === "today" || window.kind === "lifetime"
          ? today
          : addDays(today, -1);
        if (date < from || date > to) continue;
        const target = counts[windowKey(window)];
        target.impressions += Number(row.impressions);
        target.clicks += Number(row.clicks);
        target.spendMinor += Number(row.spend_minor);
        target.conversions += Number(row.conversions);
        target.revenueMinor += Number(row.revenue_minor);
      }
    }
    return byCampaign;
  }

  /** The budget `action` asks for, or null when it changes nothing. */
  function targetBudget(action: RuleAction, budget: number | null): number | null {
    if (budget === null) return null;
    let next: number;
    if (action.type === "adjust_budget") next = Math.round(budget * (1 + action.percent / 100));
    else if (action.type === "set_budget") next = action.amount;
    else return null;
    if (action.minBudget !== undefined) next = Math.max(next, action.minBudget);
    if (action.maxBudget !== undefined) next = Math.min(next, action.maxBudget);
    return next === budget ? null : next;
  }

  /** The gateway operation of `action` on a campaign, or null when it would change nothing. */
  function operationOf(
    action: RuleAction,
    campaign: { id: string; status: CampaignStatus },
    budget: number | null,
  ): CampaignOperation | null {
    switch (action.type) {
      case "notify_only":
        return null;
      case "pause":
      case "pause_until_tomorrow":
        return campaign.status === "active"
          ? { type: "set_status", campaignId: campaign.id, status: "paused" }
          : null;
      case "resume":
        return campaign.status === "paused"
          ? { type: "set_status", campaignId: campaign.id, status: "active" }
          : null;
      case "adjust_budget":
      case "set_budget": {
        const after = targetBudget(action, budget);
        return after === null
          ? null
          : { type: "update", campaignId: campaign.id, input: { budgetAmountMinor: after } };
      }
    }
  }

  /** Approved, unused holds of this rule, by campaign id. */
  async function approvedHolds(actor: Actor, ruleId: string): Promise<Map<string, string>> {
    const rows = await db.kysely.selectFrom("approvals").select(["id", "operation"])
      .where("user_id", "=", actor.userId).where("requester_kind", "=", "rule")
      .where("requester_id", "=", ruleId).where("status", "=", "approved").execute();
    const holds = new Map<string, string>();
    for (const row of rows) {
      const operation = fromDbJson(row.operation) as { campaignId?: string };
      if (operation.campaignId) holds.set(operation.campaignId, row.id);
    }
    return holds;
  }

  async function evaluate(
    workflow: WorkflowContext,
    input: EvaluationInput,
  ): Promise<EvaluateOutput> {
    const { actor, run } = workflow;
    const row = await db.kysely.selectFrom("rules").selectAll()
      .where("id", "=", input.ruleId).where("user_id", "=", actor.userId).executeTakeFirst();
    const empty = { campaigns: 0, planned: [], timeZone: "UTC", currency: "USD" };
    if (!row || row.deleted_at !== null || row.enabled !== 1) {
      ruleEvaluations.inc({ result: "skipped" });
      const skipped = !row || row.deleted_at !== null ? "deleted" : "disabled";
      return { ...empty, skipped: `the rule was ${skipped}` };
    }
    const definition = definitionOf(row);
    const account = await loadAdAccount(db.kysely, actor, row.ad_account_id);
    await parts.sync.refreshStale([account]);
    const slotAt = new Date(input.slotAt);
    const today = localDateOf(slotAt, account.timezone);
    const campaignRows = await db.kysely.selectFrom("campaigns")
      .select(["id", "name", "status", "objective", "budget_type", "budget_amount_minor"])
      .where("ad_account_id", "=", account.id).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).where("status", "in", ACTIVE_OR_PAUSED)
      .orderBy("created_at").orderBy("id").execute();
    const campaigns = campaignRows.filter((campaign) =>
      inScope(definition.scope, {
        id: campaign.id,
        name: campaign.name,
        status: campaign.status,
        objective: campaign.objective,
      })
    );
    const windows = await metricWindows(
      account.id,
      definition,
      campaigns.map((campaign) => campaign.id),
      today,
    );
    const cooldownFrom = toDbTimestamp(
      new Date(slotAt.getTime() - definition.cooldownHours * 3_600_000),
    );
    const recent = campaigns.length === 0 ? [] : await db.kysely.selectFrom("rule_evaluations")
      .select(["campaign_id", "slot_at"])
      .where("rule_id", "=", row.id).where("outcome", "in", FIRINGS)
      .where("slot_at", ">", cooldownFrom).where("run_id", "!=", run.id).execute();
    const cooling = new Set(recent.map((entry) => entry.campaign_id));
    const holds = await approvedHolds(actor, row.id);
    const planned: PlannedChange[] = [];
    const records = campaigns.map((campaign) => {
      const budget = campaign.budget_type === "daily" ? Number(campaign.budget_amount_minor) : null;
      const counts = windows.get(campaign.id) ?? {};
      const evaluation = evaluateRule(definition, { windows: counts, dailyBudgetMinor: budget });
      const operation = operationOf(definition.action, campaign, budget);
      const approvalId = holds.get(campaign.id) ?? null;
      let outcome: RuleEvaluationOutcome = "pending";
      let stoppedBy: string | null = null;
      if (!evaluation.fires) {
        outcome = "not_fired";
        stoppedBy = evaluation.conditionsMet ? "gate" : "conditions";
      } else if (operation === null && definition.action.type !== "notify_only") {
        outcome = "skipped";
        stoppedBy = "not_applicable";
      } else if (cooling.has(campaign.id) && approvalId === null) {
        outcome = "skipped";
        stoppedBy = "cooldown";
      } else {
        planned.push({
          campaignId: campaign.id,
          campaignName: campaign.name,
          operation,
          approvalId,
        });
      }
      const after = operation?.type === "update" ? operation.input.budgetAmountMinor ?? null : null;
      return {
        id: context.ids(),
        user_id: actor.userId,
        rule_id: row.id,
        run_id: run.id,
        campaign_id: campaign.id,
        campaign_name: campaign.name,
        slot_at: toDbTimestamp(slotAt),
        action: definition.action.type,
        outcome,
        stopped_by: stoppedBy,
        change_id: null,
        approval_id: null,
        detail: toDbJson({
          evaluation,
          windows: counts,
          dailyBudgetMinor: budget,
          budgetBeforeMinor: after === null ? null : budget,
          budgetAfterMinor: after,
          message: null,
        }),
        created_at: toDbTimestamp(context.clock.now()),
        updated_at: toDbTimestamp(context.clock.now()),
      };
    });
    ruleEvaluations.inc({ result: "evaluated" });
    // Would-be firings stopped here; the others are counted as their apply step ends.
    for (const record of records) {
      const stopped = record.stopped_by === "gate"
        ? "gated"
        : record.stopped_by === "cooldown" || record.stopped_by === "not_applicable"
        ? record.stopped_by
        : null;
      if (stopped) ruleFirings.inc({ outcome: stopped });
    }
    for (let start = 0; start < records.length; start += 200) {
      workflow.assertLease();
      await upsert(db.kysely, db.dialect, {
        table: "rule_evaluations",
        rows: records.slice(start, start + 200),
        conflictColumns: ["run_id", "campaign_id"],
        updateColumns: ["outcome", "stopped_by", "detail", "updated_at"],
      });
    }
    return {
      campaigns: campaigns.length,
      planned,
      timeZone: account.timezone,
      currency: account.currency,
    };
  }

  /** One gateway write at most once, whatever crashes: claimed, then committed with its claim. */
  async function applyOnce(
    actor: Actor,
    ruleId: string,
    runId: string,
    change: PlannedChange & { operation: CampaignOperation },
  ) {
    const record = { scope: `rule-run:${runId}`, key: change.campaignId };
    const start = await idempotency.begin(actor, {
      ...record,
      requestHash: await requestHash(change.operation),
    }, { takeOverInProgress: true });
    if (start.state === "replay") {
      const body = start.responseBody as { changeId: string; approvalId: string | null };
      return { status: "applied" as const, changeId: body.changeId, approvalId: body.approvalId };
    }
    const claim = { ...record, claimToken: start.claimToken };
    try {
      const outcome = await gateway.write({
        actor,
        source: { kind: "rule", ruleId },
        operation: change.operation,
        idempotencyKey: `${record.scope}:${record.key}`,
        requestKey: await platformRequestKey(actor, claim),
        ...(change.approvalId ? { approvalId: change.approvalId } : {}),
        commit: async (work) => {
          let applied: AppliedChange | undefined;
          await idempotency.runOnce(actor, claim, async (trx) => {
            applied = await work(trx);
            return {
              responseStatus: 200,
              responseBody: { changeId: applied.changeId, approvalId: applied.approvalId },
            };
          });
          // Completed by an earlier attempt in the meantime: its change is the one made.
          if (!applied) throw new Error("the change was completed by another attempt");
          return applied;
        },
      });
      if (outcome.status === "approval_required") {
        await idempotency.abandon(actor, claim).catch(() => {});
        return {
          status: "held" as const,
          approvalId: outcome.approval.id,
          reason: outcome.approval.reason,
        };
      }
      return {
        status: "applied" as const,
        changeId: outcome.changeId,
        approvalId: outcome.approvalId,
      };
    } catch (error) {
      await idempotency.abandon(actor, claim).catch(() => {});
      throw error;
    }
  }

  async function markOutcome(
    runId: string,
    campaignId: string,
    fields: {
      outcome: RuleEvaluationOutcome;
      stoppedBy?: string | null;
      changeId?: string | null;
      approvalId?: string | null;
      message?: string | null;
    },
  ) {
    const row = await db.kysely.selectFrom("rule_evaluations").select(["id", "detail"])
      .where("run_id", "=", runId).where("campaign_id", "=", campaignId).executeTakeFirst();
    if (!row) return;
    const detail = fromDbJson(row.detail) as Record<string, unknown>;
    await db.kysely.updateTable("rule_evaluations").set({
      outcome: fields.outcome,
      stopped_by: fields.stoppedBy ?? null,
      change_id: fields.changeId ?? null,
      approval_id: fields.approvalId ?? null,
      detail: toDbJson({ ...detail, message: fields.message ?? null }),
      updated_at: toDbTimestamp(context.clock.now()),
    }).where("id", "=", row.id).execute();
  }

  const ruleLink = (ruleId: string) => `/rules/${ruleId}`;

  const evaluationHandler: WorkflowHandler = async (workflow) => {
    const input = workflow.run.input as EvaluationInput;
    const { actor, run, step } = workflow;
    const evaluated = await step(
      "evaluate",
      "evaluate",
      () => evaluate(workflow, input),
      { slotAt: input.slotAt, slotLocal: input.slotLocal },
    );
    if (evaluated.skipped) return { skipped: evaluated.skipped };
    const rule = await db.kysely.selectFrom("rules").select(["name", "definition"])
      .where("id", "=", input.ruleId).executeTakeFirstOrThrow();
    const action = (fromDbJson(rule.definition) as RuleDefinition).action;
    const tally: Partial<Record<RuleEvaluationOutcome, number>> = {};
    let index = 0;
    for (const change of evaluated.planned) {
      await parts.pause?.(`rule_before_apply:${index++}`);
      const outcome = await step(
        `apply:${change.campaignId}`,
        "apply",
        async () => {
          const outcome = await applyChange(
            workflow,
            input,
            rule.name,
            action,
            change,
            evaluated.timeZone,
            index - 1,
          );
          // Counted where it happens: a resumed run skips the steps already done.
          ruleFirings.inc({ outcome });
          return outcome;
        },
        { campaignId: change.campaignId, operation: change.operation },
      );
      tally[outcome] = (tally[outcome] ?? 0) + 1;
      if (index % 20 === 0) {
        await workflow.progress({ done: index, total: evaluated.planned.length });
      }
    }
    return {
      ruleId: input.ruleId,
      slotLocal: input.slotLocal,
      campaigns: evaluated.campaigns,
      fired: evaluated.planned.length,
      outcomes: tally,
      runId: run.id,
      userId: actor.userId,
    };
  };

  async function applyChange(
    workflow: WorkflowContext,
    input: EvaluationInput,
    ruleName: string,
    action: RuleAction,
    change: PlannedChange,
    timeZone: string,
    index: number,
  ): Promise<RuleEvaluationOutcome> {
    const { actor, run } = workflow;
    const base = {
      kind: "rule" as const,
      link: ruleLink(input.ruleId),
      subjectId: input.ruleId,
    };
    if (change.operation === null) {
      await markOutcome(run.id, change.campaignId, { outcome: "notified" });
      await notify(actor.userId, {
        ...base,
        type: "rule_fired",
        severity: "info",
        title: `Rule "${ruleName}" fired on ${change.campaignName}`,
        body: `Its conditions held at ${input.slotLocal} (notify only: nothing was changed).`,
        data: { ruleId: input.ruleId, campaignId: change.campaignId, runId: run.id },
      });
      return "notified";
    }
    try {
      const result = await applyOnce(actor, input.ruleId, run.id, {
        ...change,
        operation: change.operation,
      });
      await parts.pause?.(`rule_after_apply:${index}`);
      if (result.status === "held") {
        await markOutcome(run.id, change.campaignId, {
          outcome: "held",
          stoppedBy: "approval",
          approvalId: result.approvalId,
          message: result.reason,
        });
        await notify(actor.userId, {
          ...base,
          type: "rule_change_held",
          severity: "warning",
          title: `Rule "${ruleName}" needs your approval for ${change.campaignName}`,
          body: `The change is over the account's limits (${result.reason}). Approve it and the ` +
            "rule applies it at its next run.",
          link: `/approvals/${result.approvalId}`,
          data: {
            ruleId: input.ruleId,
            campaignId: change.campaignId,
            approvalId: result.approvalId,
          },
        });
        return "held";
      }
      await markOutcome(run.id, change.campaignId, {
        outcome: "applied",
        changeId: result.changeId,
        approvalId: result.approvalId,
      });
      if (action.type === "pause_until_tomorrow") {
        const midnight = nextLocalMidnight(new Date(input.slotAt), timeZone);
        await workflow.enqueue({
          kind: RULE_RESUME,
          subjectId: input.ruleId,
          dedupeKey: `rule-resume:${input.ruleId}:${change.campaignId}:${midnight.date}`,
          input: {
            ruleId: input.ruleId,
            campaignId: change.campaignId,
            pausedChangeId: result.changeId,
          },
          scheduledFor: midnight.at,
        });
      }
      return "applied";
    } catch (error) {
      if (!isRefusal(error, change.approvalId !== null)) throw error;
      await markOutcome(run.id, change.campaignId, {
        outcome: "refused",
        stoppedBy: "limits",
        message: error.message,
      });
      await notify(actor.userId, {
        ...base,
        type: "rule_change_refused",
        severity: "warning",
        title: `Rule "${ruleName}" could not change ${change.campaignName}`,
        body: error.message,
        data: { ruleId: input.ruleId, campaignId: change.campaignId, runId: run.id },
      });
      return "refused";
    }
  }

  const resumeHandler: WorkflowHandler = async ({ actor, run, step }) => {
    const input = run.input as { ruleId: string; campaignId: string; pausedChangeId: string };
    return await step("resume", "resume", async () => {
      const latest = await parts.history.latestByField(db.kysely, input.campaignId);
      if (latest.get("status")?.id !== input.pausedChangeId) {
        return { outcome: "skipped", reason: "its status changed since the rule paused it" };
      }
      try {
        const result = await applyOnce(actor, input.ruleId, run.id, {
          campaignId: input.campaignId,
          campaignName: "",
          approvalId: null,
          operation: { type: "set_status", campaignId: input.campaignId, status: "active" },
        });
        return result.status === "held"
          ? { outcome: "held", approvalId: result.approvalId }
          : { outcome: "applied", changeId: result.changeId };
      } catch (error) {
        if (!isRefusal(error, false)) throw error;
        return { outcome: "refused", reason: error.message };
      }
    });
  };

  return {
    handlers: { [RULE_EVALUATION]: evaluationHandler, [RULE_RESUME]: resumeHandler },
    tick,

    async evaluations(actor, ruleId, query = {}) {
      const { skip, limit, firedOnly } = parseInput(listEvaluationsSchema, query);
      if (!z.uuid().safeParse(ruleId).success) throw new NotFoundError("rule");
      const rule = await db.kysely.selectFrom("rules").select("id")
        .where("id", "=", ruleId).where("user_id", "=", actor.userId)
        .where("deleted_at", "is", null).executeTakeFirst();
      if (!rule) throw new NotFoundError("rule");
      let scoped = db.kysely.selectFrom("workflow_runs")
        .where("user_id", "=", actor.userId).where("kind", "=", RULE_EVALUATION)
        .where("subject_id", "=", ruleId);
      if (firedOnly) {
        scoped = scoped.where((eb) =>
          eb.exists(
            eb.selectFrom("rule_evaluations").select("rule_evaluations.id")
              .whereRef("rule_evaluations.run_id", "=", "workflow_runs.id")
              .where("rule_evaluations.outcome", "in", FIRINGS),
          )
        );
      }
      const [runs, count] = await Promise.all([
        scoped.selectAll().orderBy("scheduled_for", "desc").orderBy("id", "desc")
          .offset(skip).limit(limit).execute(),
        scoped.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow(),
      ]);
      const rows = runs.length === 0 ? [] : await db.kysely.selectFrom("rule_evaluations")
        .selectAll().where("run_id", "in", runs.map((run) => run.id))
        .where("user_id", "=", actor.userId).orderBy("campaign_name").execute();
      const items = runs.map((run): RuleEvaluationRun => {
        const input = fromDbJson(run.input) as EvaluationInput;
        const campaigns = rows.filter((row) => row.run_id === run.id).map((row) => {
          const detail = fromDbJson(row.detail) as Omit<
            CampaignEvaluation,
            | "campaignId"
            | "campaignName"
            | "action"
            | "outcome"
            | "stoppedBy"
            | "changeId"
            | "approvalId"
          >;
          return {
            campaignId: row.campaign_id,
            campaignName: row.campaign_name,
            action: row.action as RuleAction["type"],
            outcome: row.outcome,
            stoppedBy: row.stopped_by,
            evaluation: detail.evaluation,
            windows: detail.windows,
            dailyBudgetMinor: detail.dailyBudgetMinor,
            budgetBeforeMinor: detail.budgetBeforeMinor,
            budgetAfterMinor: detail.budgetAfterMinor,
            changeId: row.change_id,
            approvalId: row.approval_id,
            message: detail.message ?? null,
          };
        });
        const counts: Partial<Record<RuleEvaluationOutcome, number>> = {};
        for (const campaign of campaigns) {
          counts[campaign.outcome] = (counts[campaign.outcome] ?? 0) + 1;
        }
        return {
          runId: run.id,
          slotAt: input.slotAt,
          slotLocal: input.slotLocal,
          status: run.status,
          error: run.error,
          counts,
          campaigns,
          startedAt: run.started_at ? isoFromDb(run.started_at) : null,
          finishedAt: run.finished_at ? isoFromDb(run.finished_at) : null,
        };
      });
      return { items, total: Number(count.total), skip, limit };
    },
  };
}

/**
 * Whether a failed change is a refusal to record (a limit, the freeze, invalid input, a campaign
 * gone, a platform connection needing a person, a stale approval) rather than a transient failure
 * (the account's lock busy, a platform outage) that the run retries with a backoff.
 */
function isRefusal(error: unknown, withApproval: boolean): error is DomainError {
  if (!(error instanceof DomainError)) return false;
  if (error instanceof PlatformError) return error instanceof PlatformAuthError;
  if (error instanceof LimitExceededError) return true;
  if (error.constructor === ConflictError) return withApproval;
  return true;
}
