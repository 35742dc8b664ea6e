/**
 * `domain.rules`: a user's automated rules — stored, listed, changed, enabled and disabled, each
 * answered with its conflict warnings and its latest backtest — and backtests of saved rules and
 * of unsaved drafts over the account's stored metrics. Rules are tenant-scoped (every query is
 * by the actor's user id) and soft-deleted.
 *
 * @module
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import type { Queryable } from "../../db/database.ts";
import { fromDbJson, toDbJson } from "../../db/json.ts";
import type { RulesTable } from "../../db/schema.ts";
import { isoFromDb } from "../../db/time.ts";
import { upsert } from "../../db/upsert.ts";
import type { Actor } from "../actor.ts";
import { limitsOf } from "../ad_account_limits.ts";
import { loadAdAccount } from "../ad_accounts.ts";
import type { CampaignObjective, CampaignStatus } from "../campaigns.ts";
import { type DomainContext, nowForDb } from "../context.ts";
import { addDays, dateOf } from "../dates.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { MetricsSync } from "../metrics_sync.ts";
import { type Page, pageSchema } from "../pagination.ts";
import { type StagedChange, stagedWrites } from "../staged_change.ts";
import { decimalInteger, parseInput } from "../validation.ts";
import {
  type BacktestResult,
  DEFAULT_BACKTEST_DAYS,
  MAX_BACKTEST_DAYS,
  runBacktest,
} from "./backtest.ts";
import { windowsOf } from "./conditions.ts";
import { findConflicts, inScope, type RuleConflict } from "./conflicts.ts";
import { historyFromRows } from "./history.ts";
import { dailyMetricRows } from "./metric_rows.ts";
import {
  type RuleAction,
  type RuleDefinition,
  type RuleDraft,
  ruleDraftSchema,
  type RuleGate,
  type RuleGroup,
  type RuleSchedule,
  type RuleScope,
  ruleUpdateSchema,
  toDefinition,
  toDraft,
} from "./model.ts";

/** The short form of a stored backtest, carried on every rule. */
export interface BacktestSummary {
  ranAt: string;
  days: number;
  firingCount: number;
  blockedCount: number;
  gateBlockedCount: number;
  outcome: BacktestResult["outcome"];
}

/**
 * A rule as the product shows it: the draft form (money in major units of `currency`, so what
 * `get` returns can be sent back), its conflicts with the account's other enabled rules, and
 * its latest backtest.
 */
export interface Rule {
  id: string;
  adAccountId: string;
  name: string;
  enabled: boolean;
  scope: RuleScope;
  conditions: RuleGroup;
  gate: RuleGate;
  action: RuleAction;
  schedule: RuleSchedule;
  cooldownHours: number;
  /** The account's currency: the unit of money values in conditions and actions. */
  currency: string;
  /** The account's time zone: the schedule's and the windows' days are its days. */
  timeZone: string;
  warnings: RuleConflict[];
  latestBacktest: BacktestSummary | null;
  createdAt: string;
  updatedAt: string;
}

/** A rule's stored backtest. */
export interface StoredBacktest extends BacktestResult {
  ruleId: string | null;
  ranAt: string;
}

/** Filters of `rules.list`. */
export const listRulesSchema = pageSchema.extend({
  adAccountId: z.uuid().optional(),
});
/** Filters of `rules.list`. */
export type ListRulesQuery = z.input<typeof listRulesSchema>;

/** Options of a backtest. */
export const backtestOptionsSchema = z.object({
  days: decimalInteger({ min: 1, max: MAX_BACKTEST_DAYS }).default(DEFAULT_BACKTEST_DAYS)
    .describe(
      `Days replayed, ending yesterday (default ${DEFAULT_BACKTEST_DAYS}, at most ` +
        `${MAX_BACKTEST_DAYS}).`,
    ),
});
/** Options of a backtest. */
export type BacktestOptions = z.input<typeof backtestOptionsSchema>;

/** The rules service. */
export interface RulesService {
  /** The actor's rules, oldest first. */
  list(actor: Actor, query?: ListRulesQuery): Promise<Page<Rule>>;
  get(actor: Actor, ruleId: string): Promise<Rule>;
  /** Creates a rule from a draft (money in major units); disabled unless `enabled` is true. */
  create(actor: Actor, input: unknown): Promise<Rule>;
  /** `create` checked and staged, its row not written yet (`StagedChange`). */
  readonly staged: { create(actor: Actor, input: unknown): Promise<StagedChange<Rule>> };
  /** Replaces the given top-level fields (the account stays). */
  update(actor: Actor, ruleId: string, input: unknown): Promise<Rule>;
  /** Soft delete. */
  delete(actor: Actor, ruleId: string): Promise<void>;
  enable(actor: Actor, ruleId: string): Promise<Rule>;
  disable(actor: Actor, ruleId: string): Promise<Rule>;
  /** Backtests a saved rule and stores the result as its latest. */
  backtest(actor: Actor, ruleId: string, options?: BacktestOptions): Promise<StoredBacktest>;
  /** Backtests an unsaved draft (nothing stored). */
  backtestDraft(actor: Actor, draft: unknown, options?: BacktestOptions): Promise<StoredBacktest>;
  /** The latest stored backtest of a rule, or null. */
  latestBacktest(actor: Actor, ruleId: string): Promise<StoredBacktest | null>;
}

