/**
 * Why a runner stops a run at a step boundary without it failing.
 *
 * @module
 */

/** The owner asked to cancel the run. */
export class RunCancelledError extends Error {
  override name = "RunCancelledError";
  constructor(readonly runId: string) {
    super(`run ${runId} was cancelled`);
  }
}

/** The instance is draining (SIGTERM): the run stays runnable for another instance. */
export class RunnerDrainingError extends Error {
  override name = "RunnerDrainingError";
  constructor(readonly runId: string) {
    super(`runner is draining; run ${runId} is left for another instance`);
  }
}

/**
 * A side-effecting call's idempotency record is still "in progress": an earlier attempt died
 * between applying the effect and recording its result, so whether it was applied is unknown.
 * The run stops rather than let the model try again (which could apply it twice).
 */
export class EffectOutcomeUnknownError extends Error {
  override name = "EffectOutcomeUnknownError";
  constructor(readonly tool: string) {
    super(`the outcome of an interrupted ${tool} call is unknown`);
  }
}
