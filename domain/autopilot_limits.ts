/**
 * Autopilot limits of an ad account: what software may change on its own and what nobody may
 * exceed. Pure (no I/O): the write gateway loads the limits, the campaign, the account's other
 * active budgets and the recent budget history, and asks `reviewLimits`.
 *
 * The rules, in the order they are checked:
 * - **Freeze.** While an account is frozen no write to it is made, by anyone: automated actors
 *   are refused, and so is a person, who unfreezes first (one switch on the account page).
 * - **Hard caps, for everyone.** A change that raises a campaign's daily budget above the
 *   per-campaign cap, or raises the sum of the daily budgets of the account's active campaigns
 *   above the account cap, is refused, naming the cap. A change that lowers spending always
 *   passes, even on an account already over a cap that was lowered later.
 * - **Automated actors** (the assistant, MCP clients, API tokens, rules; not a signed-in person,
 *   not a rollback a person asked for) need a person's approval for any operation outside the
 *   account's allowed set (default: pausing and budget decreases), for a budget increase above
 *   the per-change limit, and for one that would take the increases made by automated actors
 *   together over a rolling 24 hours or 7 days above the cumulative limits. Cumulative use is
 *   the sum of automated increases in the window (decreases give nothing back, so a budget
 *   cannot be walked up by alternating steps) over the budget at the window's start.
 *
 * @module
 */
import { z } from "zod";
import type { CampaignStatus } from "./campaigns.ts";
import { decimalRatio } from "./derived_metrics.ts";
import { currencyExponent, formatMinor } from "./money.ts";

/** Operations an account may let automated actors make without approval. */
export const AUTOMATED_OPERATIONS = ["pause", "budget_decrease", "budget_increase"] as const;
/** One such operation. */
export type AutomatedOperation = (typeof AUTOMATED_OPERATIONS)[number];

/** An account's limits as stored and edited. Amounts in the account currency's minor units. */
export interface AutopilotLimits {
  maxCampaignDailyBudgetMinor: number;
  maxAccountDailyBudgetMinor: number;
  /** Largest budget increase, in percent, one automated change may make. */
  maxIncreasePerChangePercent: number;
  /** Largest sum of automated increases over any rolling 24 hours, in percent. */
  maxDailyIncreasePercent: number;
  /** The same over any rolling 7 days. */
  maxWeeklyIncreasePercent: number;
  /** What automated actors may do without approval. */
  automatedOperations: AutomatedOperation[];
  /** Stops every write to the account while true. */
  frozen: boolean;
}

/** Default per-campaign daily cap, in major units of the account currency. */
const DEFAULT_CAMPAIGN_CAP_MAJOR = 10_000;
/** Default cap on the account's total active daily budget, in major units. */
const DEFAULT_ACCOUNT_CAP_MAJOR = 50_000;

/** The limits an account has until someone edits them: they refuse rather than allow. */
export function defaultLimits(currency: string): AutopilotLimits {
  const unit = 10 ** currencyExponent(currency);
  return {
    maxCampaignDailyBudgetMinor: DEFAULT_CAMPAIGN_CAP_MAJOR * unit,
    maxAccountDailyBudgetMinor: DEFAULT_ACCOUNT_CAP_MAJOR * unit,
    maxIncreasePerChangePercent: 20,
    maxDailyIncreasePercent: 20,
    maxWeeklyIncreasePercent: 50,
    automatedOperations: ["pause", "budget_decrease"],
    frozen: false,
  };
}

const percent = z.number().int().min(0).max(1_000);
const amount = z.number().int().nonnegative().max(100_000_000_000);

/** Input of an edit of the limits: every field, as `GET` returns them. */
export const autopilotLimitsSchema = z.strictObject({
  maxCampaignDailyBudgetMinor: amount,
  maxAccountDailyBudgetMinor: amount,
  maxIncreasePerChangePercent: percent,
  maxDailyIncreasePercent: percent,
  maxWeeklyIncreasePercent: percent,
  automatedOperations: z.array(z.enum(AUTOMATED_OPERATIONS)).max(AUTOMATED_OPERATIONS.length)
    .transform((operations) => [...new Set(operations)]),
  frozen: z.boolean(),
}).refine((limits) => limits.maxDailyIncreasePercent <= limits.maxWeeklyIncreasePercent, {
  message: "must not exceed maxWeeklyIncreasePercent",
  path: ["maxDailyIncreasePercent"],
});

