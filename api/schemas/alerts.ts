/**
 * Response shapes of anomaly alerts.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { CHANGE_ACTOR_KINDS } from "../../domain/change_history.ts";
import { ALERT_SEVERITIES, ALERT_TYPES, alertThresholdsSchema } from "../../domain/alerts/types.ts";
import { snakeObject } from "../case.ts";
import { CalendarDate, Timestamp } from "./common.ts";

const metric = z.enum(["spend", "cpa", "roas", "ctr", "conversions"]);

/** What the detector saw. */
const FindingSchema = z.object({
  type: z.enum(ALERT_TYPES),
  severity: z.enum(ALERT_SEVERITIES),
  date: CalendarDate,
  partial_day: z.boolean().openapi({ description: "Seen on today's partial row." }),
  metric,
  observed: z.number().openapi({
    description: "The metric on the day: spend and CPA in minor units, ROAS and CTR as ratios.",
  }),
  expected: z.number().openapi({ description: "The baseline's value (for budgets: the budget)." }),
  relative_change: z.number().openapi({ example: -0.62 }),
  z: z.number().nullable().openapi({ description: "Robust z-score; null for stops and budgets." }),
  baseline: z.object({
    method: z.enum(["same_weekday", "recent_days", "weeks_before"]).openapi({
      description: "same_weekday: the same weekday of past weeks; recent_days: the last 14 " +
        "days (young campaigns); weeks_before: the 8 weeks before a sustained shift.",
    }),
    dates: z.array(CalendarDate),
    median: z.number(),
    low: z.number().openapi({ description: "Lower edge of the normal band." }),
    high: z.number().openapi({ description: "Upper edge of the normal band." }),
  }).nullable(),
  shift: z.object({ start: CalendarDate, days: z.number().int() }).optional().openapi({
    description: "A sustained shift: its first day and length (observed and expected are " +
      "then over those days). Absent for a one-day anomaly.",
  }),
  summary: z.string(),
});

const PartSchema = z.object({
  part: z.enum([
    "cpm",
    "impressions",
    "cpc",
    "conversion_rate",
    "value_per_conversion",
    "clicks",
    "ctr",
  ]),
  observed: z.number().nullable(),
  baseline: z.number().nullable(),
  relative_change: z.number().nullable(),
});

const CauseChangeSchema = z.object({
  change_id: z.uuid(),
  at: Timestamp,
  operation: z.string(),
  actor_kind: z.enum(CHANGE_ACTOR_KINDS),
  source_id: z.string().nullable(),
  fields: z.array(z.string()),
});

const NextStepSchema = z.object({
  kind: z.enum(["pause", "lower_budget", "roll_back"]),
  description: z.string(),
  operation: z.record(z.string(), z.unknown()).optional().openapi({
    description: "For pause and lower_budget: the write gateway operation to submit " +
      "(e.g. POST /campaigns/{id}/pause, PATCH /campaigns/{id}); nothing is applied by the alert.",
  }),
  rollback: z.object({ change_ids: z.array(z.uuid()) }).optional().openapi({
    description: "For roll_back: the selection to send to POST /rollbacks.",
  }),
});

/** One alert. */
export const AlertSchema = z.object({
  id: z.uuid(),
  ad_account_id: z.uuid(),
  campaign_id: z.uuid().nullable().openapi({ description: "Null: the account's totals." }),
  type: z.enum(ALERT_TYPES),
  severity: z.enum(ALERT_SEVERITIES),
  status: z.enum(["open", "acknowledged", "resolved"]),
  metric_date: CalendarDate,
  finding: FindingSchema,
  cause: z.object({
    parts: z.array(PartSchema),
    moved_part: PartSchema.shape.part.nullable(),
    changes: z.array(CauseChangeSchema),
    next_steps: z.array(NextStepSchema),
  }),
  created_at: Timestamp,
  last_detected_at: Timestamp,
  acknowledged_at: Timestamp.nullable(),
  acknowledged_by: z.uuid().nullable(),
  resolved_at: Timestamp.nullable(),
  resolved_by: z.uuid().nullable(),
  resolution: z.enum(["auto", "manual", "inactive"]).nullable(),
}).openapi("Alert");

/** A campaign's mute. */
export const MuteSchema = z.object({
  campaign_id: z.uuid(),
  muted_until: Timestamp,
}).openapi("AlertMute");

/** An ad account's detection thresholds. */
export const AlertThresholdsSchema = snakeObject(alertThresholdsSchema).extend({
  ad_account_id: z.uuid(),
  is_default: z.boolean().openapi({ description: "True until someone saves thresholds." }),
}).openapi("AlertThresholds");
