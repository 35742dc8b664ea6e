/**
 * Durable agent runs: the `AgentRuns` service the transports use, and the runtime (runner,
 * recovery, retention, drain) behind it.
 *
 * @module
 */
export type * from "./types.ts";
export {
  type AgentRuntime,
  type AgentRuntimeOptions,
  conversationLeaseKey,
  createAgentRuntime,
} from "./runtime.ts";
export { RunCancelledError, RunnerDrainingError } from "./errors.ts";
export { RunFencedOutError } from "../../domain/run_fence.ts";
export { type TestHooks, testHooksFromEnv } from "./test_hooks.ts";
