/**
 * What agent work costs, in credits — the one place prices live. A model call is charged before
 * it is made and a paid tool before it runs, each under an idempotency key unique to the step,
 * so a run that resumes after a crash never pays for the same step twice, and a balance too low
 * stops the run before the step instead of halfway through it.
 *
 * @module
 */

/** Credits per model call (one ReAct turn), whatever its length. */
export const MODEL_CALL_CREDITS = 1;

/**
 * Credits per call of a tool, by tool name; tools not listed are free. Reads and changes to
 * campaigns cost nothing beyond the model turn that asked for them.
 */
export const TOOL_CALL_CREDITS: Readonly<Record<string, number>> = {};

/** Credits one call of `tool` costs (0 when free). */
export function toolCallCredits(tool: string): number {
  return TOOL_CALL_CREDITS[tool] ?? 0;
}

/** Ledger idempotency key of a run's model call number `turn` (from 0). */
export function modelCallChargeKey(runId: string, turn: number): string {
  return `run:${runId}:model:${turn}`;
}

/** Ledger idempotency key of a run's tool call (the call's own idempotency key inside). */
export function toolCallChargeKey(runId: string, toolCallId: string): string {
  return `run:${runId}:tool:${toolCallId}`;
}
