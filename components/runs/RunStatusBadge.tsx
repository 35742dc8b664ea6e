import type { AgentRunStatus, AgentStepStatus } from "@/agent/runs/types.ts";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";

/** A status of a run or of one of its steps. */
export type RunOrStepStatus = AgentRunStatus | AgentStepStatus;

/** Labels where the status word alone would read as code (`waiting_confirmation`). */
const LABELS: Record<RunOrStepStatus, string> = {
  queued: "Queued",
  running: "Running",
  waiting_confirmation: "Waiting for approval",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
  pending: "Pending",
  succeeded: "Succeeded",
};

/** A pill naming a run's or a step's status. */
export function RunStatusBadge({ status }: { status: RunOrStepStatus }) {
  return <StatusBadge status={status} label={LABELS[status] ?? status} />;
}
