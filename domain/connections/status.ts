/**
 * The sync status of an ad account as its page and `GET /api/v1/ad-accounts/{id}/sync` show it:
 * the backfill's progress, when the last sync succeeded, when the next is due, the last error.
 *
 * @module
 */
import { fromDbJson } from "../../db/json.ts";
import { isoFromDb, isoFromDbOrNull } from "../../db/time.ts";
import type { AdAccountStatus, WorkflowRunStatus } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import { loadAdAccount } from "../ad_accounts.ts";
import type { DomainContext } from "../context.ts";
import { BACKFILL_KIND, type BackfillProgress, SYNC_KIND } from "./sync.ts";

/** An account's sync status. */
export interface SyncStatus {
  adAccountId: string;
  /** The account's status; `error` means reconnect (see `lastError`). */
  accountStatus: AdAccountStatus;
  /** The latest backfill (null for accounts without one, like the sandbox's). */
  backfill: {
    status: WorkflowRunStatus;
    daysDone: number;
    daysTotal: number;
    error: string | null;
  } | null;
  /** Whether a backfill or sync is working right now. */
  running: boolean;
  lastSucceededAt: string | null;
  /** When the next scheduled sync is due (null when none is planned: error, disconnected). */
  nextAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** The actor's account's sync status; `NotFoundError` for another's. */
export async function syncStatus(
  context: DomainContext,
  actor: Actor,
  adAccountId: string,
): Promise<SyncStatus> {
  const { db } = context;
  const account = await loadAdAccount(db.kysely, actor, adAccountId);
  const backfill = await db.kysely.selectFrom("workflow_runs")
    .select(["status", "progress", "input", "error"])
    .where("subject_id", "=", account.id).where("kind", "=", BACKFILL_KIND)
    .where("user_id", "=", actor.userId)
    .orderBy("created_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
  const active = await db.kysely.selectFrom("workflow_runs")
    .select(["status", "scheduled_for"])
    .where("subject_id", "=", account.id).where("kind", "in", [SYNC_KIND, BACKFILL_KIND])
    .where("status", "in", ["queued", "running"])
    .orderBy("scheduled_for").execute();
  const waitingForPerson = account.status !== "active";
  const next = active.find((run) => run.status === "queued");
  const days = (fromDbJson(backfill?.input ?? null) as { days?: number } | null)?.days ?? 0;
  const progress = fromDbJson(backfill?.progress ?? null) as BackfillProgress | null;
  return {
    adAccountId: account.id,
    accountStatus: account.status,
    backfill: backfill
      ? {
        status: backfill.status,
        daysDone: backfill.status === "succeeded" ? days : progress?.daysDone ?? 0,
        daysTotal: days,
        error: backfill.error,
      }
      : null,
    running: active.some((run) => run.status === "running"),
    lastSucceededAt: isoFromDbOrNull(account.sync_succeeded_at),
    nextAt: next && !waitingForPerson ? isoFromDb(next.scheduled_for) : null,
    lastError: account.sync_error,
    lastErrorAt: isoFromDbOrNull(account.sync_error_at),
  };
}
