import { JsonDetails } from "@/components/runs/JsonDetails.tsx";
import { RunStatusBadge } from "@/components/runs/RunStatusBadge.tsx";
import {
  AttemptBadge,
  Axis,
  ROW,
  TimelineLegend,
  Track,
  type TrackContext,
} from "@/components/runs/RunTimeline.tsx";
import { timelineGeometry } from "@/components/runs/timeline_geometry.ts";
import type { WorkflowRunDetailView } from "@/domain/workflows/views.ts";
import { formatDuration } from "@/pages/format.ts";

type WorkflowStep = WorkflowRunDetailView["steps"][number];

/** How each kind of step is named and coloured (by the step's name). */
const STEP_KINDS: Record<string, { label: string; bar: string }> = {
  evaluate: { label: "Evaluate", bar: "bg-indigo-500 dark:bg-indigo-400" },
  apply: { label: "Apply", bar: "bg-emerald-500 dark:bg-emerald-400" },
  resume: { label: "Apply", bar: "bg-emerald-500 dark:bg-emerald-400" },
};
const OTHER_STEP = { label: "Step", bar: "bg-sky-500 dark:bg-sky-400" };

/**
 * A workflow run's steps in order (evaluate, then one apply per firing campaign; or sync and
 * detect), on one shared time axis — the chat runs' timeline, with the step's target named
 * (the campaign an `apply:{id}` step changed).
 */
export function WorkflowTimeline({ run, nowMs }: { run: WorkflowRunDetailView; nowMs: number }) {
  if (run.steps.length === 0) {
    return (
      <p class="text-sm text-neutral-500 dark:text-neutral-400" data-timeline-empty>
        No steps yet: the run has not started.
      </p>
    );
  }
  const geometry = timelineGeometry(run, run.steps, nowMs);
  const campaignNames = new Map(
    run.campaigns.map((campaign) => [campaign.campaignId, campaign.campaignName]),
  );
  const track: Omit<TrackContext, "ownWait"> = {
    ticks: geometry.ticks,
    waits: [],
    waiting: false,
  };
  return (
    <div data-timeline>
      <div class={`${ROW} mb-2`} aria-hidden="true">
        <TimelineLegend
          items={[
            { label: "Evaluate", swatch: STEP_KINDS.evaluate.bar },
            { label: "Apply", swatch: STEP_KINDS.apply.bar },
            { label: "Other step", swatch: OTHER_STEP.bar },
          ]}
        />
        <div class="flex min-w-0 items-end gap-3">
          <Axis ticks={geometry.ticks} />
          <span class="w-16 shrink-0" />
        </div>
      </div>
      <ol class="divide-y divide-neutral-100 dark:divide-neutral-800">
        {run.steps.map((step, index) => {
          const kind = STEP_KINDS[step.name] ?? OTHER_STEP;
          const target = targetOf(step, campaignNames);
          const duration = stepDuration(step, nowMs);
          return (
            <li
              class="py-3"
              data-step
              data-step-seq={step.seq}
              data-step-kind={step.name}
              data-step-status={step.status}
              data-step-attempt={step.attempt}
            >
              <div class={ROW}>
                <div class="min-w-0">
                  <div class="flex flex-wrap items-center gap-x-2 gap-y-1">
                    <span class="text-xs tabular-nums text-neutral-600 dark:text-neutral-400">
                      #{step.seq}
                    </span>
                    <span class="text-xs font-medium text-neutral-500 dark:text-neutral-400">
                      {kind.label}
                    </span>
                    <RunStatusBadge status={step.status} />
                    {step.attempt > 1 && (
                      <AttemptBadge
                        attempt={step.attempt}
                        reason="resumed after a crash, a retry or a takeover"
                      />
                    )}
                  </div>
                  <p class="mt-1 truncate font-medium" title={step.key} data-step-name>
                    {step.name}
                    {target && (
                      <span class="font-normal text-neutral-600 dark:text-neutral-400">
                        {" · "}
                        {target}
                      </span>
                    )}
                  </p>
                </div>
                <div class="flex min-w-0 items-center gap-3">
                  <Track
                    bar={geometry.bars[index]}
                    track={{ ...track, ownWait: null }}
                    tone={step.status === "failed" ? "bg-red-500" : kind.bar}
                  />
                  <span
                    class="w-16 shrink-0 text-right text-xs tabular-nums text-neutral-600 dark:text-neutral-300"
                    data-step-duration
                  >
                    {duration === null ? "—" : formatDuration(duration)}
                  </span>
                </div>
              </div>
              <div class={`${ROW} mt-2`}>
                <dl class="flex min-w-0 flex-wrap content-start gap-x-4 gap-y-1 self-start text-xs text-neutral-500 dark:text-neutral-400">
                  {step.error && (
                    <div class="flex basis-full gap-1">
                      <dt>Error</dt>
                      <dd class="text-red-700 dark:text-red-300" data-step-error>{step.error}</dd>
                    </div>
                  )}
                  <div class="flex min-w-0 basis-full gap-1">
                    <dt>Key</dt>
                    <dd class="min-w-0 break-all font-mono text-[11px] text-neutral-700 dark:text-neutral-300">
                      <code data-step-key>{step.key}</code>
                    </dd>
                  </div>
                </dl>
                <div class="flex min-w-0 flex-col gap-2">
                  <JsonDetails
                    label="Input"
                    value={step.input}
                    keepOpenId={`${run.id}:${step.seq}:input`}
                  />
                  <JsonDetails
                    label="Output"
                    value={step.output}
                    keepOpenId={`${run.id}:${step.seq}:output`}
                  />
                </div>
              </div>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

/** The campaign an `apply:{campaignId}` step acted on, by name. */
function targetOf(step: WorkflowStep, names: ReadonlyMap<string, string>): string | null {
  const [prefix, id] = step.key.split(":");
  if (prefix !== "apply" || !id) return null;
  return names.get(id) ?? id;
}

/** Milliseconds the step took, or has taken so far while it runs. */
function stepDuration(step: WorkflowStep, nowMs: number): number | null {
  if (step.durationMs !== null) return step.durationMs;
  if (step.status === "running") return Math.max(0, nowMs - Date.parse(step.startedAt));
  return null;
}
