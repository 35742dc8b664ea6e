/**
 * Campaigns of the actor's ad accounts: list (filters, sort by fields or metrics, pagination,
 * totals over a period — by default the last 7 complete days), get,
 * and a signed-in person's own changes — create, update, status changes through the state
 * machine, soft delete — each made through the write gateway (`write_gateway.ts`), which applies
 * the account's hard caps and freeze and records it in the change history.
 *
 * @module
 */
import { type Selectable, type SelectQueryBuilder, sql } from "kysely";
import { z } from "zod";
import type {
  BudgetType,
  CampaignObjective,
  CampaignsTable,
  CampaignStatus,
  DB,
} from "../db/schema.ts";
import type { Queryable } from "../db/database.ts";
import { fromDbJson } from "../db/json.ts";
import { isoFromDb } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { CAMPAIGN_STATUSES } from "./campaign_status.ts";
import { ConflictError, NotFoundError, PlatformError } from "./errors.ts";
import type { DomainContext } from "./context.ts";
import { isoDateSchema, reportingTimeZone } from "./dates.ts";
import { type MetricTotals, withDerivedMetrics, ZERO_COUNTS } from "./derived_metrics.ts";
import { summedCounts } from "./metric_sums.ts";
import { totalsByCampaign } from "./metrics.ts";
import { customRangeSchema, DEFAULT_PRESET, resolveRange } from "./report_range.ts";
import type { MetricsSync } from "./metrics_sync.ts";
import { type Page, pageSchema } from "./pagination.ts";
import { parseInput, plainText } from "./validation.ts";
import type { CampaignOperation, WriteGateway } from "./write_gateway.ts";

export type { BudgetType, CampaignObjective, CampaignStatus };

/** Every objective. */
export const CAMPAIGN_OBJECTIVES = [
  "awareness",
  "traffic",
  "engagement",
  "leads",
  "conversions",
  "sales",
] as const satisfies readonly CampaignObjective[];

/** Every budget type. */
export const BUDGET_TYPES = ["daily", "lifetime"] as const satisfies readonly BudgetType[];

/** Largest budget accepted, in minor units (a guard against unit mistakes). */
const MAX_BUDGET_MINOR = 100_000_000_000;

/** Language names in English, used only to tell known language and region codes from others. */
const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

/**
 * A targeting language: two lowercase letters of ISO 639-1, optionally `-` and two uppercase
 * letters of an ISO 3166-1 region (`en`, `pt-BR`), naming a language (and region) the runtime's
 * Unicode data knows — so `xx` or `fr-XX` are refused, not just misspelt shapes.
 */
const languageCodeSchema = z.string().regex(/^[a-z]{2}(?:-[A-Z]{2})?$/, {
  message: "must be an ISO 639-1 language code, optionally with a region (en, pt-BR)",
  abort: true,
}).refine((code) => LANGUAGE_NAMES.of(code) !== undefined, "is not a known language code");

/** Audience targeting stored as JSON on the campaign. */
export const targetingSchema = z.strictObject({
  /** ISO 3166-1 alpha-2 country codes. */
  countries: z.array(z.string().regex(/^[A-Z]{2}$/, "must be an ISO country code")).max(250)
    .optional(),
  /** ISO 639-1 language codes, optionally with an ISO 3166-1 region: `en`, `pt-BR`. */
  languages: z.array(languageCodeSchema).max(50).optional(),
  ageMin: z.number().int().min(13).max(65).optional(),
  ageMax: z.number().int().min(13).max(65).optional(),
  genders: z.array(z.enum(["female", "male", "unknown"])).max(3).optional(),
  interests: z.array(plainText().trim().min(1).max(100)).max(100).optional(),
  devices: z.array(z.enum(["mobile", "desktop", "tablet"])).max(3).optional(),
}).refine((targeting) => (targeting.ageMin ?? 13) <= (targeting.ageMax ?? 65), {
  message: "must not be below ageMin",
  path: ["ageMax"],
});
/** Audience targeting. */
export type Targeting = z.output<typeof targetingSchema>;

/** An http(s) landing page URL. */
export const landingUrlSchema = z.url({ protocol: /^https?$/, hostname: z.regexes.domain })
  .max(2048);

const nameSchema = plainText().trim().min(1).max(200);

/** Earliest and latest schedule dates: a wider range is a typo, not a plan. */
const EARLIEST_DATE = "2000-01-01";
const LATEST_DATE = "2100-12-31";
const scheduleDateSchema = isoDateSchema.refine(
  (date) => date >= EARLIEST_DATE && date <= LATEST_DATE,
  `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`,
);
const budgetAmountSchema = z.number().int().positive().max(MAX_BUDGET_MINOR);

