/**
 * Pulls daily campaign metrics from ad platforms into `campaign_metrics`.
 *
 * When it runs: lazily, on reads that show metrics, for sandbox accounts whose last sync is older
 * than the refresh interval (15 minutes by default); for connected platforms' accounts, in their
 * backfill and scheduled syncs (`connections/sync.ts`); and for one campaign right before its status
 * changes — so delivery up to that moment is recorded under the status it had. No background
 * timer is needed for correctness; a periodic caller may use `refreshStale` too.
 *
 * Metric dates are calendar days of the ad account's time zone, as on the platforms: "today" is
 * the account's local date, and a campaign's first day is the local date it was created on.
 *
 * Days before today are final once synced (`campaigns.metrics_synced_through`); today's row is
 * partial and rewritten on each sync. Each sync then rebuilds the account's daily rollup
 * (`ad_account_daily_metrics`) from the first day it wrote. Writes are upserts of deterministic
 * values, so concurrent or repeated syncs are harmless; a coordination lease per account only
 * avoids duplicate work.
 *
 * @module
 */
import type { Selectable } from "kysely";
import type { AdAccountsTable, CampaignsTable } from "../db/schema.ts";
import { isoFromDb, toDbTimestamp } from "../db/time.ts";
import { upsert } from "../db/upsert.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { addDays, dateOf } from "./dates.ts";
import { countsFromColumns, summedCounts } from "./metric_sums.ts";
import {
  adapterFor,
  platformCall,
  toPlatformAccount,
  toPlatformCampaign,
} from "./platform_calls.ts";

/** Default interval after which an account's metrics are refreshed on read. */
export const DEFAULT_METRICS_REFRESH_MS = 15 * 60_000;
/** A campaign's first sync fetches at most this many days back. */
const MAX_BACKFILL_DAYS = 400;
/** How long one account's sync may hold its lease. */
const SYNC_LEASE_TTL_MS = 60_000;
/** Columns an upsert of metrics overwrites. */
const COUNT_COLUMNS = [
  "impressions",
  "clicks",
  "spend_minor",
  "conversions",
  "revenue_minor",
] as const;

/** Metrics synchronization. */
export interface MetricsSync {
  /**
   * Syncs those of `accounts` whose metrics are older than the interval; resolves to whether any
   * was synced (so a read made meanwhile may be stale). Callers pass rows they loaded for the
   * acting user.
   */
  refreshStale(accounts: readonly Selectable<AdAccountsTable>[]): Promise<boolean>;
  /** Syncs one campaign up to now, regardless of the interval. */
  syncCampaign(
    account: Selectable<AdAccountsTable>,
    campaign: Selectable<CampaignsTable>,
  ): Promise<void>;
  /**
   * Syncs every campaign of the account up to now, regardless of the interval (scheduled syncs);
   * platform failures are thrown. False when another instance was syncing it.
   */
  syncAccountNow(account: Selectable<AdAccountsTable>): Promise<boolean>;
  /**
   * Fetches and stores the campaign's days `from`..`to` (a backfill's chunk): upserts, so a
   * repeated chunk writes the same rows again; days before today count as synced.
   */
  storeCampaignDays(
    account: Selectable<AdAccountsTable>,
    campaign: Selectable<CampaignsTable>,
    range: { from: string; to: string },
  ): Promise<number>;
  /** Recomputes the account's daily rollup from `from` to today. */
  rebuildRollup(account: Selectable<AdAccountsTable>, from: string): Promise<void>;
}

