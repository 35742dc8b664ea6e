/**
 * Keeping connected accounts' metrics in sync, as durable workflow runs
 * (`domain/workflows/engine.ts`):
 *
 * - **Backfill** (`ad_account_backfill`, one per account and sign-in): imports the account's
 *   campaigns, then fetches the last N days (90 by default; days of the account's time zone,
 *   fixed when the run first starts) in chunks of `BACKFILL_CHUNK_DAYS`, one recorded step per
 *   chunk with progress `{daysDone, daysTotal}`. Rows are upserts keyed by campaign and day, so
 *   a chunk cut off by a crash and done again by the next runner stores each day exactly once;
 *   chunks already recorded are skipped.
 * - **Scheduled sync** (`ad_account_sync`, dedupe key per account and slot of the interval,
 *   hourly by default): new campaigns, then every campaign's days since it was last synced. Each
 *   run enqueues the next slot's; a ticker (`syncTicker`) starts the chain for accounts without
 *   one. Only after the backfill succeeded, so one run per account works at a time.
 * - **Failures**: a rate limit sends the run back to the queue for the wait the platform asked
 *   (the engine honours `PlatformRateLimitError.retryAfterMs`; never a hot loop); expired or
 *   revoked credentials put the account in `error` with the platform's message ("reconnect") and
 *   stop its runs (the engine does not retry them); a disconnected account's runs stop at their
 *   next step.
 *
 * @module
 */
import type { Selectable } from "kysely";
import type { AdAccountsTable, CampaignsTable } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import { type DomainContext, nowForDb } from "../context.ts";
import { addDays, dateOf, daysBetween, minDate } from "../dates.ts";
import { PlatformAuthError } from "../errors.ts";
import type { MetricsSync } from "../metrics_sync.ts";
import { adapterFor, platformCall, toPlatformAccount } from "../platform_calls.ts";
import type {
  WorkflowContext,
  WorkflowHandler,
  Workflows,
  WorkflowTicker,
} from "../workflows/engine.ts";

/** Workflow kind of a connected account's backfill. */
export const BACKFILL_KIND = "ad_account_backfill";
/** Workflow kind of a scheduled sync. */
export const SYNC_KIND = "ad_account_sync";
/** Days fetched per backfill step. */
export const BACKFILL_CHUNK_DAYS = 10;
/** Default interval of scheduled syncs. */
export const DEFAULT_SYNC_INTERVAL_MS = 60 * 60_000;

/** Progress of a backfill, as pages and REST show it. */
export interface BackfillProgress {
  daysDone: number;
  daysTotal: number;
}

/** Options of the sync handlers. */
export interface SyncOptions {
  metrics: Pick<MetricsSync, "syncAccountNow" | "storeCampaignDays" | "rebuildRollup">;
  intervalMs?: number;
  /** TEST ONLY: the crash tests' pause points (`backfill_after_chunk:<n>`). */
  pause?: (point: string) => Promise<void>;
}

/** Enqueues the backfill of an account just connected from sign-in `connectionId`. */
export async function enqueueBackfill(
  workflows: Pick<Workflows, "enqueue">,
  actor: Actor,
  adAccountId: string,
  connectionId: string,
  days: number,
): Promise<void> {
  await workflows.enqueue(actor, {
    kind: BACKFILL_KIND,
    subjectId: adAccountId,
    dedupeKey: `${BACKFILL_KIND}:${adAccountId}:${connectionId}`,
    input: { adAccountId, days },
  });
}

/** The start of the interval slot `at` falls in. */
export function slotStart(at: Date, intervalMs: number): Date {
  return new Date(Math.floor(at.getTime() / intervalMs) * intervalMs);
}

