/**
 * Executes one run that this instance has claimed: builds the agent graph for the run's owner,
 * starts it, continues it from its last checkpoint, or resumes it with the owner's decision, and
 * records the outcome. Every write carries the runner's lease epoch (`RunFence` for run, step and
 * checkpoint rows; the domain's run fence for conversation messages and events); a heartbeat keeps
 * the conversation lease alive and aborts the run when the lease is lost or the owner cancels.
 *
 * @module
 */
import { Command } from "@langchain/langgraph";
import type { Transaction } from "kysely";
import type { AccessTokens } from "../../auth/access_tokens.ts";
import type { ApprovalGrants } from "../../mcp/mod.ts";
import type { Database } from "../../db/database.ts";
import type { AgentRunStatus, DB } from "../../db/schema.ts";
import { toDbJson } from "../../db/json.ts";
import { isoFromDb, toDbTimestamp } from "../../db/time.ts";
import type { Actor } from "../../domain/actor.ts";
import { formatCredits } from "../../domain/agent_pricing.ts";
import { InsufficientCreditsError } from "../../domain/errors.ts";
import { RunFencedOutError } from "../../domain/run_fence.ts";
import type { Domain } from "../../domain/mod.ts";
import type { Config } from "../../lib/config.ts";
import type { Lease, Leases } from "../../lib/coordination/types.ts";
import type { Logger } from "../../lib/log.ts";
import {
  type AgentGraph,
  type AgentHooks,
  type AgentStateValue,
  type ApprovalRequest,
  buildAgentGraph,
} from "../graph.ts";
import { GuardedSaver, type KyselySaver } from "../checkpoint/mod.ts";
import { explainModelError } from "../models/gemini_errors.ts";
import type { ChatModel, ModelMessage } from "../models/types.ts";
import { SYSTEM_PROMPT } from "../prompt.ts";
import { openToolbox, type Toolbox } from "../tools.ts";
import { RunCancelledError, RunnerDrainingError } from "./errors.ts";
import { RunEvents, type RunWrites, summarizeArguments } from "./events.ts";
import {
  decisionOf,
  type PendingConfirmation,
  RunFence,
  type RunRow,
  type StepPayment,
} from "./store.ts";
import type { TestHooks } from "./test_hooks.ts";

/** Messages of earlier turns the model is shown. */
const HISTORY_MESSAGES = 40;

/** What the runner works with (one per instance). */
export interface RunnerContext {
  readonly db: Database;
  readonly leases: Leases;
  readonly domain: Domain;
  readonly log: Logger;
  readonly config: Config;
  readonly accessTokens: AccessTokens;
  readonly approvals: ApprovalGrants;
  readonly model: ChatModel;
  readonly checkpointer: KyselySaver;
  readonly leaseTtlMs: number;
  readonly maxModelCalls: number;
  readonly now: () => Date;
  readonly testHooks?: TestHooks;
  /** True once the instance drains: runs stop at their next step boundary. */
  isDraining(): boolean;
}

/** Runs a claimed run until it finishes, waits for approval, or must stop. */
export async function executeClaimedRun(
  ctx: RunnerContext,
  run: RunRow,
  lease: Lease,
  epoch: number,
): Promise<void> {
  const actor = await actorOf(ctx, run.user_id);
  const fence = new RunFence(ctx.db, ctx.leases, lease, run.id, run.user_id, epoch, ctx.now);
  const events = new RunEvents(
    ctx.domain.conversationEvents,
    actor,
    run.conversation_id,
    run.id,
    ctx.log,
    // Fenced like every other write: once the run is taken over, this runner's events stop.
    epoch,
  );
  const abort = new AbortController();
  const heartbeat = startHeartbeat(ctx, fence, abort);
  let toolbox: Toolbox | undefined;
  try {
    await events.status("running");
    toolbox = await openToolbox(ctx, actor, run.id);
    const graph = buildAgentGraph({
      runId: run.id,
      model: ctx.model,
      toolbox,
      systemPrompt: SYSTEM_PROMPT,
      // "Today" for the user's accounts: their shared zone, else the user's (metrics.timeZone).
      timeZone: await ctx.domain.metrics.timeZone(actor),
      now: ctx.now,
      maxModelCalls: ctx.maxModelCalls,
      hooks: hooksFor(ctx, actor, fence, events, abort),
      // Checkpoint writes are fenced like step writes: a runner that lost the run writes none.
      checkpointer: new GuardedSaver(ctx.checkpointer, fence.checkpointGuard),
    });
    const config = {
      configurable: { thread_id: run.id },
      durability: "sync" as const,
      recursionLimit: 4 * ctx.maxModelCalls + 10,
    };
    const input = await nextInput(ctx, actor, run, graph, config, fence, events);
    if (input === undefined) return;
    if (input !== "finished") await graph.invoke(input, config);
    await settle(ctx, graph, config, fence, events);
  } catch (error) {
    await handleStop(ctx, run, fence, events, error, abort.signal);
  } finally {
    clearInterval(heartbeat);
    await events.flush();
    await toolbox?.close().catch(() => {});
  }
}