/** Statuses a campaign may be created in: a draft, or launched at once. */
export const CREATE_STATUSES = ["draft", "active"] as const;

/**
 * Input of `campaigns.create`; the campaign starts as a draft unless `status` is `active`, which
 * creates and launches it in one change (one approval where one is needed).
 */
export const createCampaignSchema = z.object({
  adAccountId: z.uuid(),
  name: nameSchema,
  objective: z.enum(CAMPAIGN_OBJECTIVES),
  budgetType: z.enum(BUDGET_TYPES),
  /** In minor units of the ad account's currency (cents for USD). */
  budgetAmountMinor: budgetAmountSchema,
  startDate: scheduleDateSchema.nullable().default(null),
  endDate: scheduleDateSchema.nullable().default(null),
  targeting: targetingSchema.default({}),
  landingUrl: landingUrlSchema.nullable().default(null),
  status: z.enum(CREATE_STATUSES).default("draft"),
});
/** Input of `campaigns.create`. */
export type CreateCampaignInput = z.input<typeof createCampaignSchema>;

/** Input of `campaigns.update`: any subset of the editable fields (null clears). */
export const updateCampaignSchema = z.strictObject({
  name: nameSchema.optional(),
  budgetType: z.enum(BUDGET_TYPES).optional(),
  budgetAmountMinor: budgetAmountSchema.optional(),
  startDate: scheduleDateSchema.nullable().optional(),
  endDate: scheduleDateSchema.nullable().optional(),
  targeting: targetingSchema.optional(),
  landingUrl: landingUrlSchema.nullable().optional(),
});
/** Input of `campaigns.update`. */
export type UpdateCampaignInput = z.input<typeof updateCampaignSchema>;

/** Metrics a campaign list can be sorted by, over the list's period. */
export const METRIC_SORT_KEYS = [
  "spend",
  "impressions",
  "clicks",
  "ctr",
  "conversions",
  "cpa",
  "revenue",
  "roas",
] as const;
/** A metric a campaign list can be sorted by. */
export type MetricSortKey = typeof METRIC_SORT_KEYS[number];

/**
 * Sort keys of `campaigns.list`; a leading `-` sorts descending. Metric keys sort by the totals
 * over the list's period; campaigns without a value (no conversions for CPA, no spend for ROAS)
 * come last either way.
 */
export const CAMPAIGN_SORTS = [
  "created_at",
  "-created_at",
  "updated_at",
  "-updated_at",
  "name",
  "-name",
  "budget_amount_minor",
  "-budget_amount_minor",
  ...METRIC_SORT_KEYS.flatMap((key) => [key, `-${key}`] as const),
] as const;

/** Filters, sort and page of `campaigns.list`, without a period: totals of the last 7 days. */
export const listCampaignsFilterSchema = pageSchema.extend({
  adAccountId: z.uuid().optional(),
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  objective: z.enum(CAMPAIGN_OBJECTIVES).optional(),
  /** Case-insensitive substring of the name. */
  search: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(CAMPAIGN_SORTS).default("-created_at"),
});

/** Query of `campaigns.list`: filters and, optionally, the period of the totals. */
export const listCampaignsSchema = listCampaignsFilterSchema.extend({
  /** The period of the totals (dates of `timeZone` of the result); default: last 7 days. */
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
}).refine((query) => (query.from === undefined) === (query.to === undefined), {
  message: "give both from and to, or neither",
  path: ["to"],
}).refine(
  (query) => query.from === undefined || customRangeSchema.safeParse(query).success,
  { message: "must be a valid range of at most 366 days", path: ["to"] },
);
/** Query of `campaigns.list`. */
export type ListCampaignsQuery = z.input<typeof listCampaignsSchema>;