/** The definition fields stored as JSON. */
type StoredDefinition = Omit<RuleDefinition, "name" | "adAccountId" | "enabled">;

interface AccountCampaign {
  id: string;
  name: string;
  status: CampaignStatus;
  objective: CampaignObjective;
  budgetType: "daily" | "lifetime";
  budgetAmountMinor: number;
}

/** Builds the rules service. */
export function createRulesService(
  context: DomainContext,
  sync: Pick<MetricsSync, "refreshStale">,
): RulesService {
  const { db } = context;

  async function loadRow(actor: Actor, ruleId: string): Promise<Selectable<RulesTable>> {
    const row = await db.kysely.selectFrom("rules").selectAll()
      .where("id", "=", ruleId).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).executeTakeFirst();
    if (!row) throw new NotFoundError("rule");
    return row;
  }

  async function accountCampaigns(
    on: Queryable,
    actor: Actor,
    adAccountId: string,
  ): Promise<AccountCampaign[]> {
    const rows = await on.selectFrom("campaigns")
      .select(["id", "name", "status", "objective", "budget_type", "budget_amount_minor"])
      .where("ad_account_id", "=", adAccountId).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).orderBy("created_at").orderBy("id").execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      status: row.status,
      objective: row.objective,
      budgetType: row.budget_type,
      budgetAmountMinor: Number(row.budget_amount_minor),
    }));
  }

  /** Refuses chosen campaigns that are not the account's. */
  async function checkScope(actor: Actor, adAccountId: string, scope: RuleScope): Promise<void> {
    if (scope.kind !== "campaigns") return;
    const known = new Set(
      (await accountCampaigns(db.kysely, actor, adAccountId)).map((campaign) => campaign.id),
    );
    const issues = scope.campaignIds.flatMap((id, index) =>
      known.has(id) ? [] : [{
        field: `scope.campaignIds.${index}`,
        message: "is not a campaign of this ad account",
      }]
    );
    if (issues.length > 0) throw new ValidationError(issues);
  }

  /** Rows to rules, with their warnings and latest backtests (a few queries for any number). */
  async function toRules(
    actor: Actor,
    rows: Selectable<RulesTable>[],
    on: Queryable = db.kysely,
  ): Promise<Rule[]> {
    if (rows.length === 0) return [];
    const accountIds = [...new Set(rows.map((row) => row.ad_account_id))];
    // One after another: `on` may be a transaction on SQLite's single connection.
    const accounts = await on.selectFrom("ad_accounts").select(["id", "currency", "timezone"])
      .where("id", "in", accountIds).where("user_id", "=", actor.userId).execute();
    const enabledRows = await on.selectFrom("rules").selectAll()
      .where("ad_account_id", "in", accountIds).where("user_id", "=", actor.userId)
      .where("enabled", "=", 1).where("deleted_at", "is", null).execute();
    const campaignRows = await on.selectFrom("campaigns")
      .select(["id", "name", "status", "objective", "ad_account_id"])
      .where("ad_account_id", "in", accountIds).where("user_id", "=", actor.userId)
      .where("deleted_at", "is", null).execute();
    const backtests = await on.selectFrom("rule_backtests")
      .select(["rule_id", "days", "result", "updated_at"])
      .where("rule_id", "in", rows.map((row) => row.id))
      .where("user_id", "=", actor.userId).execute();
    const accountOf = new Map(accounts.map((account) => [account.id, account]));
    const backtestOf = new Map(backtests.map((backtest) => [backtest.rule_id, backtest]));
    const enabled = enabledRows.map((row) => ({
      id: row.id,
      enabled: true,
      name: row.name,
      adAccountId: row.ad_account_id,
      ...(fromDbJson(row.definition) as StoredDefinition),
    }));
    return rows.map((row) => {
      const account = accountOf.get(row.ad_account_id);
      const currency = account?.currency ?? "USD";
      const stored = fromDbJson(row.definition) as StoredDefinition;
      const draft = toDraft({
        ...stored,
        name: row.name,
        adAccountId: row.ad_account_id,
        enabled: row.enabled === 1,
      }, currency);
      const warnings = findConflicts(
        { id: row.id, ...draft },
        enabled,
        campaignRows.filter((campaign) => campaign.ad_account_id === row.ad_account_id),
      );
      const backtest = backtestOf.get(row.id);
      const result = backtest ? fromDbJson(backtest.result) as BacktestResult : null;
      return {
        id: row.id,
        adAccountId: row.ad_account_id,
        name: row.name,
        enabled: row.enabled === 1,
        scope: draft.scope,
        conditions: draft.conditions,
        gate: draft.gate,
        action: draft.action,
        schedule: draft.schedule,
        cooldownHours: draft.cooldownHours,
        currency,
        timeZone: account?.timezone ?? "UTC",
        warnings,
        latestBacktest: backtest && result
          ? {
            ranAt: isoFromDb(backtest.updated_at),
            days: backtest.days,
            firingCount: result.firingCount,
            blockedCount: result.blockedCount,
            gateBlockedCount: result.gateBlockedCount,
            outcome: result.outcome,
          }
          : null,
        createdAt: isoFromDb(row.created_at),
        updatedAt: isoFromDb(row.updated_at),
      };
    });
  }

  async function toRule(actor: Actor, row: Selectable<RulesTable>): Promise<Rule> {
    return (await toRules(actor, [row]))[0];
  }

  /**
   * Validates a full draft against its account; the staged write stores it (new, or over
   * `existing`) and answers the rule.
   */
  async function stageSave(
    actor: Actor,
    draft: RuleDraft,
    existing: Selectable<RulesTable> | null,
  ): Promise<StagedChange<Rule>> {
    const account = await loadAdAccount(db.kysely, actor, draft.adAccountId);
    const definition = toDefinition(draft, account.currency);
    await checkScope(actor, account.id, definition.scope);
    const { name, adAccountId: _account, enabled, ...stored } = definition;
    return stagedWrites(db.kysely, async (on) => {
      const now = nowForDb(context);
      const row: Selectable<RulesTable> = {
        id: existing?.id ?? context.ids(),
        user_id: actor.userId,
        ad_account_id: account.id,
        name,
        enabled: enabled ? 1 : 0,
        definition: toDbJson(stored),
        created_at: existing?.created_at ?? now,
        updated_at: now,
        deleted_at: null,
      };
      if (existing) {
        await on.updateTable("rules")
          .set({
            name: row.name,
            enabled: row.enabled,
            definition: row.definition,
            updated_at: now,
          })
          .where("id", "=", existing.id).where("user_id", "=", actor.userId).execute();
      } else {
        await on.insertInto("rules").values(row).execute();
      }
      return (await toRules(actor, [row], on))[0];
    });
  }

  async function setEnabled(actor: Actor, ruleId: string, enabled: boolean): Promise<Rule> {
    const row = await loadRow(actor, ruleId);
    const now = nowForDb(context);
    await db.kysely.updateTable("rules").set({ enabled: enabled ? 1 : 0, updated_at: now })
      .where("id", "=", row.id).where("user_id", "=", actor.userId).execute();
    return await toRule(actor, { ...row, enabled: enabled ? 1 : 0, updated_at: now });
  }

  /** Replays `definition` over the account's stored metrics. */
  async function replay(
    actor: Actor,
    definition: RuleDefinition,
    days: number,
  ): Promise<BacktestResult> {
    const account = await loadAdAccount(db.kysely, actor, definition.adAccountId);
    // Replay what the platform reported up to now, not what the last sync happened to fetch.
    await sync.refreshStale([account]);
    const [limits, campaigns] = await Promise.all([
      limitsOf(db.kysely, account),
      accountCampaigns(db.kysely, actor, account.id),
    ]);
    const scoped = campaigns.filter((campaign) => inScope(definition.scope, campaign));
    const otherActiveDailyMinor = campaigns
      .filter((campaign) =>
        !scoped.includes(campaign) && campaign.status === "active" &&
        campaign.budgetType === "daily"
      )
      .reduce((sum, campaign) => sum + campaign.budgetAmountMinor, 0);
    const to = addDays(dateOf(context.clock.now(), account.timezone), -1);
    const from = addDays(to, -(days - 1));
    const first = await historyStart(account.id, definition, from);
    const rows = await dailyMetricRows(db, {
      adAccountId: account.id,
      userId: actor.userId,
      from: first,
      to,
    });
    const ids = scoped.map((campaign) => campaign.id);
    return runBacktest({
      rule: definition,
      campaigns: scoped.map((campaign) => ({
        id: campaign.id,
        name: campaign.name,
        dailyBudgetMinor: campaign.budgetType === "daily" ? campaign.budgetAmountMinor : null,
      })),
      history: historyFromRows(ids, rows, first, to),
      from,
      to,
      limits,
      currency: account.currency,
      otherActiveDailyMinor,
    });
  }

  /** The first day the rule's windows read when replayed from `from`. */
  async function historyStart(
    adAccountId: string,
    definition: RuleDefinition,
    from: string,
  ): Promise<string> {
    let lookback = 0;
    for (const window of windowsOf(definition.conditions)) {
      if (window.kind === "lifetime") {
        const earliest = await db.kysely.selectFrom("campaign_metrics")
          .select((eb) => eb.fn.min("metric_date").as("first"))
          .where("ad_account_id", "=", adAccountId).executeTakeFirst();
        const first = earliest?.first ? String(earliest.first).slice(0, 10) : from;
        return first < from ? first : from;
      }
      lookback = Math.max(lookback, window.kind === "last_n_days" ? window.n : 1);
    }
    return addDays(from, -lookback);
  }

  function stored(result: BacktestResult, ruleId: string | null, ranAt: string): StoredBacktest {
    return { ruleId, ranAt, ...result };
  }

  return {
    async list(actor, query = {}) {
      const { skip, limit, adAccountId } = parseInput(listRulesSchema, query);
      let scoped = db.kysely.selectFrom("rules")
        .where("user_id", "=", actor.userId).where("deleted_at", "is", null);
      if (adAccountId) scoped = scoped.where("ad_account_id", "=", adAccountId);
      const [rows, count] = await Promise.all([
        scoped.selectAll().orderBy("created_at").orderBy("id").offset(skip).limit(limit)
          .execute(),
        scoped.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow(),
      ]);
      return { items: await toRules(actor, rows), total: Number(count.total), skip, limit };
    },

    async get(actor, ruleId) {
      return await toRule(actor, await loadRow(actor, ruleId));
    },

    staged: {
      async create(actor, input) {
        return await stageSave(actor, parseInput(ruleDraftSchema, input), null);
      },
    },

    async create(actor, input) {
      const draft = parseInput(ruleDraftSchema, input);
      return await (await stageSave(actor, draft, null)).commit();
    },

    async update(actor, ruleId, input) {
      const changes = parseInput(ruleUpdateSchema, input);
      const row = await loadRow(actor, ruleId);
      const current = await toRule(actor, row);
      const draft = parseInput(ruleDraftSchema, {
        name: current.name,
        adAccountId: current.adAccountId,
        enabled: current.enabled,
        scope: current.scope,
        conditions: current.conditions,
        gate: current.gate,
        action: current.action,
        schedule: current.schedule,
        cooldownHours: current.cooldownHours,
        ...changes,
      });
      return await (await stageSave(actor, draft, row)).commit();
    },

    async delete(actor, ruleId) {
      const row = await loadRow(actor, ruleId);
      const now = nowForDb(context);
      await db.kysely.updateTable("rules").set({ deleted_at: now, updated_at: now })
        .where("id", "=", row.id).where("user_id", "=", actor.userId).execute();
    },

    enable: (actor, ruleId) => setEnabled(actor, ruleId, true),
    disable: (actor, ruleId) => setEnabled(actor, ruleId, false),

    async backtest(actor, ruleId, options = {}) {
      const { days } = parseInput(backtestOptionsSchema, options);
      const row = await loadRow(actor, ruleId);
      const account = await loadAdAccount(db.kysely, actor, row.ad_account_id);
      const definition: RuleDefinition = {
        ...(fromDbJson(row.definition) as StoredDefinition),
        name: row.name,
        adAccountId: row.ad_account_id,
        enabled: row.enabled === 1,
      };
      const result = await replay(actor, { ...definition, adAccountId: account.id }, days);
      const now = nowForDb(context);
      await upsert(db.kysely, db.dialect, {
        table: "rule_backtests",
        rows: [{
          id: context.ids(),
          user_id: actor.userId,
          rule_id: row.id,
          days,
          result: toDbJson(result),
          created_at: now,
          updated_at: now,
        }],
        conflictColumns: ["rule_id"],
        updateColumns: ["days", "result", "updated_at"],
      });
      return stored(result, row.id, isoFromDb(now));
    },

    async backtestDraft(actor, input, options = {}) {
      const { days } = parseInput(backtestOptionsSchema, options);
      const draft = parseInput(ruleDraftSchema, input);
      const account = await loadAdAccount(db.kysely, actor, draft.adAccountId);
      const definition = toDefinition(draft, account.currency);
      await checkScope(actor, account.id, definition.scope);
      const result = await replay(actor, definition, days);
      return stored(result, null, context.clock.now().toISOString());
    },

    async latestBacktest(actor, ruleId) {
      const row = await loadRow(actor, ruleId);
      const backtest = await db.kysely.selectFrom("rule_backtests")
        .select(["result", "updated_at"])
        .where("rule_id", "=", row.id).where("user_id", "=", actor.userId).executeTakeFirst();
      return backtest
        ? stored(
          fromDbJson(backtest.result) as BacktestResult,
          row.id,
          isoFromDb(backtest.updated_at),
        )
        : null;
    },
  };
}
