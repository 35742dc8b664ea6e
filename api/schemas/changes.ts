/**
 * Response shapes of the write gateway's resources: autopilot limits, the change history,
 * approvals and rollbacks.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { APPROVAL_STATUSES } from "../../domain/approvals.ts";
import { AUTOMATED_OPERATIONS } from "../../domain/autopilot_limits.ts";
import { CHANGE_ACTOR_KINDS } from "../../domain/change_history.ts";
import { Timestamp } from "./common.ts";

const actorKind = z.enum(CHANGE_ACTOR_KINDS);

/** One field change: its value before and after. */
const FieldChangeSchema = z.object({ before: z.unknown(), after: z.unknown() });

/** An ad account's autopilot limits. Money in minor units of `currency`. */
export const LimitsSchema = z.object({
  ad_account_id: z.uuid(),
  currency: z.string(),
  is_default: z.boolean().openapi({ description: "True until someone saves limits." }),
  max_campaign_daily_budget_minor: z.number().int(),
  max_account_daily_budget_minor: z.number().int(),
  max_increase_per_change_percent: z.number().int(),
  max_daily_increase_percent: z.number().int().openapi({
    description: "Largest sum of software's budget increases over any rolling 24 hours.",
  }),
  max_weekly_increase_percent: z.number().int().openapi({
    description: "The same over any rolling 7 days.",
  }),
  automated_operations: z.array(z.enum(AUTOMATED_OPERATIONS)),
  frozen: z.boolean(),
}).openapi("AutopilotLimits");

/** One applied change. */
export const ChangeSchema = z.object({
  id: z.uuid(),
  ad_account_id: z.uuid(),
  campaign_id: z.uuid().nullable().openapi({
    description: "Null for a change to the ad account itself (renamed, disconnected).",
  }),
  seq: z.number().int().positive(),
  operation: z.string().openapi({ example: "update" }),
  actor_kind: actorKind,
  source_id: z.string().nullable().openapi({
    description: "Run id, rule id, API token id, MCP client or rollback id; null for a person.",
  }),
  approval_id: z.uuid().nullable(),
  fields: z.record(z.string(), FieldChangeSchema),
  platform_response: z.record(z.string(), z.unknown()),
  idempotency_key: z.string().nullable(),
  created_at: Timestamp,
}).openapi("Change");

/** A change held for a person's approval, whoever asked. */
export const ApprovalSchema = z.object({
  id: z.uuid(),
  status: z.enum(APPROVAL_STATUSES),
  url: z.url().openapi({ description: "Where a signed-in person approves it." }),
  requester: z.object({ kind: actorKind, id: z.string().nullable() }),
  ad_account_id: z.uuid().nullable(),
  reason: z.string(),
  rules: z.array(z.string()),
  operation: z.record(z.string(), z.unknown()),
  preview: z.object({
    summary: z.string(),
    changes: z.array(z.unknown()),
    currency: z.string().optional().openapi({
      description: "The currency of the money fields in `changes` (minor units).",
    }),
    labels: z.record(z.string(), z.string()).optional().openapi({
      description: "Names for ids among the changes' values (e.g. the ad account's name).",
    }),
  }),
  idempotency_key: z.string().nullable(),
  created_at: Timestamp,
  expires_at: Timestamp,
  decided_by: z.uuid().nullable(),
  decided_at: Timestamp.nullable(),
  used_at: Timestamp.nullable(),
}).openapi("Approval");

/** What a rollback does to one field. */
const FieldPlanSchema = z.object({
  campaign_id: z.uuid(),
  campaign_name: z.string(),
  field: z.string(),
  outcome: z.enum(["will_restore", "already_restored", "changed_since", "not_reversible"]),
  before: z.unknown().openapi({ description: "The value a rollback restores." }),
  current: z.unknown().optional().openapi({
    description: "The value now (`will_restore`, `changed_since`).",
  }),
  changed_by: z.object({
    actor_kind: actorKind,
    source_id: z.string().nullable(),
    at: Timestamp,
  }).optional().openapi({ description: "Who changed it since (`changed_since`)." }),
  reason: z.string().optional().openapi({ description: "Why not (`not_reversible`)." }),
});

/** A rollback's plan (the dry run's answer). */
export const RollbackPlanSchema = z.object({
  change_ids: z.array(z.uuid()),
  fields: z.array(FieldPlanSchema),
  account_change_ids: z.array(z.uuid()).openapi({
    description: "Selected changes to ad accounts themselves (renamed, disconnected): left as " +
      "they are.",
  }),
  spend_since: z.array(z.object({
    campaign_id: z.uuid(),
    currency: z.string(),
    since: Timestamp,
    spend_minor: z.number().int().openapi({
      description: "Spend since the first selected change: money a rollback cannot return.",
    }),
  })),
}).openapi("RollbackPlan");

/** A rollback as stored: its plan and, per campaign, how restoring went. */
export const RollbackSchema = z.object({
  id: z.uuid(),
  status: z.enum(["applying", "completed"]),
  requested_by: actorKind,
  plan: RollbackPlanSchema,
  outcomes: z.array(z.object({
    campaign_id: z.uuid(),
    status: z.enum(["restored", "refused"]),
    message: z.string().optional(),
  })),
  created_at: Timestamp,
  completed_at: Timestamp.nullable(),
}).openapi("Rollback");