/** A campaign as the product shows it. */
export interface Campaign {
  id: string;
  adAccountId: string;
  externalId: string | null;
  name: string;
  objective: CampaignObjective;
  status: CampaignStatus;
  budgetType: BudgetType;
  budgetAmountMinor: number;
  /** Currency of the budget and of all money of this campaign (its ad account's). */
  currency: string;
  startDate: string | null;
  endDate: string | null;
  targeting: Targeting;
  landingUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A campaign in a list, with its totals over the list's period. */
export interface CampaignListItem extends Campaign {
  totals: MetricTotals;
}

/** A page of campaigns and the period their totals cover. */
export interface CampaignPage extends Page<CampaignListItem> {
  /** Dates of `timeZone`, both included. */
  period: { from: string; to: string; timeZone: string };
}

/** Most campaigns one bulk status change takes (a table page's worth, and some). */
export const MAX_BULK_CAMPAIGNS = 50;

/** What came of one campaign's change in a bulk status change. */
export type BulkStatusResult =
  & { campaignId: string; name: string }
  & (
    | { outcome: "done" }
    | { outcome: "approval_required"; approvalId: string }
    | { outcome: "refused"; reason: string }
  );

/** Campaigns service. */
export interface CampaignsService {
  /**
   * A page of campaigns with totals over `from`–`to`, by default the last 7 complete days in
   * the zone of the accounts in scope (their shared zone, else the user's: `reportingTimeZone`).
   */
  list(actor: Actor, query?: ListCampaignsQuery): Promise<CampaignPage>;
  get(actor: Actor, campaignId: string): Promise<Campaign>;
  /** Creates a draft on the platform and locally. */
  create(actor: Actor, input: CreateCampaignInput): Promise<Campaign>;
  /** `ConflictError` for archived campaigns. */
  update(actor: Actor, campaignId: string, input: UpdateCampaignInput): Promise<Campaign>;
  /** Moves to `status` if the state machine allows it, else `ConflictError`. */
  changeStatus(actor: Actor, campaignId: string, status: CampaignStatus): Promise<Campaign>;
  /** active → paused. */
  pause(actor: Actor, campaignId: string): Promise<Campaign>;
  /** Starts delivery: draft or paused → active. */
  resume(actor: Actor, campaignId: string): Promise<Campaign>;
  /**
   * Moves each of `campaignIds` to `status`, one change at a time through the write gateway (so
   * caps, the freeze and approvals apply to each), and says what came of each: one refusal
   * (already in that status, a frozen account, a platform error) does not stop the others.
   */
  changeStatuses(
    actor: Actor,
    campaignIds: readonly string[],
    status: "active" | "paused",
  ): Promise<BulkStatusResult[]>;
  /** draft, active or paused → archived (final). */
  archive(actor: Actor, campaignId: string): Promise<Campaign>;
  /** Soft delete; `ConflictError` while active (pause or archive it first). */
  delete(actor: Actor, campaignId: string): Promise<void>;
}

type CampaignRow = Selectable<CampaignsTable>;

/** Builds the campaigns service; its changes go through `gateway` as a person's. */
export function createCampaignsService(
  context: DomainContext,
  sync: MetricsSync,
  gateway: WriteGateway,
): CampaignsService {
  const { db } = context;

  /**
   * One page of campaign rows and the total. Campaigns of disconnected accounts are soft-deleted
   * with them, so no join with accounts is needed. The page's ids are found in a subquery that
   * only walks the sort order's index (whose entries end in the key), and only those 20 rows are
   * read: a deep offset skips index entries, not whole rows.
   */
  async function listRows(
    actor: Actor,
    query: z.output<typeof listCampaignsSchema>,
    period: { from: string; to: string },
  ): Promise<Page<CampaignRow>> {
    const [key, direction] = query.sort.startsWith("-")
      ? [query.sort.slice(1), "desc" as const]
      : [query.sort, "asc" as const];
    const matching = db.kysely.selectFrom("campaigns")
      .where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null)
      .$if(
        query.adAccountId !== undefined,
        (qb) => qb.where("ad_account_id", "=", query.adAccountId!),
      )
      .$if(query.status !== undefined, (qb) => qb.where("status", "=", query.status!))
      .$if(query.objective !== undefined, (qb) => qb.where("objective", "=", query.objective!))
      .$if(
        query.search !== undefined,
        (qb) =>
          qb.where(sql<boolean>`${sql.ref("name")} like ${likePattern(query.search!)} escape '!'`),
      );
    const total = matching.select((eb) => eb.fn.countAll<number>().as("total"))
      .executeTakeFirstOrThrow();
    if ((METRIC_SORT_KEYS as readonly string[]).includes(key)) {
      // Ordered by totals over the period: the page's ids first, then their rows in that order.
      const ids = await metricOrderedIds(
        matching,
        db.kysely,
        actor,
        key as MetricSortKey,
        direction,
        {
          ...period,
          skip: query.skip,
          limit: query.limit,
        },
      );
      const rows = ids.length === 0
        ? []
        : await db.kysely.selectFrom("campaigns").selectAll().where("id", "in", ids).execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      return {
        items: ids.flatMap((id) => byId.get(id) ?? []),
        total: Number((await total).total),
        skip: query.skip,
        limit: query.limit,
      };
    }
    const column = key as SortColumn;
    const pageIds = matching.select("id").orderBy(column, direction).orderBy("id", direction)
      .offset(query.skip).limit(query.limit);
    const [items, count] = await Promise.all([
      db.kysely.selectFrom("campaigns")
        .innerJoin(pageIds.as("page"), "page.id", "campaigns.id")
        .selectAll("campaigns")
        .orderBy(`campaigns.${column}`, direction).orderBy("campaigns.id", direction)
        .execute(),
      total,
    ]);
    return { items, total: Number(count.total), skip: query.skip, limit: query.limit };
  }