/** One budget change in the history the cumulative limits look at. */
export interface BudgetHistoryEntry {
  /** When it was applied. */
  at: Date;
  /** Made by an automated actor. */
  automated: boolean;
  beforeMinor: number;
  afterMinor: number;
}

/** A campaign's spending-relevant state. */
export interface BudgetState {
  status: CampaignStatus;
  /** The daily budget, or null for a lifetime budget (which the daily caps do not cover). */
  dailyBudgetMinor: number | null;
}

/** What `reviewLimits` is asked about. */
export interface LimitsReviewInput {
  limits: AutopilotLimits;
  currency: string;
  /** The actor is software, not a signed-in person. */
  automated: boolean;
  /** The campaign before the change; null when it is being created. */
  before: BudgetState | null;
  /** The campaign after it; null when it is deleted. */
  after: BudgetState | null;
  /** Sum of the daily budgets of the account's other active campaigns. */
  otherActiveDailyMinor: number;
  /** This campaign's budget changes of the last 7 days, any order. */
  history: readonly BudgetHistoryEntry[];
  now: Date;
}

/** Limits that refuse outright. */
export type HardLimit = "frozen" | "max_campaign_daily_budget" | "max_account_daily_budget";
/** Limits that hold an automated change for a person's approval. */
export type SoftLimit =
  | "automated_operation"
  | "increase_per_change"
  | "increase_24h"
  | "increase_7d";

/** How much of a cumulative allowance is used, in percent of the budget at the window start. */
export interface AllowanceUse {
  /** To a tenth, rounded up; `Infinity` for an increase from a zero budget. */
  usedPercent: number;
  limitPercent: number;
  /** Compared exactly in minor units, not on the rounded percentage. */
  exceeded: boolean;
}

/** `reviewLimits`' answer. */
export interface LimitsReview {
  /** Set when the change may not be made at all. */
  refusal: { limit: HardLimit; message: string } | null;
  /** Soft limits the change exceeds (empty for people and for changes within them). */
  exceeded: { limit: SoftLimit; message: string }[];
  /** Cumulative use including this change (for budget increases by automated actors). */
  allowance: { last24h: AllowanceUse; last7d: AllowanceUse } | null;
}

const DAY_MS = 86_400_000;

/** Judges one change against an account's limits. */
export function reviewLimits(input: LimitsReviewInput): LimitsReview {
  const { limits, currency } = input;
  const money = (minor: number) => formatMinor(minor, currency);
  const review: LimitsReview = { refusal: null, exceeded: [], allowance: null };
  if (limits.frozen) {
    review.refusal = {
      limit: "frozen",
      message: "the ad account is frozen: no changes are made to it until it is unfrozen " +
        "(on its ad account page, Autopilot limits)",
    };
    return review;
  }
  const beforeDaily = activeDaily(input.before);
  const afterDaily = activeDaily(input.after);
  const afterBudget = input.after?.dailyBudgetMinor ?? 0;
  const beforeBudget = input.before?.dailyBudgetMinor ?? 0;
  if (afterBudget > beforeBudget && afterBudget > limits.maxCampaignDailyBudgetMinor) {
    review.refusal = {
      limit: "max_campaign_daily_budget",
      message: `a daily budget of ${money(afterBudget)} is above this account's cap of ` +
        `${money(limits.maxCampaignDailyBudgetMinor)} per campaign`,
    };
    return review;
  }
  const totalAfter = input.otherActiveDailyMinor + afterDaily;
  if (afterDaily > beforeDaily && totalAfter > limits.maxAccountDailyBudgetMinor) {
    review.refusal = {
      limit: "max_account_daily_budget",
      message: `the account's active campaigns would spend up to ${money(totalAfter)} a day, ` +
        `above its cap of ${money(limits.maxAccountDailyBudgetMinor)}`,
    };
    return review;
  }
  if (!input.automated) return review;

  const operation = classify(input.before, input.after);
  if (operation !== null && !limits.automatedOperations.includes(operation)) {
    review.exceeded.push({
      limit: "automated_operation",
      message: `${operationLabel[operation]} by software needs a person's approval on this account`,
    });
  }
  if (operation === "budget_increase" && input.before?.dailyBudgetMinor != null) {
    const increase = afterBudget - beforeBudget;
    if (increase * 100 > limits.maxIncreasePerChangePercent * beforeBudget) {
      review.exceeded.push({
        limit: "increase_per_change",
        message: `+${percentOf(increase, beforeBudget)}% in one change is above the ` +
          `+${limits.maxIncreasePerChangePercent}% allowed without approval`,
      });
    }
    const { last24h, last7d } = allowanceWith({
      limits,
      history: input.history,
      dailyBudgetMinor: beforeBudget,
      now: input.now,
    }, increase);
    review.allowance = { last24h, last7d };
    for (
      const [limit, use, window] of [
        ["increase_24h", last24h, "24 hours"],
        ["increase_7d", last7d, "7 days"],
      ] as const
    ) {
      if (use.exceeded) {
        review.exceeded.push({
          limit,
          message: `automated increases would total +${use.usedPercent}% over ${window}, above ` +
            `the +${use.limitPercent}% allowed without approval`,
        });
      }
    }
  }
  return review;
}

