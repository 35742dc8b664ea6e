/**
 * Scheduled anomaly detection as durable workflow runs, so alerts appear even when nobody reads
 * an account (reads are what sync metrics, and detection runs after each sync).
 *
 * - **Which accounts.** The scheduler (every instance, every `ALERTS_TICK_MS`) picks each active,
 *   connected ad account whose last detection (`alert_detections`, written by every detection,
 *   after-sync ones included) is an hour old or more, or that was never judged.
 * - **Once per account and hour.** It enqueues `alert-detect:{accountId}:{UTC hour}`; the unique
 *   dedupe key makes that one run however many instances ask, and a detection within the hour
 *   (after a sync) makes the scheduler skip the account.
 * - **Steps.** `sync` refreshes the account's stale metrics (a sync detects on its own afterwards);
 *   `detect` judges the account unless that already happened since the run was enqueued. An
 *   account's first detection replays its last 14 complete days (see `AlertsService.detect`).
 *
 * @module
 */
import { toDbTimestamp } from "../../db/time.ts";
import type { Actor } from "../actor.ts";
import type { DomainContext } from "../context.ts";
import type { MetricsSync } from "../metrics_sync.ts";
import type { EnqueueInput, WorkflowHandler } from "../workflows/engine.ts";
import type { AlertsService } from "./service.ts";

/** The workflow kind of a scheduled detection. */
export const ALERT_DETECTION = "alert_detection";

/** How old an account's last detection may get before the schedule judges it again. */
export const ALERT_DETECTION_INTERVAL_MS = 3_600_000;

/** How often each instance looks for accounts due unless configured. */
export const DEFAULT_ALERTS_TICK_MS = 60_000;

/** Input of an `alert_detection` run. */
interface DetectionInput {
  adAccountId: string;
  /** The UTC hour it was enqueued for (`2026-11-26T12`). */
  hour: string;
}

/** What a run's `detect` step returns. */
export interface ScheduledDetectionResult {
  adAccountId: string;
  skipped?: string;
  raised: number;
  refreshed: number;
  resolved: number;
}

/** The scheduler's tick and the run handler. */
export interface AlertDetectionSchedule {
  /** Workflow handlers by kind, for `createWorkflows`. */
  handlers: Record<string, WorkflowHandler>;
  /** Enqueues a detection for every account due (idempotent); returns how many it enqueued. */
  tick(enqueue: (actor: Actor, input: EnqueueInput) => Promise<unknown>): Promise<number>;
}

/** Builds the schedule. */
export function createAlertDetectionSchedule(
  context: DomainContext,
  parts: { alerts: Pick<AlertsService, "detect">; sync: Pick<MetricsSync, "refreshStale"> },
): AlertDetectionSchedule {
  const { db } = context;

  /** When the account was last judged, or null if never. */
  async function lastDetection(adAccountId: string): Promise<string | null> {
    const row = await db.kysely.selectFrom("alert_detections").select("detected_at")
      .where("ad_account_id", "=", adAccountId).executeTakeFirst();
    return row?.detected_at ?? null;
  }

  const handler: WorkflowHandler = async ({ run, step }) => {
    const input = run.input as DetectionInput;
    await step("sync", "sync metrics", async () => {
      const account = await db.kysely.selectFrom("ad_accounts").selectAll()
        .where("id", "=", input.adAccountId).where("deleted_at", "is", null)
        .where("status", "=", "active").executeTakeFirst();
      if (!account) return { synced: false, reason: "the account is gone or disconnected" };
      return { synced: await parts.sync.refreshStale([account]) };
    });
    return await step("detect", "detect anomalies", async (): Promise<ScheduledDetectionResult> => {
      const last = await lastDetection(input.adAccountId);
      // The sync above (or a read meanwhile) already judged the account since this was enqueued.
      if (last !== null && last >= toDbTimestamp(new Date(run.createdAt))) {
        return {
          adAccountId: input.adAccountId,
          skipped: "detected after the metric sync",
          raised: 0,
          refreshed: 0,
          resolved: 0,
        };
      }
      const report = await parts.alerts.detect(input.adAccountId);
      return {
        adAccountId: input.adAccountId,
        raised: report.raised.length,
        refreshed: report.refreshed,
        resolved: report.resolved,
      };
    }, { adAccountId: input.adAccountId });
  };

  return {
    handlers: { [ALERT_DETECTION]: handler },

    async tick(enqueue) {
      const now = context.clock.now();
      const due = toDbTimestamp(new Date(now.getTime() - ALERT_DETECTION_INTERVAL_MS));
      const accounts = await db.kysely.selectFrom("ad_accounts")
        .leftJoin("alert_detections", "alert_detections.ad_account_id", "ad_accounts.id")
        .select(["ad_accounts.id", "ad_accounts.user_id"])
        .where("ad_accounts.deleted_at", "is", null).where("ad_accounts.status", "=", "active")
        .where((eb) =>
          eb.or([
            eb("alert_detections.detected_at", "is", null),
            eb("alert_detections.detected_at", "<=", due),
          ])
        )
        .execute();
      const hour = now.toISOString().slice(0, 13);
      let enqueued = 0;
      for (let start = 0; start < accounts.length; start += 500) {
        const batch = accounts.slice(start, start + 500).map((account) => ({
          account,
          key: `alert-detect:${account.id}:${hour}`,
        }));
        const existing = new Set(
          (await db.kysely.selectFrom("workflow_runs").select("dedupe_key")
            .where("dedupe_key", "in", batch.map((item) => item.key)).execute())
            .map((row) => row.dedupe_key),
        );
        for (const { account, key } of batch) {
          if (existing.has(key)) continue;
          await enqueue({ userId: account.user_id, role: "user" }, {
            kind: ALERT_DETECTION,
            subjectId: account.id,
            dedupeKey: key,
            input: { adAccountId: account.id, hour } satisfies DetectionInput,
            scheduledFor: now,
          });
          enqueued++;
        }
      }
      return enqueued;
    },
  };
}
