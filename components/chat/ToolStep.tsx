/**
 * One tool call as a compact, expandable row: icon, tool name, status and duration; opening it
 * shows the one-line summary of the arguments. A native `<details>`, so it is keyboard usable
 * and needs no script of its own.
 *
 * @module
 */
import type { StepItem } from "@/pages/chat_view.ts";
import { CheckIcon, CrossIcon, ShieldIcon, SpinnerIcon } from "./icons.tsx";

const STATUS: Record<string, { label: string; tone: string }> = {
  running: { label: "running", tone: "text-indigo-600 dark:text-indigo-400" },
  pending: { label: "pending", tone: "text-neutral-600 dark:text-neutral-400" },
  // The -700 shades: the -600 ones read below 4.5:1 on white.
  succeeded: { label: "done", tone: "text-emerald-700 dark:text-emerald-400" },
  failed: { label: "failed", tone: "text-red-600 dark:text-red-400" },
  approval_required: { label: "needs approval", tone: "text-amber-700 dark:text-amber-400" },
  cancelled: { label: "not run", tone: "text-neutral-600 dark:text-neutral-400" },
};

/** `create_campaign` → "Create campaign". */
export function toolLabel(name: string): string {
  const words = name.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function StatusIcon({ status }: { status: string }) {
  if (status === "running") return <SpinnerIcon />;
  if (status === "succeeded") return <CheckIcon />;
  if (status === "failed" || status === "cancelled") return <CrossIcon />;
  if (status === "approval_required") return <ShieldIcon />;
  return <span class="h-4 w-4" aria-hidden="true" />;
}

/** A tool step row. */
export function ToolStep({ item }: { item: StepItem }) {
  const status = STATUS[item.status] ??
    { label: item.status, tone: "text-neutral-600 dark:text-neutral-400" };
  return (
    <details class="group text-xs" data-chat-item="step" data-step-status={item.status}>
      <summary class="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1 text-neutral-600 hover:bg-neutral-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-neutral-400 dark:hover:bg-neutral-800/60 [&::-webkit-details-marker]:hidden">
        <span class={status.tone}>
          <StatusIcon status={item.status} />
        </span>
        <span class="font-medium text-neutral-700 dark:text-neutral-300">
          {toolLabel(item.name)}
        </span>
        <span class={status.tone}>{status.label}</span>
        {item.durationMs !== null && (
          <span class="tabular-nums text-neutral-600 dark:text-neutral-400">
            {item.durationMs} ms
          </span>
        )}
        <span
          class="ml-auto text-neutral-400 transition-transform group-open:rotate-90"
          aria-hidden="true"
        >
          ›
        </span>
      </summary>
      <div class="ml-8 mt-1 space-y-0.5 pb-1 text-neutral-600 dark:text-neutral-400">
        <p>
          Tool <code class="font-mono">{item.name}</code>
        </p>
        {item.summary ? <p class="break-all font-mono">{item.summary}</p> : <p>No arguments.</p>}
      </div>
    </details>
  );
}