/** What the current use of a campaign's cumulative increase allowances is computed from. */
export interface AllowanceInput {
  limits: Pick<AutopilotLimits, "maxDailyIncreasePercent" | "maxWeeklyIncreasePercent">;
  /** The campaign's budget changes of the last 7 days, any order. */
  history: readonly BudgetHistoryEntry[];
  /** The campaign's daily budget now (the baseline when nothing changed in a window). */
  dailyBudgetMinor: number;
  now: Date;
}

/**
 * How much of its rolling 24-hour and 7-day increase allowances a campaign has used so far —
 * what `reviewLimits` would count before one more increase. For showing the allowances.
 */
export function allowanceNow(
  input: AllowanceInput,
): { last24h: AllowanceUse; last7d: AllowanceUse } {
  return allowanceWith(input, 0);
}

/** Both windows' use, counting `increase` as one more automated increase now. */
function allowanceWith(input: AllowanceInput, increase: number) {
  return {
    last24h: allowanceUse(input, DAY_MS, input.limits.maxDailyIncreasePercent, increase),
    last7d: allowanceUse(input, 7 * DAY_MS, input.limits.maxWeeklyIncreasePercent, increase),
  };
}

/** Automated increases in the window ending `now`, plus `increase`, against the limit. */
function allowanceUse(
  input: AllowanceInput,
  windowMs: number,
  limitPercent: number,
  increase: number,
): AllowanceUse {
  const since = input.now.getTime() - windowMs;
  const inWindow = input.history.filter((entry) => entry.at.getTime() > since)
    .sort((left, right) => left.at.getTime() - right.at.getTime());
  const baseline = inWindow[0]?.beforeMinor ?? input.dailyBudgetMinor;
  const used = inWindow.filter((entry) => entry.automated)
    .reduce((sum, entry) => sum + Math.max(0, entry.afterMinor - entry.beforeMinor), increase);
  return {
    usedPercent: baseline === 0 ? (used > 0 ? Infinity : 0) : ceilTenth(used * 100 / baseline),
    limitPercent,
    exceeded: used * 100 > limitPercent * baseline,
  };
}

/**
 * What an allowance use says to a person: "+18% of its +20% daily increase allowance". The
 * percentages are exact to a tenth, rounded up.
 */
export function describeAllowance(use: AllowanceUse, window: "daily" | "weekly"): string {
  const used = Number.isFinite(use.usedPercent) ? `+${use.usedPercent}%` : "all";
  return `${used} of its +${use.limitPercent}% ${window} increase allowance`;
}

/** The allowed-operations class of a change, or null when it is none of them. */
function classify(
  before: BudgetState | null,
  after: BudgetState | null,
): AutomatedOperation | null {
  if (before === null || after === null) return null;
  if (before.status === "active" && after.status === "paused") return "pause";
  if (before.dailyBudgetMinor === null || after.dailyBudgetMinor === null) return null;
  if (after.dailyBudgetMinor < before.dailyBudgetMinor) return "budget_decrease";
  if (after.dailyBudgetMinor > before.dailyBudgetMinor) return "budget_increase";
  return null;
}

const operationLabel: Record<AutomatedOperation, string> = {
  pause: "pausing a campaign",
  budget_decrease: "lowering a budget",
  budget_increase: "raising a budget",
};

function activeDaily(state: BudgetState | null): number {
  return state?.status === "active" ? state.dailyBudgetMinor ?? 0 : 0;
}

function percentOf(part: number, whole: number): string {
  return decimalRatio(part * 100, whole, 1) ?? "∞";
}

function ceilTenth(value: number): number {
  return Math.ceil(Math.round(value * 1e6) / 1e5) / 10;
}
