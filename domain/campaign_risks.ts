/**
 * Values worth a second look before a campaign form is saved: a daily budget far above what the
 * account usually spends a day, and a start date already in the past. Neither is wrong — both
 * are refused nowhere — but both are common slips (an extra zero, last year's date), so the
 * pages warn and ask to save again. Pure (no I/O): the page gathers the account's other budgets
 * and today's date in the account's time zone.
 *
 * @module
 */
import type { BudgetType } from "./campaigns.ts";

/** A daily budget at least this many times the account's usual one is "far above" it. */
export const FAR_ABOVE_USUAL_FACTOR = 3;

/** What a campaign form is about to save. */
export interface CampaignRiskInput {
  budgetType: BudgetType | undefined;
  budgetAmountMinor: number | undefined;
  startDate: string | null;
}

/** What the values are compared with. */
export interface CampaignRiskContext {
  /** Today in the ad account's time zone (`YYYY-MM-DD`). */
  today: string;
  /** Daily budgets (minor units) of the account's other live campaigns (not archived). */
  otherDailyBudgetsMinor: readonly number[];
  /** The campaign as saved, when editing: unchanged values are not warned about again. */
  saved?: CampaignRiskInput;
}

/** One risky value, with what it was compared with. */
export type CampaignRisk =
  | {
    kind: "budget_far_above_usual";
    field: "budgetAmount";
    budgetAmountMinor: number;
    /** The account's usual daily budget (the median of its other campaigns'). */
    usualDailyBudgetMinor: number;
  }
  | { kind: "start_date_in_past"; field: "startDate"; startDate: string; today: string };

/** The account's usual daily budget: the median of `budgets`, null when there are none. */
export function usualDailyBudget(budgets: readonly number[]): number | null {
  if (budgets.length === 0) return null;
  const sorted = [...budgets].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}

/** The risky values of `input`, in form order; empty when there is nothing to warn about. */
export function campaignRisks(
  input: CampaignRiskInput,
  context: CampaignRiskContext,
): CampaignRisk[] {
  const risks: CampaignRisk[] = [];
  const { saved } = context;
  const usual = usualDailyBudget(context.otherDailyBudgetsMinor);
  const budgetChanged = !saved || saved.budgetAmountMinor !== input.budgetAmountMinor ||
    saved.budgetType !== input.budgetType;
  if (
    input.budgetType === "daily" && input.budgetAmountMinor !== undefined && usual !== null &&
    budgetChanged && input.budgetAmountMinor >= usual * FAR_ABOVE_USUAL_FACTOR
  ) {
    risks.push({
      kind: "budget_far_above_usual",
      field: "budgetAmount",
      budgetAmountMinor: input.budgetAmountMinor,
      usualDailyBudgetMinor: usual,
    });
  }
  if (
    input.startDate !== null && input.startDate < context.today &&
    (!saved || saved.startDate !== input.startDate)
  ) {
    risks.push({
      kind: "start_date_in_past",
      field: "startDate",
      startDate: input.startDate,
      today: context.today,
    });
  }
  return risks;
}

/**
 * A fingerprint of `risks`, which a form sends back to say "save anyway": it confirms exactly
 * these values, so changing one after the warning brings the warning back.
 */
export function risksFingerprint(risks: readonly CampaignRisk[]): string {
  return risks.map((risk) =>
    risk.kind === "budget_far_above_usual"
      ? `budget:${risk.budgetAmountMinor}`
      : `start:${risk.startDate}`
  ).join(";");
}
