/**
 * Campaigns of the actor's ad accounts: list (filters, sort, pagination, last-7-day totals), get,
 * and a signed-in person's own changes — create, update, status changes through the state
 * machine, soft delete — each made through the write gateway (`write_gateway.ts`), which applies
 * the account's hard caps and freeze and records it in the change history.
 *
 * @module
 */
import { type Selectable, sql } from "kysely";
import { z } from "zod";
import type {
  BudgetType,
  CampaignObjective,
  CampaignsTable,
  CampaignStatus,
} from "../db/schema.ts";
import { fromDbJson } from "../db/json.ts";
import { isoFromDb } from "../db/time.ts";
import type { Actor } from "./actor.ts";
import { CAMPAIGN_STATUSES } from "./campaign_status.ts";
import type { DomainContext } from "./context.ts";
import { addDays, dateOf, isoDateSchema } from "./dates.ts";
import {
  type MetricCounts,
  type MetricTotals,
  withDerivedMetrics,
  ZERO_COUNTS,
} from "./derived_metrics.ts";
import { totalsByCampaign } from "./metrics.ts";
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

/** Sort keys of `campaigns.list`; a leading `-` sorts descending. */
export const CAMPAIGN_SORTS = [
  "created_at",
  "-created_at",
  "updated_at",
  "-updated_at",
  "name",
  "-name",
  "budget_amount_minor",
  "-budget_amount_minor",
] as const;

/** Query of `campaigns.list`. */
export const listCampaignsSchema = pageSchema.extend({
  adAccountId: z.uuid().optional(),
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  objective: z.enum(CAMPAIGN_OBJECTIVES).optional(),
  /** Case-insensitive substring of the name. */
  search: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(CAMPAIGN_SORTS).default("-created_at"),
});
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

/** A campaign in a list, with totals of the last 7 complete days (today excluded). */
export interface CampaignListItem extends Campaign {
  last7Days: MetricTotals;
}

/** Campaigns service. */
export interface CampaignsService {
  list(actor: Actor, query?: ListCampaignsQuery): Promise<Page<CampaignListItem>>;
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
  ): Promise<Page<CampaignRow>> {
    const [column, direction] = query.sort.startsWith("-")
      ? [query.sort.slice(1) as SortColumn, "desc" as const]
      : [query.sort as SortColumn, "asc" as const];
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
    const pageIds = matching.select("id").orderBy(column, direction).orderBy("id", direction)
      .offset(query.skip).limit(query.limit);
    const [items, count] = await Promise.all([
      db.kysely.selectFrom("campaigns")
        .innerJoin(pageIds.as("page"), "page.id", "campaigns.id")
        .selectAll("campaigns")
        .orderBy(`campaigns.${column}`, direction).orderBy("campaigns.id", direction)
        .execute(),
      matching.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.total), skip: query.skip, limit: query.limit };
  }

  /** The actor's accounts among `accountIds`. */
  async function accountsOf(actor: Actor, accountIds: string[]) {
    if (accountIds.length === 0) return [];
    return await db.kysely.selectFrom("ad_accounts").selectAll()
      .where("user_id", "=", actor.userId).where("id", "in", accountIds).execute();
  }

  /**
   * Each campaign's totals over the 7 complete days before today in its account's time zone
   * (`zones`: account id → zone); one query per distinct local today, usually just one.
   */
  async function lastWeekTotals(
    actor: Actor,
    rows: readonly CampaignRow[],
    zones: ReadonlyMap<string, string>,
  ): Promise<Map<string, MetricCounts>> {
    const now = context.clock.now();
    const idsByToday = new Map<string, string[]>();
    for (const row of rows) {
      const today = dateOf(now, zones.get(row.ad_account_id) ?? "UTC");
      idsByToday.set(today, [...idsByToday.get(today) ?? [], row.id]);
    }
    const parts = await Promise.all(
      [...idsByToday].map(([today, ids]) =>
        totalsByCampaign(db.kysely, actor, ids, {
          from: addDays(today, -7),
          to: addDays(today, -1),
        })
      ),
    );
    return new Map(parts.flatMap((part) => [...part]));
  }

  /** Makes `operation` as the signed-in person `actor`: only hard caps and the freeze apply. */
  async function asPerson(actor: Actor, operation: CampaignOperation): Promise<Campaign> {
    // `write_gateway.ts` imports this module, so its `PERSON` constant is not imported back.
    const outcome = await gateway.write({ actor, source: { kind: "user" }, operation });
    if (outcome.status !== "applied") throw new Error("a person's change was held for approval");
    return outcome.campaign;
  }

  function changeStatus(actor: Actor, campaignId: string, status: CampaignStatus) {
    return asPerson(actor, { type: "set_status", campaignId, status });
  }

  return {
    async list(actor, input = {}) {
      const query = parseInput(listCampaignsSchema, input);
      const page = await listRows(actor, query);
      const accountIds = [...new Set(page.items.map((row) => row.ad_account_id))];
      // Last week is each account's own last 7 local days, so the accounts come first.
      const accounts = await accountsOf(actor, accountIds);
      const zones = new Map(accounts.map((account) => [account.id, account.timezone]));
      await sync.refreshStale(accounts);
      const totals = await lastWeekTotals(actor, page.items, zones);
      const currencies = new Map(accounts.map((account) => [account.id, account.currency]));
      return {
        ...page,
        items: page.items.map((row) => {
          const currency = currencies.get(row.ad_account_id) ?? "USD";
          return {
            ...toCampaign(row, currency),
            last7Days: withDerivedMetrics(totals.get(row.id) ?? ZERO_COUNTS, currency),
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
    async delete(actor, campaignId) {
      await asPerson(actor, { type: "delete", campaignId });
    },
  };
}

type SortColumn = "created_at" | "updated_at" | "name" | "budget_amount_minor";

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