  /** The actor's accounts among `accountIds`. */
  async function accountsOf(actor: Actor, accountIds: string[]) {
    if (accountIds.length === 0) return [];
    return await db.kysely.selectFrom("ad_accounts").selectAll()
      .where("user_id", "=", actor.userId).where("id", "in", accountIds).execute();
  }

  /** The default period's zone: the accounts' shared zone, else the user's (UTC if unset). */
  async function listTimeZone(actor: Actor, adAccountId: string | undefined) {
    const accounts = await db.kysely.selectFrom("ad_accounts").select("timezone")
      .where("user_id", "=", actor.userId).where("deleted_at", "is", null)
      .$if(adAccountId !== undefined, (qb) => qb.where("id", "=", adAccountId!))
      .execute();
    const zones = accounts.map((account) => account.timezone);
    if (new Set(zones).size === 1) return zones[0];
    const user = await db.kysely.selectFrom("users").select("timezone")
      .where("id", "=", actor.userId).executeTakeFirst();
    return reportingTimeZone(zones, user?.timezone ?? "UTC");
  }

  /** Makes `operation` as the signed-in person `actor`: only hard caps and the freeze apply. */
  async function asPerson(actor: Actor, operation: CampaignOperation): Promise<Campaign> {
    // `write_gateway.ts` imports this module, so its `PERSON` constant is not imported back.
    const outcome = await gateway.write({ actor, source: { kind: "user" }, operation });
    if (outcome.status !== "applied") throw new Error("a person's change was held for approval");
    return outcome.campaign;
  }

  /** One campaign's part of `changeStatuses`. */
  async function bulkChange(
    actor: Actor,
    campaignId: string,
    status: CampaignStatus,
  ): Promise<BulkStatusResult> {
    let name = "";
    try {
      name = (await gateway.load(actor, campaignId)).campaign.name;
      const outcome = await gateway.write({
        actor,
        source: { kind: "user" },
        operation: { type: "set_status", campaignId, status },
      });
      return outcome.status === "applied"
        ? { campaignId, name, outcome: "done" }
        : { campaignId, name, outcome: "approval_required", approvalId: outcome.approval.id };
    } catch (error) {
      if (error instanceof NotFoundError) {
        return { campaignId, name, outcome: "refused", reason: "not found" };
      }
      if (error instanceof ConflictError || error instanceof PlatformError) {
        return { campaignId, name, outcome: "refused", reason: error.message };
      }
      throw error;
    }
  }

  function changeStatus(actor: Actor, campaignId: string, status: CampaignStatus) {
    return asPerson(actor, { type: "set_status", campaignId, status });
  }

