import type { RunDetailView, RunStepDetail } from "@/agent/runs/views.ts";
import type { AgentStepKind } from "@/agent/runs/types.ts";
import { JsonDetails } from "@/components/runs/JsonDetails.tsx";
import { RunStatusBadge } from "@/components/runs/RunStatusBadge.tsx";
import {
  type TimelineBar,
  timelineGeometry,
  type TimelineTick,
  type TimelineWait,
} from "@/components/runs/timeline_geometry.ts";
import { formatCount, formatDuration } from "@/pages/format.ts";

// Whole class names, written out: Tailwind finds classes by scanning the source text.
/** Amber diagonal stripes, the look of time spent waiting for the owner. */
const WAIT_STRIPES =
  "bg-[repeating-linear-gradient(135deg,rgb(245_158_11/0.45)_0_4px,transparent_4px_8px)]";

/** The faint band an approval wait casts across every row, explaining the gap in the others. */
const WAIT_BAND =
  "bg-[repeating-linear-gradient(135deg,rgb(245_158_11/0.15)_0_4px,transparent_4px_8px)]";

/** How each kind of step is named and coloured. */
const KINDS: Record<AgentStepKind, { label: string; legend: string; bar: string }> = {
  model_call: {
    label: "Model call",
    legend: "Model call",
    bar: "bg-indigo-500 dark:bg-indigo-400",
  },
  tool_call: { label: "Tool call", legend: "Tool call", bar: "bg-emerald-500 dark:bg-emerald-400" },
  // A confirmation's span is the owner's think time: striped, so it reads as waiting, not work.
  confirmation: {
    label: "Confirmation",
    legend: "Confirmation (approval wait)",
    bar: `${WAIT_STRIPES} border-l-2 border-amber-500`,
  },
};

/** Left column of every row; the time track takes the rest (shared by every run timeline). */
export const ROW = "grid gap-x-4 gap-y-2 md:grid-cols-[minmax(0,17rem)_minmax(0,1fr)]";

/**
 * Every step of the run in order, each with a bar on one shared time axis (a Gantt view of where
 * the time went) and its details: attempt, tokens, credits, idempotency key, input and output.
 */
export function RunTimeline({ run, nowMs }: { run: RunDetailView; nowMs: number }) {
  if (run.steps.length === 0) {
    return (
      <p class="text-sm text-neutral-500 dark:text-neutral-400" data-timeline-empty>
        No steps yet: the run has not made its first model call.
      </p>
    );
  }
  const geometry = timelineGeometry(run, run.steps, nowMs);
  const confirmed = new Set(
    run.steps.filter((step) => step.kind === "confirmation").map((step) => step.idempotencyKey),
  );
  return (
    <div data-timeline>
      <div class={`${ROW} mb-2`} aria-hidden="true">
        <Legend />
        <div class="flex min-w-0 items-end gap-3">
          <Axis ticks={geometry.ticks} />
          <span class="w-16 shrink-0" />
        </div>
      </div>
      <ol class="divide-y divide-neutral-100 dark:divide-neutral-800">
        {run.steps.map((step, index) => (
          <StepRow
            step={step}
            bar={geometry.bars[index]}
            track={{
              ticks: geometry.ticks,
              waits: geometry.waits,
              ownWait: geometry.waits.find((wait) => wait.step === index) ?? null,
              waiting: run.status === "waiting_confirmation",
            }}
            retry={retryReason(step, confirmed)}
            nowMs={nowMs}
          />
        ))}
      </ol>
    </div>
  );
}

function Legend() {
  return (
    <TimelineLegend
      items={Object.values(KINDS).map((kind) => ({ label: kind.legend, swatch: kind.bar }))}
    />
  );
}

