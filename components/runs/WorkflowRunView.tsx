import type { ComponentChildren } from "preact";
import { runDuration } from "@/components/runs/RunOverview.tsx";
import { RunStatusBadge } from "@/components/runs/RunStatusBadge.tsx";
import { WorkflowTimeline } from "@/components/runs/WorkflowTimeline.tsx";
import { Alert } from "@/components/ui/Alert.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import type { WorkflowRunCampaign, WorkflowRunDetailView } from "@/domain/workflows/views.ts";
import { formatDateTime, formatDuration } from "@/pages/format.ts";

const LINK = "font-medium text-indigo-600 hover:underline dark:text-indigo-400";

/** What each campaign outcome of a rule's evaluation reads as. */
const OUTCOMES: Record<string, string> = {
  pending: "Deciding",
  applied: "Changed",
  held: "Held for approval",
  refused: "Refused by the limits",
  notified: "Notified",
  skipped: "Skipped",
};

const CAMPAIGN_COLUMNS: readonly Column[] = [
  { label: "Campaign" },
  { label: "Outcome" },
  { label: "Change or approval" },
];

/**
 * A workflow run's page body: its kind, status and plain-words summary, who acted (the rule,
 * linking to its page and its changes), progress while it runs, the campaigns a rule fired on,
 * then the timeline of its steps. Fully server-rendered.
 */
export function WorkflowRunView({ run, nowMs }: { run: WorkflowRunDetailView; nowMs: number }) {
  const duration = runDuration(run, nowMs);
  const { actor } = run;
  return (
    <>
      <header class="mb-6">
        <div class="flex flex-wrap items-center gap-3">
          <h1 class="text-2xl font-semibold tracking-tight" data-run-kind={run.kind}>
            {run.kindLabel}
          </h1>
          <RunStatusBadge status={run.status} />
        </div>
        <p class="mt-2 text-base" data-run-summary-text>{run.summary}</p>
        <p class="mt-1 text-sm text-neutral-600 dark:text-neutral-400">
          Due {formatDateTime(run.scheduledFor, { seconds: true })} ·{" "}
          <span class="font-mono text-xs" data-run-id>{run.id}</span>
        </p>
      </header>
      {run.status === "failed" && (
        <Alert kind="error">
          <p data-run-error>
            <strong>The run failed:</strong> {run.error ?? "no reason was recorded."}
          </p>
        </Alert>
      )}
      {run.progressDone && (
        <div class="mb-4" data-run-progress>
          <progress
            class="h-2 w-full"
            value={run.progressDone.done}
            max={Math.max(1, run.progressDone.total)}
          />
          <p class="mt-1 text-sm text-neutral-600 dark:text-neutral-400">
            {run.progressDone.done} of {run.progressDone.total} done
          </p>
        </div>
      )}
      <dl class="grid grid-cols-2 gap-x-6 gap-y-4 rounded-lg border border-neutral-200 bg-white p-5 text-sm shadow-sm sm:grid-cols-3 lg:grid-cols-5 dark:border-neutral-800 dark:bg-neutral-900">
        <Fact label="Actor">
          {actor.kind === "rule"
            ? (
              <span data-run-actor="rule">
                Rule {actor.deleted
                  ? <span>{actor.name}</span>
                  : <a href={`/rules/${actor.id}`} class={LINK} data-rule-link>{actor.name}</a>}
              </span>
            )
            : <span data-run-actor="schedule">{actor.name}</span>}
        </Fact>
        {actor.kind === "rule" && (
          <Fact label="Changes">
            <a
              href={`/changes?source_id=${actor.id}`}
              class={LINK}
              data-changes-link
            >
              Changes by this rule
            </a>
          </Fact>
        )}
        <Fact label="Started">
          {run.startedAt ? formatDateTime(run.startedAt, { seconds: true }) : "Not yet"}
        </Fact>
        <Fact label="Finished">
          {run.finishedAt ? formatDateTime(run.finishedAt, { seconds: true }) : "—"}
        </Fact>
        <Fact label="Duration">
          {duration ? formatDuration(duration.ms) : "—"}
          {duration?.soFar && (
            <span class="ml-1 text-neutral-500 dark:text-neutral-400">so far</span>
          )}
        </Fact>
        {run.attempt > 1 && <Fact label="Attempts">{run.attempt}</Fact>}
      </dl>
      {run.campaigns.length > 0 && (
        <Card
          title="Campaigns it fired on"
          description="Each change went through the write gateway as the rule, under the account's limits."
          class="mt-6"
        >
          <CampaignOutcomes
            campaigns={run.campaigns}
            ruleId={actor.kind === "rule" ? actor.id : null}
          />
        </Card>
      )}
      <Card
        title="Timeline"
        description="Each step in order, on one time axis. A step that ran again shows its latest attempt; a resumed run skips the steps already done."
        class="mt-6"
      >
        <WorkflowTimeline run={run} nowMs={nowMs} />
      </Card>
    </>
  );
}

function CampaignOutcomes(
  { campaigns, ruleId }: { campaigns: WorkflowRunCampaign[]; ruleId: string | null },
) {
  return (
    <Table columns={CAMPAIGN_COLUMNS} caption="Campaigns it fired on">
      {campaigns.map((campaign) => (
        <tr data-campaign-outcome={campaign.outcome} data-campaign-id={campaign.campaignId}>
          <Cell>
            <a href={`/campaigns/${campaign.campaignId}`} class={LINK}>{campaign.campaignName}</a>
          </Cell>
          <Cell>
            {OUTCOMES[campaign.outcome] ?? campaign.outcome}
            {campaign.stoppedBy && campaign.outcome === "skipped" && (
              <span class="ml-1 text-neutral-500 dark:text-neutral-400">
                ({campaign.stoppedBy.replaceAll("_", " ")})
              </span>
            )}
          </Cell>
          <Cell>
            {campaign.approvalId && campaign.outcome === "held"
              ? <a href={`/approvals/${campaign.approvalId}`} class={LINK}>Review the approval</a>
              : campaign.changeId && ruleId
              ? (
                <a
                  href={`/changes?source_id=${ruleId}&campaign=${campaign.campaignId}`}
                  class={LINK}
                >
                  See the change
                </a>
              )
              : "—"}
          </Cell>
        </tr>
      ))}
    </Table>
  );
}

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div>
      <dt class="text-xs font-medium uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
        {label}
      </dt>
      <dd class="mt-1">{children}</dd>
    </div>
  );
}
