import type { AgentRunStatus, AgentStepStatus } from "@/db/schema.ts";

/** A status of a run or of one of its steps. */
export type RunOrStepStatus = AgentRunStatus | AgentStepStatus;

const GREEN =
  "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-500/30";
const BLUE =
  "bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-500/30";
const AMBER =
  "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-500/30";
const RED =
  "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-500/30";
const GREY =
  "bg-neutral-100 text-neutral-700 ring-neutral-500/20 dark:bg-neutral-500/10 dark:text-neutral-300 dark:ring-neutral-500/30";

/** Label and colour per status: `StatusBadge` would print `waiting_confirmation` as is. */
const STYLES: Record<RunOrStepStatus, { label: string; tone: string }> = {
  queued: { label: "Queued", tone: GREY },
  running: { label: "Running", tone: BLUE },
  waiting_confirmation: { label: "Waiting for approval", tone: AMBER },
  completed: { label: "Completed", tone: GREEN },
  failed: { label: "Failed", tone: RED },
  cancelled: { label: "Cancelled", tone: GREY },
  pending: { label: "Pending", tone: AMBER },
  succeeded: { label: "Succeeded", tone: GREEN },
};

/** A pill naming a run's or a step's status, shaped like `StatusBadge`. */
export function RunStatusBadge({ status }: { status: RunOrStepStatus }) {
  const style = STYLES[status] ?? { label: status, tone: GREY };
  return (
    <span
      data-status={status}
      class={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.tone}`}
    >
      {style.label}
    </span>
  );
}