/** Swatches naming what each bar colour means. */
export function TimelineLegend({ items }: { items: { label: string; swatch: string }[] }) {
  return (
    <ul class="flex flex-wrap items-end gap-x-3 gap-y-1 text-[11px] text-neutral-500 dark:text-neutral-400">
      {items.map((item) => (
        <li class="flex items-center gap-1">
          <span class={`inline-block h-2.5 w-2.5 rounded-sm ${item.swatch}`} />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

/** The time axis above the rows, with its tick labels. */
export function Axis({ ticks }: { ticks: TimelineTick[] }) {
  return (
    <div
      class="relative h-5 min-w-0 flex-1 border-b border-neutral-200 text-[11px] tabular-nums text-neutral-500 dark:border-neutral-700 dark:text-neutral-400"
      data-chart-axis
    >
      {ticks.map((tick, index) => (
        <span
          // Every other label only from `sm` up: on a phone-wide axis they would collide.
          class={`absolute top-0 whitespace-nowrap ${index % 2 === 1 ? "hidden sm:inline" : ""}`}
          // Labels near the right end hang to the left of their tick so they stay in the box.
          style={tick.offset > 85
            ? { right: `${100 - tick.offset}%` }
            : { left: `${tick.offset}%` }}
        >
          {tick.label}
        </span>
      ))}
    </div>
  );
}

/** What every row's track draws besides its own bar. */
export interface TrackContext {
  ticks: TimelineTick[];
  waits: TimelineWait[];
  /** The wait this row's confirmation started, labelled in its own track. */
  ownWait: TimelineWait | null;
  /** The run is waiting right now: the last wait is still growing. */
  waiting: boolean;
}

/**
 * Why a step has more than one attempt. A held tool call runs again once approved (its
 * confirmation shares its tool call id: `tool:X` / `confirm:X`); any other repeat is a replay by
 * a runner that resumed the run after a crash, a drain or a lost lease.
 */
function retryReason(step: RunStepDetail, confirmed: ReadonlySet<string | null>): string | null {
  if (step.attempt <= 1) return null;
  const approved = step.kind === "tool_call" && step.idempotencyKey?.startsWith("tool:") &&
    confirmed.has(`confirm:${step.idempotencyKey.slice("tool:".length)}`);
  if (!approved) return "resumed after a crash or takeover";
  return step.attempt === 2 ? "ran again after approval" : "ran again after approval, then resumed";
}

interface StepRowProps {
  step: RunStepDetail;
  bar: TimelineBar | null;
  track: TrackContext;
  /** Why the step has several attempts, if it has. */
  retry: string | null;
  nowMs: number;
}

function StepRow({ step, bar, track, retry, nowMs }: StepRowProps) {
  const kind = KINDS[step.kind];
  const duration = stepDuration(step, nowMs);
  return (
    <li
      class="py-3"
      data-step
      data-step-seq={step.seq}
      data-step-kind={step.kind}
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
            {retry && <AttemptBadge attempt={step.attempt} reason={retry} />}
          </div>
          <p class="mt-1 truncate font-medium" title={step.name} data-step-name>{step.name}</p>
        </div>
        <div class="flex min-w-0 items-center gap-3">
          <Track
            bar={bar}
            track={track}
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
        <StepFacts step={step} retry={retry} />
        <div class="flex min-w-0 flex-col gap-2">
          <JsonDetails label="Input" value={step.input} keepOpenId={`${step.id}:input`} />
          <JsonDetails label="Output" value={step.output} keepOpenId={`${step.id}:output`} />
        </div>
      </div>
    </li>
  );
}

/** Milliseconds the step took, or has taken so far while it runs. */
function stepDuration(step: RunStepDetail, nowMs: number): number | null {
  if (step.durationMs !== null) return step.durationMs;
  if (step.status === "running" && step.startedAt) {
    return Math.max(0, nowMs - Date.parse(step.startedAt));
  }
  return null;
}

/** Marks a step that ran more than once, saying why. */
export function AttemptBadge({ attempt, reason }: { attempt: number; reason: string }) {
  return (
    <span
      class="inline-flex items-center whitespace-nowrap rounded-full bg-orange-50 px-2 py-0.5 text-xs font-semibold text-orange-800 ring-1 ring-inset ring-orange-600/30 dark:bg-orange-500/10 dark:text-orange-300 dark:ring-orange-500/30"
      title={`This step ${reason}. Its bar and duration are those of the latest attempt.`}
      data-attempt-badge
    >
      attempt {attempt}
    </span>
  );
}

/** One row's track: grid lines, approval waits and the step's bar. */
export function Track(
  { bar, track, tone }: { bar: TimelineBar | null; track: TrackContext; tone: string },
) {
  const { ticks, waits, ownWait, waiting } = track;
  return (
    <div class="relative h-5 min-w-0 flex-1 overflow-hidden rounded bg-neutral-100 dark:bg-neutral-800/60">
      {ticks.map((tick) => (
        <span
          class="absolute inset-y-0 w-px bg-neutral-200 dark:bg-neutral-700"
          style={{ left: `${tick.offset}%` }}
          aria-hidden="true"
        />
      ))}
      {waits.map((wait) => (
        <span
          class={`absolute inset-y-0 ${WAIT_BAND}`}
          style={{ left: `${wait.offset}%`, width: `${wait.width}%` }}
          aria-hidden="true"
          data-wait-offset={wait.offset}
        />
      ))}
      {ownWait && ownWait.width >= 20 && (
        <span
          class="absolute inset-y-0 flex items-center truncate px-2 text-[11px] font-medium text-amber-800 dark:text-amber-300"
          style={{ left: `${ownWait.offset}%`, width: `${ownWait.width}%` }}
        >
          {waiting && ownWait === waits.at(-1) ? "waiting for your approval…" : "approval wait"}
        </span>
      )}
      {bar && (
        <span
          class={`absolute inset-y-0.5 rounded-sm ${tone} ${bar.running ? "animate-pulse" : ""}`}
          style={{ left: `${bar.offset}%`, width: `${bar.width}%` }}
          data-bar-offset={bar.offset}
          data-bar-width={bar.width}
        />
      )}
    </div>
  );
}

/** Why it ran again, tokens, credits, idempotency key and writer epoch: whichever apply. */
function StepFacts({ step, retry }: { step: RunStepDetail; retry: string | null }) {
  return (
    <dl class="flex min-w-0 flex-wrap content-start gap-x-4 gap-y-1 self-start text-xs text-neutral-500 dark:text-neutral-400">
      {retry && (
        <div class="flex basis-full gap-1">
          <dt>Retry</dt>
          <dd class="text-orange-800 dark:text-orange-300" data-retry-reason>{retry}</dd>
        </div>
      )}
      {step.tokens && (
        <div class="flex gap-1">
          <dt>Tokens</dt>
          <dd class="tabular-nums text-neutral-700 dark:text-neutral-300" data-step-tokens>
            {formatCount(step.tokens.input)} in · {formatCount(step.tokens.output)} out
          </dd>
        </div>
      )}
      {step.credits !== null && (
        <div class="flex gap-1">
          <dt>Credits</dt>
          <dd class="tabular-nums text-neutral-700 dark:text-neutral-300" data-step-credits>
            {formatCount(step.credits)}
          </dd>
        </div>
      )}
      <div class="flex gap-1">
        <dt>Epoch</dt>
        <dd class="tabular-nums text-neutral-700 dark:text-neutral-300">{step.leaseEpoch}</dd>
      </div>
      {step.idempotencyKey && (
        <div class="flex min-w-0 basis-full gap-1">
          <dt>Key</dt>
          <dd class="min-w-0 break-all font-mono text-[11px] text-neutral-700 dark:text-neutral-300">
            <code data-idempotency-key>{step.idempotencyKey}</code>
          </dd>
        </div>
      )}
    </dl>
  );
}
