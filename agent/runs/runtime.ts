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
import type { AccessTokens } from "../../api/auth/access_tokens.ts";
import type { ApprovalGrants } from "../../api/mcp/mod.ts";
import { KyselySaver, type PruneReport } from "../checkpoint/mod.ts";
import type { Database } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { toDbJson } from "../../db/json.ts";
import { forUpdate, lockingTransaction } from "../../db/locking.ts";
import { toDbTimestamp } from "../../db/time.ts";
import type { Actor } from "../../domain/actor.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { Domain } from "../../domain/mod.ts";
import type { Config } from "../../lib/config.ts";
import type { Coordination } from "../../lib/coordination/types.ts";
import type { Logger } from "../../lib/log.ts";
import type { ChatModel } from "../models/types.ts";
import { RunEvents } from "./events.ts";
import { executeClaimedRun, type RunnerContext } from "./runner.ts";
import {
  ACTIVE_STATUSES,
  claimRun,
  pendingOf,
  type RecordedDecision,
  RUNNABLE_STATUSES,
  type RunRow,
} from "./store.ts";
import type { TestHooks } from "./test_hooks.ts";
import type { AgentRuns, RunView, SubmitMessageInput } from "./types.ts";
import { runView } from "./views.ts";

/** Longest user message accepted. */
const MAX_MESSAGE_CHARS = 100_000;
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

/** `AgentRuns` plus the lifecycle `main.ts` drives. */
export interface AgentRuntime extends AgentRuns {
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

  async function loadOwned(actor: Actor, runId: string): Promise<RunRow> {
    const run = await db.kysely.selectFrom("agent_runs").selectAll()
      .where("id", "=", runId).where("user_id", "=", actor.userId).executeTakeFirst();
    if (!run) throw new NotFoundError("run");
    return run;
  }

  async function viewOf(actor: Actor, runId: string): Promise<RunView> {
    return await runView(db, await loadOwned(actor, runId));
  }

  function eventsOf(actor: Actor, run: Pick<RunRow, "conversation_id" | "id">): RunEvents {
    return new RunEvents(domain.conversationEvents, actor, run.conversation_id, run.id, log);
  }

  /** Executes `runId` here if its conversation's runner lease is free; never throws. */
  function schedule(runId: string): void {
    if (draining || executing.has(runId)) return;
    const task = attempt(runId).catch((error) =>
      log.error("agent run crashed", { run: runId, error: String(error) })
    ).finally(() => executing.delete(runId));
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
    let again = false;
    try {
      const claimed = await claimRun(db, runId, instanceId, now());
      if (!claimed) return;
      await executeClaimedRun(runner, claimed.run, lease, claimed.epoch);
      // A decision may have been recorded while this runner was still parking the run.
      const after = await db.kysely.selectFrom("agent_runs").select("status")
        .where("id", "=", runId).executeTakeFirst();
      again = after?.status === "queued";
    } finally {
      await leases.release(lease).catch(() => false);
    }
    if (again && !draining) queueMicrotask(() => schedule(runId));
  }

