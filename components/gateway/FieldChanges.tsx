import type { FieldChangeView } from "@/pages/gateway_view.ts";

/** Each changed field as "Label: before → after" (a creation has no before: "—"). */
export function FieldChanges({ changes }: { changes: readonly FieldChangeView[] }) {
  if (changes.length === 0) {
    return <p class="text-sm text-neutral-500 dark:text-neutral-400">No field changes.</p>;
  }
  return (
    <ul class="space-y-0.5 text-sm">
      {changes.map((change) => (
        <li data-field={change.field}>
          <span class="font-medium">{change.label}:</span>{" "}
          <span class="text-neutral-500 line-through decoration-neutral-400 dark:text-neutral-400">
            {change.before}
          </span>{" "}
          → <span data-after>{change.after}</span>
        </li>
      ))}
    </ul>
  );
}
