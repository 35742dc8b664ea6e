/**
 * Response shapes of durable workflow runs (rule evaluations and other background work).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { Timestamp } from "./common.ts";

const STATUSES = ["queued", "running", "succeeded", "failed"] as const;

const runFields = {
  id: z.uuid(),
  kind: z.string().openapi({ example: "rule_evaluation" }),
  subject_id: z.string().openapi({ description: "What it is about: a rule's id, …" }),
  dedupe_key: z.string().openapi({ example: "rule:…:2026-12-07T10:15:00.000Z" }),
  status: z.enum(STATUSES),
  input: z.unknown(),
  progress: z.unknown(),
  result: z.unknown(),
  error: z.string().nullable(),
  scheduled_for: Timestamp,
  attempt: z.number().int().openapi({ description: "Claims so far (a resumed run has 2+)." }),
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
};

/** A workflow run. */
export const WorkflowRunSchema = z.object(runFields).openapi("WorkflowRun");

/** A workflow run with its steps (its own object: an `allOf` would refuse the extra fields). */
export const WorkflowRunDetailSchema = z.object({
  ...runFields,
  steps: z.array(z.object({
    seq: z.number().int(),
    key: z.string(),
    name: z.string(),
    status: z.enum(["running", "succeeded", "failed"]),
    input: z.unknown(),
    output: z.unknown(),
    error: z.string().nullable(),
    attempt: z.number().int(),
    started_at: Timestamp,
    finished_at: Timestamp.nullable(),
    duration_ms: z.number().int().nullable(),
  })),
}).openapi("WorkflowRunDetail");
