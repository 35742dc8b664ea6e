/**
 * Database access of the runs layer: `agent_runs` and `agent_steps` rows, and the fence every
 * write of a running run goes through. A runner owns a run while its lease epoch equals the
 * row's `lease_epoch`; each of its writes re-checks that epoch inside the same statement, so a
 * paused or partitioned runner whose run was taken over writes nothing (0 rows → abort).
 *
 * The database epoch alone decides: another runner must claim the run (bumping the epoch) before
 * it writes anything, so a write that still finds this runner's epoch cannot race one. The
 * coordination lease only keeps two runners from starting at once; the runner's heartbeat extends
 * it and stops the run when it is lost, so writes do not ask coordination again.
 *
 * @module
 */
import {
  type CompiledQuery,
  type Expression,
  expressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
  type Transaction,
} from "kysely";
import type { WriteGuard } from "../checkpoint/mod.ts";
import type { Database } from "../../db/database.ts";
import { fromDbJson, toDbJson } from "../../db/json.ts";
import type {
  AgentRunsTable,
  AgentRunStatus,
  AgentStepKind,
  AgentStepsTable,
  AgentStepStatus,
  DB,
} from "../../db/schema.ts";
import { toDbTimestamp } from "../../db/time.ts";
import { DomainError, NotFoundError } from "../../domain/errors.ts";
import { RunFencedOutError } from "../../domain/run_fence.ts";
import type { Lease, Leases } from "../../lib/coordination/types.ts";
import { agentStepDuration, leaseTakeovers } from "../../lib/metrics.ts";
import { RunCancelledError } from "./errors.ts";

/** An `agent_runs` row. */
export type RunRow = Selectable<AgentRunsTable>;
/** An `agent_steps` row. */
export type StepRow = Selectable<AgentStepsTable>;

/** Statuses a runner may pick up. */
export const RUNNABLE_STATUSES: readonly AgentRunStatus[] = ["queued", "running"];

/** The open approval request of a waiting run, as stored in `pending_confirmation`. */
export interface PendingConfirmation {
  confirmationId: string;
  toolCallId: string;
  tool: string;
  preview: unknown;
  reason: string;
  /** The approval record of the held call, decided with the run's confirmation. */
  approvalId?: string;
}

/** The owner's recorded answer, as stored in `confirmation_decision`. */
export interface RecordedDecision {
  confirmationId: string;
  decision: "approve" | "reject";
  decidedAt: string;
}

/** `pending_confirmation` of a row, parsed. */
export function pendingOf(row: Pick<RunRow, "pending_confirmation">): PendingConfirmation | null {
  return fromDbJson(row.pending_confirmation) as PendingConfirmation | null;
}

/**
 * The run `runId` if `userId` owns it; `NotFoundError` otherwise, so another user's run looks
 * exactly like a missing one. The runtime, REST and the run page all load runs through it.
 */
export async function loadOwnedRun(db: Database, userId: string, runId: string): Promise<RunRow> {
  const run = await db.kysely.selectFrom("agent_runs").selectAll()
    .where("id", "=", runId).where("user_id", "=", userId).executeTakeFirst();
  if (!run) throw new NotFoundError("run");
  return run;
}

/** `confirmation_decision` of a row, parsed. */
export function decisionOf(row: Pick<RunRow, "confirmation_decision">): RecordedDecision | null {
  return fromDbJson(row.confirmation_decision) as RecordedDecision | null;
}

/**
 * Takes ownership of a runnable run for `owner`: bumps `lease_epoch` (compare-and-set on the
 * old value) and marks it running. Null when the run is not runnable or someone else won.
 * The database epoch is the fencing token: it only grows, whichever coordination backend holds
 * the lease (an in-process lease map restarts from zero after a crash; the row does not).
 */
