/**
 * Pulls daily campaign metrics from ad platforms into `campaign_metrics`.
 *
 * When it runs: lazily, on reads that show metrics, for accounts whose last sync is older than
 * the refresh interval (15 minutes by default), and for one campaign right before its status
 * changes — so delivery up to that moment is recorded under the status it had. No background
 * timer is needed for correctness; a periodic caller may use `refreshStale` too.
 *
 * Days before today are final once synced (`campaigns.metrics_synced_through`); today's row is
 * partial and rewritten on each sync. Writes are upserts of deterministic values, so concurrent
 * or repeated syncs are harmless; a coordination lease per account only avoids duplicate work.
 *
 * @module
 */
import type { Selectable } from "kysely";
import type { AdAccountsTable, CampaignsTable } from "../db/schema.ts";
import { fromDbJson } from "../db/json.ts";
import { isoFromDb, toDbTimestamp } from "../db/time.ts";
import { upsert } from "../db/upsert.ts";
import { adapterFor, platformCall, toPlatformAccount } from "./ad_accounts.ts";
import type { Actor } from "./actor.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { addDays, dateOf } from "./dates.ts";
import type { PlatformCampaign } from "./platforms/adapter.ts";

/** Default interval after which an account's metrics are refreshed on read. */
export const DEFAULT_METRICS_REFRESH_MS = 15 * 60_000;
/** A campaign's first sync fetches at most this many days back. */
const MAX_BACKFILL_DAYS = 400;
/** How long one account's sync may hold its lease. */
const SYNC_LEASE_TTL_MS = 60_000;

/** Metrics synchronization. */
export interface MetricsSync {
  /** Syncs the actor's accounts (or the given ones) whose metrics are older than the interval. */
  refreshStale(actor: Actor, adAccountIds?: readonly string[]): Promise<void>;
  /** Syncs one campaign up to now, regardless of the interval. */
  syncCampaign(
    account: Selectable<AdAccountsTable>,
    campaign: Selectable<CampaignsTable>,
  ): Promise<void>;
}

/** Builds the metrics synchronizer. */
export function createMetricsSync(
  context: DomainContext,
  { refreshMs = DEFAULT_METRICS_REFRESH_MS }: { refreshMs?: number } = {},
): MetricsSync {
  const { db } = context;

  async function syncCampaign(
    account: Selectable<AdAccountsTable>,
    campaign: Selectable<CampaignsTable>,
  ): Promise<void> {
    const now = context.clock.now();
    const today = dateOf(now);
    const from = campaign.metrics_synced_through
      ? addDays(campaign.metrics_synced_through, 1)
      : maxDate(
        dateOf(new Date(isoFromDb(campaign.created_at))),
        addDays(today, -MAX_BACKFILL_DAYS),
      );
    if (from > today) return;
    const spentBefore = await db.kysely.selectFrom("campaign_metrics")
      .select((eb) => eb.fn.sum<number>("spend_minor").as("spend"))
      .where("campaign_id", "=", campaign.id).where("metric_date", "<", from)
      .executeTakeFirstOrThrow();
    const days = await platformCall(() =>
      adapterFor(context, account.platform).fetchDailyMetrics(
        toPlatformAccount(account),
        toPlatformCampaign(campaign),
        { from, to: today, spentBeforeMinor: Number(spentBefore.spend ?? 0) },
        now,
      )
    );
    const stamp = toDbTimestamp(now);
    await upsert(db.kysely, db.dialect, {
      table: "campaign_metrics",
      rows: days.map((day) => ({
        id: context.ids(),
        user_id: campaign.user_id,
        ad_account_id: campaign.ad_account_id,
        campaign_id: campaign.id,
        metric_date: day.date,
        impressions: day.impressions,
        clicks: day.clicks,
        spend_minor: day.spendMinor,
        conversions: day.conversions,
        revenue_minor: day.revenueMinor,
        created_at: stamp,
        updated_at: stamp,
      })),
      conflictColumns: ["campaign_id", "metric_date"],
      updateColumns: [
        "impressions",
        "clicks",
        "spend_minor",
        "conversions",
        "revenue_minor",
        "updated_at",
      ],
    });
    const yesterday = addDays(today, -1);
    if (yesterday >= from) {
      await db.kysely.updateTable("campaigns").set({ metrics_synced_through: yesterday })
        .where("id", "=", campaign.id).execute();
    }
  }

  async function syncAccount(account: Selectable<AdAccountsTable>): Promise<void> {
    const lease = await context.coordination.leases.acquire(
      `metrics-sync:${account.id}`,
      SYNC_LEASE_TTL_MS,
    );
    if (!lease) return; // another instance is syncing this account right now
    try {
      const campaigns = await db.kysely.selectFrom("campaigns").selectAll()
        .where("ad_account_id", "=", account.id).where("deleted_at", "is", null).execute();
      for (const campaign of campaigns) await syncCampaign(account, campaign);
      await db.kysely.updateTable("ad_accounts").set({ metrics_synced_at: nowForDb(context) })
        .where("id", "=", account.id).execute();
    } finally {
      await context.coordination.leases.release(lease);
    }
  }

  return {
    syncCampaign,
    async refreshStale(actor, adAccountIds) {
      const staleBefore = toDbTimestamp(new Date(context.clock.now().getTime() - refreshMs));
      let query = db.kysely.selectFrom("ad_accounts").selectAll()
        .where("user_id", "=", actor.userId).where("deleted_at", "is", null)
        .where((eb) =>
          eb.or([eb("metrics_synced_at", "is", null), eb("metrics_synced_at", "<", staleBefore)])
        );
      if (adAccountIds) {
        if (adAccountIds.length === 0) return;
        query = query.where("id", "in", [...adAccountIds]);
      }
      for (const account of await query.execute()) await syncAccount(account);
    },
  };
}

/** What a platform adapter is told about a campaign. */
export function toPlatformCampaign(row: Selectable<CampaignsTable>): PlatformCampaign {
  return {
    id: row.id,
    externalId: row.external_id ?? "",
    name: row.name,
    objective: row.objective,
    status: row.status,
    budgetType: row.budget_type,
    budgetAmountMinor: row.budget_amount_minor,
    startDate: row.start_date,
    endDate: row.end_date,
    targeting: fromDbJson(row.targeting) as Record<string, unknown>,
    landingUrl: row.landing_url,
    createdAt: isoFromDb(row.created_at),
  };
}

function maxDate(left: string, right: string): string {
  return left > right ? left : right;
}
