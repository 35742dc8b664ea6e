import type { RunSummary } from "@/agent/runs/views.ts";
import { RunStatusBadge } from "@/components/runs/RunStatusBadge.tsx";
import { conversationHref, runDuration } from "@/components/runs/RunOverview.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import type { WorkflowRunSummary } from "@/domain/workflows/views.ts";
import type { RunListRow } from "@/pages/runs_list.ts";
import { formatCount, formatDateTime, formatDuration } from "@/pages/format.ts";

const COLUMNS: readonly Column[] = [
  // What the run did comes right after when: on a phone those are the columns in view.
  { label: "Started" },
  { label: "What it did" },
  { label: "Kind" },
  { label: "Status" },
  { label: "Duration", align: "right" },
  { label: "Steps", align: "right" },
];

const LINK = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

/**
 * A page of runs — the assistant's (chat) and background work (rule evaluations, resumes, alert
 * detections) — each row linking to the run's timeline, saying what it did in plain words.
 */
export function RunsTable({ rows, nowMs }: { rows: RunListRow[]; nowMs: number }) {
  return (
    <Table columns={COLUMNS} caption="Runs">
      {rows.map((row) =>
        row.type === "chat"
          ? <ChatRow key={row.run.id} run={row.run} nowMs={nowMs} />
          : <WorkflowRow key={row.run.id} run={row.run} nowMs={nowMs} />
      )}
    </Table>
  );
}

function DurationCell({ run, nowMs }: { run: Parameters<typeof runDuration>[0]; nowMs: number }) {
  const duration = runDuration(run, nowMs);
  return (
    <Cell align="right">
      {duration ? formatDuration(duration.ms) : "—"}
      {duration?.soFar && <span class="ml-1 text-neutral-500 dark:text-neutral-400">so far</span>}
    </Cell>
  );
}

function ChatRow({ run, nowMs }: { run: RunSummary; nowMs: number }) {
  return (
    <tr data-run-id={run.id} data-run-kind="chat">
      <Cell>
        <a href={`/runs/${run.id}`} class={LINK}>
          {formatDateTime(run.startedAt ?? run.createdAt, { seconds: true })}
        </a>
      </Cell>
      <Cell class="max-w-md">
        <span class="block text-neutral-800 dark:text-neutral-200" data-run-summary-text>
          {run.summary}
        </span>
        {run.conversationTitle === null
          ? (
            <span class="block truncate text-xs text-neutral-600 dark:text-neutral-400">
              In a deleted conversation
            </span>
          )
          : (
            <a
              href={conversationHref(run.conversationId)}
              class="block truncate text-xs text-neutral-600 hover:underline dark:text-neutral-400"
            >
              In “{run.conversationTitle}”
            </a>
          )}
      </Cell>
      <Cell>Chat</Cell>
      <Cell>
        <RunStatusBadge status={run.status} />
      </Cell>
      <DurationCell run={run} nowMs={nowMs} />
      <Cell align="right">{formatCount(run.stepCount)}</Cell>
    </tr>
  );
}

function WorkflowRow({ run, nowMs }: { run: WorkflowRunSummary; nowMs: number }) {
  return (
    <tr data-workflow-run-id={run.id} data-run-kind={run.kind}>
      <Cell>
        <a href={`/runs/${run.id}`} class={LINK}>
          {formatDateTime(run.startedAt ?? run.scheduledFor, { seconds: true })}
        </a>
      </Cell>
      <Cell class="max-w-md">
        <span class="text-neutral-700 dark:text-neutral-300" data-run-summary-text>
          {run.summary}
        </span>
      </Cell>
      <Cell>{run.kindLabel}</Cell>
      <Cell>
        <RunStatusBadge status={run.status} />
      </Cell>
      <DurationCell run={run} nowMs={nowMs} />
      <Cell align="right">—</Cell>
    </tr>
  );
}
