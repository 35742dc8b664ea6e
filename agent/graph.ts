/**
 * The agent: a LangGraph `StateGraph` running a ReAct loop — the model node calls the model with
 * the MCP server's tools, the tools node runs the calls it asked for, and back to the model until
 * it answers in plain text. A write the server's approval policy holds back (the tool answers
 * `approval_required`, having changed nothing) goes to the approval gate, which `interrupt()`s
 * the run with the preview. Only the run's owner can answer (through `AgentRuns.confirm`, which
 * records the decision before resuming); the gate re-reads that recorded decision and, on
 * approve, has the server issue a single-use grant for exactly the held call and repeats it with
 * the grant. Nothing the model writes can produce a grant.
 *
 * The graph knows nothing about leases, tables or events: the runner passes `AgentHooks`, and
 * every node starts with `hooks.boundary()` (fence, cancel and drain checks). With a checkpointer
 * and `durability: "sync"`, each node's result is stored before the next starts, so a crashed
 * run resumes from its last completed node; the node that was interrupted runs again with the
 * same step keys, charge keys and tool idempotency keys, so it pays and applies nothing twice.
 *
 * @module
 */
import { Annotation, END, interrupt, START, StateGraph } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { COMPONENT_META_KEY, ERROR_META_KEY, type PendingApproval } from "../mcp/mod.ts";
import {
  MODEL_CALL_CREDITS,
  modelCallChargeKey,
  toolCallChargeKey,
  toolCallCredits,
} from "../domain/agent_pricing.ts";
import { CLAIM_HELD_MESSAGE } from "../domain/idempotency.ts";
import type { AgentStepStatus } from "../db/schema.ts";
import type { ChatModel, ModelMessage, ModelToolCall, TokenUsage } from "./models/types.ts";
import type { CallToolResult, Toolbox } from "./tools.ts";
import { todayLine } from "./prompt.ts";
import type { OpenStep, StepStart } from "./runs/store.ts";

/** A component a tool result asked the chat to render (`_meta["aae/component"]`). */
export interface ComponentRef {
  type: string;
  data: unknown;
}

/** What the server returned for a held-back call (`structuredContent.approval`). */
export interface HeldApproval extends PendingApproval {
  reason: string;
  preview: unknown;
}

/** A call waiting at the gate. */
export interface HeldCall {
  call: ModelToolCall;
  confirmationId: string;
  approval: HeldApproval;
}

/** The value the gate interrupts with: what the owner is asked. */
export interface ApprovalRequest {
  confirmationId: string;
  toolCallId: string;
  tool: string;
  arguments: Record<string, unknown>;
  reason: string;
  preview: unknown;
}

/** The value a run is resumed with. */
export interface ApprovalAnswer {
  confirmationId: string;
  decision: "approve" | "reject";
}

/** Graph state. */
export const AgentState = Annotation.Root({
  /** The conversation as the model sees it (system prompt excluded). */
  messages: Annotation<ModelMessage[]>({
    reducer: (current, update) => current.concat(update),
    default: () => [],
  }),
  /** Tool calls of the latest model turn not run yet. */
  queue: Annotation<ModelToolCall[]>({ reducer: (_current, update) => update, default: () => [] }),
  /** The call waiting for the owner's decision. */
  held: Annotation<HeldCall | null>({ reducer: (_current, update) => update, default: () => null }),
  /** The latest component a tool result carried, for the final message. */
  component: Annotation<ComponentRef | null>({
    reducer: (current, update) => update ?? current,
    default: () => null,
  }),
  /** Model calls made so far in this run. */
  modelCalls: Annotation<number>({ reducer: (_current, update) => update, default: () => 0 }),
});

/** The state type. */
export type AgentStateValue = typeof AgentState.State;

/** A tool step starting or finishing, for `step` events. */
export interface StepNotice {
  phase: "started" | "finished";
  toolCallId: string;
  name: string;
  arguments: Record<string, unknown>;
  status: "running" | AgentStepStatus | "approval_required";
  durationMs?: number;
}

