/**
 * Change history tools: list what changed and who changed it (read), preview a rollback (read),
 * and roll changes back (a batch: when software asks, a person approves the exact plan first).
 *
 * @module
 */
import { z } from "zod";
import {
  CHANGE_ACTOR_KINDS,
  type ChangeRecord,
  listChangesSchema,
} from "../../domain/change_history.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../domain/pagination.ts";
import type { RollbackPlan, RollbackSelection } from "../../domain/rollbacks.ts";
import { pageShape, pendingApprovalSchema } from "../schemas.ts";
import {
  CHANGE_ARGUMENTS,
  defineTool,
  type McpBatchTool,
  type McpTool,
  type Presentation,
} from "../tool.ts";

const changeSchema = z.object({
  id: z.string(),
  adAccountId: z.string(),
  /** Null for a change to the ad account itself. */
  campaignId: z.string().nullable(),
  seq: z.number(),
  operation: z.string(),
  actorKind: z.enum(CHANGE_ACTOR_KINDS),
  sourceId: z.string().nullable(),
  approvalId: z.string().nullable(),
  fields: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
  platformResponse: z.record(z.string(), z.unknown()),
  idempotencyKey: z.string().nullable(),
  createdAt: z.string(),
});

/** `list_changes`: the change history, newest first (table). */
export const listChangesTool: McpTool = defineTool({
  kind: "read",
  name: "list_changes",
  title: "List changes",
  description: "Lists applied campaign changes, newest first: who made them (actorKind: user, " +
    "assistant, mcp_client, api_token, rule, rollback), sourceId (the assistant's run id, a rule " +
    "or token id, a rollback id), and every field before and after. Filters: adAccountId, " +
    "campaignId, actorKind, sourceId, from/to (ISO times). " +
    `${DEFAULT_PAGE_SIZE} per page unless \`limit\` (at most ${MAX_PAGE_SIZE}).`,
  input: listChangesSchema.shape,
  output: pageShape(changeSchema),
  run: ({ domain, actor }, args) => domain.changes.list(actor, args),
  present: (page) => ({
    structured: { ...page },
    text: page.total === 0
      ? "No changes match."
      : `${page.total} change(s): ${page.items.map(describeChange).join("; ")}`,
    component: {
      type: "table",
      data: {
        title: "Changes",
        columns: [
          { key: "when", label: "When" },
          { key: "operation", label: "Change" },
          { key: "by", label: "By" },
          { key: "fields", label: "Fields" },
        ],
        rows: page.items.map((change) => ({
          id: change.id,
          when: change.createdAt,
          operation: change.operation,
          by: change.actorKind,
          fields: Object.keys(change.fields).join(", "),
        })),
        total: page.total,
      },
    },
  }),
});

const selectionShape = {
  sourceId: z.string().min(1).max(64).optional().describe(
    "Undo every change of one source: an assistant run id (see list_changes), a rule id, an " +
      "API token id, or a rollback id (to undo a rollback).",
  ),
  changeIds: z.array(z.uuid()).min(1).max(1_000).optional().describe("Hand-picked change ids"),
  from: z.iso.datetime({ offset: true }).optional().describe("Every change from this time on"),
  to: z.iso.datetime({ offset: true }).optional(),
  adAccountId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
};

/** `preview_rollback`: what rolling back would do, field by field (changes nothing). */
export const previewRollbackTool: McpTool = defineTool({
  kind: "read",
  name: "preview_rollback",
  title: "Preview a rollback",
  description: "Dry run of rolling changes back: per campaign and field, whether it will be " +
    "restored, was changed since by someone else (left alone), is already restored, or cannot " +
    "be undone, plus spend incurred since. Choose sourceId, changeIds or a time range.",
  input: selectionShape,
  output: {
    changeIds: z.array(z.string()),
    fields: z.array(z.unknown()),
    accountChangeIds: z.array(z.string()),
    spendSince: z.array(z.unknown()),
  },
  run: ({ domain, actor }, args) => domain.rollbacks.plan(actor, args as RollbackSelection),
  present: (plan) => ({
    structured: { ...plan },
    text: describePlan(plan),
    component: planTable(plan),
  }),
});