export async function claimRun(
  db: Database,
  runId: string,
  owner: string,
  now: Date,
): Promise<{ run: RunRow; epoch: number } | null> {
  const run = await db.kysely.selectFrom("agent_runs").selectAll().where("id", "=", runId)
    .executeTakeFirst();
  if (!run || !RUNNABLE_STATUSES.includes(run.status)) return null;
  const epoch = Number(run.lease_epoch) + 1;
  const stamp = toDbTimestamp(now);
  const result = await db.kysely.updateTable("agent_runs")
    .set({
      lease_owner: owner,
      lease_epoch: epoch,
      status: "running",
      started_at: run.started_at ?? stamp,
      updated_at: stamp,
    })
    .where("id", "=", runId)
    .where("lease_epoch", "=", run.lease_epoch)
    .where("status", "in", RUNNABLE_STATUSES)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return null;
  // Still `running` in the row: its previous runner stopped mid-run (died or drained).
  if (run.status === "running") leaseTakeovers.inc();
  return { run: { ...run, lease_owner: owner, lease_epoch: epoch, status: "running" }, epoch };
}

/** A step as its recorder hands it back. */
export interface OpenStep {
  id: string;
  seq: number;
  attempt: number;
  startedMs: number;
}

/** What to record when a step starts. */
export interface StepStart {
  kind: AgentStepKind;
  name: string;
  /** Unique within the run: the same key on a replay reopens the same row (attempt + 1). */
  key: string;
  input: unknown;
}

/**
 * What a step pays before it runs (its charge), written by `beginStepWithin` in the step's own
 * transaction (a `lockingTransaction`).
 */
export type StepPayment = (trx: Transaction<DB>) => Promise<unknown>;

/** A step row this runner knows: the run's steps change only through its fence. */
type KnownStep = Pick<StepRow, "id" | "seq" | "attempt">;

/** The writes of one runner holding one run at one lease epoch. */
export class RunFence {
  /**
   * The run's steps by idempotency key, read once: while this runner's epoch is the run's, only
   * it writes them (and once it is not, every write is refused anyway).
   */
  #steps: Promise<{ byKey: Map<string, KnownStep>; lastSeq: number }> | undefined;
  /**
   * Fenced step writes not committed yet (step outcomes, token usage), in order: they ride with
   * the next checkpoint write or status change instead of costing a commit each.
   */
  #deferred: CompiledQuery[] = [];

  constructor(
    readonly db: Database,
    readonly leases: Leases,
    readonly lease: Lease,
    readonly runId: string,
    readonly userId: string,
    readonly epoch: number,
    readonly now: () => Date,
  ) {}

  /**
   * Checks that the row still carries this epoch; returns the run's control fields (cancel
   * request, recorded decision).
   */
  async check(): Promise<Pick<RunRow, "cancel_requested_at" | "confirmation_decision">> {
    const row = await this.db.kysely.selectFrom("agent_runs")
      .select(["lease_epoch", "cancel_requested_at", "confirmation_decision"])
      .where("id", "=", this.runId).executeTakeFirst();
    if (!row || Number(row.lease_epoch) !== this.epoch) {
      throw new RunFencedOutError(this.runId, this.epoch);
    }
    return row;
  }

  /**
   * The guard of this runner's checkpoint writes (see `GuardedSaver`): the insert itself checks
   * that the run still carries this epoch, so nothing slips in between a check and the write.
   */
  get checkpointGuard(): WriteGuard {
    return {
      condition: this.#ownsRun(),
      refused: () => new RunFencedOutError(this.runId, this.epoch),
      carried: {
        take: () => {
          const statements = this.#deferred;
          this.#deferred = [];
          return statements;
        },
        giveBack: (statements) => {
          this.#deferred = [...statements, ...this.#deferred];
        },
      },
    };
  }

  /**
   * Updates the run row, fenced; through `executor` when it is part of a larger transaction
   * (see `RunEvents.commit`).
   */
  async updateRun(
    changes: Partial<Omit<RunRow, "id" | "lease_epoch">>,
    executor: Kysely<DB> = this.db.kysely,
  ): Promise<void> {
    const result = await executor.updateTable("agent_runs")
      .set({ ...changes, updated_at: toDbTimestamp(this.now()) })
      .where("id", "=", this.runId).where("lease_epoch", "=", this.epoch)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new RunFencedOutError(this.runId, this.epoch);
  }