/** What the graph asks of the runner. */
export interface AgentHooks {
  /**
   * Called first in every node: throws to stop the run (cancelled, drained, fenced out). What it
   * cannot tell without the database, the node's first fenced write (`beginStep`) checks.
   */
  boundary(): Promise<void>;
  beginStep(start: StepStart): Promise<OpenStep>;
  finishStep(step: OpenStep, status: AgentStepStatus, output: unknown): Promise<number>;
  /** Closes the step recorded under `key` without a new attempt (decisions, rejections). */
  settleStep(key: string, status: AgentStepStatus, output: unknown): Promise<void>;
  /** Charges credits once per key; throws `InsufficientCreditsError` when short. */
  charge(key: string, credits: number, description: string): Promise<void>;
  /** Gives back what is left of the charge made under `key` (once). */
  refund(key: string, description: string): Promise<void>;
  addTokens(usage: TokenUsage): Promise<void>;
  onDelta(text: string): void;
  onStep(notice: StepNotice): Promise<void>;
  /** The decision the owner recorded for `confirmationId`, if any. */
  recordedDecision(confirmationId: string): Promise<"approve" | "reject" | null>;
  /** A single-use grant for exactly `pending`, signed by the server. */
  issueGrant(pending: PendingApproval): Promise<string>;
  /** Test-only pause points (no-op in production). */
  pause(point: string): Promise<void>;
  /** Aborts an in-flight model call (cancel, lost lease). */
  readonly signal: AbortSignal;
}

/** What the graph is built from. */
export interface AgentGraphOptions {
  runId: string;
  model: ChatModel;
  toolbox: Toolbox;
  systemPrompt: string;
  /** IANA zone the user's relative dates are counted in, passed on to the model. */
  timeZone?: string;
  /** Clock for the model's "today" (default: the system clock). */
  now?: () => Date;
  /** Model calls allowed per run before it stops with an explanation. */
  maxModelCalls: number;
  hooks: AgentHooks;
  checkpointer?: BaseCheckpointSaver;
}

/** Node names (a node name may not equal a state key). */
export const NODES = { model: "agent", tools: "tools", gate: "approval_gate" } as const;

/** Tool-call ids the runner assigns: unique within the run, stable across replays. */
export function toolCallId(turn: number, index: number): string {
  return `t${turn}c${index}`;
}

