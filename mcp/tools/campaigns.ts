/**
 * Campaign tools: list and get (read only); create, update, pause, resume and archive (write,
 * subject to the approval policy).
 *
 * @module
 */
import { z } from "zod";
import type { CampaignStatus } from "../../domain/campaigns.ts";
import { BUDGET_CHANGE_THRESHOLD_PERCENT } from "../../domain/approval.ts";
import { formatMinor, formatMoney, formatMoneyDecimal } from "../../domain/money.ts";
import { formatCount } from "../../domain/counts.ts";
import { formatBudget, formatRoas } from "../../domain/metric_format.ts";
import { campaignStatusLabel, objectiveLabel } from "../../domain/labels.ts";
import {
  type Campaign,
  createCampaignSchema,
  listCampaignsFilterSchema,
  updateCampaignSchema,
} from "../../domain/campaigns.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../domain/pagination.ts";
import {
  campaignEffectShape,
  campaignListItemSchema,
  campaignSchema,
  pageShape,
} from "../schemas.ts";
import { defineTool, type McpTool, type Presentation } from "../tool.ts";

const campaignId = { campaignId: z.uuid().describe("Campaign id") };

/** `list_campaigns`: filtered, sorted, paginated, with last-7-day totals (table). */
export const listCampaignsTool: McpTool = defineTool({
  kind: "read",
  name: "list_campaigns",
  title: "List campaigns",
  description:
    "Lists the user's campaigns with their last 7 complete days of delivery (spend in minor " +
    "units, conversions, CPA, ROAS). Filters: adAccountId, status, objective, search (name). " +
    `Returns ${DEFAULT_PAGE_SIZE} campaigns per page unless \`limit\` (at most ${MAX_PAGE_SIZE}) ` +
    "says otherwise; `total` counts all matches and `skip` pages through them.",
  input: listCampaignsFilterSchema.shape,
  output: pageShape(campaignListItemSchema),
  run: async ({ domain, actor }, args) => {
    const { period: _period, ...page } = await domain.campaigns.list(actor, args);
    return {
      ...page,
      items: page.items.map(({ totals, ...campaign }) => ({ ...campaign, last7Days: totals })),
    };
  },
  present: (page) => ({
    structured: { ...page },
    text: page.total === 0 ? "No campaigns match." : `${page.total} campaign(s): ` +
      page.items.map((campaign) =>
        `${describe(campaign)}, last 7 days spend ` +
        `${formatMoney(campaign.last7Days.spendMinor, campaign.currency)}, ` +
        `${formatCount(campaign.last7Days.conversions)} conversions, CPA ` +
        `${formatMoneyDecimal(campaign.last7Days.cpa, campaign.currency)}, ROAS ` +
        `${formatRoas(campaign.last7Days.roas)} [${campaign.id}]`
      ).join("; "),
    component: {
      type: "table",
      data: {
        title: "Campaigns",
        columns: [
          { key: "name", label: "Name" },
          { key: "status", label: "Status" },
          { key: "objective", label: "Objective" },
          { key: "budget", label: "Budget" },
          { key: "spend7d", label: "Spend (7d)" },
          { key: "conversions7d", label: "Conversions (7d)" },
          { key: "cpa7d", label: "CPA (7d)" },
          { key: "roas7d", label: "ROAS (7d)" },
        ],
        rows: page.items.map((campaign) => ({
          id: campaign.id,
          name: campaign.name,
          status: campaignStatusLabel(campaign.status),
          objective: objectiveLabel(campaign.objective),
          budget: formatBudget(campaign),
          spend7d: formatMoney(campaign.last7Days.spendMinor, campaign.currency),
          conversions7d: formatCount(campaign.last7Days.conversions),
          cpa7d: formatMoneyDecimal(campaign.last7Days.cpa, campaign.currency),
          roas7d: formatRoas(campaign.last7Days.roas),
        })),
        total: page.total,
      },
    },
  }),
});

/** `get_campaign`: one campaign (card). */
export const getCampaignTool: McpTool = defineTool({
  kind: "read",
  name: "get_campaign",
  title: "Get campaign",
  description: "Gets one of the user's campaigns by id.",
  input: campaignId,
  output: campaignSchema.shape,
  run: ({ domain, actor }, args) => domain.campaigns.get(actor, args.campaignId),
  present: (campaign) => ({ ...campaignCard(campaign), structured: { ...campaign } }),
});