  /**
   * Adds a model call's token usage to the run, fenced. Deferred like `finishStep`'s write: it
   * commits with the step's checkpoint.
   */
  addTokens(input: number, output: number): Promise<void> {
    this.#defer(
      this.db.kysely.updateTable("agent_runs")
        .set((eb) => ({
          input_tokens: eb("input_tokens", "+", input),
          output_tokens: eb("output_tokens", "+", output),
          updated_at: toDbTimestamp(this.now()),
        }))
        .where("id", "=", this.runId).where("lease_epoch", "=", this.epoch)
        .compile(),
    );
    return Promise.resolve();
  }

  /**
   * Commits the deferred step writes now, fenced, through `executor` when it is part of a
   * larger transaction (a status change: see `RunEvents.commit`). `RunFencedOutError` when the
   * run is no longer this runner's (and then nothing of them was stored).
   */
  async flush(executor: Kysely<DB> = this.db.kysely, taken?: CompiledQuery[]): Promise<void> {
    const statements = taken ?? this.#deferred;
    if (statements.length === 0) return;
    if (!taken) this.#deferred = [];
    const apply = async (trx: Kysely<DB>) => {
      for (const statement of statements) {
        const result = await trx.executeQuery(statement);
        if (Number(result.numAffectedRows ?? 0n) === 0) {
          throw new RunFencedOutError(this.runId, this.epoch);
        }
      }
    };
    if (executor.isTransaction) await apply(executor);
    else await executor.transaction().execute(apply);
  }

  /**
   * Runs `statement` (a fenced step write); with deferred writes waiting, in one transaction
   * after them, so writes to the run's steps keep their order. Rows `statement` affected.
   */
  async #applyWithDeferred(statement: CompiledQuery): Promise<number> {
    const affected = async (executor: Kysely<DB>) =>
      Number((await executor.executeQuery(statement)).numAffectedRows ?? 0n);
    if (this.#deferred.length === 0) return await affected(this.db.kysely);
    const deferred = this.#deferred;
    this.#deferred = [];
    try {
      return await this.db.kysely.transaction().execute(async (trx) => {
        await this.flush(trx, deferred);
        return await affected(trx);
      });
    } catch (error) {
      // Refused (fenced out) or failed: nothing of it committed, and the runner stops anyway.
      if (!(error instanceof RunFencedOutError)) this.#deferred = [...deferred, ...this.#deferred];
      throw error;
    }
  }

  /**
   * Runs a step's opening write inside `trx`, whose caller holds the run row's lock at this
   * epoch (see `beginStepWithin`); resolves with the domain error `paid` refused with, if it
   * did, after recording the step as failed.
   */
  async #applyStepWithin(
    trx: Transaction<DB>,
    statement: CompiledQuery,
    stepId: string,
    stamp: string,
    paid: StepPayment | undefined,
  ): Promise<DomainError | undefined> {
    const deferred = this.#deferred;
    this.#deferred = [];
    try {
      await this.flush(trx, deferred);
      if (Number((await trx.executeQuery(statement)).numAffectedRows ?? 0n) !== 1) {
        throw await this.#whyRefused(trx);
      }
    } catch (error) {
      if (!(error instanceof RunFencedOutError)) this.#deferred = [...deferred, ...this.#deferred];
      throw error;
    }
    if (!paid) return undefined;
    try {
      await paid(trx);
      return undefined;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await trx.updateTable("agent_steps")
        .set({
          status: "failed",
          output: toDbJson({ error: error.code }),
          finished_at: stamp,
          duration_ms: 0,
          updated_at: stamp,
        })
        .where("id", "=", stepId).execute();
      agentStepDuration.observe({ status: "failed" }, 0);
      return error;
    }
  }

  /** Forgets the steps read so far (after a transaction that may have changed them failed). */
  forgetSteps(): void {
    this.#steps = undefined;
  }

  #defer(statement: CompiledQuery): void {
    this.#deferred.push(statement);
  }

  /**
   * Opens (or, for a key seen before, reopens with attempt + 1) a step row, fenced: the statement
   * writes only while the run carries this epoch and no cancel was requested, so a step of a run
   * taken over or cancelled never starts (`RunFencedOutError` / `RunCancelledError`).
   */
  async beginStep(start: StepStart): Promise<OpenStep> {
    const opening = await this.#opening(start);
    if (await this.#applyWithDeferred(opening.statement) !== 1) throw await this.#whyRefused();
    opening.remember();
    return opening.step;
  }

  /**
   * `beginStep` inside `trx`, a transaction that holds the run row's lock at this epoch (a
   * conversation transaction fenced to it: see `RunEvents.commit`), so the step, what `paid`
   * writes (its charge) and the caller's other writes (its events) commit together. When `paid`
   * refuses with a domain error (e.g. `InsufficientCreditsError`, having written nothing), the
   * step is recorded as failed with `{ error: code }` and the error is returned as `refused`,
   * for the caller to throw once the transaction committed.
   */
  async beginStepWithin(
    trx: Transaction<DB>,
    start: StepStart,
    paid?: StepPayment,
  ): Promise<{ step: OpenStep; refused?: DomainError }> {
    const opening = await this.#opening(start, trx);
    const refused = await this.#applyStepWithin(
      trx,
      opening.statement,
      opening.step.id,
      opening.stamp,
      paid,
    );
    opening.remember();
    return { step: opening.step, refused };
  }

  /** The statement opening (or reopening) a step, and what to remember once it committed. */
  async #opening(start: StepStart, executor: Kysely<DB> = this.db.kysely): Promise<{
    statement: CompiledQuery;
    step: OpenStep;
    stamp: string;
    remember(): void;
  }> {
    const startedMs = this.now().getTime();
    const stamp = toDbTimestamp(new Date(startedMs));
    const steps = await this.#knownSteps(executor);
    const existing = steps.byKey.get(start.key);
    if (existing) {
      const attempt = existing.attempt + 1;
      const result = await this.db.kysely.updateTable("agent_steps")
        .set({
          attempt,
          status: "running",
          lease_epoch: this.epoch,
          started_at: stamp,
          finished_at: null,
          duration_ms: null,
          updated_at: stamp,
        })
        .where("id", "=", existing.id)
        .where(this.#ownsLiveRun())
        .compile();
      return {
        statement: result,
        stamp,
        step: { id: existing.id, seq: existing.seq, attempt, startedMs },
        remember: () => steps.byKey.set(start.key, { ...existing, attempt }),
      };
    }
    const seq = steps.lastSeq + 1;
    const id = crypto.randomUUID();
    // INSERT … SELECT from the run row at our epoch: a stale runner inserts nothing.
    const result = await this.db.kysely.insertInto("agent_steps")
      .columns([
        "id",
        "user_id",
        "run_id",
        "seq",
        "kind",
        "name",
        "input",
        "output",
        "status",
        "attempt",
        "idempotency_key",
        "lease_epoch",
        "started_at",
        "finished_at",
        "duration_ms",
        "created_at",
        "updated_at",
      ])
      .expression((eb) =>
        eb.selectFrom("agent_runs")
          .select((run) => [
            run.val(id).as("id"),
            run.val(this.userId).as("user_id"),
            run.val(this.runId).as("run_id"),
            run.val(seq).as("seq"),
            run.val(start.kind).as("kind"),
            run.val(start.name.slice(0, 128)).as("name"),
            run.val(toDbJson(start.input)).as("input"),
            run.val<string | null>(null).as("output"),
            run.val("running").as("status"),
            run.val(1).as("attempt"),
            run.val(start.key).as("idempotency_key"),
            run.val(this.epoch).as("lease_epoch"),
            run.val(stamp).as("started_at"),
            run.val<string | null>(null).as("finished_at"),
            run.val<number | null>(null).as("duration_ms"),
            run.val(stamp).as("created_at"),
            run.val(stamp).as("updated_at"),
          ])
          .where("id", "=", this.runId).where("lease_epoch", "=", this.epoch)
          .where("cancel_requested_at", "is", null)
      )
      .compile();
    return {
      statement: result,
      stamp,
      step: { id, seq, attempt: 1, startedMs },
      remember: () => {
        steps.byKey.set(start.key, { id, seq, attempt: 1 });
        steps.lastSeq = seq;
      },
    };
  }

  /**
   * Closes a step with its outcome, fenced; returns its duration. The write is deferred: it
   * commits in the same transaction as the step's checkpoint (`checkpointGuard.carried`), or with
   * the status change that ends or parks the run (`flush`), whichever comes first. Until then a
   * crash loses it together with the checkpoint, so the step is replayed either way, exactly as
   * when a crash fell between two separate commits.
   */
  finishStep(step: OpenStep, status: AgentStepStatus, output: unknown): Promise<number> {
    const finished = this.now();
    const duration = Math.max(0, finished.getTime() - step.startedMs);
    const stamp = toDbTimestamp(finished);
    this.#defer(
      this.db.kysely.updateTable("agent_steps")
        .set({
          status,
          output: toDbJson(output),
          finished_at: stamp,
          duration_ms: duration,
          updated_at: stamp,
        })
        .where("id", "=", step.id)
        .where(this.#ownsRun())
        .compile(),
    );
    agentStepDuration.observe({ status }, duration / 1000);
    return Promise.resolve(duration);
  }

  /** `executor`: where to read them (inside an open transaction, its own; SQLite has one connection). */
  #knownSteps(
    executor: Kysely<DB>,
  ): Promise<{ byKey: Map<string, KnownStep>; lastSeq: number }> {
    if (this.#steps) return this.#steps;
    const steps = executor.selectFrom("agent_steps")
      .select(["id", "seq", "attempt", "idempotency_key"])
      .where("run_id", "=", this.runId).execute()
      .then((rows) => ({
        byKey: new Map(
          rows.flatMap((row) => row.idempotency_key === null ? [] : [[row.idempotency_key, row]]),
        ),
        lastSeq: Math.max(0, ...rows.map((row) => Number(row.seq))),
      }));
    this.#steps = steps;
    // A failed read is not remembered: the next step reads again.
    steps.catch(() => this.#steps = undefined);
    return steps;
  }

  /** Why a step write found no row: the run was cancelled, or it is no longer this runner's. */
  async #whyRefused(executor: Kysely<DB> = this.db.kysely): Promise<Error> {
    const row = await executor.selectFrom("agent_runs")
      .select(["lease_epoch", "cancel_requested_at"])
      .where("id", "=", this.runId).executeTakeFirst();
    return row && Number(row.lease_epoch) === this.epoch && row.cancel_requested_at
      ? new RunCancelledError(this.runId)
      : new RunFencedOutError(this.runId, this.epoch);
  }

  /** True while the run row carries this runner's epoch; evaluated by the statement using it. */
  #ownsRun(): Expression<SqlBool> {
    const eb = expressionBuilder<DB, never>();
    return eb.exists(
      eb.selectFrom("agent_runs").select("agent_runs.id")
        .where("agent_runs.id", "=", this.runId)
        .where("agent_runs.lease_epoch", "=", this.epoch),
    );
  }

  /** `#ownsRun`, and no cancel was requested. */
  #ownsLiveRun(): Expression<SqlBool> {
    const eb = expressionBuilder<DB, never>();
    return eb.exists(
      eb.selectFrom("agent_runs").select("agent_runs.id")
        .where("agent_runs.id", "=", this.runId)
        .where("agent_runs.lease_epoch", "=", this.epoch)
        .where("agent_runs.cancel_requested_at", "is", null),
    );
  }
}
