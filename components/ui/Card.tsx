import type { ComponentChildren } from "preact";

interface CardProps {
  title?: string;
  description?: ComponentChildren;
  /** Content at the right of the title, such as a link or button. */
  actions?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
}

/** A bordered panel, optionally with a title row. */
export function Card({ title, description, actions, children, class: extra = "" }: CardProps) {
  return (
    <section
      class={`rounded-lg border border-neutral-200 bg-white shadow-sm dark:border-neutral-800 dark:bg-neutral-900 ${extra}`}
    >
      {(title || actions) && (
        <header class="flex flex-wrap items-start justify-between gap-3 border-b border-neutral-200 px-5 py-4 dark:border-neutral-800">
          <div>
            {title && <h2 class="text-base font-semibold">{title}</h2>}
            {description && (
              <p class="mt-0.5 text-sm text-neutral-500 dark:text-neutral-400">{description}</p>
            )}
          </div>
          {actions}
        </header>
      )}
      <div class="p-5">{children}</div>
    </section>
  );
}