/** The workflow handlers of backfills and scheduled syncs. */
export function syncHandlers(
  context: DomainContext,
  options: SyncOptions,
): Record<string, WorkflowHandler> {
  const { db } = context;
  const intervalMs = options.intervalMs ?? DEFAULT_SYNC_INTERVAL_MS;

  /** The account if it may still sync (live and not waiting for a reconnect); else null. */
  async function liveAccount(adAccountId: string): Promise<Selectable<AdAccountsTable> | null> {
    const row = await db.kysely.selectFrom("ad_accounts").selectAll()
      .where("id", "=", adAccountId).where("deleted_at", "is", null).executeTakeFirst();
    return row && row.status === "active" ? row : null;
  }

  /** Inserts the platform's campaigns the product does not know yet; returns how many. */
  async function importCampaigns(account: Selectable<AdAccountsTable>): Promise<number> {
    const adapter = adapterFor(context, account.platform);
    if (!adapter.listCampaigns) return 0;
    const states = await platformCall(() => adapter.listCampaigns!(toPlatformAccount(account)));
    const known = new Set(
      (await db.kysely.selectFrom("campaigns").select("external_id")
        .where("ad_account_id", "=", account.id).where("external_id", "is not", null).execute())
        .map((row) => row.external_id),
    );
    let added = 0;
    for (const state of states) {
      if (known.has(state.externalId)) continue;
      const now = nowForDb(context);
      await db.kysely.insertInto("campaigns").values({
        id: context.ids(),
        user_id: account.user_id,
        ad_account_id: account.id,
        external_id: state.externalId,
        name: state.name.slice(0, 200),
        // The adapters do not read objectives back; "traffic" is the neutral default.
        objective: "traffic",
        status: state.status,
        budget_type: state.budgetType,
        budget_amount_minor: state.budgetAmountMinor,
        start_date: state.startDate,
        end_date: state.endDate,
        targeting: "{}",
        landing_url: null,
        metrics_synced_through: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      }).execute();
      added++;
    }
    return added;
  }

  async function liveCampaigns(adAccountId: string): Promise<Selectable<CampaignsTable>[]> {
    return await db.kysely.selectFrom("campaigns").selectAll()
      .where("ad_account_id", "=", adAccountId).where("deleted_at", "is", null)
      .where("external_id", "is not", null).orderBy("id").execute();
  }

  async function succeeded(adAccountId: string): Promise<void> {
    const now = nowForDb(context);
    await db.kysely.updateTable("ad_accounts").set({
      sync_succeeded_at: now,
      metrics_synced_at: now,
      sync_error: null,
      sync_error_at: null,
    }).where("id", "=", adAccountId).execute();
  }

  /** Records the failure on the account; expired or revoked credentials put it in `error`. */
  async function failed(adAccountId: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await db.kysely.updateTable("ad_accounts").set({
      sync_error: message.slice(0, 2000),
      sync_error_at: nowForDb(context),
      ...(error instanceof PlatformAuthError ? { status: "error" as const } : {}),
    }).where("id", "=", adAccountId).where("deleted_at", "is", null).execute();
  }

  async function enqueueNext(run: WorkflowContext, adAccountId: string): Promise<void> {
    const next = new Date(slotStart(context.clock.now(), intervalMs).getTime() + intervalMs);
    await run.enqueue({
      kind: SYNC_KIND,
      subjectId: adAccountId,
      dedupeKey: `${SYNC_KIND}:${adAccountId}:${next.toISOString()}`,
      input: { adAccountId },
      scheduledFor: next,
    });
  }

  /** Runs `work`, recording a failure on the account before the engine sees it. */
  async function recording<Result>(adAccountId: string, work: () => Promise<Result>) {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Error && error.name === "LeaseLostError") throw error;
      await failed(adAccountId, error);
      throw error;
    }
  }

  const backfill: WorkflowHandler = async (run) => {
    const { adAccountId, days } = run.run.input as { adAccountId: string; days: number };
    return await recording(adAccountId, async () => {
      const first = await liveAccount(adAccountId);
      if (!first) return { stopped: "the account is disconnected or must be reconnected" };
      const range = await run.step("range", "Fix the days", () => {
        const today = dateOf(context.clock.now(), first.timezone);
        return Promise.resolve({ from: addDays(today, -(days - 1)), to: today });
      });
      await run.step("campaigns", "Import campaigns", () => importCampaigns(first));
      let daysDone = 0;
      let chunk = 0;
      for (let from = range.from; from <= range.to; from = addDays(from, BACKFILL_CHUNK_DAYS)) {
        chunk++;
        const to = minDate(addDays(from, BACKFILL_CHUNK_DAYS - 1), range.to);
        const account = await liveAccount(adAccountId);
        if (!account) return { stopped: "the account was disconnected", daysDone };
        await run.step(`days:${from}`, "Fetch daily metrics", async () => {
          let rows = 0;
          for (const campaign of await liveCampaigns(adAccountId)) {
            rows += await options.metrics.storeCampaignDays(account, campaign, { from, to });
          }
          return { from, to, rows };
        }, { from, to });
        daysDone += daysBetween(from, to) + 1;
        await run.progress({ daysDone, daysTotal: days } satisfies BackfillProgress);
        await options.pause?.(`backfill_after_chunk:${chunk}`);
      }
      await run.step("rollup", "Rebuild account totals", async () => {
        const account = await liveAccount(adAccountId);
        if (account) await options.metrics.rebuildRollup(account, range.from);
        return null;
      });
      await succeeded(adAccountId);
      await enqueueNext(run, adAccountId);
      return { daysDone, daysTotal: days };
    });
  };

  const sync: WorkflowHandler = async (run) => {
    const { adAccountId } = run.run.input as { adAccountId: string };
    return await recording(adAccountId, async () => {
      const account = await liveAccount(adAccountId);
      if (!account) return { stopped: "the account is disconnected or must be reconnected" };
      const imported = await run.step(
        "campaigns",
        "Import new campaigns",
        () => importCampaigns(account),
      );
      await run.step("metrics", "Sync daily metrics", async () => {
        const current = await liveAccount(adAccountId);
        if (current) await options.metrics.syncAccountNow(current);
        return null;
      });
      await succeeded(adAccountId);
      await enqueueNext(run, adAccountId);
      return { imported };
    });
  };

  return { [BACKFILL_KIND]: backfill, [SYNC_KIND]: sync };
}

