/**
 * `RunView`: a run with its steps, as the transports and REST show it; `RunDetailView`, the same
 * view plus what the run page adds (lease, idempotency keys, credits and tokens per step);
 * `listRunSummaries`, a user's runs newest first; `RunReads`, what pages read of them; and
 * `runStatusSummary`, for the metrics.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { fromDbJson } from "../../db/json.ts";
import { AGENT_RUN_STATUSES, type AgentRunStatus } from "../../db/schema.ts";
import { isoFromDb, isoFromDbOrNull } from "../../db/time.ts";
import type { Actor } from "../../domain/actor.ts";
import { conversationsAwaitingApproval } from "../../domain/attention.ts";
import { creditsChargedByKey } from "../../domain/credits.ts";
import { modelCallChargeKey, toolCallChargeKey } from "../../domain/agent_pricing.ts";
import { type Page, type PageQuery, paginate } from "../../domain/pagination.ts";
import type { RunStatusSummary } from "../../lib/metrics.ts";
import type { RunStepView, RunView } from "./types.ts";
import { loadOwnedRun, pendingOf, type RunRow, type StepRow } from "./store.ts";
import { runChanges, runSentence } from "./run_summary.ts";

/** The view of `run`, with its steps in order. */
export async function runView(db: Database, run: RunRow): Promise<RunView> {
  return viewOfRows(run, await stepRowsOf(db, run.id));
}

/** A run's step rows in order: the one read both views share. */
function stepRowsOf(db: Database, runId: string): Promise<StepRow[]> {
  return db.kysely.selectFrom("agent_steps").selectAll()
    .where("run_id", "=", runId).orderBy("seq").execute();
}

function viewOfRows(run: RunRow, steps: readonly StepRow[]): RunView {
  const pending = run.status === "waiting_confirmation" ? pendingOf(run) : null;
  return {
    id: run.id,
    conversationId: run.conversation_id,
    status: run.status,
    pendingConfirmation: pending
      ? { confirmationId: pending.confirmationId, preview: pending.preview }
      : null,
    inputTokens: Number(run.input_tokens),
    outputTokens: Number(run.output_tokens),
    error: run.error,
    errorCode: run.error_code,
    createdAt: isoFromDb(run.created_at),
    startedAt: isoFromDbOrNull(run.started_at),
    finishedAt: isoFromDbOrNull(run.finished_at),
    steps: steps.map((step): RunStepView => ({
      id: step.id,
      seq: step.seq,
      kind: step.kind,
      name: step.name,
      status: step.status,
      attempt: step.attempt,
      input: fromDbJson(step.input),
      output: fromDbJson(step.output),
      startedAt: isoFromDbOrNull(step.started_at),
      finishedAt: isoFromDbOrNull(step.finished_at),
      durationMs: step.duration_ms,
    })),
  };
}

/** One step as the run page shows it. */
export interface RunStepDetail extends RunStepView {
  /** Unique within the run (`model:0`, `tool:t0c0`, `confirm:t0c0`); a replay reuses it. */
  idempotencyKey: string | null;
  /** Lease epoch of the runner that last wrote the step (changes after a takeover). */
  leaseEpoch: number;
  /** Credits charged for the step; null when nothing was charged under its key. */
  credits: number | null;
  /** Model token usage, for model calls that reported it. */
  tokens: { input: number; output: number } | null;
}

/** A run as its own page shows it: `RunView` plus runner and cost details. */
export interface RunDetailView extends RunView {
  /** Instance that holds (or last held) the run, and the fencing epoch it holds it at. */
  leaseOwner: string | null;
  leaseEpoch: number;
  /** When the owner asked to cancel, if they did. */
  cancelRequestedAt: string | null;
  /** Total credits charged for the run's steps. */
  creditsCharged: number;
  steps: RunStepDetail[];
  /** What it did, in plain words (as the run list says it). */
  summary: string;
}

/**
 * The detail view of `run` (load it with `loadOwnedRun`): the same steps read and mapping as
 * `runView`, so the page and REST cannot disagree, plus one ledger read for the credits.
 */
