/**
 * The live condition preview: which campaigns a rule draft would act on if it were evaluated
 * now, on the account's stored metrics (today so far, yesterday, the last N complete days,
 * lifetime). Nothing is stored; the editor calls it as the conditions are typed. The backtest
 * answers "what would it have done"; this answers "what does it match right now".
 *
 * @module
 */
import type { Actor } from "../actor.ts";
import { loadAdAccount } from "../ad_accounts.ts";
import type { CampaignObjective, CampaignStatus } from "../campaigns.ts";
import type { DomainContext } from "../context.ts";
import { addDays, dateOf } from "../dates.ts";
import { ValidationError } from "../errors.ts";
import type { MetricsSync } from "../metrics_sync.ts";
import { parseInput } from "../validation.ts";
import { evaluateRule, type RuleEvaluation, type WindowCounts, windowsOf } from "./conditions.ts";
import { inScope } from "./conflicts.ts";
import { dailyMetricRows } from "./metric_rows.ts";
import { ruleDraftSchema, type RuleWindow, toDefinition, windowKey } from "./model.ts";

/** One campaign of the preview. */
export interface PreviewCampaign {
  campaignId: string;
  campaignName: string;
  status: CampaignStatus;
  evaluation: RuleEvaluation;
}

/** The preview's answer; money in the evaluations is in minor units of `currency`. */
export interface RulePreview {
  /** The account's date the preview counts as today. */
  today: string;
  currency: string;
  campaignsEvaluated: number;
  /** Campaigns the rule would act on now. */
  matches: PreviewCampaign[];
  /** Campaigns whose conditions hold but whose data is too thin for the gate. */
  gateHeld: PreviewCampaign[];
}

/** Builds the preview. */
export interface RulePreviewService {
  /** Evaluates a draft (money in major units) now on each campaign in its scope. */
  preview(actor: Actor, draft: unknown): Promise<RulePreview>;
}

/** Longest list of matches returned (the count of campaigns evaluated is complete). */
const MAX_LISTED = 200;

/** Builds the preview service. */
export function createRulePreview(
  context: DomainContext,
  sync: Pick<MetricsSync, "refreshStale">,
): RulePreviewService {
  const { db } = context;
  return {
    async preview(actor, input) {
      const draft = parseInput(ruleDraftSchema, input);
      const account = await loadAdAccount(db.kysely, actor, draft.adAccountId);
      const definition = toDefinition(draft, account.currency);
      await sync.refreshStale([account]);
      const campaignRows = await db.kysely.selectFrom("campaigns")
        .select(["id", "name", "status", "objective", "budget_type", "budget_amount_minor"])
        .where("ad_account_id", "=", account.id).where("user_id", "=", actor.userId)
        .where("deleted_at", "is", null).orderBy("created_at").orderBy("id").execute();
      const campaigns = campaignRows.filter((row) =>
        inScope(definition.scope, {
          id: row.id,
          name: row.name,
          status: row.status as CampaignStatus,
          objective: row.objective as CampaignObjective,
        })
      );
      if (definition.scope.kind === "campaigns") {
        const known = new Set(campaignRows.map((row) => row.id));
        const unknown = definition.scope.campaignIds.findIndex((id) => !known.has(id));
        if (unknown >= 0) {
          throw new ValidationError([{
            field: `scope.campaignIds.${unknown}`,
            message: "is not a campaign of this ad account",
          }]);
        }
      }
      const today = dateOf(context.clock.now(), account.timezone);
      const windows = windowsOf(definition.conditions);
      const first = windows.some((window) => window.kind === "lifetime")
        ? "1970-01-01"
        : addDays(today, -Math.max(1, ...windows.map(lookbackDays)));
      const ids = campaigns.map((campaign) => campaign.id);
      const rows = await dailyMetricRows(db, {
        adAccountId: account.id,
        userId: actor.userId,
        campaignIds: ids,
        from: first,
        to: today,
      });
      const sums = new Map<string, Record<string, WindowCounts>>();
      for (const id of ids) {
        sums.set(
          id,
          Object.fromEntries(windows.map((window) => [windowKey(window), emptyCounts(window)])),
        );
      }
      for (const row of rows) {
        const date = String(row.metric_date).slice(0, 10);
        const byWindow = sums.get(row.campaign_id);
        if (!byWindow) continue;
        for (const window of windows) {
          if (!inWindow(window, date, today)) continue;
          const counts = byWindow[windowKey(window)];
          counts.impressions += Number(row.impressions);
          counts.clicks += Number(row.clicks);
          counts.spendMinor += Number(row.spend_minor);
          counts.conversions += Number(row.conversions);
          counts.revenueMinor += Number(row.revenue_minor);
          if (window.kind === "lifetime") counts.days += 1;
        }
      }
      const matches: PreviewCampaign[] = [];
      const gateHeld: PreviewCampaign[] = [];
      for (const campaign of campaigns) {
        const evaluation = evaluateRule(definition, {
          windows: sums.get(campaign.id)!,
          dailyBudgetMinor: campaign.budget_type === "daily"
            ? Number(campaign.budget_amount_minor)
            : null,
        });
        const entry: PreviewCampaign = {
          campaignId: campaign.id,
          campaignName: campaign.name,
          status: campaign.status as CampaignStatus,
          evaluation,
        };
        if (evaluation.fires) matches.push(entry);
        else if (evaluation.conditionsMet) gateHeld.push(entry);
      }
      return {
        today,
        currency: account.currency,
        campaignsEvaluated: campaigns.length,
        matches: matches.slice(0, MAX_LISTED),
        gateHeld: gateHeld.slice(0, MAX_LISTED),
      };
    },
  };
}

function lookbackDays(window: RuleWindow): number {
  return window.kind === "last_n_days" ? window.n : 1;
}

function emptyCounts(window: RuleWindow): WindowCounts {
  return {
    impressions: 0,
    clicks: 0,
    spendMinor: 0,
    conversions: 0,
    revenueMinor: 0,
    days: window.kind === "last_n_days" ? window.n : window.kind === "lifetime" ? 0 : 1,
  };
}

/** Whether the account's day `date` belongs to `window` as seen on `today`. */
function inWindow(window: RuleWindow, date: string, today: string): boolean {
  switch (window.kind) {
    case "today":
      return date === today;
    case "yesterday":
      return date === addDays(today, -1);
    case "last_n_days":
      return date < today && date >= addDays(today, -window.n);
    case "lifetime":
      return date <= today;
  }
}