/** What `graph.invoke` accepts. */
type GraphInput = Parameters<AgentGraph["invoke"]>[0];

type GraphConfig = {
  configurable: { thread_id: string };
  durability: "sync";
  recursionLimit: number;
};

/**
 * What to invoke the graph with: the conversation for a fresh run, `null` to continue from the
 * last checkpoint, the owner's decision for an interrupted one; "finished" when the graph is done
 * but the run was not closed; undefined when there is nothing to do (still waiting).
 */
async function nextInput(
  ctx: RunnerContext,
  actor: Actor,
  run: RunRow,
  graph: AgentGraph,
  config: GraphConfig,
  fence: RunFence,
  events: RunEvents,
): Promise<GraphInput | "finished" | undefined> {
  const snapshot = await graph.getState(config);
  if (!snapshot.config.configurable?.checkpoint_id) {
    return { messages: await historyOf(ctx, actor, run) };
  }
  const request = pendingRequest(snapshot.tasks);
  if (request) {
    const control = await fence.check();
    const decision = decisionOf(control);
    if (decision?.confirmationId === request.confirmationId) {
      // The Command's `goto` generic is looser than the graph's node names; it sets no goto.
      return new Command({
        resume: { confirmationId: decision.confirmationId, decision: decision.decision },
      }) as GraphInput;
    }
    await markWaiting(ctx, fence, events, request);
    return undefined;
  }
  return snapshot.next.length === 0 ? "finished" : null;
}

/** After the graph returns: wait for approval, or close the run as completed. */
async function settle(
  ctx: RunnerContext,
  graph: AgentGraph,
  config: GraphConfig,
  fence: RunFence,
  events: RunEvents,
): Promise<void> {
  const snapshot = await graph.getState(config);
  const request = pendingRequest(snapshot.tasks);
  if (request) return await markWaiting(ctx, fence, events, request);
  const state = snapshot.values as AgentStateValue;
  const last = [...state.messages].reverse().find((message) => message.role === "assistant");
  const content = last?.content?.trim() || "Done.";
  const metadata = state.component
    ? { component: state.component.type, data: state.component.data }
    : {};
  await ctx.testHooks?.pause("before_final_message");
  await commitStatus(
    ctx,
    fence,
    events,
    { status: "completed", finished_at: stamp(ctx), pending_confirmation: null },
    {},
    (writes) => writeAnswer(ctx, writes, content, metadata),
  );
}