export async function runDetailView(db: Database, run: RunRow): Promise<RunDetailView> {
  const [rows, changes, question] = await Promise.all([
    stepRowsOf(db, run.id),
    runChanges(db, run.user_id, [run.id]),
    run.message_id === null ? Promise.resolve(undefined) : db.kysely.selectFrom("messages")
      .select("content").where("id", "=", run.message_id).where("deleted_at", "is", null)
      .executeTakeFirst(),
  ]);
  const view = viewOfRows(run, rows);
  const credits = await creditsByStepKey(db, run, rows);
  const steps = view.steps.map((step, index): RunStepDetail => {
    const row = rows[index];
    return {
      ...step,
      idempotencyKey: row.idempotency_key,
      leaseEpoch: Number(row.lease_epoch),
      credits: row.idempotency_key === null ? null : credits.get(row.idempotency_key) ?? null,
      tokens: step.kind === "model_call" ? usageOf(step.output) : null,
    };
  });
  return {
    ...view,
    leaseOwner: run.lease_owner,
    leaseEpoch: Number(run.lease_epoch),
    cancelRequestedAt: isoFromDbOrNull(run.cancel_requested_at),
    creditsCharged: steps.reduce((sum, step) => sum + (step.credits ?? 0), 0),
    steps,
    summary: runSentence({
      status: run.status,
      question: question?.content ?? null,
      changes: changes.get(run.id) ?? [],
    }),
  };
}

/**
 * The ledger key a step was charged under. The step keys are the agent graph's (`model:<turn>`,
 * `tool:<tool call id>`); the ledger keys come from `agent_pricing.ts`, the one place that names
 * them. Confirmations cost nothing.
 */
function chargeKeyOf(runId: string, stepKey: string): string | null {
  const model = /^model:(\d+)$/.exec(stepKey);
  if (model) return modelCallChargeKey(runId, Number(model[1]));
  const tool = /^tool:(.+)$/.exec(stepKey);
  return tool ? toolCallChargeKey(runId, tool[1]) : null;
}

/** Credits charged per step key, from the run owner's ledger (by its unique key index). */
async function creditsByStepKey(
  db: Database,
  run: RunRow,
  steps: readonly StepRow[],
): Promise<Map<string, number>> {
  const stepKeyOf = new Map<string, string>();
  for (const step of steps) {
    const chargeKey = step.idempotency_key && chargeKeyOf(run.id, step.idempotency_key);
    if (chargeKey) stepKeyOf.set(chargeKey, step.idempotency_key!);
  }
  const charged = await creditsChargedByKey(db.kysely, run.user_id, [...stepKeyOf.keys()]);
  return new Map([...charged].map(([chargeKey, credits]) => [stepKeyOf.get(chargeKey)!, credits]));
}

/** `usage` of a model call's recorded output, when it has one. */
function usageOf(output: unknown): { input: number; output: number } | null {
  const usage = (output as { usage?: { inputTokens?: unknown; outputTokens?: unknown } } | null)
    ?.usage;
  if (typeof usage?.inputTokens !== "number" || typeof usage?.outputTokens !== "number") {
    return null;
  }
  return { input: usage.inputTokens, output: usage.outputTokens };
}

/** One run in a list of runs. */
export interface RunSummary {
  id: string;
  conversationId: string;
  /** Null when the conversation was deleted. */
  conversationTitle: string | null;
  status: AgentRunStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** From start to finish; null until the run has both. */
  durationMs: number | null;
  stepCount: number;
  /** What it did, in plain words ("Created Spring Sale", "Answered: how did…"). */
  summary: string;
}

/**
 * The runs of `userId`, newest first. Served by the `(user_id, created_at)` index; the step
 * count and conversation title are per-row subqueries on primary/unique indexes, so a page costs
 * the same however many runs or steps the user has.
 */
