/**
 * Fencing of conversation writes (events, messages) made on behalf of an agent run. A runner
 * owns its run while the run row's `lease_epoch` equals the epoch it claimed; a write that
 * carries the runner's fence re-checks that epoch inside the write's own transaction, so a
 * runner whose run was taken over (epoch bumped) writes nothing.
 *
 * Lock order: the conversation row first (every conversation write already starts there), then
 * the run row. Claiming a run and the runner's fenced run/step writes lock only the run row (and
 * its steps, and the owner's credit balance), never the conversation, so the two orders cannot
 * form a cycle; anything that ever needs both locks must take them in this order too. A
 * conversation write takes both in one statement (`lockConversation`), whose join reads them in
 * whatever order the optimizer picks: harmless, since nothing locks the run row and then waits
 * for its conversation's.
 *
 * @module
 */
import { z } from "zod";
import { DomainError } from "./errors.ts";

/** The run a write is made for and the lease epoch its runner claimed. */
export interface RunWriteFence {
  runId: string;
  leaseEpoch: number;
}

/** Validates a `RunWriteFence` in domain inputs. */
export const runWriteFenceSchema = z.object({
  runId: z.uuid(),
  leaseEpoch: z.number().int().min(0),
});

/** For a zod `refine`: a fenced write must belong to the fence's run. */
export function fenceMatchesRun(input: { runId: string | null; fence?: RunWriteFence }): boolean {
  return input.fence === undefined || input.fence.runId === input.runId;
}

/** The issue `fenceMatchesRun` reports. */
export const FENCE_RUN_MISMATCH = { path: ["fence", "runId"], message: "must equal runId" };

/**
 * A runner no longer owns its run: the run's `lease_epoch` is no longer the one it claimed (another
 * runner took the run over, or the run is gone) or its lease was lost. The write it attempted was
 * refused and nothing was stored; the runner must stop writing for the run.
 */
export class RunFencedOutError extends DomainError {
  override name = "RunFencedOutError";
  readonly code = "run_fenced_out";
  readonly status = 409;
  constructor(readonly runId: string, readonly leaseEpoch: number) {
    super(`run ${runId}: lease epoch ${leaseEpoch} is no longer current`);
  }
}

/**
 * `RunFencedOutError` unless `leaseEpoch` (the run row's, read under its lock; null when the
 * run is missing or not the conversation's) is the fence's.
 */
export function checkRunFence(leaseEpoch: number | null | undefined, fence: RunWriteFence): void {
  if (leaseEpoch === null || leaseEpoch === undefined || Number(leaseEpoch) !== fence.leaseEpoch) {
    throw new RunFencedOutError(fence.runId, fence.leaseEpoch);
  }
}