/** Records the approval request and parks the run until its owner answers. */
async function markWaiting(
  ctx: RunnerContext,
  fence: RunFence,
  events: RunEvents,
  request: ApprovalRequest,
): Promise<void> {
  await fence.check();
  const key = `confirm:${request.toolCallId}`;
  const existing = await fence.db.kysely.selectFrom("agent_steps").select("id")
    .where("run_id", "=", fence.runId).where("idempotency_key", "=", key).executeTakeFirst();
  if (!existing) {
    const step = await fence.beginStep({
      kind: "confirmation",
      name: request.tool,
      key,
      input: { confirmationId: request.confirmationId, reason: request.reason },
    });
    await fence.finishStep(step, "pending", { preview: request.preview });
  }
  const pending: PendingConfirmation = {
    confirmationId: request.confirmationId,
    toolCallId: request.toolCallId,
    tool: request.tool,
    preview: request.preview,
    reason: request.reason,
    ...(request.approvalId ? { approvalId: request.approvalId } : {}),
  };
  const summary = (request.preview as { summary?: string } | null)?.summary;
  const waiting = {
    status: "waiting_confirmation",
    pending_confirmation: toDbJson(pending),
    confirmation_decision: null,
  } as const;
  await commitStatus(ctx, fence, events, waiting, { confirmation_id: request.confirmationId }, (
    writes,
  ) =>
    writes.emit("confirmation", summary ?? `Approve ${request.tool}?`, {
      confirmation_id: request.confirmationId,
      tool: request.tool,
      tool_call_id: request.toolCallId,
      arguments: request.arguments,
      reason: request.reason,
      preview: request.preview,
      // Rendered like a tool result's embedded component.
      component: "confirmation",
      data: {
        confirmation_id: request.confirmationId,
        tool: request.tool,
        reason: request.reason,
        preview: request.preview,
      },
    }));
}

/** Why the graph stopped early, turned into the run's final state. */
async function handleStop(
  ctx: RunnerContext,
  run: RunRow,
  fence: RunFence,
  events: RunEvents,
  error: unknown,
  signal: AbortSignal,
): Promise<void> {
  const reason = signal.aborted ? signal.reason : undefined;
  try {
    if (error instanceof RunCancelledError || reason instanceof RunCancelledError) {
      return await commitStatus(
        ctx,
        fence,
        events,
        { status: "cancelled", finished_at: stamp(ctx) },
        {},
        (writes) => closeOpenSteps(fence, writes.trx),
      );
    }
    if (
      error instanceof RunFencedOutError || error instanceof RunnerDrainingError ||
      reason instanceof RunFencedOutError || isStaleLease(error)
    ) {
      // Someone else owns the run now, or this instance is stopping: leave it as it is.
      ctx.log.info("run left for another runner", { run: run.id, reason: String(error) });
      return;
    }
    // Failures the user can act on: said in the conversation, then the run fails with the code.
    const explained = (code: string, detail: string, text: string) =>
      commitStatus(
        ctx,
        fence,
        events,
        {
          status: "failed",
          finished_at: stamp(ctx),
          error: detail,
          error_code: code,
        },
        { code },
        async (writes) => {
          await writes.emit("error", detail, { code });
          await writeAnswer(ctx, writes, text, { error_code: code });
        },
      );
    if (error instanceof InsufficientCreditsError) {
      return await explained(
        "insufficient_credits",
        error.message,
        "I had to stop because your credits ran out: the next step needs " +
          `${formatCredits(error.required)} and you have ${formatCredits(error.balance)}. ` +
          "Nothing further was changed. The Credits page says how to get more.",
      );
    }
    const modelFailure = explainModelError(error);
    if (modelFailure) {
      ctx.log.warn("agent run stopped by the model", { run: run.id, error: String(error) });
      return await explained(
        modelFailure.code,
        String(error).slice(0, 2_000),
        modelFailure.message,
      );
    }
    ctx.log.error("agent run failed", { run: run.id, error: String(error) });
    const message = "The assistant failed to complete this request.";
    await commitStatus(
      ctx,
      fence,
      events,
      {
        status: "failed",
        finished_at: stamp(ctx),
        error: String(error).slice(0, 2_000),
        error_code: "run_failed",
      },
      { code: "run_failed" },
      (writes) => writes.emit("error", message, { code: "run_failed" }),
    );
  } catch (secondary) {
    // Typically fenced out while closing: the new owner will close the run.
    ctx.log.warn("run not closed by this runner", { run: run.id, error: String(secondary) });
  }
}

/** What a status change sets on the run row. */
type RunChanges = Parameters<RunFence["updateRun"]>[0] & { status: AgentRunStatus };

