/**
 * Durable workflow runs: background work (a rule's evaluation of one schedule slot, later metric
 * syncs and anomaly detection) stored as a `workflow_runs` row and executed by whichever
 * instance claims it, as a sequence of recorded steps.
 *
 * - **Exactly one run per key.** `enqueue` inserts with a unique `dedupe_key` (e.g.
 *   `rule:{ruleId}:{slot}`); a second request for the same key, from any instance, gets the
 *   existing run. There is no read-then-write to race.
 * - **One runner at a time.** A worker claims a due run (queued and due, or running with a lapsed
 *   lease) with one conditional UPDATE that also raises the run's `lease_epoch`; only one
 *   instance's UPDATE matches. The runner heartbeats the lease while its handler works.
 * - **Fenced writes.** Every step record and the run's final status are written in a transaction
 *   that first locks the run row and checks the runner's epoch, so a runner that lost its lease
 *   (paused, partitioned, superseded after a crash was presumed) records nothing.
 * - **Resumable.** A handler is a sequence of `step(key, name, fn)`: a step that already
 *   succeeded in an earlier attempt returns its stored output without running again. What a step
 *   does outside the database must itself be idempotent (gateway writes carry an idempotency
 *   key derived from the run and step — see `domain/rules/execution.ts`), so a step cut off by a
 *   crash is finished by the next attempt without applying anything twice.
 * - **Shutdown.** A stopping worker lets the current step finish, then hands its run back to the
 *   queue at once (not counted as an attempt): another instance continues it from the next step.
 * - **Retries.** A handler that throws sends the run back to the queue with a backoff, or marks
 *   it failed with the error after `maxAttempts` claims (a run whose runner keeps dying too). An
 *   ad platform's rate limit (`PlatformRateLimitError`) requeues it for exactly the platform's
 *   wait without counting an attempt; `PlatformAuthError` (reconnect the account) fails it.
 *
 * Due-ness (`scheduled_for`) follows the domain clock, so tests can move schedules with a fake
 * clock; leases follow the wall clock (`leaseClock`), so a fake clock that jumps ahead never makes
 * a live runner's lease look lapsed.
 *
 * @module
 */
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { isUniqueViolation } from "../../db/errors.ts";
import { fromDbJson, toDbJson } from "../../db/json.ts";
import { forUpdate, lockingTransaction } from "../../db/locking.ts";
import type {
  DB,
  WorkflowRunsTable,
  WorkflowRunStatus,
  WorkflowStepsTable,
  WorkflowStepStatus,
} from "../../db/schema.ts";
import { isoFromDb, isoFromDbOrNull, toDbTimestamp } from "../../db/time.ts";
import type { Actor } from "../actor.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { DomainContext } from "../context.ts";
import { NotFoundError, PlatformAuthError, PlatformRateLimitError } from "../errors.ts";
import { type Page, pageSchema, paginate } from "../pagination.ts";
import { parseInput } from "../validation.ts";
import { workflowLeaseTakeovers, workflowRuns, workflowStepDuration } from "../../lib/metrics.ts";

/** Defaults of the engine. */
export const WORKFLOW_DEFAULTS = {
  /** A runner's lease; another instance takes a run over this long after its runner died. */
  leaseMs: 30_000,
  /** How often an idle worker looks for due runs. */
  pollMs: 1_000,
  /** Claims before a run that keeps failing (or whose runner keeps dying) is marked failed. */
  maxAttempts: 5,
  /** First retry delay; each further one doubles. */
  retryBaseMs: 5_000,
} as const;