/** `rollback_changes`: restores what the chosen changes changed; software needs approval. */
export const rollbackChangesTool: McpBatchTool = {
  kind: "batch",
  name: "rollback_changes",
  title: "Roll back changes",
  description: "Restores the fields the chosen changes changed (those not changed since), " +
    "campaign by campaign, exactly once; the rollback is itself logged, so it can be rolled " +
    "back. Requires the user's approval of the exact plan: the result is then " +
    '{status: "approval_required", approval} with where the user approves. Preview first with ' +
    "preview_rollback.",
  input: { ...selectionShape, ...CHANGE_ARGUMENTS },
  output: {
    status: z.enum(["applied", "approval_required"]),
    rollback: z.record(z.string(), z.unknown()).optional(),
    approval: pendingApprovalSchema.optional(),
  },
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: true,
  },
  async review({ domain, actor }, args) {
    const review = await domain.rollbacks.review(actor, args as RollbackSelection);
    return {
      reason: "rolling back changes needs a person's approval when software asks",
      rules: ["rollback"],
      preview: review.preview,
      previewDigest: review.previewDigest,
    };
  },
  async request({ domain, actor, source }, args, approval) {
    const outcome = await domain.rollbacks.request(
      actor,
      source,
      args as RollbackSelection,
      approval,
    );
    if (outcome.status === "approval_required") {
      return {
        status: "approval_required",
        approval: outcome.approval,
        review: {
          reason: outcome.approval.reason,
          rules: outcome.approval.rules,
          preview: outcome.review.preview,
          previewDigest: outcome.review.previewDigest,
        },
      };
    }
    const { rollback } = outcome;
    const restored = rollback.outcomes.filter((item) => item.status === "restored").length;
    const presentation: Presentation = {
      structured: { status: "applied", rollback: { ...rollback } },
      text: `Rolled back (rollback ${rollback.id}): restored ${restored} campaign(s). ` +
        describePlan(rollback.plan),
      component: planTable(rollback.plan),
    };
    return { status: "applied", presentation };
  },
};

function describeChange(change: ChangeRecord): string {
  const fields = Object.entries(change.fields)
    .map(([field, value]) =>
      `${field} ${JSON.stringify(value.before)} → ${JSON.stringify(value.after)}`
    )
    .join(", ");
  const subject = change.campaignId === null
    ? `ad account ${change.adAccountId}`
    : `campaign ${change.campaignId}`;
  return `${change.createdAt} ${change.operation} of ${subject} by ` +
    `${change.actorKind}${change.sourceId ? ` (${change.sourceId})` : ""}: ${fields}`;
}

function describePlan(plan: RollbackPlan): string {
  const count = (outcome: string) =>
    plan.fields.filter((field) => field.outcome === outcome).length;
  return `${plan.changeIds.length} change(s): ${count("will_restore")} field(s) to restore, ` +
    `${count("changed_since")} changed since (left alone), ${count("already_restored")} ` +
    `already restored, ${count("not_reversible")} not reversible` +
    (plan.accountChangeIds.length > 0
      ? `; ${plan.accountChangeIds.length} change(s) to ad accounts themselves are not rolled back.`
      : ".");
}

function planTable(plan: RollbackPlan): Presentation["component"] {
  return {
    type: "table",
    data: {
      title: "Rollback",
      columns: [
        { key: "campaign", label: "Campaign" },
        { key: "field", label: "Field" },
        { key: "outcome", label: "Outcome" },
        { key: "restoreTo", label: "Restore to" },
      ],
      rows: plan.fields.map((field, index) => ({
        id: `${field.campaignId}:${field.field}:${index}`,
        campaign: field.campaignName,
        field: field.field,
        outcome: field.outcome.replaceAll("_", " "),
        restoreTo: JSON.stringify(field.before),
      })),
      total: plan.fields.length,
    },
  };
}
