/**
 * Response shapes of automated rules and their backtests.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import {
  RULE_METRICS,
  RULE_OPERATORS,
  ruleDraftSchema,
  ruleUpdateSchema,
} from "../../domain/rules/model.ts";
import { snakeObject } from "../case.ts";
import { Timestamp } from "./common.ts";

/*
 * The rule schemas below are typed loosely on purpose: the snake-cased type of a rule's nested
 * condition groups is deep enough to trip TypeScript's instantiation limit in route handlers.
 * Validation and the OpenAPI document use the full schemas; the domain parses the input again.
 */

/** A draft of a rule, as a request body: money in major units of the account's currency. */
export const RuleDraftBodySchema = loosely(snakeObject(ruleDraftSchema).openapi("RuleDraft"));

/** A change of a rule: any top-level field, replacing it whole. */
export const RuleUpdateBodySchema = loosely(snakeObject(ruleUpdateSchema).openapi("RuleUpdate"));

/** A schema as itself at run time, typed as an open JSON object. */
function loosely(schema: z.ZodType): z.ZodType<Record<string, unknown>> {
  return schema as unknown as z.ZodType<Record<string, unknown>>;
}

const ConflictSchema = z.object({
  other_rule_id: z.uuid(),
  other_rule_name: z.string(),
  kind: z.enum(["pause_vs_resume", "budget_up_vs_down"]),
  campaign_ids: z.array(z.uuid()),
  message: z.string(),
});

const TotalsSchema = z.object({ spend_minor: z.number().int(), conversions: z.number() });

const OutcomeSchema = z.object({
  estimate: z.literal(true),
  without_rule: TotalsSchema,
  with_rule: TotalsSchema,
}).openapi({
  description: "Spend and conversions over the period with and without the rule: estimates " +
    "replayed from stored daily metrics (money in minor units).",
});

const SummarySchema = z.object({
  ran_at: Timestamp,
  days: z.number().int(),
  firing_count: z.number().int(),
  blocked_count: z.number().int(),
  gate_blocked_count: z.number().int(),
  outcome: OutcomeSchema,
});

/** A rule: the draft's fields plus what the product knows about it. */
export const RuleSchema = loosely(
  snakeObject(ruleDraftSchema).extend({
    id: z.uuid(),
    currency: z.string().openapi({
      description: "Unit of money values in conditions and actions.",
    }),
    time_zone: z.string().openapi({ description: "The account's zone: schedule and windows." }),
    warnings: z.array(ConflictSchema).openapi({
      description: "Other enabled rules that can act against this one on the same campaigns.",
    }),
    latest_backtest: SummarySchema.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  }).openapi("Rule"),
);

const ConditionResultSchema = z.object({
  path: z.string(),
  metric: z.enum(RULE_METRICS),
  window: z.string(),
  operator: z.enum(RULE_OPERATORS),
  actual: z.number().nullable(),
  threshold: z.number().nullable(),
  passed: z.boolean(),
});

const GateWindowSchema = z.object({
  window: z.string(),
  impressions: z.number(),
  clicks: z.number(),
  passed: z.boolean(),
});

export const EvaluationSchema = z.object({
  fires: z.boolean(),
  conditions_met: z.boolean(),
  gate: z.object({ enabled: z.boolean(), passed: z.boolean(), windows: z.array(GateWindowSchema) }),
  conditions: z.array(ConditionResultSchema),
}).openapi({
  description: "Each condition's value (money metrics in minor units, CTR and budget used in " +
    "percent) and the data gate per window.",
});

const LocalTime = z.string().openapi({
  description: "Local time of the ad account, YYYY-MM-DDTHH:MM",
  example: "2026-11-20T09:00",
});

/** A backtest: every firing, the budget paths, and the estimated outcome. */
export const BacktestSchema = z.object({
  rule_id: z.uuid().nullable(),
  ran_at: Timestamp,
  from: z.iso.date(),
  to: z.iso.date(),
  days: z.number().int(),
  frequency: z.enum(["every_15_minutes", "hourly", "daily"]),
  estimate_note: z.string(),
  currency: z.string(),
  campaigns_evaluated: z.number().int(),
  firing_count: z.number().int(),
  blocked_count: z.number().int(),
  firings: z.array(z.object({
    at: LocalTime,
    campaign_id: z.uuid(),
    campaign_name: z.string(),
    action: z.string(),
    budget_before_minor: z.number().nullable(),
    budget_after_minor: z.number().nullable(),
    evaluation: EvaluationSchema,
    blocked: z.object({
      limit: z.string(),
      message: z.string(),
      needs_approval: z.boolean(),
    }).nullable(),
  })),
  gate_blocked_count: z.number().int(),
  gate_blocked: z.array(z.object({
    at: LocalTime,
    campaign_id: z.uuid(),
    campaign_name: z.string(),
    windows: z.array(GateWindowSchema),
  })),
  paths: z.array(z.object({
    campaign_id: z.uuid(),
    campaign_name: z.string(),
    points: z.array(z.object({
      at: LocalTime,
      budget_minor: z.number().nullable(),
      status: z.enum(["active", "paused"]),
    })),
  })),
  outcome: OutcomeSchema,
}).openapi("Backtest");

const WindowCountsSchema = z.object({
  impressions: z.number(),
  clicks: z.number(),
  spend_minor: z.number(),
  conversions: z.number(),
  revenue_minor: z.number(),
  days: z.number().int(),
});

const OUTCOMES = [
  "not_fired",
  "skipped",
  "pending",
  "applied",
  "held",
  "refused",
  "notified",
] as const;

/** One scheduled evaluation of a rule, with what it found and did for each campaign. */
export const RuleEvaluationRunSchema = z.object({
  run_id: z.uuid().openapi({ description: "The workflow run (`GET /workflow-runs/{id}`)." }),
  slot_at: Timestamp,
  slot_local: LocalTime,
  status: z.enum(["queued", "running", "succeeded", "failed"]),
  error: z.string().nullable(),
  counts: z.record(z.string(), z.number().int()).openapi({
    description: "Campaigns per outcome.",
  }),
  campaigns: z.array(z.object({
    campaign_id: z.uuid(),
    campaign_name: z.string(),
    action: z.string(),
    outcome: z.enum(OUTCOMES).openapi({
      description: "`not_fired` (conditions or gate), `skipped` (cooldown, or nothing to " +
        "change), `applied`, `held` for a person's approval, `refused` by a hard limit, " +
        "`notified` (notify only), `pending` while the run applies it.",
    }),
    stopped_by: z.enum(["conditions", "gate", "cooldown", "not_applicable", "limits", "approval"])
      .nullable(),
    evaluation: EvaluationSchema,
    windows: z.record(z.string(), WindowCountsSchema).openapi({
      description: "The counts per window the values came from (money in minor units).",
    }),
    daily_budget_minor: z.number().int().nullable(),
    budget_before_minor: z.number().int().nullable(),
    budget_after_minor: z.number().int().nullable(),
    change_id: z.uuid().nullable(),
    approval_id: z.uuid().nullable(),
    message: z.string().nullable(),
  })),
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
}).openapi("RuleEvaluationRun");
