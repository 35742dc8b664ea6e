/**
 * Why an alert fired: the metric broken into its parts (spend = CPM × impressions / 1000;
 * CPA = CPC ÷ conversion rate; ROAS = conversion rate × value per conversion ÷ CPC;
 * conversions = clicks × conversion rate; CTR = clicks ÷ impressions) with the part that moved
 * most, the campaign's changes in the days before, and next steps expressed as requests the
 * write gateway takes (never applied here: the UI or assistant submits one, and the gateway's
 * limits and approvals apply as to any change).
 *
 * @module
 */
import type { ChangeActorKind } from "../../db/schema.ts";
import type { ChangeRecord } from "../change_history.ts";
import type { CampaignOperation } from "../write_gateway.ts";
import { median } from "./baseline.ts";
import type { Finding } from "./detect.ts";
import type { AlertType, DayCounts } from "./types.ts";

/** Days before the anomaly whose changes are listed. */
export const CHANGE_LOOKBACK_DAYS = 7;

/** Parts a metric is made of. */
export type MetricPart =
  | "cpm"
  | "impressions"
  | "cpc"
  | "conversion_rate"
  | "value_per_conversion"
  | "clicks"
  | "ctr";

/** One part: its value on the day and in the baseline (median), and the relative change. */
export interface PartChange {
  part: MetricPart;
  observed: number | null;
  baseline: number | null;
  /** −0.5 = half the baseline; null where either side is undefined. */
  relativeChange: number | null;
}

/** A change from the history, as an alert lists it. */
export interface CauseChange {
  changeId: string;
  at: string;
  operation: string;
  actorKind: ChangeActorKind;
  /** Run, rule, token or rollback id; null for a person. */
  sourceId: string | null;
  fields: string[];
}

/** A next step the UI or assistant may submit through the write gateway. */
export type NextStep =
  | { kind: "pause"; description: string; operation: CampaignOperation }
  | { kind: "lower_budget"; description: string; operation: CampaignOperation }
  | {
    kind: "roll_back";
    description: string;
    /** A rollback selection for `rollbacks.plan`/`apply` (REST `POST /rollbacks`). */
    rollback: { changeIds: string[] };
  };

/** An alert's cause. */
export interface AlertCause {
  parts: PartChange[];
  /** The part that moved most (by ratio), if any did. */
  movedPart: MetricPart | null;
  changes: CauseChange[];
  nextSteps: NextStep[];
}

const PARTS_OF: Record<AlertType, MetricPart[]> = {
  spend_spike: ["cpm", "impressions"],
  spend_dropped: ["cpm", "impressions"],
  spend_stopped: [],
  budget_exhausted_early: ["cpm", "impressions"],
  cpa_up: ["cpc", "conversion_rate"],
  roas_down: ["conversion_rate", "value_per_conversion", "cpc"],
  ctr_down: ["clicks", "impressions"],
  conversions_dropped: ["clicks", "conversion_rate"],
};

/** A part's value on one day; null where undefined. */
export function partOf(part: MetricPart, day: DayCounts): number | null {
  const ratio = (numerator: number, denominator: number) =>
    denominator > 0 ? numerator / denominator : null;
  switch (part) {
    case "cpm":
      return ratio(day.spendMinor * 1000, day.impressions);
    case "impressions":
      return day.impressions;
    case "cpc":
      return ratio(day.spendMinor, day.clicks);
    case "conversion_rate":
      return ratio(day.conversions, day.clicks);
    case "value_per_conversion":
      return ratio(day.revenueMinor, day.conversions);
    case "clicks":
      return day.clicks;
    case "ctr":
      return ratio(day.clicks, day.impressions);
  }
}

/** The parts of the finding's metric on its day against its baseline days. */
export function decompose(
  finding: Finding,
  observedDay: DayCounts,
  baselineDays: readonly DayCounts[],
): { parts: PartChange[]; movedPart: MetricPart | null } {
  const parts = PARTS_OF[finding.type].map((part): PartChange => {
    const observed = partOf(part, observedDay);
    const values = baselineDays.map((day) => partOf(part, day)).filter((v) => v !== null);
    const baseline = values.length > 0 ? median(values) : null;
    const relativeChange = observed !== null && baseline !== null && baseline > 0
      ? observed / baseline - 1
      : null;
    return { part, observed, baseline, relativeChange };
  });
  let movedPart: MetricPart | null = null;
  let largest = Math.log(1.1); // below a 10% move nothing "moved"
  for (const part of parts) {
    if (part.relativeChange === null) continue;
    const size = Math.abs(Math.log(Math.max(part.relativeChange + 1, 1e-6)));
    if (size > largest) {
      largest = size;
      movedPart = part.part;
    }
  }
  return { parts, movedPart };
}

/** The history's changes as an alert lists them, oldest first. */
export function causeChanges(records: readonly ChangeRecord[]): CauseChange[] {
  return [...records].sort((left, right) => left.createdAt.localeCompare(right.createdAt))
    .map((record) => ({
      changeId: record.id,
      at: record.createdAt,
      operation: record.operation,
      actorKind: record.actorKind,
      sourceId: record.sourceId,
      fields: Object.keys(record.fields),
    }));
}

/**
 * Next steps for a campaign alert: roll back the changes just before it (when there are any),
 * pause (when it is spending badly), lower the budget (when it overspends).
 */
export function nextSteps(
  finding: Finding,
  campaign: { id: string; budgetAmountMinor: number },
  changes: readonly CauseChange[],
): NextStep[] {
  const steps: NextStep[] = [];
  if (changes.length > 0) {
    steps.push({
      kind: "roll_back",
      description: `Roll back the ${changes.length} change${changes.length === 1 ? "" : "s"} ` +
        "made in the days before",
      rollback: { changeIds: changes.map((change) => change.changeId) },
    });
  }
  if (finding.type === "spend_spike" && finding.observed > 0) {
    const lowered = Math.max(
      1,
      Math.floor(campaign.budgetAmountMinor * Math.min(1, finding.expected / finding.observed)),
    );
    if (lowered < campaign.budgetAmountMinor) {
      steps.push({
        kind: "lower_budget",
        description: "Lower the budget to what the campaign usually spends",
        operation: {
          type: "update",
          campaignId: campaign.id,
          input: { budgetAmountMinor: lowered },
        },
      });
    }
  }
  if (
    finding.type === "spend_spike" || finding.type === "cpa_up" ||
    finding.type === "roas_down" || finding.type === "ctr_down"
  ) {
    steps.push({
      kind: "pause",
      description: "Pause the campaign until it is looked into",
      operation: { type: "set_status", campaignId: campaign.id, status: "paused" },
    });
  }
  return steps;
}
