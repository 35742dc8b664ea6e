import type { ComponentChildren } from "preact";

interface PageHeaderProps {
  title: string;
  children?: ComponentChildren;
}

/** The heading block at the top of every app page. */
export function PageHeader({ title, children }: PageHeaderProps) {
  return (
    <header class="mb-6">
      <h1 class="text-2xl font-semibold tracking-tight">{title}</h1>
      {children && (
        <p class="mt-1 max-w-2xl text-sm text-neutral-600 dark:text-neutral-400">{children}</p>
      )}
    </header>
  );
}
