/**
 * What agent work costs, in credits — the one place prices live. A model call is charged before
 * it is made and a paid tool before it runs, each under an idempotency key unique to the step,
 * so a run that resumes after a crash never pays for the same step twice, and a balance too low
 * stops the run before the step instead of halfway through it.
 *
 * @module
 */
import { countOf } from "./counts.ts";

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

/**
 * What a message is said to cost before the user has sent any: a typical answer takes two model
 * calls (one that calls a tool, one that answers with its result).
 */
export const DEFAULT_MESSAGE_CREDITS = 2 * MODEL_CALL_CREDITS;

/** The chat warns once the balance covers fewer messages than this. */
export const LOW_BALANCE_MESSAGES = 5;

/** Whether `balance` runs low for messages costing about `messageCost` (the chat's warning). */
export function isLowBalance(balance: number, messageCost: number): boolean {
  return balance < LOW_BALANCE_MESSAGES * messageCost;
}

/** Whether `balance` pays for no further model call: the assistant cannot answer at all. */
export function isOutOfCredits(balance: number): boolean {
  return balance < MODEL_CALL_CREDITS;
}

/** A number of credits in words: `1 credit`, `1,250 credits`. */
export function formatCredits(count: number): string {
  return countOf(count, "credit");
}

/** The start of every ledger idempotency key of a run's charges (and of their refunds). */
export const RUN_CHARGE_KEY_PREFIX = "run:";

/** Ledger idempotency key of a run's model call number `turn` (from 0). */
export function modelCallChargeKey(runId: string, turn: number): string {
  return `${RUN_CHARGE_KEY_PREFIX}${runId}:model:${turn}`;
}

/** Ledger idempotency key of a run's tool call (the call's own idempotency key inside). */
export function toolCallChargeKey(runId: string, toolCallId: string): string {
  return `${RUN_CHARGE_KEY_PREFIX}${runId}:tool:${toolCallId}`;
}
