/**
 * Workflow runs as the run pages show them: each run with a kind label, who acted (the rule, or
 * the schedule for alert detection) and one sentence in plain words of what it did ("Rule 'Trim
 * budgets': paused 2 campaigns"), and a run's detail with its steps and, for a rule's
 * evaluation, each firing campaign's outcome and change. Always scoped to the signed-in user.
 *
 * @module
 */
import { z } from "zod";
import { fromDbJson } from "../../db/json.ts";
import type { RuleEvaluationOutcome } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import type { DomainContext } from "../context.ts";
import type { Page } from "../pagination.ts";
import { ALERT_DETECTION } from "../alerts/scheduled.ts";
import { BACKFILL_KIND, SYNC_KIND } from "../connections/sync.ts";
import { RULE_EVALUATION, RULE_RESUME } from "../rules/execution.ts";
import type { RuleAction } from "../rules/model.ts";
import type { ListWorkflowRunsQuery, WorkflowRun, WorkflowRunDetail, Workflows } from "./engine.ts";

/** Names of the workflow kinds, as the run list's filter and rows show them. */
export const WORKFLOW_KIND_LABELS: Readonly<Record<string, string>> = {
  [RULE_EVALUATION]: "Rule evaluation",
  [RULE_RESUME]: "Rule resume",
  [ALERT_DETECTION]: "Alert detection",
  [SYNC_KIND]: "Sync",
  [BACKFILL_KIND]: "Backfill",
};

/** Kinds whose subject is an ad account. */
const ACCOUNT_KINDS = [ALERT_DETECTION, SYNC_KIND, BACKFILL_KIND];

/** Who acted in a run: a rule (linking to its page), or the hourly schedule. */
export type WorkflowRunActor =
  | { kind: "rule"; id: string; name: string; deleted: boolean }
  | { kind: "schedule"; name: string };

/** A run in the list. */
export interface WorkflowRunSummary extends WorkflowRun {
  kindLabel: string;
  actor: WorkflowRunActor;
  /** What it did (or is doing, or will do), in one sentence. */
  summary: string;
  /** Progress of a running run (`done` of `total`), when it reports one. */
  progressDone: { done: number; total: number } | null;
}

/** One campaign a rule's evaluation fired on. */
export interface WorkflowRunCampaign {
  campaignId: string;
  campaignName: string;
  outcome: RuleEvaluationOutcome;
  stoppedBy: string | null;
  changeId: string | null;
  approvalId: string | null;
}

/** A run with its steps, and the campaigns a rule's evaluation fired on. */
export interface WorkflowRunDetailView extends WorkflowRunSummary {
  steps: WorkflowRunDetail["steps"];
  /** Firings of a rule's evaluation (empty otherwise). */
  campaigns: WorkflowRunCampaign[];
}

/** The views. */
export interface WorkflowRunViews {
  /** The actor's runs, newest first, described. */
  list(actor: Actor, query?: ListWorkflowRunsQuery): Promise<Page<WorkflowRunSummary>>;
  /** One of the actor's runs with its steps, described; `NotFoundError` otherwise. */
  detail(actor: Actor, runId: string): Promise<WorkflowRunDetailView>;
}

/** Outcomes of a rule's evaluation that are firings. */
const FIRED: RuleEvaluationOutcome[] = ["pending", "applied", "held", "refused", "notified"];