/**
 * Moves the run to `changes.status` in one transaction, fenced to this runner's epoch, with the
 * conversation writes that announce it: `announce`'s (the answer, an error, a confirmation…),
 * then the `run` status event. A crash or a takeover leaves all of it or none, so a run never
 * ends (or parks) without telling its conversation, and a new owner never repeats an answer
 * that was already told.
 */
async function commitStatus(
  ctx: RunnerContext,
  fence: RunFence,
  events: RunEvents,
  changes: RunChanges,
  extra: Record<string, unknown>,
  announce: (writes: RunWrites) => Promise<unknown>,
): Promise<void> {
  await events.commit(async (writes) => {
    // Step outcomes not yet carried by a checkpoint commit first, so the run never ends (or
    // parks) with a finished step still recorded as running.
    await fence.flush(writes.trx);
    await announce(writes);
    await fence.updateRun(changes, writes.trx);
    await ctx.testHooks?.pause(`before_status_event:${changes.status}`);
    await writes.status(changes.status, extra);
  });
}

/** Stores the run's answer and its `final` event, within the transaction that closes the run. */
async function writeAnswer(
  ctx: RunnerContext,
  writes: RunWrites,
  content: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  const message = await writes.appendMessage({ role: "assistant", content, metadata });
  await writes.emit("assistant", content, { ...metadata, message_id: message.id, final: true });
  await ctx.testHooks?.pause("after_final_event");
}

/** Marks steps left running or pending as cancelled (within the run's closing transaction). */
async function closeOpenSteps(fence: RunFence, trx: Transaction<DB>): Promise<void> {
  await trx.updateTable("agent_steps")
    .set({ status: "cancelled", updated_at: toDbTimestamp(fence.now()) })
    .where("run_id", "=", fence.runId).where("status", "in", ["running", "pending"])
    .execute();
}

function hooksFor(
  ctx: RunnerContext,
  actor: Actor,
  fence: RunFence,
  events: RunEvents,
  abort: AbortController,
): AgentHooks {
  return {
    signal: abort.signal,
    // Local checks only: the cancel request and the lease epoch are checked by the step's own
    // fenced write (`beginStep`), or by `recordedDecision` at the gate, in the same statement.
    boundary() {
      if (abort.signal.aborted) return Promise.reject(abort.signal.reason);
      if (ctx.isDraining()) return Promise.reject(new RunnerDrainingError(fence.runId));
      return Promise.resolve();
    },
    async beginStep(start, charge) {
      const paid: StepPayment | undefined = charge &&
        ((trx) =>
          ctx.domain.credits.chargeWithin(trx, actor, {
            amount: charge.credits,
            idempotencyKey: charge.key,
            description: charge.description,
          }));
      // One transaction for the step: the run's queued events, the step row (with the outcomes
      // of earlier steps not yet committed) and its charge, fenced by the conversation
      // transaction's lock on the run row at this epoch.
      let opened;
      try {
        opened = await events.commit((writes) => fence.beginStepWithin(writes.trx, start, paid));
      } catch (error) {
        fence.forgetSteps();
        throw error;
      }
      if (opened.refused) throw opened.refused;
      // The charge committed with the step: the user's open pages show the new balance.
      if (paid) await ctx.domain.credits.announce(actor);
      const step = opened.step;
      // A model call begun before belongs to a runner that lost the run: what it streamed is
      // replaced by this attempt's text, not added to.
      if (start.kind === "model_call") events.startStream(start.key, step.attempt > 1);
      return step;
    },
    finishStep: (step, status, output) => fence.finishStep(step, status, output),
    async settleStep(key, status, output) {
      const row = await fence.db.kysely.selectFrom("agent_steps")
        .select(["id", "seq", "attempt", "started_at"])
        .where("run_id", "=", fence.runId).where("idempotency_key", "=", key).executeTakeFirst();
      if (!row) return;
      await fence.finishStep(
        {
          id: row.id,
          seq: row.seq,
          attempt: row.attempt,
          startedMs: row.started_at ? Date.parse(isoFromDb(row.started_at)) : fence.now().getTime(),
        },
        status,
        output,
      );
    },
    async refund(chargeKey, description) {
      await fence.check();
      await ctx.domain.credits.refundCharge(actor, { chargeKey, description });
    },
    addTokens: (usage) => fence.addTokens(usage.inputTokens, usage.outputTokens),
    onDelta: (text) => events.delta(text),
    onStep(notice) {
      // Not awaited: events keep their order in the run's append chain (flushed when the run
      // stops), and the step's own row, not its event, is the durable record. Stored with the
      // next step's transaction, or shortly after, rather than with a commit of its own.
      events.later("step", `${notice.name} ${notice.status}`, {
        phase: notice.phase,
        name: notice.name,
        tool_call_id: notice.toolCallId,
        arguments: summarizeArguments(notice.arguments),
        status: notice.status,
        ...(notice.durationMs === undefined ? {} : { duration_ms: notice.durationMs }),
      });
      return Promise.resolve();
    },
    async recordedDecision(confirmationId) {
      const control = await fence.check();
      if (control.cancel_requested_at) throw new RunCancelledError(fence.runId);
      const decision = decisionOf(control);
      return decision?.confirmationId === confirmationId ? decision.decision : null;
    },
    issueGrant: (pending) => ctx.approvals.issue(actor, pending),
    pause: (point) => ctx.testHooks?.pause(point) ?? Promise.resolve(),
  };
}