  async function recover(): Promise<void> {
    if (draining) return;
    const rows = await db.kysely.selectFrom("agent_runs")
      .select(["id", "message_id", "created_at", "lease_epoch", "user_id", "conversation_id"])
      .where("status", "in", RUNNABLE_STATUSES)
      .orderBy("created_at").limit(RECOVERY_BATCH).execute();
    const orphanBefore = toDbTimestamp(new Date(now().getTime() - ORPHAN_AFTER_MS));
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
  async function cancelIdle(actor: Actor, run: RunRow): Promise<void> {
    const lease = await leases.acquire(
      conversationLeaseKey(run.conversation_id),
      config.AGENT_LEASE_TTL_MS,
    );
    if (!lease) return; // A runner holds it and will see the request at its next boundary.
    try {
      const current = await loadOwned(actor, run.id);
      if (!["queued", "waiting_confirmation"].includes(current.status)) return;
      const result = await db.kysely.updateTable("agent_runs")
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
      await db.kysely.updateTable("agent_steps")
        .set({ status: "cancelled", updated_at: stamp() })
        .where("run_id", "=", run.id).where("status", "in", ["running", "pending"]).execute();
      const events = eventsOf(actor, run);
      await events.status("cancelled");
      await events.flush();
    } finally {
      await leases.release(lease).catch(() => false);
    }
  }

  return {
    instanceId,

    async submit(actor, input: SubmitMessageInput) {
      const content = typeof input.content === "string" ? input.content.trim() : "";
      if (!content || content.length > MAX_MESSAGE_CHARS) {
        throw new ValidationError([{
          field: "content",
          message: `must be 1 to ${MAX_MESSAGE_CHARS} characters`,
        }]);
      }
      const clientMessageId = input.clientMessageId?.trim() || null;
      if (clientMessageId && clientMessageId.length > 128) {
        throw new ValidationError([{
          field: "clientMessageId",
          message: "at most 128 characters",
        }]);
      }
      const conversationId = input.conversationId ??
        (await domain.conversations.create(actor, { title: titleOf(content) })).id;
      const runId = crypto.randomUUID();
      const created = await lockingTransaction(db, async (trx) => {
        // The conversation row lock serializes submits: one active run per conversation.
        const conversation = await forUpdate(
          trx.selectFrom("conversations").select("id")
            .where("id", "=", conversationId).where("user_id", "=", actor.userId)
            .where("deleted_at", "is", null),
          db.dialect,
        ).executeTakeFirst();
        if (!conversation) throw new NotFoundError("conversation");
        if (clientMessageId) {
          const seen = await trx.selectFrom("agent_runs").select(["id", "message_id"])
            .where("conversation_id", "=", conversationId)
            .where("client_message_id", "=", clientMessageId).executeTakeFirst();
          if (seen) return { duplicate: seen };
        }
        const active = await trx.selectFrom("agent_runs").select("id")
          .where("conversation_id", "=", conversationId)
          .where("status", "in", ACTIVE_STATUSES).executeTakeFirst();
        if (active) {
          throw new ConflictError(
            "a run is already active in this conversation; wait for it or cancel it",
          );
        }
        const at = stamp();
        await trx.insertInto("agent_runs").values({
          id: runId,
          user_id: actor.userId,
          conversation_id: conversationId,
          message_id: null,
          status: "queued",
          lease_owner: null,
          lease_epoch: 0,
          started_at: null,
          finished_at: null,
          input_tokens: 0,
          output_tokens: 0,
          error: null,
          error_code: null,
          client_message_id: clientMessageId,
          cancel_requested_at: null,
          pending_confirmation: null,
          confirmation_decision: null,
          created_at: at,
          updated_at: at,
        }).execute();
        return { duplicate: null };
      }).catch((error) => {
        if (isUniqueViolation(error)) {
          throw new ConflictError("this message was already submitted");
        }
        throw error;
      });
      if (created.duplicate) {
        return {
          conversationId,
          runId: created.duplicate.id,
          messageId: created.duplicate.message_id ?? "",
          duplicate: true,
        };
      }
      const message = await domain.conversations.appendMessage(actor, conversationId, {
        role: "user",
        content,
        runId,
        metadata: clientMessageId ? { client_message_id: clientMessageId } : {},
      });
      await db.kysely.updateTable("agent_runs")
        .set({ message_id: message.id, updated_at: stamp() })
        .where("id", "=", runId).execute();
      const events = eventsOf(actor, { id: runId, conversation_id: conversationId });
      await events.emit("user", content, {
        message_id: message.id,
        ...(clientMessageId ? { client_message_id: clientMessageId } : {}),
      });
      await events.status("queued");
      await events.flush();
      schedule(runId);
      return { conversationId, runId, messageId: message.id, duplicate: false };
    },

    async confirm(actor, runId, input) {
      const run = await loadOwned(actor, runId);
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
      if (!ACTIVE_STATUSES.includes(run.status)) return await runView(db, run);
      await db.kysely.updateTable("agent_runs")
        .set({ cancel_requested_at: stamp(), updated_at: stamp() })
        .where("id", "=", runId).where("cancel_requested_at", "is", null).execute();
      if (run.status !== "running") await cancelIdle(actor, run);
      return await viewOf(actor, runId);
    },

    get: viewOf,

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
  };
}

/** A conversation title from its first message. */
function titleOf(content: string): string {
  const line = content.split("\n")[0].trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
