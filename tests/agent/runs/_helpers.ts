/**
 * Shared pieces of the agent run tests: a runtime over a test backend, a model answering from a
 * script of turns, and waits on run status.
 *
 * @module
 */
import { AccessTokens } from "../../../auth/access_tokens.ts";
import { createApprovalGrants } from "../../../mcp/grants.ts";
import { ScriptedModel } from "../../../agent/models/scripted.ts";
import type { ChatModel, ModelRequest, ModelTurn } from "../../../agent/models/types.ts";
import { type AgentRuntime, createAgentRuntime } from "../../../agent/runs/mod.ts";
import type { TestHooks } from "../../../agent/runs/test_hooks.ts";
import type { RunView } from "../../../agent/runs/types.ts";
import type { Actor } from "../../../domain/actor.ts";
import { loadConfig } from "../../../lib/config.ts";
import { createLogger } from "../../../lib/log.ts";
import type { TestBackend } from "../../_helpers/backend.ts";

/** JWT secret of the test runtimes. */
export const TEST_SECRET = "test-only-agent-secret-0123456789abcdef";

/** One scripted turn: text and/or tool calls. */
export interface Turn {
  content?: string;
  toolCalls?: { name: string; args?: Record<string, unknown> }[];
}

/**
 * A model answering turn N (assistant messages since the latest user message) with `turns[N]`,
 * or "Done." past the end — so a call replayed after a crash gets the same answer. Built on the
 * models' `ScriptedModel`, which records every request.
 */
export class ScriptModel implements ChatModel {
  readonly name = "script";
  readonly #inner: ScriptedModel;
  constructor(public turns: Turn[] | ((request: ModelRequest, turn: number) => Turn)) {
    this.#inner = new ScriptedModel((request) => this.#turnFor(request), { name: "script" });
  }

  /** Every request received. */
  get requests(): ModelRequest[] {
    return this.#inner.requests;
  }

  generate(request: ModelRequest): Promise<ModelTurn> {
    return this.#inner.generate(request);
  }

  #turnFor(request: ModelRequest) {
    const lastUser = request.messages.findLastIndex((message) => message.role === "user");
    const turn = request.messages.slice(lastUser + 1)
      .filter((message) => message.role === "assistant").length;
    const scripted = typeof this.turns === "function"
      ? this.turns(request, turn)
      : this.turns[turn] ?? { content: "Done." };
    const content = scripted.content ?? "";
    return {
      // Small pieces, as a streaming model sends them (the runner coalesces them).
      chunks: content.match(/.{1,5}/gs) ?? [],
      toolCalls: (scripted.toolCalls ?? []).map((call, index) => ({
        id: `m-${turn}-${index}`,
        name: call.name,
        args: call.args ?? {},
      })),
      usage: { inputTokens: 7, outputTokens: 3 },
    };
  }
}

/** A runtime over `backend` with `model` (and `testHooks`, to pause its runner). */
export async function openRuntime(
  backend: TestBackend,
  model: ChatModel,
  env: Record<string, string> = {},
  testHooks?: TestHooks,
): Promise<AgentRuntime> {
  const config = loadConfig({
    JWT_SECRET_KEY: TEST_SECRET,
    LOG_LEVEL: "error",
    AGENT_LEASE_TTL_MS: "2000",
    AGENT_RECOVERY_INTERVAL_MS: "200",
    ...env,
  });
  return createAgentRuntime({
    db: backend.db,
    coordination: backend.coordination,
    domain: backend.domain,
    log: createLogger("error"),
    config,
    accessTokens: await AccessTokens.create(TEST_SECRET),
    approvals: await createApprovalGrants(TEST_SECRET),
    model,
    testHooks,
  });
}

/** Polls the run until `done(view)`; fails after `timeoutMs`. */
export async function waitForRun(
  runtime: AgentRuntime,
  actor: Actor,
  runId: string,
  done: (view: RunView) => boolean,
  timeoutMs = 15_000,
): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await runtime.get(actor, runId);
    if (done(view)) return view;
    if (Date.now() > deadline) {
      throw new Error(`run ${runId} still ${view.status}: ${JSON.stringify(view.steps)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Final statuses. */
export const finished = (view: RunView) =>
  ["completed", "failed", "cancelled"].includes(view.status);
/** Waiting for the owner. */
export const waiting = (view: RunView) => view.status === "waiting_confirmation";