/** A run as pages and REST show it. */
export interface WorkflowRun {
  id: string;
  kind: string;
  subjectId: string;
  dedupeKey: string;
  status: WorkflowRunStatus;
  input: unknown;
  progress: unknown;
  result: unknown;
  error: string | null;
  scheduledFor: string;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One recorded step. */
export interface WorkflowStep {
  seq: number;
  key: string;
  name: string;
  status: WorkflowStepStatus;
  input: unknown;
  output: unknown;
  error: string | null;
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

/** A run with its steps in order. */
export interface WorkflowRunDetail extends WorkflowRun {
  steps: WorkflowStep[];
}

/** What `enqueue` is asked for. */
export interface EnqueueInput {
  kind: string;
  subjectId: string;
  /** Unique across all runs: the same key twice is the same run. */
  dedupeKey: string;
  input: unknown;
  /** When it is due (default now). */
  scheduledFor?: Date;
}

/** What a handler gets for one attempt of a run. */
export interface WorkflowContext {
  /** The run as claimed (its `input`, `attempt`, …). */
  run: WorkflowRun;
  /** Whose run it is. */
  actor: Actor;
  /**
   * Runs `fn` once across attempts: if step `key` already succeeded its stored output is
   * returned and `fn` does not run. Otherwise the step is recorded running, `fn` runs, and its
   * output (JSON) is recorded. Throws `LeaseLostError` when this runner no longer owns the run.
   */
  step<Output>(key: string, name: string, fn: () => Promise<Output>, input?: unknown): Promise<
    Output
  >;
  /** Records progress shown while the run works (fenced like steps). */
  progress(value: unknown): Promise<void>;
  /** Fails when the lease was lost (checked by `step` too): for long loops between steps. */
  assertLease(): void;
  /** Enqueues another run (a follow-up, e.g. a resume at midnight). */
  enqueue(input: EnqueueInput): Promise<WorkflowRun>;
}

/** Runs one kind of workflow; what it returns is stored as the run's result. */
export type WorkflowHandler = (context: WorkflowContext) => Promise<unknown>;

/** Thrown by a runner's writes once another instance owns its run: it stops, recording nothing. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`workflow run ${runId}: lease lost to another instance`);
    this.name = "LeaseLostError";
  }
}

/** Something a worker does on each of its ticks besides running due runs (a scheduler). */
export interface WorkflowTicker {
  name: string;
  /** How often (ms of wall time). */
  everyMs: number;
  run(): Promise<void>;
}

/** Options of `createWorkflows`. */
export interface WorkflowOptions {
  handlers: Readonly<Record<string, WorkflowHandler>>;
  leaseMs?: number;
  pollMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  /** The clock leases follow (the wall clock unless a test says otherwise). */
  leaseClock?: Clock;
  /** Where failures and takeovers are reported. */
  log?: (level: "info" | "warn", message: string, fields: Record<string, unknown>) => void;
}

/** Filters of `list`. */
export const listWorkflowRunsSchema = pageSchema.extend({
  kind: z.string().min(1).max(64).optional(),
  subjectId: z.string().min(1).max(64).optional(),
  status: z.enum(["queued", "running", "succeeded", "failed"]).optional(),
});
/** Filters of `list`. */
export type ListWorkflowRunsQuery = z.input<typeof listWorkflowRunsSchema>;

/** Options of `runDue`. */
export interface RunDueOptions {
  /** Most runs to execute. */
  limit?: number;
  /**
   * Aborted on shutdown: the run in progress stops before its next step and goes back to the
   * queue at once (not counted as an attempt), so another instance continues it without waiting
   * for the lease to lapse.
   */
  signal?: AbortSignal;
}

/** Thrown by `step` once the worker is stopping: the run is handed back, not failed. */
class DrainingError extends Error {}

/** A running worker loop. */
export interface WorkflowWorker {
  /** Stops claiming and waits for the run in progress (it finishes its current step). */
  stop(): Promise<void>;
}

/** The workflow engine. */
export interface Workflows {
  /** Inserts a run, or returns the existing one with the same `dedupeKey`. */
  enqueue(actor: Actor, input: EnqueueInput): Promise<WorkflowRun>;
  /** Whether a run with this key exists (cheap check before an `enqueue`). */
  exists(dedupeKey: string): Promise<boolean>;
  /** The actor's runs, newest first. */
  list(actor: Actor, query?: ListWorkflowRunsQuery): Promise<Page<WorkflowRun>>;
  /** One of the actor's runs with its steps. */
  get(actor: Actor, runId: string): Promise<WorkflowRunDetail>;
  /**
   * Claims and executes due runs one at a time until none is left (or `limit`); returns how many
   * it executed. The worker loop calls this; tests call it directly.
   */
  runDue(owner: string, options?: RunDueOptions): Promise<number>;
  /** Starts a worker loop: `runDue` every `pollMs`, and each ticker on its own period. */
  start(owner: string, tickers?: readonly WorkflowTicker[]): WorkflowWorker;
}

type RunRow = Selectable<WorkflowRunsTable>;
type StepRow = Selectable<WorkflowStepsTable>;

/** Builds the engine. */
export function createWorkflows(context: DomainContext, options: WorkflowOptions): Workflows {
  const { db } = context;
  const leaseMs = options.leaseMs ?? WORKFLOW_DEFAULTS.leaseMs;
  const pollMs = options.pollMs ?? WORKFLOW_DEFAULTS.pollMs;
  const maxAttempts = options.maxAttempts ?? WORKFLOW_DEFAULTS.maxAttempts;
  const retryBaseMs = options.retryBaseMs ?? WORKFLOW_DEFAULTS.retryBaseMs;
  const leaseClock = options.leaseClock ?? systemClock;
  const log = options.log ?? (() => {});

  const leaseNow = () => toDbTimestamp(leaseClock.now());
  const leaseUntil = () => toDbTimestamp(new Date(leaseClock.now().getTime() + leaseMs));
  const now = () => toDbTimestamp(context.clock.now());

  async function enqueue(actor: Actor, input: EnqueueInput): Promise<WorkflowRun> {
    const at = now();
    const row: RunRow = {
      id: context.ids(),
      user_id: actor.userId,
      kind: input.kind,
      subject_id: input.subjectId,
      dedupe_key: input.dedupeKey,
      status: "queued",
      input: toDbJson(input.input),
      progress: null,
      result: null,
      error: null,
      scheduled_for: toDbTimestamp(input.scheduledFor ?? context.clock.now()),
      lease_owner: null,
      lease_expires_at: null,
      lease_epoch: 0,
      attempt: 0,
      started_at: null,
      finished_at: null,
      created_at: at,
      updated_at: at,
    };
    try {
      await db.kysely.insertInto("workflow_runs").values(row).execute();
      return toRun(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const existing = await db.kysely.selectFrom("workflow_runs").selectAll()
      .where("dedupe_key", "=", input.dedupeKey).executeTakeFirstOrThrow();
    return toRun(existing);
  }

  /** Takes one due run; null when none is due or others won every candidate. */
  async function claim(owner: string): Promise<RunRow | null> {
    const due = now();
    const lapsed = leaseNow();
    const candidates = await db.kysely.selectFrom("workflow_runs").selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "queued"), eb("scheduled_for", "<=", due)]),
          eb.and([eb("status", "=", "running"), eb("lease_expires_at", "<", lapsed)]),
        ])
      )
      .orderBy("scheduled_for").limit(10).execute();
    for (const candidate of candidates) {
      const expires = leaseUntil();
      const at = now();
      // Matches only if nobody claimed it since it was read: the epoch changes with every claim.
      const taken = await db.kysely.updateTable("workflow_runs")
        .set({
          status: "running",
          lease_owner: owner,
          lease_expires_at: expires,
          lease_epoch: candidate.lease_epoch + 1,
          attempt: candidate.attempt + 1,
          started_at: candidate.started_at ?? at,
          updated_at: at,
        })
        .where("id", "=", candidate.id).where("lease_epoch", "=", candidate.lease_epoch)
        .where("status", "=", candidate.status).executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) continue;
      if (candidate.status === "running") {
        workflowLeaseTakeovers.inc({ kind: candidate.kind });
        log("info", "workflow run taken over", {
          runId: candidate.id,
          kind: candidate.kind,
          previousOwner: candidate.lease_owner,
        });
      }
      return {
        ...candidate,
        status: "running",
        lease_owner: owner,
        lease_expires_at: expires,
        lease_epoch: candidate.lease_epoch + 1,
        attempt: candidate.attempt + 1,
        started_at: candidate.started_at ?? at,
        updated_at: at,
      };
    }
    return null;
  }

  /** Runs `work` only while `run` is still at `epoch`: the row is locked and checked first. */
  async function fenced<Result>(
    runId: string,
    epoch: number,
    work: (trx: Transaction<DB>) => Promise<Result>,
  ): Promise<Result> {
    return await lockingTransaction(db, async (trx) => {
      const held = await forUpdate(
        trx.selectFrom("workflow_runs").select("id")
          .where("id", "=", runId).where("lease_epoch", "=", epoch)
          .where("status", "=", "running"),
        db.dialect,
      ).executeTakeFirst();
      if (!held) throw new LeaseLostError(runId);
      return await work(trx);
    });
  }

  async function execute(row: RunRow, signal?: AbortSignal): Promise<void> {
    const runId = row.id;
    const epoch = row.lease_epoch;
    const handler = options.handlers[row.kind];
    const user = await db.kysely.selectFrom("users").select("role")
      .where("id", "=", row.user_id).executeTakeFirst();
    const actor: Actor = { userId: row.user_id, role: user?.role ?? "user" };
    let lost = false;
    // The heartbeat extends the lease while this runner holds the epoch; losing it stops steps.
    const heartbeat = setInterval(async () => {
      try {
        const extended = await db.kysely.updateTable("workflow_runs")
          .set({ lease_expires_at: leaseUntil() })
          .where("id", "=", runId).where("lease_epoch", "=", epoch)
          .where("status", "=", "running").executeTakeFirst();
        if (Number(extended.numUpdatedRows) !== 1) lost = true;
      } catch {
        // A failed heartbeat is retried; the lease may lapse meanwhile and fencing decides.
      }
    }, Math.max(50, Math.floor(leaseMs / 3)));
    const assertLease = () => {
      if (lost) throw new LeaseLostError(runId);
    };
    const stepRows = await db.kysely.selectFrom("workflow_steps").selectAll()
      .where("run_id", "=", runId).execute();
    const steps = new Map<string, StepRow>(stepRows.map((step) => [step.step_key, step]));
    let nextSeq = stepRows.reduce((max, step) => Math.max(max, step.seq), 0) + 1;

    const workflowContext: WorkflowContext = {
      run: toRun(row),
      actor,
      assertLease,
      enqueue: (input) => enqueue(actor, input),
      async progress(value) {
        assertLease();
        await fenced(runId, epoch, async (trx) => {
          await trx.updateTable("workflow_runs").set({ progress: toDbJson(value) })
            .where("id", "=", runId).execute();
        });
      },
      async step(key, name, fn, input) {
        assertLease();
        if (signal?.aborted) throw new DrainingError();
        const done = steps.get(key);
        if (done?.status === "succeeded") return fromDbJson(done.output) as never;
        const startedAt = context.clock.now();
        const startedWall = performance.now();
        const seq = done?.seq ?? nextSeq++;
        await fenced(runId, epoch, async (trx) => {
          if (done) {
            await trx.updateTable("workflow_steps").set({
              status: "running",
              error: null,
              attempt: row.attempt,
              started_at: toDbTimestamp(startedAt),
              updated_at: toDbTimestamp(startedAt),
            }).where("id", "=", done.id).execute();
          } else {
            await trx.insertInto("workflow_steps").values({
              id: context.ids(),
              user_id: row.user_id,
              run_id: runId,
              seq,
              step_key: key,
              name,
              status: "running",
              input: input === undefined ? null : toDbJson(input),
              output: null,
              error: null,
              attempt: row.attempt,
              started_at: toDbTimestamp(startedAt),
              finished_at: null,
              duration_ms: null,
              created_at: toDbTimestamp(startedAt),
              updated_at: toDbTimestamp(startedAt),
            }).execute();
          }
        });
        let output: unknown;
        try {
          output = await fn();
        } catch (error) {
          if (!(error instanceof LeaseLostError)) {
            await finishStep(key, "failed", null, errorText(error), startedWall)
              .catch(() => {});
          }
          throw error;
        }
        assertLease();
        await finishStep(key, "succeeded", output ?? null, null, startedWall);
        const finished = { ...(done ?? {}), status: "succeeded", output: toDbJson(output ?? null) };
        steps.set(key, finished as StepRow);
        return output as never;
      },
    };

    async function finishStep(
      key: string,
      status: WorkflowStepStatus,
      output: unknown,
      error: string | null,
      startedWall: number,
    ) {
      const elapsedMs = performance.now() - startedWall;
      await fenced(runId, epoch, async (trx) => {
        const at = now();
        await trx.updateTable("workflow_steps").set({
          status,
          output: status === "succeeded" ? toDbJson(output) : null,
          error,
          finished_at: at,
          duration_ms: Math.round(elapsedMs),
          updated_at: at,
        }).where("run_id", "=", runId).where("step_key", "=", key).execute();
      });
      // Recorded once the outcome is: a runner that lost its lease recorded nothing.
      workflowStepDuration.observe({ kind: row.kind, status }, elapsedMs / 1000);
    }

    try {
      if (!handler) throw new Error(`no handler for workflow kind "${row.kind}"`);
      if (row.attempt > maxAttempts) {
        throw new Error(`gave up after ${maxAttempts} attempts (its runner kept stopping)`);
      }
      const result = await handler(workflowContext);
      await fenced(runId, epoch, async (trx) => {
        const at = now();
        await trx.updateTable("workflow_runs").set({
          status: "succeeded",
          result: toDbJson(result ?? null),
          error: null,
          lease_owner: null,
          lease_expires_at: null,
          finished_at: at,
          updated_at: at,
        }).where("id", "=", runId).execute();
      });
      workflowRuns.inc({ kind: row.kind, outcome: "succeeded" });
    } catch (error) {
      if (error instanceof DrainingError) {
        await fenced(runId, epoch, async (trx) => {
          await trx.updateTable("workflow_runs").set({
            status: "queued",
            attempt: row.attempt - 1,
            lease_owner: null,
            lease_expires_at: null,
            updated_at: now(),
          }).where("id", "=", runId).execute();
        }).catch(() => {});
        workflowRuns.inc({ kind: row.kind, outcome: "handed_back" });
        log("info", "workflow run handed back on shutdown", { runId });
        return;
      }
      if (error instanceof LeaseLostError) {
        workflowRuns.inc({ kind: row.kind, outcome: "lease_lost" });
        log("warn", "workflow run lost its lease; another instance continues it", { runId });
        return;
      }
      const retry = retryOf(error);
      const final = !handler || retry.kind === "never" || row.attempt >= maxAttempts;
      log("warn", final ? "workflow run failed" : "workflow run attempt failed; retrying", {
        runId,
        kind: row.kind,
        attempt: row.attempt,
        error: errorText(error),
      });
      await fenced(runId, epoch, async (trx) => {
        const at = context.clock.now();
        const retryAt = new Date(
          at.getTime() +
            (retry.kind === "after" ? retry.ms : retryBaseMs * 2 ** (row.attempt - 1)),
        );
        await trx.updateTable("workflow_runs").set({
          status: final ? "failed" : "queued",
          error: errorText(error),
          lease_owner: null,
          lease_expires_at: null,
          ...(final ? { finished_at: toDbTimestamp(at) } : {
            scheduled_for: toDbTimestamp(retryAt),
            // Waiting out a rate limit is not a failed attempt.
            ...(retry.kind === "after" ? { attempt: row.attempt - 1 } : {}),
          }),
          updated_at: toDbTimestamp(at),
        }).where("id", "=", runId).execute();
      }).then(
        () => workflowRuns.inc({ kind: row.kind, outcome: final ? "failed" : "retry" }),
        (fenceError) => {
          if (!(fenceError instanceof LeaseLostError)) throw fenceError;
          workflowRuns.inc({ kind: row.kind, outcome: "lease_lost" });
        },
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function runDue(
    owner: string,
    { limit = Infinity, signal }: RunDueOptions = {},
  ): Promise<number> {
    let executed = 0;
    while (executed < limit && !signal?.aborted) {
      const row = await claim(owner);
      if (!row) break;
      await execute(row, signal);
      executed++;
    }
    return executed;
  }

  return {
    enqueue,

    async exists(dedupeKey) {
      const row = await db.kysely.selectFrom("workflow_runs").select("id")
        .where("dedupe_key", "=", dedupeKey).executeTakeFirst();
      return row !== undefined;
    },

    async list(actor, query = {}) {
      const parsed = parseInput(listWorkflowRunsSchema, query);
      let scoped = db.kysely.selectFrom("workflow_runs").where("user_id", "=", actor.userId);
      if (parsed.kind) scoped = scoped.where("kind", "=", parsed.kind);
      if (parsed.subjectId) scoped = scoped.where("subject_id", "=", parsed.subjectId);
      if (parsed.status) scoped = scoped.where("status", "=", parsed.status);
      return await paginate(
        scoped,
        parsed,
        (q) => q.selectAll().orderBy("scheduled_for", "desc").orderBy("id", "desc"),
        (row) => toRun(row as RunRow),
      );
    },

    async get(actor, runId) {
      if (!z.uuid().safeParse(runId).success) throw new NotFoundError("workflow run");
      const row = await db.kysely.selectFrom("workflow_runs").selectAll()
        .where("id", "=", runId).where("user_id", "=", actor.userId).executeTakeFirst();
      if (!row) throw new NotFoundError("workflow run");
      const steps = await db.kysely.selectFrom("workflow_steps").selectAll()
        .where("run_id", "=", runId).where("user_id", "=", actor.userId).orderBy("seq")
        .execute();
      return { ...toRun(row), steps: steps.map(toStep) };
    },

    runDue,

    start(owner, tickers = []) {
      let stopped = false;
      const stopping = new AbortController();
      let pass: Promise<void> = Promise.resolve();
      const lastTick = new Map<string, number>();
      const loop = () => {
        pass = pass.then(async () => {
          if (stopped) return;
          for (const ticker of tickers) {
            const last = lastTick.get(ticker.name) ?? -Infinity;
            if (Date.now() - last < ticker.everyMs) continue;
            lastTick.set(ticker.name, Date.now());
            try {
              await ticker.run();
            } catch (error) {
              log("warn", `${ticker.name} failed`, { error: errorText(error) });
            }
          }
          try {
            await runDue(owner, { signal: stopping.signal });
          } catch (error) {
            log("warn", "workflow worker pass failed", { error: errorText(error) });
          }
        });
      };
      loop();
      const timer = setInterval(loop, pollMs);
      return {
        async stop() {
          stopped = true;
          stopping.abort();
          clearInterval(timer);
          await pass;
        },
      };
    },
  };
}

/**
 * How a handler's failure is retried: after exactly the wait an ad platform asked for (a rate
 * limit: no backoff guess, no hot loop), never (credentials the person must renew), or with the
 * engine's backoff.
 */
function retryOf(error: unknown): { kind: "after"; ms: number } | { kind: "never" | "backoff" } {
  if (error instanceof PlatformRateLimitError) {
    return { kind: "after", ms: Math.max(1_000, error.retryAfterMs) };
  }
  if (error instanceof PlatformAuthError) return { kind: "never" };
  return { kind: "backoff" };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toRun(row: RunRow): WorkflowRun {
  return {
    id: row.id,
    kind: row.kind,
    subjectId: row.subject_id,
    dedupeKey: row.dedupe_key,
    status: row.status,
    input: fromDbJson(row.input),
    progress: fromDbJson(row.progress),
    result: fromDbJson(row.result),
    error: row.error,
    scheduledFor: isoFromDb(row.scheduled_for),
    attempt: row.attempt,
    startedAt: isoFromDbOrNull(row.started_at),
    finishedAt: isoFromDbOrNull(row.finished_at),
    createdAt: isoFromDb(row.created_at),
    updatedAt: isoFromDb(row.updated_at),
  };
}

function toStep(row: StepRow): WorkflowStep {
  return {
    seq: row.seq,
    key: row.step_key,
    name: row.name,
    status: row.status,
    input: fromDbJson(row.input),
    output: fromDbJson(row.output),
    error: row.error,
    attempt: row.attempt,
    startedAt: isoFromDb(row.started_at),
    finishedAt: isoFromDbOrNull(row.finished_at),
    durationMs: row.duration_ms,
  };
}
