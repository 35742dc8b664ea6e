import { defineRoute } from "$fresh/server.ts";
import { ACTIVE_AGENT_RUN_STATUSES } from "@/agent/runs/types.ts";
import type { RunDetailView } from "@/agent/runs/views.ts";
import { RunStatusBadge } from "@/components/runs/RunStatusBadge.tsx";
import { RunOverview } from "@/components/runs/RunOverview.tsx";
import { RunTimeline } from "@/components/runs/RunTimeline.tsx";
import { WorkflowRunView } from "@/components/runs/WorkflowRunView.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { NotFoundError } from "@/domain/errors.ts";
import type { WorkflowRunDetailView } from "@/domain/workflows/views.ts";
import RunLiveRefresh from "@/islands/RunLiveRefresh.tsx";
import { formatDateTime } from "@/pages/format.ts";
import type { SignedInState } from "@/pages/state.ts";

/** How often an unfinished run's page refreshes itself. */
const REFRESH_MS = 2_000;
/** The part of the page the live refresh replaces. */
const LIVE_REGION = "run-live";

/** Runs `read`, answering undefined for a `NotFoundError`. */
async function unlessMissing<Value>(read: () => Promise<Value>): Promise<Value | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * One run: an agent run (its status and costs, then every step on a shared time axis) or a
 * workflow run (a rule's evaluation or resume, an alert detection: its actor, what it did, its
 * steps on the same timeline). Only the owner sees it; any other id is a 404, as in
 * `GET /api/v1/runs/{id}` and `GET /api/v1/workflow-runs/{id}`. Fully rendered on the server;
 * while the run is unfinished a small island (or, without JavaScript, a meta refresh) keeps it
 * current, and a finished run's page ships no JavaScript.
 */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  const run = await unlessMissing(() => services.runs.runDetail(actor, ctx.params.id));
  if (!run) {
    const workflowRun = await unlessMissing(() =>
      services.domain.workflowRuns.detail(actor, ctx.params.id)
    );
    if (!workflowRun) return ctx.renderNotFound();
    ctx.state.title = workflowRun.kindLabel;
    return <WorkflowRunPage run={workflowRun} />;
  }
  ctx.state.title = "Agent run";
  const changes = await services.domain.changes.list(actor, { sourceId: run.id, limit: 1 });
  return <AgentRunPage run={run} changes={changes} />;
});

/** The refresh for an unfinished run: the island, or without JavaScript a meta refresh. */
function LiveRefresh({ active }: { active: boolean }) {
  return (
    <>
      <div class="mb-2 flex flex-wrap items-center justify-between gap-3 text-sm">
        <nav>
          <a href="/runs" class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400">
            ← Runs
          </a>
        </nav>
        {active && <RunLiveRefresh regionId={LIVE_REGION} intervalMs={REFRESH_MS} />}
      </div>
      {active && (
        <noscript>
          <meta http-equiv="refresh" content={String(REFRESH_MS / 1000)} />
        </noscript>
      )}
    </>
  );
}

function WorkflowRunPage({ run }: { run: WorkflowRunDetailView }) {
  const active = run.status === "queued" || run.status === "running";
  return (
    <>
      <LiveRefresh active={active} />
      <div id={LIVE_REGION} data-active={String(active)}>
        <WorkflowRunView run={run} nowMs={Date.now()} />
      </div>
    </>
  );
}

function AgentRunPage(
  { run, changes }: { run: RunDetailView; changes: { total: number } },
) {
  const nowMs = Date.now();
  const active = ACTIVE_AGENT_RUN_STATUSES.includes(run.status);
  return (
    <>
      <LiveRefresh active={active} />
      <div id={LIVE_REGION} data-active={String(active)}>
        <header class="mb-6">
          <div class="flex flex-wrap items-center gap-3">
            <h1 class="text-2xl font-semibold tracking-tight">Agent run</h1>
            <RunStatusBadge status={run.status} />
          </div>
          <p class="mt-2 text-base font-medium" data-run-plain-summary>{run.summary}.</p>
          <p class="mt-1 text-sm text-neutral-600 dark:text-neutral-400">
            Queued {formatDateTime(run.createdAt, { seconds: true })} ·{" "}
            <span class="font-mono text-xs" data-run-id>{run.id}</span>
          </p>
          {changes.total > 0 && (
            <p class="mt-2 flex flex-wrap gap-4 text-sm">
              <a
                href={`/changes?source_id=${run.id}`}
                class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
              >
                Its {changes.total} change(s)
              </a>
              <a
                href={`/rollbacks/new?source_id=${run.id}`}
                class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
                data-undo-run
              >
                Undo this run…
              </a>
            </p>
          )}
        </header>
        <RunOverview run={run} nowMs={nowMs} />
        <Card
          title="Timeline"
          description="Each model call, tool call and confirmation in order, on one time axis. A step that ran again shows its latest attempt."
          class="mt-6"
        >
          <RunTimeline run={run} nowMs={nowMs} />
        </Card>
      </div>
    </>
  );
}
