/** Colours per status word; unknown statuses are neutral. */
const TONES: Record<string, string> = {
  active:
    "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-500/30",
  paused:
    "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-500/30",
  draft:
    "bg-neutral-100 text-neutral-700 ring-neutral-500/20 dark:bg-neutral-500/10 dark:text-neutral-300 dark:ring-neutral-500/30",
  archived:
    "bg-neutral-50 text-neutral-500 ring-neutral-400/20 dark:bg-neutral-800 dark:text-neutral-400 dark:ring-neutral-600/30",
  revoked:
    "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-500/30",
  expired:
    "bg-neutral-50 text-neutral-500 ring-neutral-400/20 dark:bg-neutral-800 dark:text-neutral-400 dark:ring-neutral-600/30",
};

/** A pill naming a status (campaign, ad account or token), coloured by meaning. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-status={status}
      class={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium capitalize ring-1 ring-inset ${
        TONES[status] ?? TONES.draft
      }`}
    >
      {status}
    </span>
  );
}
