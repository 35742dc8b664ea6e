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
const FADED =
  "bg-neutral-50 text-neutral-500 ring-neutral-400/20 dark:bg-neutral-800 dark:text-neutral-400 dark:ring-neutral-600/30";

/** Colours per status word (campaigns, ad accounts, tokens, agent runs and steps). */
const TONES: Record<string, string> = {
  active: GREEN,
  approved: GREEN,
  completed: GREEN,
  succeeded: GREEN,
  running: BLUE,
  paused: AMBER,
  pending: AMBER,
  waiting_confirmation: AMBER,
  revoked: RED,
  rejected: RED,
  frozen: RED,
  failed: RED,
  draft: GREY,
  queued: GREY,
  cancelled: GREY,
  archived: FADED,
  expired: FADED,
  used: FADED,
};

/**
 * A pill naming a status, coloured by meaning; unknown statuses are neutral. `label` replaces
 * the status word where it does not read well on its own (`waiting_confirmation`).
 */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span
      data-status={status}
      class={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        label === undefined ? "capitalize" : ""
      } ${TONES[status] ?? GREY}`}
    >
      {label ?? status}
    </span>
  );
}
