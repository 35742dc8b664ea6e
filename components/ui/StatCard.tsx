import { type ChangeTone, formatChange, type MetricChange } from "@/domain/metric_change.ts";

interface StatCardProps {
  label: string;
  value: string;
  /** A short note under the value, such as the period. */
  hint?: string;
  /** The change against the previous period. */
  change?: MetricChange;
}

const TONE_CLASSES: Record<ChangeTone, string> = {
  good: "text-emerald-700 dark:text-emerald-400",
  bad: "text-red-700 dark:text-red-400",
  neutral: "text-neutral-600 dark:text-neutral-400",
};

const ARROWS = { up: "↑", down: "↓", flat: "" } as const;

/** One headline number, with its change against the previous period when given. */
export function StatCard({ label, value, hint, change }: StatCardProps) {
  return (
    <div class="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-sm dark:border-neutral-800 dark:bg-neutral-900">
      <dt class="text-xs font-medium uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
        {label}
      </dt>
      <dd class="mt-1 text-2xl font-semibold tabular-nums tracking-tight">{value}</dd>
      {change && (
        <dd class={`mt-0.5 text-xs tabular-nums ${TONE_CLASSES[change.tone]}`} data-change>
          <span aria-hidden="true">{ARROWS[change.direction]}</span> {`${formatChange(change)}`}
          <span class="sr-only">{` against the previous period`}</span>
        </dd>
      )}
      {hint && <dd class="mt-0.5 text-xs text-neutral-500 dark:text-neutral-400">{hint}</dd>}
    </div>
  );
}
