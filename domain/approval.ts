/**
 * The approval policy: which operations must wait for the signed-in user's explicit approval, and
 * a preview of exactly what they would change. Pure (no I/O): callers load the current state (the
 * campaigns before the change, the ad account) and pass it in, so REST, MCP tools and the agent
 * all decide the same way from this one function.
 *
 * Approval is required for: creating a campaign; activating one (resume, status → active from
 * any other status, or creating it active — one approval for both); changing a budget amount by more than 20% in either direction, or changing
 * its type (daily ↔ lifetime); archiving; disconnecting an ad account; and any operation that
 * touches several campaigns at once. Read-only operations never require it. Everything else
 * (pausing one campaign, renaming it or an ad account, a budget change of at most 20%…) runs
 * without approval.
 *
 * @module
 */
import { z } from "zod";
import { CAMPAIGN_STATUSES } from "./campaign_status.ts";
import { BUDGET_TYPES, createCampaignSchema, updateCampaignSchema } from "./campaigns.ts";
import { formatMoney } from "./money.ts";
import { decimalRatio } from "./derived_metrics.ts";

/** A budget change strictly above this percentage of the current amount needs approval. */
export const BUDGET_CHANGE_THRESHOLD_PERCENT = 20;

/** Operations that only read; they never require approval. */
export const READ_ONLY_OPERATIONS = [
  "list_ad_accounts",
  "get_ad_account",
  "list_campaigns",
  "get_campaign",
  "performance_summary",
  "daily_trend",
  "credit_balance",
] as const;

/** Why an approval is required, as stable codes (several may apply at once). */
export const APPROVAL_RULES = [
  "create_campaign",
  "activate_campaign",
  "budget_change",
  "budget_type_change",
  "archive_campaign",
  "disconnect_ad_account",
  "multiple_campaigns",
] as const;
/** One reason an approval is required. */
export type ApprovalRule = (typeof APPROVAL_RULES)[number];

/** The state of a campaign before the operation (a domain `Campaign` satisfies it). */
export const campaignStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  budgetType: z.enum(BUDGET_TYPES),
  budgetAmountMinor: z.number().int().nonnegative(),
  currency: z.string(),
  startDate: z.string().nullable().optional(),
  endDate: z.string().nullable().optional(),
  targeting: z.unknown().optional(),
  landingUrl: z.string().nullable().optional(),
});
/** The state of a campaign before the operation. */
export type CampaignState = z.input<typeof campaignStateSchema>;

/** The state of an ad account before the operation. */
export const adAccountStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
});
/** The state of an ad account before the operation. */
export type AdAccountState = z.input<typeof adAccountStateSchema>;

const campaignsSchema = z.array(campaignStateSchema).min(1);

/** An operation to decide on, with its input and the current state it applies to. */
export const approvalRequestSchema = z.discriminatedUnion("operation", [
  z.object({ operation: z.enum(READ_ONLY_OPERATIONS) }),
  z.object({
    operation: z.literal("create_campaign"),
    input: createCampaignSchema,
    /** Currency of the target ad account, for the preview. */
    currency: z.string(),
    /** Name of the target ad account, so the preview says where the campaign goes. */
    accountName: z.string().optional(),
  }),
  z.object({
    operation: z.literal("update_campaign"),
    campaigns: campaignsSchema,
    input: updateCampaignSchema,
  }),
  z.object({
    operation: z.literal("change_campaign_status"),
    campaigns: campaignsSchema,
    status: z.enum(CAMPAIGN_STATUSES),
  }),
  z.object({
    operation: z.enum(["pause_campaign", "resume_campaign", "archive_campaign"]),
    campaigns: campaignsSchema,
  }),
  z.object({
    operation: z.literal("rename_ad_account"),
    adAccount: adAccountStateSchema,
    name: z.string(),
  }),
  z.object({ operation: z.literal("disconnect_ad_account"), adAccount: adAccountStateSchema }),
]);
/** An operation to decide on. */
export type ApprovalRequest = z.input<typeof approvalRequestSchema>;