/** Builds and compiles the agent graph. */
export function buildAgentGraph(options: AgentGraphOptions) {
  const { runId, model, toolbox, hooks } = options;
  /** Waits between model retries in this run, shared so they stay within one budget. */
  const retryWait = { spentMs: 0 };

  const systemMessage = () =>
    `${options.systemPrompt}\n${
      todayLine(options.now?.() ?? new Date(), options.timeZone ?? "UTC")
    }`;

  async function callModel(state: AgentStateValue): Promise<Partial<AgentStateValue>> {
    await hooks.boundary();
    const turn = state.modelCalls;
    if (turn >= options.maxModelCalls) {
      return {
        messages: [{
          role: "assistant",
          content: `I stopped after ${turn} steps, the most one request may take. ` +
            "Ask me to continue if there is more to do.",
        }],
        queue: [],
      };
    }
    const step = await hooks.beginStep({
      kind: "model_call",
      name: model.name,
      key: `model:${turn}`,
      input: { turn, messages: state.messages.length, tools: toolbox.specs.length },
    });
    try {
      await hooks.charge(
        modelCallChargeKey(runId, turn),
        MODEL_CALL_CREDITS,
        `Assistant model call ${turn + 1} of run ${runId}`,
      );
    } catch (error) {
      await hooks.finishStep(step, "failed", { error: errorCode(error) });
      throw error;
    }
    let result;
    try {
      result = await model.generate({
        messages: [{ role: "system", content: systemMessage() }, ...state.messages],
        tools: [...toolbox.specs],
        timeZone: options.timeZone,
        onDelta: hooks.onDelta,
        signal: hooks.signal,
        retryWait,
      });
    } catch (error) {
      await hooks.finishStep(step, "failed", { error: String(error) });
      // The call produced nothing: its credit goes back. Not when it was stopped (cancel, lost
      // lease): then the run continues elsewhere and replays this call under the same charge.
      if (!hooks.signal.aborted) {
        await hooks.refund(
          modelCallChargeKey(runId, turn),
          `Refund: assistant model call ${turn + 1} of run ${runId} failed`,
        );
      }
      throw error;
    }
    // Our ids stay stable across replays (they key idempotency); the provider's id and thought
    // signature ride along in the state, so the checkpoint keeps them for the next model call.
    const toolCalls: ModelToolCall[] = result.toolCalls.map((call, index) => ({
      id: toolCallId(turn, index),
      name: call.name,
      args: call.args ?? {},
      ...(call.providerId ? { providerId: call.providerId } : {}),
      ...(call.signature ? { signature: call.signature } : {}),
    }));
    await hooks.addTokens(result.usage);
    await hooks.finishStep(step, "succeeded", {
      content: result.content,
      // The step record shows the calls, not their opaque signatures.
      toolCalls: toolCalls.map(({ id, name, args }) => ({ id, name, args })),
      usage: result.usage,
    });
    return {
      messages: [{
        role: "assistant",
        content: result.content,
        ...(toolCalls.length > 0 ? { toolCalls } : {}),
      }],
      queue: toolCalls,
      modelCalls: turn + 1,
    };
  }

  /** Runs one call; returns the tool message, or the held call when approval is required. */
  async function execute(
    call: ModelToolCall,
    grant: string | undefined,
  ): Promise<
    { message: ModelMessage; component: ComponentRef | null; frozen: boolean } | { held: HeldCall }
  > {
    const step = await hooks.beginStep({
      kind: "tool_call",
      name: call.name,
      key: `tool:${call.id}`,
      input: { arguments: call.args, approved: grant !== undefined },
    });
    await hooks.onStep({
      phase: "started",
      toolCallId: call.id,
      name: call.name,
      arguments: call.args,
      status: "running",
    });
    const price = toolCallCredits(call.name);
    if (price > 0) {
      try {
        await hooks.charge(toolCallChargeKey(runId, call.id), price, `Tool ${call.name}`);
      } catch (error) {
        await hooks.finishStep(step, "failed", { error: errorCode(error) });
        throw error;
      }
    }
    await hooks.pause(`${grant ? "before_approved_call" : "before_tool_call"}:${call.name}`);
    const result = await callWithRetry(() =>
      toolbox.call(call.name, call.args, {
        idempotencyKey: `${runId}:${call.id}`,
        approvalGrant: grant,
      })
    );
    await hooks.pause(`${grant ? "after_approved_call" : "after_tool_call"}:${call.name}`);
    const structured = result.structuredContent as Record<string, unknown> | undefined;
    if (!result.isError && structured?.status === "approval_required") {
      const approval = structured.approval as HeldApproval;
      const duration = await hooks.finishStep(step, "pending", {
        status: "approval_required",
        approval,
      });
      await hooks.onStep({
        phase: "finished",
        toolCallId: call.id,
        name: call.name,
        arguments: call.args,
        status: "approval_required",
        durationMs: duration,
      });
      return { held: { call, confirmationId: crypto.randomUUID(), approval } };
    }
    const status: AgentStepStatus = result.isError ? "failed" : "succeeded";
    const duration = await hooks.finishStep(step, status, compactResult(result));
    await hooks.onStep({
      phase: "finished",
      toolCallId: call.id,
      name: call.name,
      arguments: call.args,
      status,
      durationMs: duration,
    });
    return {
      message: { role: "tool", toolCallId: call.id, name: call.name, content: toolText(result) },
      component: componentOf(result),
      frozen: errorCodeOf(result) === "account_frozen",
    };
  }

  async function runTools(state: AgentStateValue): Promise<Partial<AgentStateValue>> {
    const queue = [...state.queue];
    const messages: ModelMessage[] = [];
    let component: ComponentRef | null = null;
    while (queue.length > 0) {
      await hooks.boundary();
      const call = queue.shift()!;
      const outcome = await execute(call, undefined);
      if ("held" in outcome) return { messages, queue, held: outcome.held, component };
      messages.push(outcome.message);
      component = outcome.component ?? component;
      if (outcome.frozen) {
        return { messages: [...messages, ...stoppedByFreeze(queue)], queue: [], held: null };
      }
    }
    return { messages, queue: [], held: null, component };
  }

  async function approvalGate(state: AgentStateValue): Promise<Partial<AgentStateValue>> {
    const held = state.held!;
    // Everything before `interrupt` runs again on resume: keep it free of effects.
    const answer = interrupt<ApprovalRequest, ApprovalAnswer | undefined>({
      confirmationId: held.confirmationId,
      toolCallId: held.call.id,
      tool: held.approval.tool,
      arguments: held.approval.arguments,
      reason: held.approval.reason,
      preview: held.approval.preview,
    });
    await hooks.boundary();
    // The resume value only wakes the gate; the decision that counts is the one the owner's
    // `confirm` stored. Anything else, including a mismatch, is a rejection.
    const recorded = await hooks.recordedDecision(held.confirmationId);
    const approved = answer?.confirmationId === held.confirmationId &&
      answer.decision === "approve" && recorded === "approve";
    await hooks.settleStep(`confirm:${held.call.id}`, "succeeded", {
      confirmationId: held.confirmationId,
      decision: approved ? "approve" : "reject",
    });
    if (!approved) {
      await hooks.settleStep(`tool:${held.call.id}`, "cancelled", { status: "rejected" });
      await hooks.onStep({
        phase: "finished",
        toolCallId: held.call.id,
        name: held.call.name,
        arguments: held.call.args,
        status: "cancelled",
      });
      return {
        messages: [{
          role: "tool",
          toolCallId: held.call.id,
          name: held.call.name,
          content: JSON.stringify({
            status: "rejected",
            message: "The user rejected this action. It was not executed.",
          }),
        }],
        held: null,
      };
    }
    const grant = await hooks.issueGrant({
      tool: held.approval.tool,
      arguments: held.approval.arguments,
      previewDigest: held.approval.previewDigest,
    });
    const outcome = await execute({ ...held.call, args: held.approval.arguments }, grant);
    // The state changed since the preview (the grant no longer matches): ask again.
    if ("held" in outcome) return { held: outcome.held };
    return { messages: [outcome.message], held: null, component: outcome.component };
  }

  return new StateGraph(AgentState)
    .addNode(NODES.model, callModel)
    .addNode(NODES.tools, runTools)
    .addNode(NODES.gate, approvalGate)
    .addEdge(START, NODES.model)
    .addConditionalEdges(
      NODES.model,
      (state) => state.queue.length > 0 ? NODES.tools : END,
      [NODES.tools, END],
    )
    .addConditionalEdges(
      NODES.tools,
      // A run stopped by a frozen account ends on its own assistant message.
      (state) =>
        state.held ? NODES.gate : state.messages.at(-1)?.role === "assistant" ? END : NODES.model,
      [NODES.gate, NODES.model, END],
    )
    .addConditionalEdges(
      NODES.gate,
      (state) => state.held ? NODES.gate : state.queue.length > 0 ? NODES.tools : NODES.model,
      [NODES.gate, NODES.tools, NODES.model],
    )
    .compile({ checkpointer: options.checkpointer });
}