/** Builds the views over the engine. */
export function createWorkflowRunViews(
  context: DomainContext,
  workflows: Pick<Workflows, "list" | "get">,
): WorkflowRunViews {
  const { db } = context;

  /** The runs' rules (deleted ones too) and accounts, by id. */
  async function namesFor(actor: Actor, runs: readonly WorkflowRun[]) {
    const ruleIds = [
      ...new Set(
        runs.filter((run) => run.kind === RULE_EVALUATION || run.kind === RULE_RESUME)
          .map((run) => run.subjectId),
      ),
    ];
    const accountIds = [
      ...new Set(
        runs.filter((run) => ACCOUNT_KINDS.includes(run.kind)).map((run) => run.subjectId),
      ),
    ];
    const campaignIds = [
      ...new Set(runs.flatMap((run) => {
        const input = run.input as { campaignId?: unknown } | null;
        return run.kind === RULE_RESUME && typeof input?.campaignId === "string"
          ? [input.campaignId]
          : [];
      })),
    ];
    const rules = ruleIds.length === 0 ? [] : await db.kysely.selectFrom("rules")
      .select(["id", "name", "definition", "deleted_at"])
      .where("user_id", "=", actor.userId).where("id", "in", ruleIds).execute();
    const accounts = accountIds.length === 0 ? [] : await db.kysely.selectFrom("ad_accounts")
      .select(["id", "name"]).where("user_id", "=", actor.userId)
      .where("id", "in", accountIds).execute();
    const campaigns = campaignIds.length === 0 ? [] : await db.kysely.selectFrom("campaigns")
      .select(["id", "name"]).where("user_id", "=", actor.userId)
      .where("id", "in", campaignIds).execute();
    return {
      rules: new Map(rules.map((rule) => [rule.id, {
        name: rule.name,
        deleted: rule.deleted_at !== null,
        action: (fromDbJson(rule.definition) as { action?: RuleAction }).action?.type ?? null,
      }])),
      accounts: new Map(accounts.map((account) => [account.id, account.name])),
      campaigns: new Map(campaigns.map((campaign) => [campaign.id, campaign.name])),
    };
  }

  function describe(
    run: WorkflowRun,
    names: Awaited<ReturnType<typeof namesFor>>,
  ): WorkflowRunSummary {
    const kindLabel = WORKFLOW_KIND_LABELS[run.kind] ?? sentenceCase(run.kind);
    const progressDone = progressOf(run);
    const base = { ...run, kindLabel, progressDone };
    if (run.kind === RULE_EVALUATION || run.kind === RULE_RESUME) {
      const rule = names.rules.get(run.subjectId);
      const actor: WorkflowRunActor = {
        kind: "rule",
        id: run.subjectId,
        name: rule?.name ?? "a deleted rule",
        deleted: rule?.deleted ?? true,
      };
      const what = run.kind === RULE_EVALUATION
        ? evaluationWords(run, rule?.action ?? null, progressDone)
        : resumeWords(run, names.campaigns);
      return { ...base, actor, summary: `Rule '${actor.name}': ${what}` };
    }
    if (run.kind === ALERT_DETECTION) {
      const account = names.accounts.get(run.subjectId) ?? "a removed ad account";
      return {
        ...base,
        actor: { kind: "schedule", name: "Hourly alert detection" },
        summary: `Alert detection on '${account}': ${detectionWords(run)}`,
      };
    }
    if (run.kind === SYNC_KIND || run.kind === BACKFILL_KIND) {
      const account = names.accounts.get(run.subjectId) ?? "a removed ad account";
      const what = run.kind === SYNC_KIND ? "synced its metrics" : "imported its history";
      const progress = progressDone ? `${progressDone.done} of ${progressDone.total} days` : null;
      return {
        ...base,
        actor: { kind: "schedule", name: "Account sync" },
        summary: `${kindLabel} of '${account}': ${progress ?? statusWords(run) ?? what}`,
      };
    }
    return {
      ...base,
      actor: { kind: "schedule", name: "Background work" },
      summary: `${kindLabel}: ${statusWords(run) ?? "done"}`,
    };
  }

  return {
    async list(actor, query = {}) {
      const page = await workflows.list(actor, query);
      const names = await namesFor(actor, page.items);
      return { ...page, items: page.items.map((run) => describe(run, names)) };
    },

    async detail(actor, runId) {
      const run = await workflows.get(actor, runId);
      const names = await namesFor(actor, [run]);
      const campaigns = run.kind !== RULE_EVALUATION ? [] : await db.kysely
        .selectFrom("rule_evaluations")
        .select([
          "campaign_id",
          "campaign_name",
          "outcome",
          "stopped_by",
          "change_id",
          "approval_id",
        ])
        .where("run_id", "=", run.id).where("user_id", "=", actor.userId)
        .where("outcome", "in", [...FIRED, "skipped"]).orderBy("campaign_name").execute();
      return {
        ...describe(run, names),
        steps: run.steps,
        campaigns: campaigns.map((row) => ({
          campaignId: row.campaign_id,
          campaignName: row.campaign_name,
          outcome: row.outcome,
          stoppedBy: row.stopped_by,
          changeId: row.change_id,
          approvalId: row.approval_id,
        })),
      };
    },
  };
}

const progressSchema = z.union([
  z.object({ done: z.number(), total: z.number() }),
  // A backfill's days.
  z.object({ daysDone: z.number(), daysTotal: z.number() })
    .transform(({ daysDone, daysTotal }) => ({ done: daysDone, total: daysTotal })),
]);

