interface StatCardProps {
  label: string;
  value: string;
  /** A short note under the value, such as the period. */
  hint?: string;
}

/** One headline number. */
export function StatCard({ label, value, hint }: StatCardProps) {
  return (
    <div class="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-sm dark:border-neutral-800 dark:bg-neutral-900">
      <dt class="text-xs font-medium uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
        {label}
      </dt>
      <dd class="mt-1 text-2xl font-semibold tabular-nums tracking-tight">{value}</dd>
      {hint && <dd class="mt-0.5 text-xs text-neutral-500 dark:text-neutral-400">{hint}</dd>}
    </div>
  );
}