  return {
    async list(actor, input = {}) {
      const query = parseInput(listCampaignsSchema, input);
      const timeZone = await listTimeZone(actor, query.adAccountId);
      const period = query.from !== undefined && query.to !== undefined
        ? { from: query.from, to: query.to, timeZone }
        : resolveRange({ preset: DEFAULT_PRESET }, context.clock.now(), timeZone);
      const page = await listRows(actor, query, period);
      const accounts = await accountsOf(actor, [
        ...new Set(page.items.map((row) => row.ad_account_id)),
      ]);
      await sync.refreshStale(accounts);
      const totals = await totalsByCampaign(
        db.kysely,
        actor,
        page.items.map((row) => row.id),
        period,
      );
      const currencies = new Map(accounts.map((account) => [account.id, account.currency]));
      return {
        ...page,
        period: { from: period.from, to: period.to, timeZone },
        items: page.items.map((row) => {
          const currency = currencies.get(row.ad_account_id) ?? "USD";
          return {
            ...toCampaign(row, currency),
            totals: withDerivedMetrics(totals.get(row.id) ?? ZERO_COUNTS, currency),
          };
        }),
      };
    },

    async get(actor, campaignId) {
      const { campaign, account } = await gateway.load(actor, campaignId);
      return toCampaign(campaign, account.currency);
    },

    create: (actor, input) => asPerson(actor, { type: "create", input }),
    update: (actor, campaignId, input) => asPerson(actor, { type: "update", campaignId, input }),
    changeStatus,
    pause: (actor, campaignId) => changeStatus(actor, campaignId, "paused"),
    resume: (actor, campaignId) => changeStatus(actor, campaignId, "active"),
    archive: (actor, campaignId) => changeStatus(actor, campaignId, "archived"),
    async changeStatuses(actor, campaignIds, status) {
      const ids = parseInput(
        z.array(z.uuid()).min(1).max(MAX_BULK_CAMPAIGNS),
        [...new Set(campaignIds)],
      );
      const results: BulkStatusResult[] = [];
      // One at a time: changes to one account queue on its lock anyway.
      for (const campaignId of ids) results.push(await bulkChange(actor, campaignId, status));
      return results;
    },
    async delete(actor, campaignId) {
      await asPerson(actor, { type: "delete", campaignId });
    },
  };
}

type SortColumn = "created_at" | "updated_at" | "name" | "budget_amount_minor";

/**
 * The ids of one page of `matching` campaigns ordered by `metric` summed over the period. Ratios
 * are computed in SQL (`* 1.0` so SQLite does not divide integers); a campaign without a value
 * sorts last in both directions, and ties fall back to the id so pages never overlap.
 */
async function metricOrderedIds(
  // deno-lint-ignore no-explicit-any -- the filtered campaigns query, whatever its `where`s
  matching: SelectQueryBuilder<DB, "campaigns", any>,
  sumsQuery: Queryable,
  actor: Actor,
  metric: MetricSortKey,
  direction: "asc" | "desc",
  page: { from: string; to: string; skip: number; limit: number },
): Promise<string[]> {
  const sums = matching.leftJoin(
    sumsQuery.selectFrom("campaign_metrics")
      .select((eb) => ["campaign_id", ...summedCounts(eb)])
      .where("user_id", "=", actor.userId)
      .where("metric_date", ">=", page.from)
      .where("metric_date", "<=", page.to)
      .groupBy("campaign_id")
      .as("sums"),
    (join) => join.onRef("sums.campaign_id", "=", "campaigns.id"),
  );
  const value = metricValue(metric);
  const rows = await sums.select("campaigns.id")
    .orderBy(sql`(${value}) is null`)
    .orderBy(value, direction)
    .orderBy("campaigns.id", direction)
    .offset(page.skip).limit(page.limit)
    .execute();
  return rows.map((row) => row.id);
}

/** A metric of the `sums` subquery as SQL; null where a ratio has no denominator. */
function metricValue(metric: MetricSortKey) {
  const count = (column: string) => sql`coalesce(${sql.ref(`sums.${column}`)}, 0)`;
  const ratio = (top: string, bottom: string) =>
    sql`(${count(top)} * 1.0) / nullif(${count(bottom)}, 0)`;
  switch (metric) {
    case "spend":
      return count("spend_minor");
    case "impressions":
      return count("impressions");
    case "clicks":
      return count("clicks");
    case "conversions":
      return count("conversions");
    case "revenue":
      return count("revenue_minor");
    case "ctr":
      return ratio("clicks", "impressions");
    case "cpa":
      return ratio("spend_minor", "conversions");
    case "roas":
      return ratio("revenue_minor", "spend_minor");
  }
}

/** A LIKE pattern matching `text` anywhere, with `!` escaping LIKE's wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (char) => `!${char}`)}%`;
}

/** A stored row as the product shows it, in its account's `currency`. */
export function toCampaign(row: CampaignRow, currency: string): Campaign {
  return {
    id: row.id,
    adAccountId: row.ad_account_id,
    externalId: row.external_id,
    name: row.name,
    objective: row.objective,
    status: row.status,
    budgetType: row.budget_type,
    budgetAmountMinor: row.budget_amount_minor,
    currency,
    startDate: row.start_date,
    endDate: row.end_date,
    targeting: fromDbJson(row.targeting) as Targeting,
    landingUrl: row.landing_url,
    createdAt: isoFromDb(row.created_at),
    updatedAt: isoFromDb(row.updated_at),
  };
}
