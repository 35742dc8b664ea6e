/**
 * Response shapes of durable agent runs and their steps.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { AGENT_RUN_STATUSES } from "../../agent/runs/types.ts";
import { Timestamp } from "./common.ts";

/** One recorded step: a model call, a tool call or a confirmation. */
export const RunStepSchema = z.object({
  id: z.uuid(),
  seq: z.number().int().min(1),
  kind: z.enum(["model_call", "tool_call", "confirmation"]),
  name: z.string().openapi({ description: "Tool or model name." }),
  status: z.enum(["pending", "running", "succeeded", "failed", "cancelled"]),
  attempt: z.number().int().min(1).openapi({
    description: "Greater than 1 when the step ran again (after approval, or a resumed crash).",
  }),
  input: z.unknown(),
  output: z.unknown(),
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
  duration_ms: z.number().int().nullable(),
}).openapi("RunStep");

/** A run with its steps. */
export const RunSchema = z.object({
  id: z.uuid(),
  conversation_id: z.uuid(),
  status: z.enum(AGENT_RUN_STATUSES),
  pending_confirmation: z.object({
    confirmation_id: z.string(),
    preview: z.unknown().openapi({ description: "What the held-back call would change." }),
  }).nullable().openapi({ description: "The open approval request while waiting." }),
  input_tokens: z.number().int().min(0),
  output_tokens: z.number().int().min(0),
  error: z.string().nullable(),
  error_code: z.string().nullable().optional().openapi({
    description: "Stable code of `error`, e.g. `insufficient_credits`.",
  }),
  created_at: Timestamp,
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
  steps: z.array(RunStepSchema),
}).openapi("Run");

/** Body of `POST /runs/{id}/confirm`. */
export const ConfirmRunSchema = z.object({
  confirmation_id: z.string().min(1).max(128),
  decision: z.enum(["approve", "reject"]),
}).openapi("ConfirmRun");
