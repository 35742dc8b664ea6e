/**
 * Performance reads: totals and a daily series (every day present, empty days zero) for one
 * campaign, one ad account, or all the actor's accounts, with derived ratios computed exactly.
 *
 * Dates are days of the ad account's time zone; `timeZone` tells callers which zone's "today" a
 * report's default range should be counted from.
 *
 * @module
 */
import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import type { Actor } from "./actor.ts";
import { loadAdAccount } from "./ad_accounts.ts";
import type { DomainContext } from "./context.ts";
import { daysBetween, eachDate, isoDateSchema, reportingTimeZone } from "./dates.ts";
import {
  addCounts,
  type MetricCounts,
  type MetricTotals,
  withDerivedMetrics,
  ZERO_COUNTS,
} from "./derived_metrics.ts";
import { NotFoundError, ValidationError } from "./errors.ts";
import { countsFromColumns, summedCounts } from "./metric_sums.ts";
import type { MetricsSync } from "./metrics_sync.ts";
import { parseInput } from "./validation.ts";
import {
  DEFAULT_PRESET,
  MAX_RANGE_DAYS,
  type RangeChoice,
  type ReportRange,
  resolveRange,
} from "./report_range.ts";

/** Longest range one report may cover. */
export const MAX_REPORT_DAYS = MAX_RANGE_DAYS;

/** Input of `metrics.performance`. Without ids it covers all the actor's accounts. */
export const performanceQuerySchema = z.object({
  from: isoDateSchema,
  to: isoDateSchema,
  adAccountId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
}).refine((query) => query.from <= query.to, { message: "must not be before from", path: ["to"] })
  .refine((query) => daysBetween(query.from, query.to) < MAX_REPORT_DAYS, {
    message: `range must be at most ${MAX_REPORT_DAYS} days`,
    path: ["to"],
  });
/** Input of `metrics.performance`. */
export type PerformanceQuery = z.input<typeof performanceQuerySchema>;

/** One day of a series. */
export interface DailyMetrics extends MetricTotals {
  date: string;
}

/** Totals and daily series over a date range. */
export interface PerformanceReport {
  from: string;
  to: string;
  /** Currency of all money in the report; null when the actor has no accounts. */
  currency: string | null;
  totals: MetricTotals;
  daily: DailyMetrics[];
}

/** One ad account's totals within a per-currency report. */
export interface AccountTotals {
  id: string;
  name: string;
  totals: MetricTotals;
}

/** A report over the accounts of one currency, with each account's own totals. */
export interface CurrencyReport extends PerformanceReport {
  /** The accounts in scope that use `currency`, by name. */
  adAccounts: AccountTotals[];
}

/**
 * A report split by currency: one `CurrencyReport` per currency of the accounts in scope, never
 * summed across currencies. Always at least one (with `currency` null when there are no
 * accounts).
 */
export interface CurrencyBreakdown {
  from: string;
  to: string;
  byCurrency: CurrencyReport[];
}

/** What a report covers: one campaign, one ad account, or (neither given) all the actor's. */
export const reportScopeSchema = z.object({
  adAccountId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
});
/** What a report covers. */
export type ReportScope = z.input<typeof reportScopeSchema>;

/** Metrics service. */
export interface MetricsService {
  /**
   * Totals and daily series; `ValidationError` if the accounts in scope mix currencies (use
   * `performanceByCurrency` to report on them together).
   */
  performance(actor: Actor, query: PerformanceQuery): Promise<PerformanceReport>;
  /**
   * The same report split by currency (ordered by currency code), so accounts in different
   * currencies can be reported together without adding up amounts that do not add up.
   */
  performanceByCurrency(actor: Actor, query: PerformanceQuery): Promise<CurrencyBreakdown>;
  /**
   * The IANA zone whose days a report over `scope` is counted in, for resolving "today" or "the
   * last 7 days": the account's zone for one account or campaign; for all accounts, their zone
   * when they share one, else the user's own zone (`reportingTimeZone`). `NotFoundError` for a
   * campaign or account the actor does not have.
   */
  timeZone(actor: Actor, scope?: ReportScope): Promise<string>;
  /**
   * `choice` (by default the last 7 complete days) as dates of the scope's zone (`timeZone`)
   * today: the one way pages, tools and the API turn a period into dates.
   */
  range(actor: Actor, scope?: ReportScope, choice?: RangeChoice): Promise<ReportRange>;
}