export async function listRunSummaries(
  db: Database,
  userId: string,
  page: PageQuery,
): Promise<Page<RunSummary>> {
  const runs = await paginate(
    db.kysely.selectFrom("agent_runs").where("agent_runs.user_id", "=", userId),
    page,
    (scoped) =>
      scoped.select((eb) => [
        "agent_runs.id",
        "agent_runs.conversation_id",
        "agent_runs.status",
        "agent_runs.created_at",
        "agent_runs.started_at",
        "agent_runs.finished_at",
        eb.selectFrom("agent_steps").select((inner) => inner.fn.countAll<number>().as("n"))
          .whereRef("agent_steps.run_id", "=", "agent_runs.id").as("step_count"),
        eb.selectFrom("conversations").select("conversations.title")
          .whereRef("conversations.id", "=", "agent_runs.conversation_id")
          .where("conversations.deleted_at", "is", null).as("conversation_title"),
        // The text of the user message that started the run (a primary-key subquery).
        eb.selectFrom("messages").select("messages.content")
          .whereRef("messages.id", "=", "agent_runs.message_id")
          .where("messages.deleted_at", "is", null).as("question"),
      ]).orderBy("agent_runs.created_at", "desc").orderBy("agent_runs.id", "desc"),
    (row) => row,
  );
  const changes = await runChanges(db, userId, runs.items.map((row) => row.id));
  return {
    ...runs,
    items: runs.items.map((row): RunSummary => {
      const startedAt = isoFromDbOrNull(row.started_at);
      const finishedAt = isoFromDbOrNull(row.finished_at);
      return {
        id: row.id,
        conversationId: row.conversation_id,
        conversationTitle: row.conversation_title ?? null,
        status: row.status,
        createdAt: isoFromDb(row.created_at),
        startedAt,
        finishedAt,
        durationMs: startedAt && finishedAt
          ? Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt))
          : null,
        stepCount: Number(row.step_count ?? 0),
        summary: runSentence({
          status: row.status,
          question: row.question ?? null,
          changes: changes.get(row.id) ?? [],
        }),
      };
    }),
  };
}

/** What pages read about runs, always scoped to the signed-in user. */
export interface RunReads {
  /** The user's runs, newest first. */
  listRuns(actor: Actor, page: PageQuery): Promise<Page<RunSummary>>;
  /** One run with its steps; `NotFoundError` unless it is the user's. */
  runDetail(actor: Actor, runId: string): Promise<RunDetailView>;
  /** Ids of the user's conversations with a run waiting for the user's approval. */
  conversationsAwaitingApproval(actor: Actor): Promise<Set<string>>;
}

/** `RunReads` over the database. */
export function createRunReads(db: Database): RunReads {
  return {
    listRuns: (actor, page) => listRunSummaries(db, actor.userId, page),
    runDetail: async (actor, runId) =>
      await runDetailView(db, await loadOwnedRun(db, actor.userId, runId)),
    conversationsAwaitingApproval: (actor) => conversationsAwaitingApproval(db, actor.userId),
  };
}

/**
 * Runs by status across all users (every status listed, zeros included, so a gauge reads 0
 * rather than vanishing), and how long the least recently updated `running` run has gone
 * without an update: its runner updates it at every model call, so a stuck run's age grows.
 */
export async function runStatusSummary(db: Database, now: Date): Promise<RunStatusSummary> {
  const [rows, oldest] = await Promise.all([
    db.kysely.selectFrom("agent_runs")
      .select((eb) => ["status", eb.fn.countAll<number | string | bigint>().as("count")])
      .groupBy("status").execute(),
    db.kysely.selectFrom("agent_runs")
      .select((eb) => eb.fn.min("updated_at").as("updated_at"))
      .where("status", "=", "running").executeTakeFirst(),
  ]);
  const counts: Record<string, number> = Object.fromEntries(
    AGENT_RUN_STATUSES.map((status) => [status, 0]),
  );
  for (const row of rows) counts[row.status] = Number(row.count);
  const updated = oldest?.updated_at ? Date.parse(isoFromDb(oldest.updated_at)) : null;
  return {
    counts,
    oldestRunningUpdateAgeSeconds: updated === null
      ? 0
      : Math.max(0, (now.getTime() - updated) / 1000),
  };
}
