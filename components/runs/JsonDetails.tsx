/** Pretty-printed JSON; `undefined` (nothing recorded) prints as `null`, as it is stored. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value ?? null, null, 2);
}

interface JsonDetailsProps {
  label: string;
  value: unknown;
  /** Stable across refreshes, so the live island can keep an opened block open. */
  keepOpenId: string;
}

/** A collapsible block of pretty-printed JSON: a plain `<details>`, so it needs no script. */
export function JsonDetails({ label, value, keepOpenId }: JsonDetailsProps) {
  return (
    <details class="group min-w-0" data-keep-open={keepOpenId}>
      <summary class="cursor-pointer select-none text-xs font-medium text-neutral-600 hover:text-neutral-900 dark:text-neutral-400 dark:hover:text-neutral-100">
        {label}
      </summary>
      <pre class="mt-2 max-h-96 overflow-auto rounded-md border border-neutral-200 bg-neutral-50 p-3 font-mono text-xs leading-relaxed text-neutral-800 dark:border-neutral-800 dark:bg-neutral-950 dark:text-neutral-200">{prettyJson(value)}</pre>
    </details>
  );
}