/**
 * Every minute: enqueues the current slot's sync of each connected account that finished its
 * backfill, has no sync waiting or running, and is not waiting for a reconnect (the dedupe key
 * makes a slot's run exist once, however many instances tick).
 */
export function syncTicker(
  context: DomainContext,
  workflows: Pick<Workflows, "enqueue">,
  intervalMs = DEFAULT_SYNC_INTERVAL_MS,
): WorkflowTicker {
  const { db } = context;
  return {
    name: "ad account sync scheduler",
    everyMs: 60_000,
    async run() {
      const accounts = await db.kysely.selectFrom("ad_accounts")
        .select(["id", "user_id"])
        .where("platform", "!=", "sandbox").where("status", "=", "active")
        .where("deleted_at", "is", null).where("sync_succeeded_at", "is not", null)
        .where((eb) =>
          eb.not(eb.exists(
            eb.selectFrom("workflow_runs").select("workflow_runs.id")
              .whereRef("workflow_runs.subject_id", "=", "ad_accounts.id")
              .where("workflow_runs.kind", "in", [SYNC_KIND, BACKFILL_KIND])
              .where("workflow_runs.status", "in", ["queued", "running"]),
          ))
        ).execute();
      const slot = slotStart(context.clock.now(), intervalMs);
      for (const account of accounts) {
        await workflows.enqueue({ userId: account.user_id, role: "user" }, {
          kind: SYNC_KIND,
          subjectId: account.id,
          dedupeKey: `${SYNC_KIND}:${account.id}:${slot.toISOString()}`,
          input: { adAccountId: account.id },
          scheduledFor: slot,
        });
      }
    },
  };
}
