import type { ComponentChildren } from "preact";

interface EmptyStateProps {
  title: string;
  children?: ComponentChildren;
  /** A call to action, such as a link button. */
  action?: ComponentChildren;
}

/** What a page shows instead of data when there is none yet. */
export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <div class="rounded-lg border border-dashed border-neutral-300 bg-white px-6 py-12 text-center dark:border-neutral-700 dark:bg-neutral-900">
      <h2 class="text-base font-semibold">{title}</h2>
      {children && (
        <p class="mx-auto mt-2 max-w-md text-sm text-neutral-600 dark:text-neutral-400">
          {children}
        </p>
      )}
      {action && <div class="mt-6">{action}</div>}
    </div>
  );
}