/** The compiled graph type. */
export type AgentGraph = ReturnType<typeof buildAgentGraph>;

/** Attempts of a tool call whose transport failed (e.g. a remote MCP server restarting). */
const TOOL_CALL_ATTEMPTS = 3;

/**
 * Repeats a tool call that threw (the server's answer never arrived) or found its idempotency
 * claim held by another attempt of the same call (a runner that lost this run but was still
 * calling took it over). Safe because every attempt carries the same idempotency key: a repeat of
 * an applied write replays its stored result, and a claim still in progress hides no committed
 * effect (the server commits a write only together with its record), so the repeat takes it over.
 */
async function callWithRetry(call: () => Promise<CallToolResult>): Promise<CallToolResult> {
  for (let attempt = 1;; attempt++) {
    try {
      const result = await call();
      if (!isClaimHeldElsewhere(result) || attempt >= TOOL_CALL_ATTEMPTS) return result;
    } catch (error) {
      if (attempt >= TOOL_CALL_ATTEMPTS) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}

/** The text the model reads back: the structured result when there is one, else the text. */
function toolText(result: CallToolResult): string {
  const text = result.content.map((item) => item.type === "text" ? item.text : "").join("\n");
  if (result.isError) return JSON.stringify({ status: "error", message: text });
  return result.structuredContent ? JSON.stringify(result.structuredContent) : text;
}

/** What a step row keeps of a result (not the rendered component). */
function compactResult(result: CallToolResult): unknown {
  return {
    isError: result.isError === true,
    structured: result.structuredContent ?? null,
    text: result.content.map((item) => item.type === "text" ? item.text : "").join("\n")
      .slice(0, 2_000),
    // The rendered component is left out: it can be large and is rebuilt from `structured`.
    meta: Object.fromEntries(
      Object.entries(result._meta ?? {}).filter(([key]) => key !== COMPONENT_META_KEY),
    ),
  };
}

/**
 * What ends a run whose ad account was frozen under it: the calls still queued are answered as
 * not made (every call needs an answer), and the run stops with a message saying so — the
 * model is not asked again, so nothing it decides can act on the frozen account.
 */
function stoppedByFreeze(skipped: readonly ModelToolCall[]): ModelMessage[] {
  const notMade = skipped.map((call): ModelMessage => ({
    role: "tool",
    toolCallId: call.id,
    name: call.name,
    content: JSON.stringify({ status: "not_executed", message: "stopped: the account is frozen" }),
  }));
  const rest = skipped.length === 0
    ? ""
    : ` ${skipped.length} more change${skipped.length === 1 ? " was" : "s were"} not made.`;
  return [...notMade, {
    role: "assistant",
    content: "I stopped: this ad account has been frozen, so I made no further changes to it." +
      `${rest} Changes made before the freeze stay as they are (see Changes). Unfreeze the ` +
      "account on its page (Autopilot limits) if you want me to continue.",
  }];
}

/** The `code` of a tool error result, if any. */
function errorCodeOf(result: CallToolResult): string | undefined {
  if (result.isError !== true) return undefined;
  return (result._meta?.[ERROR_META_KEY] as { code?: string } | undefined)?.code;
}

/** The server refused the call because another attempt holds its idempotency claim. */
function isClaimHeldElsewhere(result: CallToolResult): boolean {
  const code = errorCodeOf(result);
  const text = result.content.map((item) => item.type === "text" ? item.text : "").join(" ");
  return code === "conflict" && text === CLAIM_HELD_MESSAGE;
}

function componentOf(result: CallToolResult): ComponentRef | null {
  const hint = result._meta?.[COMPONENT_META_KEY] as ComponentRef | undefined;
  if (!hint || typeof hint.type !== "string" || hint.type === "confirmation") return null;
  return { type: hint.type, data: hint.data };
}

function errorCode(error: unknown): string {
  return error instanceof Error && "code" in error ? String(error.code) : String(error);
}
