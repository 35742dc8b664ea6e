/**
 * Run status in the chat: a one-line footer under each run (status, failure code, link to the
 * run's timeline) and the bar above the input for the latest run, with Cancel while it runs.
 *
 * @module
 */
import { SESSION_EXPIRED_MESSAGE } from "@/api/chat/client.ts";
import { isActiveRun, type RunState, runStatusLabel } from "@/pages/chat_view.ts";
import { CheckIcon, CrossIcon, ShieldIcon, SpinnerIcon } from "./icons.tsx";
import type { Connection } from "./use_chat_session.ts";

const TONE: Record<RunState["status"], string> = {
  queued: "text-indigo-700 dark:text-indigo-300",
  running: "text-indigo-700 dark:text-indigo-300",
  waiting_confirmation: "text-amber-700 dark:text-amber-300",
  completed: "text-emerald-700 dark:text-emerald-400",
  failed: "text-red-700 dark:text-red-400",
  cancelled: "text-neutral-600 dark:text-neutral-400",
};

function StatusIcon({ status }: { status: RunState["status"] }) {
  if (status === "queued" || status === "running") return <SpinnerIcon class="h-3.5 w-3.5" />;
  if (status === "waiting_confirmation") return <ShieldIcon class="h-3.5 w-3.5" />;
  if (status === "completed") return <CheckIcon class="h-3.5 w-3.5" />;
  return <CrossIcon class="h-3.5 w-3.5" />;
}

/** The link to a run's step timeline (the run page). */
export function RunLink({ runId }: { runId: string }) {
  return (
    <a
      href={`/runs/${runId}`}
      class="font-medium text-neutral-500 underline-offset-2 hover:text-neutral-900 hover:underline dark:text-neutral-400 dark:hover:text-neutral-100"
      data-run-link
    >
      View run
    </a>
  );
}

/** The line under a finished or running run. */
export function RunFooter({ run }: { run: RunState }) {
  return (
    <p
      class="flex items-center gap-2 pl-1 text-xs"
      data-run-status={run.status}
      data-run-id={run.id}
    >
      <span class={`flex items-center gap-1 font-medium ${TONE[run.status]}`}>
        <StatusIcon status={run.status} />
        {runStatusLabel(run.status)}
      </span>
      <span class="text-neutral-300 dark:text-neutral-700" aria-hidden="true">·</span>
      <RunLink runId={run.id} />
    </p>
  );
}

interface StatusBarProps {
  run: RunState | null;
  connection: Connection;
  cancelling: boolean;
  onCancel: (runId: string) => void;
}

/** The latest run's status with Cancel while active, and the connection when it is not open. */
export function StatusBar({ run, connection, cancelling, onCancel }: StatusBarProps) {
  const active = run !== null && isActiveRun(run.status);
  if (!active && connection === "open") return null;
  return (
    <div class="flex min-h-9 items-center gap-3 border-t border-neutral-200 px-4 py-1.5 text-xs dark:border-neutral-800">
      {active && (
        <>
          <span
            class={`flex items-center gap-1.5 font-medium ${TONE[run.status]}`}
            data-active-run={run.status}
          >
            <StatusIcon status={run.status} />
            {runStatusLabel(run.status)}
          </span>
          <button
            type="button"
            disabled={cancelling}
            onClick={() => onCancel(run.id)}
            aria-label="Cancel the assistant's current run"
            class="rounded-md border border-neutral-300 px-2 py-0.5 font-medium text-neutral-700 hover:bg-neutral-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50 dark:border-neutral-700 dark:text-neutral-300 dark:hover:bg-neutral-800"
          >
            {cancelling ? "Cancelling…" : "Cancel"}
          </button>
          <RunLink runId={run.id} />
        </>
      )}
      <ConnectionBadge connection={connection} />
    </div>
  );
}

/**
 * "Connecting…" / "Reconnecting…", unobtrusive; nothing while connected. An ended sign-in is not
 * unobtrusive: the chat cannot work until the user signs in again, so it says so with a link.
 */
export function ConnectionBadge({ connection }: { connection: Connection }) {
  if (connection === "open") return null;
  if (connection === "expired") {
    const back = encodeURIComponent(location.pathname + location.search);
    return (
      <span
        class="ml-auto flex items-center gap-1.5 font-medium text-red-700 dark:text-red-400"
        data-connection="expired"
        role="alert"
      >
        {SESSION_EXPIRED_MESSAGE}
        <a class="underline" href={`/login?next=${back}`}>Sign in</a>
      </span>
    );
  }
  return (
    <span
      class="ml-auto flex items-center gap-1.5 text-neutral-500 dark:text-neutral-400"
      data-connection={connection}
    >
      <span class="h-1.5 w-1.5 animate-pulse rounded-full bg-amber-500" aria-hidden="true" />
      {connection === "connecting" ? "Connecting…" : "Reconnecting…"}
    </span>
  );
}
