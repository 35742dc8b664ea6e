/**
 * Durable agent runs of one app instance: `AgentRuns` (submit, confirm, cancel, get) plus the
 * machinery around the runner — local scheduling, the recovery loop that takes over runs whose
 * runner died, checkpoint retention, and the SIGTERM drain.
 *
 * One runner per conversation: a run executes only under the conversation's coordination lease
 * (`agent:conversation:<id>`, TTL `AGENT_LEASE_TTL_MS`, extended by a heartbeat), and only after
 * claiming the run row's next `lease_epoch`. A run whose instance dies stays `queued`/`running`
 * with its lease expiring; the recovery loop of any instance (every
 * `AGENT_RECOVERY_INTERVAL_MS`, and at start) then takes the lease and continues the run from
 * its last checkpoint.
 *
 * @module
 */
import type { AccessTokens } from "../../auth/access_tokens.ts";
import type { ApprovalGrants } from "../../mcp/mod.ts";
import { KyselySaver, type PruneReport } from "../checkpoint/mod.ts";
import type { Database } from "../../db/database.ts";
import { toDbJson } from "../../db/json.ts";
import { ACTIVE_AGENT_RUN_STATUSES } from "../../db/schema.ts";
import { toDbTimestamp } from "../../db/time.ts";
import type { Actor } from "../../domain/actor.ts";
import { ConflictError, ValidationError } from "../../domain/errors.ts";
import type { Domain } from "../../domain/mod.ts";
import type { Config } from "../../lib/config.ts";
import type { Coordination } from "../../lib/coordination/types.ts";
import type { Logger } from "../../lib/log.ts";
import type { ChatModel } from "../models/types.ts";
import { RunEvents } from "./events.ts";
import { submitMessage } from "./submit.ts";
import { executeClaimedRun, type RunnerContext } from "./runner.ts";
import {
  claimRun,
  decisionOf,
  loadOwnedRun,
  pendingOf,
  type RecordedDecision,
  RUNNABLE_STATUSES,
  type RunRow,
} from "./store.ts";
import type { TestHooks } from "./test_hooks.ts";
import type { AgentRuns, RunView } from "./types.ts";
import { createRunReads, type RunReads, runView } from "./views.ts";

/** Runs taken over per recovery round. */
const RECOVERY_BATCH = 20;
/** A queued run whose user message never got attached is given up after this long. */
const ORPHAN_AFTER_MS = 60_000;
/** How long `drain` waits for runs to reach a step boundary. */
const DRAIN_TIMEOUT_MS = 25_000;

/** What the runtime is built from. */
export interface AgentRuntimeOptions {
  db: Database;
  coordination: Coordination;
  domain: Domain;
  log: Logger;
  config: Config;
  accessTokens: AccessTokens;
  approvals: ApprovalGrants;
  model: ChatModel;
  /** Default: random per process. */
  instanceId?: string;
  /** Default: a `KyselySaver` on `db`. */
  checkpointer?: KyselySaver;
  /** Default: the system clock. */
  now?: () => Date;
  testHooks?: TestHooks;
}

/** `AgentRuns`, the reads pages need, and the lifecycle `main.ts` drives. */
export interface AgentRuntime extends AgentRuns, RunReads {
  /** Random per process; recorded as `lease_owner`. */
  readonly instanceId: string;
  /** Starts the recovery loop (takes over orphaned runs now and periodically) and retention. */
  start(): void;
  /**
   * Stops taking runs, lets each executing run reach its next step boundary (its current step
   * finished and checkpointed), and releases their leases so another instance continues them.
   */
  drain(): Promise<void>;
  /** One recovery round now (tests, and `start`). */
  recover(): Promise<void>;
  /** Prunes checkpoints older than `CHECKPOINT_RETENTION_HOURS` now. */
  prune(): Promise<PruneReport>;
  /** Resolves when no run is executing on this instance. */
  idle(): Promise<void>;
}

/** Lease key of a conversation's runner. */
export function conversationLeaseKey(conversationId: string): string {
  return `agent:conversation:${conversationId}`;
}