/** `create_campaign`: a new campaign, a draft or launched at once; always needs approval. */
export const createCampaignTool: McpTool = defineTool({
  kind: "write",
  additive: true,
  idempotent: false,
  name: "create_campaign",
  title: "Create campaign",
  description: 'Creates a campaign on an ad account: a draft, or — with status "active", when ' +
    "the user asked for a live/active campaign — created and launched in one change, so the " +
    "user approves once (do not call resume_campaign after it). Budget amounts are in minor " +
    "units (cents for USD). Requires the user's approval: without it the result is " +
    '{status: "approval_required"} and nothing is created.',
  input: createCampaignSchema.shape,
  output: campaignEffectShape,
  operation: (input) => ({ type: "create", input }),
  present: (campaign) =>
    applied(campaign, campaign.status === "active" ? "Created and launched" : "Created"),
});

/** `update_campaign`: edits fields; a budget change above the approval threshold needs approval. */
export const updateCampaignTool: McpTool = defineTool({
  kind: "write",
  additive: false,
  idempotent: true,
  name: "update_campaign",
  title: "Update campaign",
  description: "Changes a campaign's name, budget (type, amount in minor units), schedule, " +
    "targeting or landing URL; omitted fields stay. Lowering a budget runs directly. Raising " +
    "one needs the user's approval unless the ad account's autopilot limits allow it (by " +
    `default they do not; never more than ${BUDGET_CHANGE_THRESHOLD_PERCENT}% at once without ` +
    "approval), as does changing its type: the result is then " +
    '{status: "approval_required", approval} with where the user approves, and nothing changes.',
  input: { ...campaignId, ...updateCampaignSchema.shape },
  output: campaignEffectShape,
  operation: ({ campaignId, ...input }) => ({ type: "update", campaignId, input }),
  present: (campaign) => applied(campaign, "Updated"),
});

/** `pause_campaign`: active → paused. */
export const pauseCampaignTool: McpTool = statusTool({
  name: "pause_campaign",
  title: "Pause campaign",
  description: "Pauses an active campaign (stops delivery; can be resumed).",
  verb: "Paused",
  status: "paused",
});

/** `resume_campaign`: draft or paused → active; needs approval. */
export const resumeCampaignTool: McpTool = statusTool({
  name: "resume_campaign",
  title: "Resume campaign",
  description: "Activates a draft or paused campaign (starts spending). Requires the user's " +
    'approval: without it the result is {status: "approval_required"} and nothing changes.',
  verb: "Activated",
  status: "active",
});

/** `archive_campaign`: → archived (final); needs approval. */
export const archiveCampaignTool: McpTool = statusTool({
  name: "archive_campaign",
  title: "Archive campaign",
  description: "Archives a campaign; this is final. Requires the user's approval: without it " +
    'the result is {status: "approval_required"} and nothing changes.',
  verb: "Archived",
  status: "archived",
});

/** The three status tools differ only in operation, wording and target status. */
function statusTool(options: {
  name: "pause_campaign" | "resume_campaign" | "archive_campaign";
  title: string;
  description: string;
  verb: string;
  status: CampaignStatus;
}): McpTool {
  return defineTool({
    kind: "write",
    additive: false,
    idempotent: true,
    name: options.name,
    title: options.title,
    description: options.description,
    input: campaignId,
    output: campaignEffectShape,
    operation: (args) => ({
      type: "set_status",
      campaignId: args.campaignId,
      status: options.status,
    }),
    present: (campaign) => applied(campaign, options.verb),
  });
}

function applied(campaign: Campaign, verb: string): Presentation {
  const card = campaignCard(campaign);
  return {
    ...card,
    text: `${verb} campaign ${card.text}`,
    structured: { status: "applied", campaign: { ...campaign } },
  };
}

function campaignCard(campaign: Campaign): Omit<Presentation, "structured"> {
  return {
    text: `${describe(campaign)} [${campaign.id}].`,
    component: {
      type: "card",
      data: {
        title: campaign.name,
        fields: [
          { label: "Status", value: campaignStatusLabel(campaign.status) },
          { label: "Objective", value: objectiveLabel(campaign.objective) },
          { label: "Budget", value: formatBudget(campaign) },
          {
            label: "Schedule",
            value: `${campaign.startDate ?? "now"} – ${campaign.endDate ?? "open-ended"}`,
          },
          { label: "Landing page", value: campaign.landingUrl ?? "none" },
        ],
      },
    },
  };
}

function describe(campaign: Campaign): string {
  return `"${campaign.name}" (${campaign.status}, ${campaign.objective}, ${budgetOf(campaign)})`;
}

/**
 * The budget in the text line, with the currency's code (`USD 50.00 daily`): the text is also
 * parsed back by clients that keep only text (`agent/models/offline_text.ts`).
 */
function budgetOf(campaign: Campaign): string {
  return `${formatMinor(campaign.budgetAmountMinor, campaign.currency)} ${campaign.budgetType}`;
}
