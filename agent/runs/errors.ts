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
