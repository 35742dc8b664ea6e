/**
 * Waiting for a platform's asynchronous report job (Meta's async insights report runs, TikTok's
 * report tasks): the job is checked with a delay that doubles up to a ceiling, so a slow job costs
 * a handful of requests rather than a hot loop, and the wait ends after a bounded total with an
 * error that says what happens next. Which ranges go through a job is the adapter's choice.
 *
 * @module
 */
import { PlatformError } from "../errors.ts";
import type { HttpPolicy } from "./http.ts";

/** How a report job stands at one check. */
export type ReportJobState =
  | { state: "pending"; status: string; percent: number }
  | { state: "done" }
  | { state: "failed"; status: string };

/**
 * Ranges of at least this many days are fetched through an async report job: the backfill's
 * chunks, while the hourly sync's few days stay on the synchronous endpoint. Meta recommends
 * async runs for large insights queries, which otherwise time out.
 */
export const ASYNC_REPORT_MIN_DAYS = 7;

/** Delays of the checks of one job. */
export interface ReportPolling {
  /** Wait before the first check (ms); doubles per check up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Total wait after which a job still running is given up (ms). */
  maxWaitMs: number;
}

/** Production defaults: first check after 1 s, then up to every 30 s, for at most 15 minutes. */
export const DEFAULT_REPORT_POLLING: ReportPolling = {
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxWaitMs: 15 * 60_000,
};

/** A report job that failed at the platform or did not finish in time; nothing was stored. */
export class ReportJobError extends PlatformError {
  override name = "ReportJobError";
  override readonly code = "platform_report_failed";
}

/**
 * Checks a job until it is done. Throws `ReportJobError` when the platform reports it failed or
 * it is still running after `polling.maxWaitMs` of waiting; `what` names the report in the message
 * ("the report for 2026-08-01..2026-08-10").
 */
export async function awaitReportJob(
  platform: string,
  what: string,
  check: () => Promise<ReportJobState>,
  polling: ReportPolling,
  sleep: HttpPolicy["sleep"],
): Promise<void> {
  let waited = 0;
  let delay = polling.firstDelayMs;
  let last: ReportJobState = { state: "pending", status: "not checked", percent: 0 };
  while (waited < polling.maxWaitMs) {
    const wait = Math.min(delay, polling.maxWaitMs - waited);
    await sleep(wait);
    waited += wait;
    delay = Math.min(delay * 2, polling.maxDelayMs);
    last = await check();
    if (last.state === "done") return;
    if (last.state === "failed") {
      throw new ReportJobError(
        `${platform} could not build ${what} (${last.status}); the sync asks again on its next ` +
          `run — if this keeps happening, sync a shorter range or check the account at ${platform}`,
      );
    }
  }
  const progress = last.state === "pending" ? `${last.status}, ${last.percent}%` : "no answer";
  throw new ReportJobError(
    `${platform} did not finish ${what} within ${Math.round(polling.maxWaitMs / 60_000)} min ` +
      `(${progress}); the sync asks again on its next run`,
  );
}