/** Builds the metrics synchronizer. */
export function createMetricsSync(
  context: DomainContext,
  { refreshMs = DEFAULT_METRICS_REFRESH_MS, afterAccountSync }: {
    refreshMs?: number;
    /**
     * Runs after an account's sync wrote its rows (anomaly detection). Its failure is logged,
     * never failing the read that triggered the sync.
     */
    afterAccountSync?: (adAccountId: string) => Promise<unknown>;
  } = {},
): MetricsSync {
  const { db } = context;

  /** Stores the campaign's new days; returns the first date written, or null if none. */
  async function syncCampaignRows(
    account: Selectable<AdAccountsTable>,
    campaign: Selectable<CampaignsTable>,
  ): Promise<string | null> {
    const now = context.clock.now();
    const today = dateOf(now, account.timezone);
    const from = campaign.metrics_synced_through
      ? addDays(campaign.metrics_synced_through, 1)
      : maxDate(
        dateOf(new Date(isoFromDb(campaign.created_at)), account.timezone),
        addDays(today, -MAX_BACKFILL_DAYS),
      );
    if (from > today) return null;
    const stored = await storeDays(account, campaign, from, today, now);
    return stored > 0 ? from : null;
  }

  /** Fetches and upserts `from`..`to`; advances `metrics_synced_through` over complete days. */
  async function storeDays(
    account: Selectable<AdAccountsTable>,
    campaign: Selectable<CampaignsTable>,
    from: string,
    to: string,
    now: Date,
  ): Promise<number> {
    const today = dateOf(now, account.timezone);
    const spentBefore = await db.kysely.selectFrom("campaign_metrics")
      .select((eb) => eb.fn.sum<number>("spend_minor").as("spend"))
      .where("campaign_id", "=", campaign.id).where("metric_date", "<", from)
      .executeTakeFirstOrThrow();
    const days = await platformCall(() =>
      adapterFor(context, account.platform).fetchDailyMetrics(
        toPlatformAccount(account),
        toPlatformCampaign(campaign),
        { from, to, spentBeforeMinor: Number(spentBefore.spend ?? 0) },
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
      updateColumns: [...COUNT_COLUMNS, "updated_at"],
    });
    const complete = minDate(to, addDays(today, -1));
    if (complete >= from) {
      await db.kysely.updateTable("campaigns").set({ metrics_synced_through: complete })
        .where("id", "=", campaign.id)
        .where((eb) =>
          eb.or([
            eb("metrics_synced_through", "is", null),
            eb("metrics_synced_through", "<", complete),
          ])
        ).execute();
    }
    return days.length;
  }

  /** Recomputes the account's daily rollup from `from` to today. */
  async function rebuildAccountRollup(account: Selectable<AdAccountsTable>, from: string) {
    const now = context.clock.now();
    const sums = await db.kysely.selectFrom("campaign_metrics")
      .select((eb) => ["metric_date", ...summedCounts(eb)])
      .where("ad_account_id", "=", account.id)
      .where("metric_date", ">=", from)
      .where("metric_date", "<=", dateOf(now, account.timezone))
      .groupBy("metric_date")
      .execute();
    const stamp = toDbTimestamp(now);
    await upsert(db.kysely, db.dialect, {
      table: "ad_account_daily_metrics",
      rows: sums.map((day) => {
        const counts = countsFromColumns(day);
        return {
          id: context.ids(),
          user_id: account.user_id,
          ad_account_id: account.id,
          metric_date: day.metric_date,
          impressions: counts.impressions,
          clicks: counts.clicks,
          spend_minor: counts.spendMinor,
          conversions: counts.conversions,
          revenue_minor: counts.revenueMinor,
          created_at: stamp,
          updated_at: stamp,
        };
      }),
      conflictColumns: ["ad_account_id", "metric_date"],
      updateColumns: [...COUNT_COLUMNS, "updated_at"],
    });
  }

  async function syncCampaign(
    account: Selectable<AdAccountsTable>,
    campaign: Selectable<CampaignsTable>,
  ): Promise<void> {
    const from = await syncCampaignRows(account, campaign);
    if (from) await rebuildAccountRollup(account, from);
  }

  async function syncAccount(account: Selectable<AdAccountsTable>): Promise<boolean> {
    const lease = await context.coordination.leases.acquire(
      `metrics-sync:${account.id}`,
      SYNC_LEASE_TTL_MS,
    );
    if (!lease) return false; // another instance is syncing this account right now
    try {
      const campaigns = await db.kysely.selectFrom("campaigns").selectAll()
        .where("ad_account_id", "=", account.id).where("deleted_at", "is", null).execute();
      let earliest: string | null = null;
      for (const campaign of campaigns) {
        const from = await syncCampaignRows(account, campaign);
        if (from && (earliest === null || from < earliest)) earliest = from;
      }
      if (earliest) await rebuildAccountRollup(account, earliest);
      await db.kysely.updateTable("ad_accounts").set({ metrics_synced_at: nowForDb(context) })
        .where("id", "=", account.id).execute();
      if (afterAccountSync) {
        await afterAccountSync(account.id).catch((error) =>
          console.error("after-sync hook failed", { adAccountId: account.id, error })
        );
      }
      return true;
    } finally {
      await context.coordination.leases.release(lease);
    }
  }

  return {
    syncCampaign,
    syncAccountNow: syncAccount,
    storeCampaignDays: (account, campaign, { from, to }) =>
      storeDays(account, campaign, from, to, context.clock.now()),
    rebuildRollup: rebuildAccountRollup,
    async refreshStale(accounts) {
      const staleBefore = toDbTimestamp(new Date(context.clock.now().getTime() - refreshMs));
      // Connected platforms' accounts are kept fresh by their scheduled syncs (durable runs that
      // respect rate limits and stop on revoked credentials); a page read never calls them.
      const stale = accounts.filter((account) =>
        account.platform === "sandbox" &&
        (account.metrics_synced_at === null || account.metrics_synced_at < staleBefore)
      );
      for (const account of stale) await syncAccount(account);
      return stale.length > 0;
    },
  };
}

function maxDate(left: string, right: string): string {
  return left > right ? left : right;
}

function minDate(left: string, right: string): string {
  return left < right ? left : right;
}
