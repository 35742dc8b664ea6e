import type { RunSummary } from "@/agent/runs/views.ts";
import { RunStatusBadge } from "@/components/runs/RunStatusBadge.tsx";
import { conversationHref, runDuration } from "@/components/runs/RunOverview.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import { formatCount, formatDateTime, formatDuration } from "@/pages/format.ts";

const COLUMNS: readonly Column[] = [
  { label: "Started" },
  { label: "Status" },
  { label: "Conversation" },
  { label: "Duration", align: "right" },
  { label: "Steps", align: "right" },
];

const LINK = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

/** A page of runs, each row linking to the run's timeline and to its conversation. */
export function RunsTable({ runs, nowMs }: { runs: RunSummary[]; nowMs: number }) {
  return (
    <Table columns={COLUMNS} caption="Agent runs">
      {runs.map((run) => {
        const duration = runDuration(run, nowMs);
        return (
          <tr data-run-id={run.id}>
            <Cell>
              <a href={`/runs/${run.id}`} class={LINK}>
                {formatDateTime(run.startedAt ?? run.createdAt, { seconds: true })}
              </a>
            </Cell>
            <Cell>
              <RunStatusBadge status={run.status} />
            </Cell>
            <Cell class="max-w-xs truncate">
              <a
                href={conversationHref(run.conversationId)}
                class="text-neutral-700 hover:underline dark:text-neutral-300"
              >
                {run.conversationTitle ?? "Deleted conversation"}
              </a>
            </Cell>
            <Cell align="right">
              {duration ? formatDuration(duration.ms) : "—"}
              {duration?.soFar && (
                <span class="ml-1 text-neutral-500 dark:text-neutral-400">so far</span>
              )}
            </Cell>
            <Cell align="right">{formatCount(run.stepCount)}</Cell>
          </tr>
        );
      })}
    </Table>
  );
}