/** Extends the lease every third of its TTL; aborts the run when it is lost or cancelled. */
function startHeartbeat(
  ctx: RunnerContext,
  fence: RunFence,
  abort: AbortController,
): ReturnType<typeof setInterval> {
  let busy = false;
  return setInterval(async () => {
    if (busy || abort.signal.aborted) return;
    busy = true;
    try {
      if (!await fence.leases.extend(fence.lease, ctx.leaseTtlMs)) {
        abort.abort(new RunFencedOutError(fence.runId, fence.epoch));
        return;
      }
      const row = await ctx.db.kysely.selectFrom("agent_runs").select("cancel_requested_at")
        .where("id", "=", fence.runId).executeTakeFirst();
      if (row?.cancel_requested_at) abort.abort(new RunCancelledError(fence.runId));
    } catch (error) {
      ctx.log.warn("run heartbeat failed", { run: fence.runId, error: String(error) });
    } finally {
      busy = false;
    }
  }, Math.max(200, Math.floor(ctx.leaseTtlMs / 3)));
}

/** The conversation so far, up to and including the run's user message. */
async function historyOf(ctx: RunnerContext, actor: Actor, run: RunRow): Promise<ModelMessage[]> {
  const own = await ctx.db.kysely.selectFrom("messages").select("seq")
    .where("id", "=", run.message_id ?? "").executeTakeFirst();
  const upTo = own?.seq ?? Number.MAX_SAFE_INTEGER;
  const rows = await ctx.db.kysely.selectFrom("messages").select(["role", "content"])
    .where("conversation_id", "=", run.conversation_id).where("user_id", "=", actor.userId)
    .where("deleted_at", "is", null).where("seq", "<=", upTo)
    .where("role", "in", ["user", "assistant"])
    .orderBy("seq", "desc").limit(HISTORY_MESSAGES).execute();
  return rows.reverse().map((row) =>
    row.role === "user"
      ? { role: "user" as const, content: row.content }
      : { role: "assistant" as const, content: row.content }
  );
}

async function actorOf(ctx: RunnerContext, userId: string): Promise<Actor> {
  const user = await ctx.db.kysely.selectFrom("users").select("role").where("id", "=", userId)
    .executeTakeFirst();
  return { userId, role: user?.role ?? "user" };
}

/** The approval request of an interrupted graph, if it is waiting at the gate. */
function pendingRequest(tasks: readonly { interrupts?: { value?: unknown }[] }[]) {
  for (const task of tasks) {
    for (const item of task.interrupts ?? []) {
      const value = item.value as ApprovalRequest | undefined;
      if (value?.confirmationId) return value;
    }
  }
  return undefined;
}

function isStaleLease(error: unknown): boolean {
  return error instanceof Error && error.name === "StaleLeaseError";
}

function stamp(ctx: RunnerContext): string {
  return toDbTimestamp(ctx.now());
}
