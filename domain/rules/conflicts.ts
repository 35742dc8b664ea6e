/**
 * Scope resolution and the conflict check, pure. Two enabled rules conflict when they can act on
 * the same campaign in opposite directions — one pauses what the other resumes, or one raises a
 * budget the other lowers — which makes a campaign flip back and forth. The check resolves both
 * scopes on the account's current campaigns; two rules that watch every campaign of an account
 * overlap even before it has any.
 *
 * @module
 */
import type { CampaignObjective, CampaignStatus } from "../campaigns.ts";
import type { RuleAction, RuleDefinition, RuleScope } from "./model.ts";

/** What scope matching needs to know about a campaign. */
export interface ScopedCampaign {
  id: string;
  name: string;
  status: CampaignStatus;
  objective: CampaignObjective;
}

/** Whether a rule with `scope` watches `campaign` (only active and paused campaigns ever). */
export function inScope(scope: RuleScope, campaign: ScopedCampaign): boolean {
  if (campaign.status !== "active" && campaign.status !== "paused") return false;
  switch (scope.kind) {
    case "all":
      return true;
    case "campaigns":
      return scope.campaignIds.includes(campaign.id);
    case "filter":
      return (scope.nameContains === undefined ||
        campaign.name.toLowerCase().includes(scope.nameContains.toLowerCase())) &&
        (scope.statuses === undefined || scope.statuses.includes(campaign.status)) &&
        (scope.objectives === undefined || scope.objectives.includes(campaign.objective));
  }
}

/** Which way an action moves a campaign, for the conflict check. */
type Direction = "stop" | "start" | "budget_up" | "budget_down";

function directionsOf(action: RuleAction): Direction[] {
  switch (action.type) {
    case "pause":
    case "pause_until_tomorrow":
      return ["stop"];
    case "resume":
      return ["start"];
    case "adjust_budget":
      return [action.percent > 0 ? "budget_up" : "budget_down"];
    case "set_budget":
      // Setting an amount raises some budgets and lowers others.
      return ["budget_up", "budget_down"];
    case "notify_only":
      return [];
  }
}

const OPPOSITE: Record<Direction, Direction> = {
  stop: "start",
  start: "stop",
  budget_up: "budget_down",
  budget_down: "budget_up",
};

/** A rule as the conflict check sees it. */
export type ConflictRule = Pick<RuleDefinition, "name" | "adAccountId" | "scope" | "action"> & {
  id: string;
  enabled: boolean;
};

/** One warning: `otherRule` can undo what this rule does on `campaignIds`. */
export interface RuleConflict {
  otherRuleId: string;
  otherRuleName: string;
  kind: "pause_vs_resume" | "budget_up_vs_down";
  /** Current campaigns both rules watch (empty when both watch the whole account). */
  campaignIds: string[];
  message: string;
}

/**
 * The warnings for `rule` against the other enabled rules of its ad account, on `campaigns` (the
 * account's current campaigns). Computed whether or not `rule` itself is enabled, so enabling it
 * can show them first.
 */
export function findConflicts(
  rule: ConflictRule,
  others: readonly ConflictRule[],
  campaigns: readonly ScopedCampaign[],
): RuleConflict[] {
  const mine = directionsOf(rule.action);
  if (mine.length === 0) return [];
  const watched = campaigns.filter((campaign) => inScope(rule.scope, campaign));
  const conflicts: RuleConflict[] = [];
  for (const other of others) {
    if (other.id === rule.id || !other.enabled || other.adAccountId !== rule.adAccountId) continue;
    const theirs = new Set(directionsOf(other.action));
    const clash = mine.find((direction) => theirs.has(OPPOSITE[direction]));
    if (clash === undefined) continue;
    const shared = watched.filter((campaign) => inScope(other.scope, campaign));
    const wholeAccount = rule.scope.kind === "all" && other.scope.kind === "all";
    if (shared.length === 0 && !wholeAccount) continue;
    const kind = clash === "stop" || clash === "start" ? "pause_vs_resume" : "budget_up_vs_down";
    const where = shared.length === 0
      ? "every campaign of the account"
      : `${shared.length} campaign${shared.length === 1 ? "" : "s"} (${
        shared.slice(0, 3).map((campaign) => campaign.name).join(", ")
      }${shared.length > 3 ? ", …" : ""})`;
    conflicts.push({
      otherRuleId: other.id,
      otherRuleName: other.name,
      kind,
      campaignIds: shared.map((campaign) => campaign.id),
      message: kind === "pause_vs_resume"
        ? `"${other.name}" can undo this rule's ${
          clash === "stop" ? "pauses" : "resumes"
        } on ${where}: a campaign could be switched off and on repeatedly`
        : `"${other.name}" can move budgets the other way on ${where}: budgets could go up ` +
          "and down repeatedly",
    });
  }
  return conflicts;
}