/** One field one operation would change (`before` is null for new resources). */
export const approvalChangeSchema = z.object({
  resource: z.enum(["campaign", "ad_account"]),
  /** Null for a resource that does not exist yet. */
  id: z.string().nullable(),
  name: z.string(),
  field: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
/** One field one operation would change. */
export type ApprovalChange = z.output<typeof approvalChangeSchema>;

/** What the user is shown before approving: one sentence per resource and every field change. */
export const approvalPreviewSchema = z.object({
  summary: z.string(),
  changes: z.array(approvalChangeSchema),
  /** Currency of the money fields (minor units) in `changes`, when they have one. */
  currency: z.string().optional(),
  /** Names of ids the changes mention (the target ad account's), so a preview shows names. */
  labels: z.record(z.string(), z.string()).optional(),
});
/** What the user is shown before approving. */
export type ApprovalPreview = z.output<typeof approvalPreviewSchema>;

/** The policy's answer. */
export const approvalDecisionSchema = z.object({
  required: z.boolean(),
  /** Why approval is required, readable; null when it is not. */
  reason: z.string().nullable(),
  rules: z.array(z.enum(APPROVAL_RULES)),
  preview: approvalPreviewSchema,
});
/** The policy's answer. */
export type ApprovalDecision = z.output<typeof approvalDecisionSchema>;

/** Accumulates rules, sentences and changes while an operation is examined. */
interface Findings {
  rules: Set<ApprovalRule>;
  reasons: string[];
  sentences: string[];
  changes: ApprovalChange[];
}

const reasonOf: Record<ApprovalRule, string> = {
  create_campaign: "creating a campaign",
  activate_campaign: "activating a campaign starts spending",
  budget_change: `changing a budget by more than ${BUDGET_CHANGE_THRESHOLD_PERCENT}%`,
  budget_type_change: "changing a budget's type",
  archive_campaign: "archiving a campaign cannot be undone",
  disconnect_ad_account: "disconnecting an ad account",
  multiple_campaigns: "the operation touches several campaigns at once",
};

function flag(findings: Findings, rule: ApprovalRule): void {
  if (!findings.rules.has(rule)) {
    findings.rules.add(rule);
    findings.reasons.push(reasonOf[rule]);
  }
}

/** Decides whether `request` needs the user's approval and previews its changes. */
export function decideApproval(request: ApprovalRequest): ApprovalDecision {
  const findings: Findings = { rules: new Set(), reasons: [], sentences: [], changes: [] };
  let currency: string | undefined;
  const labels: Record<string, string> = {};
  switch (request.operation) {
    case "create_campaign":
      examineCreate(findings, request.input, request.currency, request.accountName);
      currency = request.currency;
      if (request.accountName !== undefined) {
        labels[request.input.adAccountId] = request.accountName;
      }
      break;
    case "update_campaign":
      for (const campaign of request.campaigns) examineUpdate(findings, campaign, request.input);
      // One currency for every money field, or none named (the preview then shows minor units).
      if (new Set(request.campaigns.map((campaign) => campaign.currency)).size === 1) {
        currency = request.campaigns[0].currency;
      }
      break;
    case "change_campaign_status":
      for (const campaign of request.campaigns) {
        examineStatus(findings, campaign, request.status);
      }
      break;
    case "pause_campaign":
    case "resume_campaign":
    case "archive_campaign": {
      const status = targetStatusOf[request.operation];
      for (const campaign of request.campaigns) examineStatus(findings, campaign, status);
      break;
    }
    case "rename_ad_account":
      findings.sentences.push(
        `Rename ad account "${request.adAccount.name}" to "${request.name}".`,
      );
      findings.changes.push({
        resource: "ad_account",
        id: request.adAccount.id,
        name: request.adAccount.name,
        field: "name",
        before: request.adAccount.name,
        after: request.name,
      });
      break;
    case "disconnect_ad_account":
      flag(findings, "disconnect_ad_account");
      findings.sentences.push(`Disconnect ad account "${request.adAccount.name}".`);
      findings.changes.push({
        resource: "ad_account",
        id: request.adAccount.id,
        name: request.adAccount.name,
        field: "status",
        before: request.adAccount.status,
        after: "disconnected",
      });
      break;
    default:
      // Read-only: nothing changes.
      findings.sentences.push("Read only; nothing changes.");
  }
  if ("campaigns" in request && request.campaigns.length > 1) flag(findings, "multiple_campaigns");
  const required = findings.rules.size > 0;
  return {
    required,
    reason: required ? capitalize(findings.reasons.join("; ")) : null,
    rules: [...findings.rules],
    preview: {
      summary: findings.sentences.length > 0 ? findings.sentences.join(" ") : "Nothing changes.",
      changes: findings.changes,
      ...(currency === undefined ? {} : { currency }),
      ...(Object.keys(labels).length === 0 ? {} : { labels }),
    },
  };
}

const targetStatusOf = {
  pause_campaign: "paused",
  resume_campaign: "active",
  archive_campaign: "archived",
} as const;

function examineCreate(
  findings: Findings,
  input: z.input<typeof createCampaignSchema>,
  currency: string,
  accountName: string | undefined,
): void {
  flag(findings, "create_campaign");
  const status = input.status ?? "draft";
  // Created and launched in one change: one approval covers both.
  if (status === "active") flag(findings, "activate_campaign");
  const where = accountName === undefined ? "" : ` on "${accountName}"`;
  findings.sentences.push(
    `${status === "active" ? "Create and launch" : "Create"} ${input.objective} campaign ` +
      `"${input.name}"${where} with a ${input.budgetType} budget of ` +
      `${formatMoney(input.budgetAmountMinor, currency)} ` +
      `(${status === "active" ? "starts spending once created" : "starts as a draft"}).`,
  );
  const fields: [string, unknown][] = [
    ["adAccountId", input.adAccountId],
    ["name", input.name],
    ["objective", input.objective],
    ["status", status],
    ["budgetType", input.budgetType],
    ["budgetAmountMinor", input.budgetAmountMinor],
    ["startDate", input.startDate ?? null],
    ["endDate", input.endDate ?? null],
    ["targeting", input.targeting ?? {}],
    ["landingUrl", input.landingUrl ?? null],
  ];
  for (const [field, after] of fields) {
    findings.changes.push({
      resource: "campaign",
      id: null,
      name: input.name,
      field,
      before: null,
      after,
    });
  }
}

/** Fields of `update_campaign` in preview order. */
const UPDATE_FIELDS = [
  "name",
  "budgetType",
  "budgetAmountMinor",
  "startDate",
  "endDate",
  "targeting",
  "landingUrl",
] as const;

function examineUpdate(
  findings: Findings,
  campaign: CampaignState,
  input: z.input<typeof updateCampaignSchema>,
): void {
  const changed: ApprovalChange[] = [];
  for (const field of UPDATE_FIELDS) {
    const after = input[field];
    if (after === undefined) continue;
    const before = campaign[field] ?? null;
    if (sameValue(before, after)) continue;
    changed.push({
      resource: "campaign",
      id: campaign.id,
      name: campaign.name,
      field,
      before,
      after,
    });
  }
  if (changed.length === 0) {
    findings.sentences.push(`No change to campaign "${campaign.name}".`);
    return;
  }
  findings.changes.push(...changed);
  const parts: string[] = [];
  const newType = input.budgetType ?? campaign.budgetType;
  const newAmount = input.budgetAmountMinor ?? campaign.budgetAmountMinor;
  if (newType !== campaign.budgetType) flag(findings, "budget_type_change");
  if (newAmount !== campaign.budgetAmountMinor) {
    if (budgetChangeNeedsApproval(campaign.budgetAmountMinor, newAmount)) {
      flag(findings, "budget_change");
    }
  }
  if (newType !== campaign.budgetType || newAmount !== campaign.budgetAmountMinor) {
    parts.push(
      `budget from ${formatMoney(campaign.budgetAmountMinor, campaign.currency)} ` +
        `${campaign.budgetType} to ${formatMoney(newAmount, campaign.currency)} ${newType}` +
        percentSuffix(campaign.budgetAmountMinor, newAmount),
    );
  }
  const others = changed.filter((change) =>
    change.field !== "budgetType" && change.field !== "budgetAmountMinor"
  );
  if (others.length > 0) parts.push(others.map((change) => change.field).join(", "));
  findings.sentences.push(`Change campaign "${campaign.name}": ${parts.join("; ")}.`);
}

function examineStatus(
  findings: Findings,
  campaign: CampaignState,
  status: z.output<typeof campaignStateSchema>["status"],
): void {
  if (campaign.status === status) {
    findings.sentences.push(`Campaign "${campaign.name}" is already ${status}.`);
    return;
  }
  if (status === "active") flag(findings, "activate_campaign");
  if (status === "archived") flag(findings, "archive_campaign");
  const note = status === "archived" ? " (final, cannot be undone)" : "";
  findings.sentences.push(`${statusVerb[status]} campaign "${campaign.name}"${note}.`);
  findings.changes.push({
    resource: "campaign",
    id: campaign.id,
    name: campaign.name,
    field: "status",
    before: campaign.status,
    after: status,
  });
}

const statusVerb = {
  draft: "Return to draft",
  active: "Activate",
  paused: "Pause",
  archived: "Archive",
} as const;

/**
 * Whether moving a budget from `before` to `after` (minor units) changes it by strictly more than
 * `BUDGET_CHANGE_THRESHOLD_PERCENT`, in either direction. Exact integer arithmetic; from a zero
 * budget any change counts.
 */
export function budgetChangeNeedsApproval(before: number, after: number): boolean {
  return Math.abs(after - before) * 100 > BUDGET_CHANGE_THRESHOLD_PERCENT * before;
}

/** ` (+40.0%)` style suffix; empty when the amount is unchanged or the old one was zero. */
function percentSuffix(before: number, after: number): string {
  if (before === after || before === 0) return "";
  const percent = decimalRatio(Math.abs(after - before) * 100, before, 1);
  return ` (${after > before ? "+" : "-"}${percent}%)`;
}

function sameValue(left: unknown, right: unknown): boolean {
  return canonicalJson(left) === canonicalJson(right);
}

/** JSON with object keys sorted at every level, so equal values serialize identically. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    const record = item as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
  }) ?? "null";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
