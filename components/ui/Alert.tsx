import type { ComponentChildren } from "preact";

/** Tone of an alert. */
export type AlertKind = "success" | "error" | "info" | "warning";

const KINDS: Record<AlertKind, string> = {
  success:
    "border-emerald-200 bg-emerald-50 text-emerald-800 dark:border-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-200",
  error:
    "border-red-200 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200",
  info:
    "border-indigo-200 bg-indigo-50 text-indigo-800 dark:border-indigo-900 dark:bg-indigo-950/40 dark:text-indigo-200",
  warning:
    "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200",
};

interface AlertProps {
  kind: AlertKind;
  children: ComponentChildren;
}

/** A message box; errors are announced to screen readers as alerts, others as status. */
export function Alert({ kind, children }: AlertProps) {
  return (
    <div
      role={kind === "error" ? "alert" : "status"}
      data-alert={kind}
      class={`mb-6 rounded-md border px-4 py-3 text-sm ${KINDS[kind]}`}
    >
      {children}
    </div>
  );
}
