/**
 * `RunView`: a run with its steps, as the transports and REST show it.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { fromDbJson } from "../../db/json.ts";
import { isoFromDb, isoFromDbOrNull } from "../../db/time.ts";
import type { RunStepView, RunView } from "./types.ts";
import { pendingOf, type RunRow } from "./store.ts";

/** The view of `run`, with its steps in order. */
export async function runView(db: Database, run: RunRow): Promise<RunView> {
  const steps = await db.kysely.selectFrom("agent_steps").selectAll()
    .where("run_id", "=", run.id).orderBy("seq").execute();
  const pending = run.status === "waiting_confirmation" ? pendingOf(run) : null;
  return {
    id: run.id,
    conversationId: run.conversation_id,
    status: run.status,
    pendingConfirmation: pending
      ? { confirmationId: pending.confirmationId, preview: pending.preview }
      : null,
    inputTokens: Number(run.input_tokens),
    outputTokens: Number(run.output_tokens),
    error: run.error,
    errorCode: run.error_code,
    createdAt: isoFromDb(run.created_at),
    startedAt: isoFromDbOrNull(run.started_at),
    finishedAt: isoFromDbOrNull(run.finished_at),
    steps: steps.map((step): RunStepView => ({
      id: step.id,
      seq: step.seq,
      kind: step.kind,
      name: step.name,
      status: step.status,
      attempt: step.attempt,
      input: fromDbJson(step.input),
      output: fromDbJson(step.output),
      startedAt: isoFromDbOrNull(step.started_at),
      finishedAt: isoFromDbOrNull(step.finished_at),
      durationMs: step.duration_ms,
    })),
  };
}