/** Builds the runtime (nothing runs until `submit`, `confirm` or `start`). */
export function createAgentRuntime(options: AgentRuntimeOptions): AgentRuntime {
  const { db, domain, log, config } = options;
  const leases = options.coordination.leases;
  const now = options.now ?? (() => new Date());
  const instanceId = options.instanceId ?? `aae-${crypto.randomUUID()}`;
  const checkpointer = options.checkpointer ?? new KyselySaver(db);
  const executing = new Map<string, Promise<void>>();
  const rerun = new Set<string>();
  let draining = false;
  let timers: ReturnType<typeof setInterval>[] = [];

  const runner: RunnerContext = {
    db,
    leases,
    domain,
    log,
    config,
    accessTokens: options.accessTokens,
    approvals: options.approvals,
    model: options.model,
    checkpointer,
    leaseTtlMs: config.AGENT_LEASE_TTL_MS,
    maxModelCalls: config.AGENT_MAX_MODEL_CALLS,
    now,
    testHooks: options.testHooks,
    isDraining: () => draining,
  };

  const stamp = () => toDbTimestamp(now());

  const loadOwned = (actor: Actor, runId: string) => loadOwnedRun(db, actor.userId, runId);

  async function viewOf(actor: Actor, runId: string): Promise<RunView> {
    return await runView(db, await loadOwned(actor, runId));
  }

  function eventsOf(actor: Actor, run: Pick<RunRow, "conversation_id" | "id">): RunEvents {
    return new RunEvents(domain.conversationEvents, actor, run.conversation_id, run.id, log);
  }

  /**
   * Executes `runId` here if its conversation's runner lease is free; never throws. Asked again
   * while it executes (e.g. a decision arrived while the runner was parking the run), it tries
   * once more right after.
   */
  /**
   * Starting or resuming a run needs the conversation's lease: while the coordination backend is
   * down this fails at once (`CoordinationUnavailableError`, a 503) before anything is stored,
   * rather than queue a run no instance can take.
   */
  async function requireCoordination(): Promise<void> {
    await options.coordination.ping();
  }

  function schedule(runId: string): void {
    if (draining) return;
    if (executing.has(runId)) {
      rerun.add(runId);
      return;
    }
    const task = attempt(runId).catch((error) =>
      log.error("agent run crashed", { run: runId, error: String(error) })
    ).finally(() => {
      executing.delete(runId);
      if (rerun.delete(runId)) schedule(runId);
    });
    executing.set(runId, task);
  }

  async function attempt(runId: string): Promise<void> {
    const row = await db.kysely.selectFrom("agent_runs")
      .select(["conversation_id", "status", "message_id", "created_at"])
      .where("id", "=", runId).executeTakeFirst();
    if (!row || !RUNNABLE_STATUSES.includes(row.status) || row.message_id === null) return;
    const lease = await leases.acquire(
      conversationLeaseKey(row.conversation_id),
      config.AGENT_LEASE_TTL_MS,
    );
    if (!lease) return;
    try {
      const claimed = await claimRun(db, runId, instanceId, now());
      if (!claimed) return;
      await executeClaimedRun(runner, claimed.run, lease, claimed.epoch);
      // A decision or a cancel may have arrived while this runner was still parking the run.
      const after = await db.kysely.selectFrom("agent_runs")
        .select(["id", "user_id", "conversation_id", "status", "cancel_requested_at"])
        .where("id", "=", runId).executeTakeFirst();
      if (after?.cancel_requested_at) await cancelWhileHeld(after);
      else if (after?.status === "queued") rerun.add(runId);
    } finally {
      await leases.release(lease).catch(() => false);
    }
  }

  async function recover(): Promise<void> {
    if (draining) return;
    const rows = await db.kysely.selectFrom("agent_runs")
      .select(["id", "message_id", "created_at", "lease_epoch", "user_id", "conversation_id"])
      .where("status", "in", RUNNABLE_STATUSES)
      .orderBy("created_at").limit(RECOVERY_BATCH).execute();
    const orphanBefore = toDbTimestamp(new Date(now().getTime() - ORPHAN_AFTER_MS));
    // Waiting runs whose cancel came while their runner was still parking them.
    const cancelled = await db.kysely.selectFrom("agent_runs")
      .select(["id", "user_id", "conversation_id"])
      .where("status", "=", "waiting_confirmation").where("cancel_requested_at", "is not", null)
      .limit(RECOVERY_BATCH).execute();
    for (const row of cancelled) await cancelIdle(row);
    for (const row of rows) {
      if (row.message_id === null) {
        if (row.created_at < orphanBefore) await failOrphan(row.id, row.lease_epoch);
        continue;
      }
      schedule(row.id);
    }
  }

  /** A run whose submit died before the user message was stored: nothing to answer. */
  async function failOrphan(runId: string, epoch: number): Promise<void> {
    await db.kysely.updateTable("agent_runs")
      .set({
        status: "failed",
        error: "the user message was not stored",
        error_code: "message_lost",
        finished_at: stamp(),
        updated_at: stamp(),
      })
      .where("id", "=", runId).where("lease_epoch", "=", epoch)
      .where("message_id", "is", null).where("status", "=", "queued")
      .execute();
  }

  /** Cancels a run nobody is executing (queued or waiting), under its conversation lease. */
  async function cancelIdle(run: Pick<RunRow, "id" | "user_id" | "conversation_id">) {
    const lease = await leases.acquire(
      conversationLeaseKey(run.conversation_id),
      config.AGENT_LEASE_TTL_MS,
    );
    // Held: a runner has it and sees the request at its next boundary, or cancels on release.
    if (!lease) return;
    try {
      await cancelWhileHeld(run);
    } finally {
      await leases.release(lease).catch(() => false);
    }
  }

  /**
   * With the conversation lease held: a queued or waiting run whose owner asked to cancel
   * becomes cancelled (taking the next epoch, so no runner of an older one writes after it).
   */
  async function cancelWhileHeld(run: Pick<RunRow, "id" | "user_id" | "conversation_id">) {
    const current = await db.kysely.selectFrom("agent_runs")
      .select(["status", "lease_epoch", "cancel_requested_at"])
      .where("id", "=", run.id).executeTakeFirst();
    if (
      !current?.cancel_requested_at || !["queued", "waiting_confirmation"].includes(current.status)
    ) return;
    // The status, the steps and the event announcing it commit together (see `RunEvents.commit`).
    await eventsOf({ userId: run.user_id, role: "user" }, run).commit(async (writes) => {
      const result = await writes.trx.updateTable("agent_runs")
        .set({
          status: "cancelled",
          lease_epoch: Number(current.lease_epoch) + 1,
          lease_owner: instanceId,
          finished_at: stamp(),
          updated_at: stamp(),
        })
        .where("id", "=", run.id).where("lease_epoch", "=", current.lease_epoch)
        .where("status", "in", ["queued", "waiting_confirmation"])
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return;
      await writes.trx.updateTable("agent_steps")
        .set({ status: "cancelled", updated_at: stamp() })
        .where("run_id", "=", run.id).where("status", "in", ["running", "pending"]).execute();
      await writes.status("cancelled");
    });
  }

  const runtime: AgentRuntime = {
    instanceId,
    ...createRunReads(db),

    async submit(actor, input) {
      await requireCoordination();
      return await submitMessage({ db, domain, log, now, schedule }, actor, input);
    },

    async confirm(actor, runId, input) {
      await requireCoordination();
      const run = await loadOwned(actor, runId);
      const decided = decisionOf(run);
      // The same answer again (a retry of a request whose response was lost) changes nothing.
      if (
        decided?.confirmationId === input.confirmationId && decided.decision === input.decision
      ) {
        return await viewOf(actor, runId);
      }
      const pending = pendingOf(run);
      if (
        run.status !== "waiting_confirmation" || !pending ||
        pending.confirmationId !== input.confirmationId
      ) {
        throw new ConflictError("the run is not waiting for this confirmation");
      }
      if (input.decision !== "approve" && input.decision !== "reject") {
        throw new ValidationError([{ field: "decision", message: "must be approve or reject" }]);
      }
      const decision: RecordedDecision = {
        confirmationId: input.confirmationId,
        decision: input.decision,
        decidedAt: now().toISOString(),
      };
      // Only the owner's answer to the open request is stored, once; the gate reads it back.
      const result = await db.kysely.updateTable("agent_runs")
        .set({ confirmation_decision: toDbJson(decision), status: "queued", updated_at: stamp() })
        .where("id", "=", runId).where("user_id", "=", actor.userId)
        .where("status", "=", "waiting_confirmation")
        .where("confirmation_decision", "is", null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        throw new ConflictError("the run is not waiting for this confirmation");
      }
      if (pending.approvalId) {
        // The approval record follows the owner's answer (the approvals page shows it decided).
        await domain.approvals.decide(actor, pending.approvalId, input.decision).catch((error) => {
          if (!(error instanceof ConflictError)) throw error;
        });
      }
      const events = eventsOf(actor, run);
      await events.status("queued", {
        confirmation_id: input.confirmationId,
        decision: input.decision,
      });
      await events.flush();
      schedule(runId);
      return await viewOf(actor, runId);
    },

    async cancel(actor, runId) {
      const run = await loadOwned(actor, runId);
      if (!ACTIVE_AGENT_RUN_STATUSES.includes(run.status)) return await runView(db, run);
      await db.kysely.updateTable("agent_runs")
        .set({ cancel_requested_at: stamp(), updated_at: stamp() })
        .where("id", "=", runId).where("cancel_requested_at", "is", null).execute();
      // A run that just parked may still be held by its runner for a moment: retry briefly
      // (the runner also cancels it on release, and recovery would, so this is only latency).
      for (let tries = 0; tries < 10; tries++) {
        const current = await loadOwned(actor, runId);
        if (!["queued", "waiting_confirmation"].includes(current.status)) break;
        await cancelIdle(current);
        if ((await loadOwned(actor, runId)).status === "cancelled") break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return await viewOf(actor, runId);
    },

    get: viewOf,

    async deleteConversation(actor, conversationId) {
      await domain.conversations.get(actor, conversationId);
      const activeRuns = () =>
        db.kysely.selectFrom("agent_runs").select("id")
          .where("user_id", "=", actor.userId).where("conversation_id", "=", conversationId)
          .where("status", "in", [...ACTIVE_AGENT_RUN_STATUSES]).execute();
      for (const run of await activeRuns()) await runtime.cancel(actor, run.id);
      // A running answer notices the cancel at its heartbeat (a third of the lease) or sooner.
      const deadline = Date.now() + config.AGENT_LEASE_TTL_MS;
      while ((await activeRuns()).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Refuses if an answer is still going (or a new one just started).
      await domain.conversations.delete(actor, conversationId);
    },

    start() {
      if (timers.length > 0 || draining) return;
      const tick = () =>
        recover().catch((error) => log.warn("agent run recovery failed", { error: String(error) }));
      void tick();
      timers.push(setInterval(tick, config.AGENT_RECOVERY_INTERVAL_MS));
      const retentionMs = config.CHECKPOINT_RETENTION_HOURS * 3_600_000;
      const pruneEvery = Math.min(3_600_000, Math.max(60_000, retentionMs / 4));
      timers.push(setInterval(() => {
        checkpointer.prune({ olderThanMs: retentionMs }).catch((error) =>
          log.warn("checkpoint retention failed", { error: String(error) })
        );
      }, pruneEvery));
    },

    async drain() {
      draining = true;
      for (const timer of timers) clearInterval(timer);
      timers = [];
      const all = Promise.allSettled([...executing.values()]);
      let timeout: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        all,
        new Promise((resolve) => timeout = setTimeout(resolve, DRAIN_TIMEOUT_MS)),
      ]);
      clearTimeout(timeout);
    },

    recover,

    prune: () => checkpointer.prune({ olderThanMs: config.CHECKPOINT_RETENTION_HOURS * 3_600_000 }),

    async idle() {
      while (executing.size > 0) await Promise.allSettled([...executing.values()]);
    },

    async decideApproval(actor, approvalId, decision) {
      const waitingRuns = await db.kysely.selectFrom("agent_runs")
        .select(["id", "pending_confirmation"])
        .where("user_id", "=", actor.userId).where("status", "=", "waiting_confirmation")
        .execute();
      const run = waitingRuns.find((row) => pendingOf(row)?.approvalId === approvalId);
      if (run) {
        const { confirmationId } = pendingOf(run)!;
        await runtime.confirm(actor, run.id, { confirmationId, decision });
        return await domain.approvals.get(actor, approvalId);
      }
      return await domain.approvals.decide(actor, approvalId, decision);
    },
  };
  return runtime;
}