function progressOf(run: WorkflowRun): { done: number; total: number } | null {
  if (run.status !== "running") return null;
  const parsed = progressSchema.safeParse(run.progress);
  return parsed.success ? parsed.data : null;
}

/** The words for a run that has not finished well, or null once it succeeded. */
function statusWords(run: WorkflowRun): string | null {
  switch (run.status) {
    case "queued":
      return run.attempt > 0 ? "waiting to retry" : "waiting to run";
    case "running":
      return "running…";
    case "failed":
      return `failed (${run.error ?? "no reason recorded"})`;
    case "succeeded":
      return null;
  }
}

function campaignsWord(count: number): string {
  return `${count} campaign${count === 1 ? "" : "s"}`;
}

/** "paused 2 campaigns", "changed the budget of 1 campaign", … */
const ACTION_WORDS: Record<RuleAction["type"], (campaigns: string) => string> = {
  pause: (campaigns) => `paused ${campaigns}`,
  pause_until_tomorrow: (campaigns) => `paused ${campaigns} until tomorrow`,
  resume: (campaigns) => `resumed ${campaigns}`,
  adjust_budget: (campaigns) => `changed the budget of ${campaigns}`,
  set_budget: (campaigns) => `changed the budget of ${campaigns}`,
  notify_only: (campaigns) => `notified you about ${campaigns}`,
};

function evaluationWords(
  run: WorkflowRun,
  action: RuleAction["type"] | null,
  progress: { done: number; total: number } | null,
): string {
  if (progress) return `applying ${progress.done} of ${campaignsWord(progress.total)}…`;
  const pending = statusWords(run);
  if (pending) return pending;
  const result = (run.result ?? {}) as {
    skipped?: string;
    campaigns?: number;
    outcomes?: Partial<Record<RuleEvaluationOutcome, number>>;
  };
  if (result.skipped) return `skipped (${result.skipped})`;
  const outcomes = result.outcomes ?? {};
  const parts: string[] = [];
  const words = action ? ACTION_WORDS[action] : (campaigns: string) => `changed ${campaigns}`;
  if (outcomes.applied) parts.push(words(campaignsWord(outcomes.applied)));
  if (outcomes.notified) parts.push(`notified you about ${campaignsWord(outcomes.notified)}`);
  if (outcomes.held) parts.push(`${outcomes.held} held for your approval`);
  if (outcomes.refused) parts.push(`${outcomes.refused} refused by the account's limits`);
  if (parts.length > 0) return parts.join(", ");
  const checked = result.campaigns ?? 0;
  return checked === 0
    ? "no campaign in scope"
    : `did not fire (${campaignsWord(checked)} checked)`;
}

function resumeWords(run: WorkflowRun, campaigns: ReadonlyMap<string, string>): string {
  const input = (run.input ?? {}) as { campaignId?: string };
  const name = `'${campaigns.get(input.campaignId ?? "") ?? "a deleted campaign"}'`;
  const pending = statusWords(run);
  if (pending) return run.status === "queued" ? `will resume ${name} at midnight` : pending;
  const result = (run.result ?? {}) as { outcome?: string; reason?: string };
  switch (result.outcome) {
    case "applied":
      return `resumed ${name} after its pause until tomorrow`;
    case "held":
      return `the resume of ${name} is held for your approval`;
    case "refused":
      return `could not resume ${name} (${result.reason ?? "refused"})`;
    default:
      return `left ${name} as it is (${result.reason ?? "nothing to resume"})`;
  }
}

function detectionWords(run: WorkflowRun): string {
  const pending = statusWords(run);
  if (pending) return pending;
  const result = (run.result ?? {}) as {
    skipped?: string;
    raised?: number;
    refreshed?: number;
    resolved?: number;
  };
  if (result.skipped) return `already judged (${result.skipped})`;
  const parts: string[] = [];
  if (result.raised) parts.push(`${result.raised} alert${result.raised === 1 ? "" : "s"} raised`);
  if (result.refreshed) parts.push(`${result.refreshed} still open`);
  if (result.resolved) parts.push(`${result.resolved} resolved`);
  return parts.length > 0 ? parts.join(", ") : "no anomalies";
}

function sentenceCase(kind: string): string {
  const words = kind.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
