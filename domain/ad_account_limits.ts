/**
 * Stored autopilot limits of ad accounts (the policy is `autopilot_limits.ts`): read with the
 * defaults for accounts nobody has edited yet, and replaced whole by a person.
 *
 * @module
 */
import type { Selectable } from "kysely";
import type { Queryable } from "../db/database.ts";
import type { AdAccountLimitsTable } from "../db/schema.ts";
import { fromDbJson, toDbJson } from "../db/json.ts";
import { upsert } from "../db/upsert.ts";
import type { Actor } from "./actor.ts";
import { loadAdAccount } from "./ad_accounts.ts";
import {
  allowanceNow,
  type AllowanceUse,
  type AutomatedOperation,
  type AutopilotLimits,
  autopilotLimitsSchema,
  defaultLimits,
} from "./autopilot_limits.ts";
import type { ChangeHistory } from "./change_history.ts";
import { type DomainContext, nowForDb } from "./context.ts";
import { parseInput } from "./validation.ts";

/** An account's limits and whether they are still the defaults. */
export interface AdAccountLimits extends AutopilotLimits {
  adAccountId: string;
  currency: string;
  /** True until someone saves limits for the account. */
  isDefault: boolean;
}

/** Limits of the actor's ad accounts. */
export interface AdAccountLimitsService {
  get(actor: Actor, adAccountId: string): Promise<AdAccountLimits>;
  /**
   * Replaces every limit; what `get` returns may be sent back changed (its read-only fields are
   * ignored). Only a signed-in person may call this: software must not raise its own limits.
   */
  put(actor: Actor, adAccountId: string, input: unknown): Promise<AdAccountLimits>;
  /**
   * How much of the cumulative increase allowances each active campaign with a daily budget
   * has used so far ("+18% of its +20% daily increase allowance"), by name.
   */
  usage(actor: Actor, adAccountId: string): Promise<CampaignAllowance[]>;
}

/** One active campaign's use of its rolling increase allowances. */
export interface CampaignAllowance {
  campaignId: string;
  name: string;
  dailyBudgetMinor: number;
  last24h: AllowanceUse;
  last7d: AllowanceUse;
}

const WEEK_MS = 7 * 86_400_000;

/** The limits of `account`, read on `on` (a transaction, when the caller holds one). */
export async function limitsOf(
  on: Queryable,
  account: { id: string; currency: string },
): Promise<AutopilotLimits> {
  const row = await on.selectFrom("ad_account_limits").selectAll()
    .where("ad_account_id", "=", account.id).executeTakeFirst();
  return row ? fromRow(row) : defaultLimits(account.currency);
}

/** Builds the service. */
export function createAdAccountLimitsService(
  context: DomainContext,
  history: Pick<ChangeHistory, "budgetHistories">,
): AdAccountLimitsService {
  const { db } = context;

  async function get(actor: Actor, adAccountId: string): Promise<AdAccountLimits> {
    const account = await loadAdAccount(db.kysely, actor, adAccountId);
    const row = await db.kysely.selectFrom("ad_account_limits").selectAll()
      .where("ad_account_id", "=", account.id).executeTakeFirst();
    return {
      adAccountId: account.id,
      currency: account.currency,
      isDefault: row === undefined,
      ...(row ? fromRow(row) : defaultLimits(account.currency)),
    };
  }

  return {
    get,

    async usage(actor, adAccountId) {
      const limits = await get(actor, adAccountId);
      const campaigns = await db.kysely.selectFrom("campaigns")
        .select(["id", "name", "budget_amount_minor"])
        .where("ad_account_id", "=", limits.adAccountId).where("user_id", "=", actor.userId)
        .where("status", "=", "active").where("budget_type", "=", "daily")
        .where("deleted_at", "is", null).orderBy("name").orderBy("id").execute();
      const now = context.clock.now();
      const histories = await history.budgetHistories(
        db.kysely,
        campaigns.map((campaign) => campaign.id),
        new Date(now.getTime() - WEEK_MS),
      );
      return campaigns.map((campaign) => {
        const dailyBudgetMinor = Number(campaign.budget_amount_minor);
        return {
          campaignId: campaign.id,
          name: campaign.name,
          dailyBudgetMinor,
          ...allowanceNow({
            limits,
            history: histories.get(campaign.id) ?? [],
            dailyBudgetMinor,
            now,
          }),
        };
      });
    },
    async put(actor, adAccountId, input) {
      const limits = parseInput(autopilotLimitsSchema, withoutReadOnlyFields(input));
      const account = await loadAdAccount(db.kysely, actor, adAccountId);
      const now = nowForDb(context);
      const columns = {
        max_campaign_daily_budget_minor: limits.maxCampaignDailyBudgetMinor,
        max_account_daily_budget_minor: limits.maxAccountDailyBudgetMinor,
        max_increase_per_change_percent: limits.maxIncreasePerChangePercent,
        max_increase_24h_percent: limits.maxDailyIncreasePercent,
        max_increase_7d_percent: limits.maxWeeklyIncreasePercent,
        automated_operations: toDbJson(limits.automatedOperations),
        frozen: limits.frozen ? 1 : 0,
        updated_at: now,
      };
      await upsert(db.kysely, db.dialect, {
        table: "ad_account_limits",
        rows: [{
          id: context.ids(),
          user_id: actor.userId,
          ad_account_id: account.id,
          created_at: now,
          ...columns,
        }],
        conflictColumns: ["ad_account_id"],
        updateColumns: Object.keys(columns) as (keyof typeof columns)[],
      });
      return await get(actor, account.id);
    },
  };
}

/** The fields of `AdAccountLimits` that describe the account, not a limit. */
const READ_ONLY_FIELDS = new Set(["adAccountId", "currency", "isDefault"]);

function withoutReadOnlyFields(input: unknown): unknown {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([key]) => !READ_ONLY_FIELDS.has(key)));
}

function fromRow(row: Selectable<AdAccountLimitsTable>): AutopilotLimits {
  return {
    maxCampaignDailyBudgetMinor: Number(row.max_campaign_daily_budget_minor),
    maxAccountDailyBudgetMinor: Number(row.max_account_daily_budget_minor),
    maxIncreasePerChangePercent: row.max_increase_per_change_percent,
    maxDailyIncreasePercent: row.max_increase_24h_percent,
    maxWeeklyIncreasePercent: row.max_increase_7d_percent,
    automatedOperations: fromDbJson(row.automated_operations) as AutomatedOperation[],
    frozen: Number(row.frozen) === 1,
  };
}