/** Builds the metrics service. */
export function createMetricsService(context: DomainContext, sync: MetricsSync): MetricsService {
  const { db } = context;

  /** The live accounts a report covers: a campaign's account, the named one, or all. */
  async function scopeAccounts(actor: Actor, scope: z.output<typeof reportScopeSchema>) {
    if (scope.campaignId) {
      const campaign = await db.kysely.selectFrom("campaigns").select("ad_account_id")
        .where("id", "=", scope.campaignId)
        .where("user_id", "=", actor.userId)
        .where("deleted_at", "is", null)
        .$if(
          scope.adAccountId !== undefined,
          (qb) => qb.where("ad_account_id", "=", scope.adAccountId!),
        )
        .executeTakeFirst();
      if (!campaign) throw new NotFoundError("campaign");
      return [await loadAdAccount(db.kysely, actor, campaign.ad_account_id)];
    }
    if (scope.adAccountId) return [await loadAdAccount(db.kysely, actor, scope.adAccountId)];
    return await db.kysely.selectFrom("ad_accounts").selectAll()
      .where("user_id", "=", actor.userId).where("deleted_at", "is", null).execute();
  }

  /** See `MetricsService.performanceByCurrency`. */
  async function performanceByCurrency(
    actor: Actor,
    input: PerformanceQuery,
  ): Promise<CurrencyBreakdown> {
    const query = parseInput(performanceQuerySchema, input);
    const accounts = await scopeAccounts(actor, query);
    await sync.refreshStale(accounts);
    const counts = await dailyCountsByAccount(db.kysely, actor, {
      from: query.from,
      to: query.to,
      adAccountIds: accounts.map((account) => account.id),
      campaignId: query.campaignId,
    });
    const dates = eachDate(query.from, query.to);
    const currencies = [...new Set(accounts.map((account) => account.currency))].sort();
    const byCurrency = currencies.length === 0
      ? [currencyReport(query, null, [], dates, counts)]
      : currencies.map((currency) =>
        currencyReport(
          query,
          currency,
          accounts.filter((account) => account.currency === currency),
          dates,
          counts,
        )
      );
    return { from: query.from, to: query.to, byCurrency };
  }

  async function timeZone(actor: Actor, scope: ReportScope = {}) {
    const accounts = await scopeAccounts(actor, parseInput(reportScopeSchema, scope));
    const zones = accounts.map((account) => account.timezone);
    // The user's own zone is only needed when the accounts do not settle it.
    if (new Set(zones).size === 1) return zones[0];
    const user = await db.kysely.selectFrom("users").select("timezone")
      .where("id", "=", actor.userId).executeTakeFirst();
    return reportingTimeZone(zones, user?.timezone ?? "UTC");
  }

  return {
    timeZone,

    async range(actor, scope = {}, choice = { preset: DEFAULT_PRESET }) {
      return resolveRange(choice, context.clock.now(), await timeZone(actor, scope));
    },

    performanceByCurrency,

    async performance(actor, input) {
      const { byCurrency } = await performanceByCurrency(actor, input);
      if (byCurrency.length > 1) {
        throw new ValidationError([{
          field: "adAccountId",
          message: "your accounts use different currencies; choose one account",
        }]);
      }
      const { adAccounts: _accounts, ...report } = byCurrency[0];
      return report;
    },
  };
}

/** The report over `accounts` (all of one currency): totals, daily series, each account's totals. */
function currencyReport(
  range: { from: string; to: string },
  currency: string | null,
  accounts: readonly { id: string; name: string }[],
  dates: readonly string[],
  counts: Map<string, Map<string, MetricCounts>>,
): CurrencyReport {
  // Ratios of an empty scope still need a currency's precision; any will do for zeros.
  const precision = currency ?? "USD";
  const countsOf = (accountId: string, date: string) =>
    counts.get(accountId)?.get(date) ?? ZERO_COUNTS;
  const days = dates.map((date) => ({
    date,
    counts: accounts.reduce(
      (sum, account) => addCounts(sum, countsOf(account.id, date)),
      ZERO_COUNTS,
    ),
  }));
  const totals = days.reduce((sum, day) => addCounts(sum, day.counts), ZERO_COUNTS);
  return {
    from: range.from,
    to: range.to,
    currency,
    totals: withDerivedMetrics(totals, precision),
    daily: days.map((day) => ({ date: day.date, ...withDerivedMetrics(day.counts, precision) })),
    adAccounts: accounts.map((account) => ({
      id: account.id,
      name: account.name,
      totals: withDerivedMetrics(
        dates.reduce((sum, date) => addCounts(sum, countsOf(account.id, date)), ZERO_COUNTS),
        precision,
      ),
    })),
  };
}

/**
 * Summed counts per account and date in scope: one campaign reads its own rows (under its
 * account); accounts read the per-account daily rollup (one row per account and day, however
 * many campaigns there are).
 */
async function dailyCountsByAccount(
  queryable: Queryable,
  actor: Actor,
  scope: { from: string; to: string; adAccountIds: string[]; campaignId?: string },
): Promise<Map<string, Map<string, MetricCounts>>> {
  if (scope.adAccountIds.length === 0) return new Map();
  const rows = scope.campaignId === undefined
    ? await queryable.selectFrom("ad_account_daily_metrics")
      .select((eb) => ["ad_account_id", "metric_date", ...summedCounts(eb)])
      .where("user_id", "=", actor.userId)
      .where("ad_account_id", "in", scope.adAccountIds)
      .where("metric_date", ">=", scope.from)
      .where("metric_date", "<=", scope.to)
      .groupBy(["ad_account_id", "metric_date"])
      .execute()
    : await queryable.selectFrom("campaign_metrics")
      .select((eb) => ["ad_account_id", "metric_date", ...summedCounts(eb)])
      .where("user_id", "=", actor.userId)
      .where("campaign_id", "=", scope.campaignId)
      .where("metric_date", ">=", scope.from)
      .where("metric_date", "<=", scope.to)
      .groupBy(["ad_account_id", "metric_date"])
      .execute();
  const byAccount = new Map<string, Map<string, MetricCounts>>();
  for (const row of rows) {
    const byDate = byAccount.get(row.ad_account_id) ?? new Map<string, MetricCounts>();
    byDate.set(row.metric_date, countsFromColumns(row));
    byAccount.set(row.ad_account_id, byDate);
  }
  return byAccount;
}

/** Totals per campaign over a date range, for campaign lists (missing campaigns had no delivery). */
export async function totalsByCampaign(
  queryable: Queryable,
  actor: Actor,
  campaignIds: readonly string[],
  range: { from: string; to: string },
): Promise<Map<string, MetricCounts>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await queryable.selectFrom("campaign_metrics")
    .select((eb) => ["campaign_id", ...summedCounts(eb)])
    .where("user_id", "=", actor.userId)
    .where("campaign_id", "in", [...campaignIds])
    .where("metric_date", ">=", range.from)
    .where("metric_date", "<=", range.to)
    .groupBy("campaign_id")
    .execute();
  return new Map(rows.map((row) => [row.campaign_id, countsFromColumns(row)]));
}
