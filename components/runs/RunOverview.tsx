import type { ComponentChildren } from "preact";
import type { RunDetailView } from "@/agent/runs/views.ts";
import { Alert } from "@/components/ui/Alert.tsx";
import { formatCount, formatDateTime, formatDuration } from "@/pages/format.ts";

/** Where a run's conversation is shown (the full-page assistant). */
export function conversationHref(conversationId: string): string {
  return `/assistant/${conversationId}`;
}

/** Time from start to finish; while unfinished, up to `nowMs`. Null before it started. */
export function runDuration(
  run: Pick<RunDetailView, "startedAt" | "finishedAt">,
  nowMs: number,
): { ms: number; soFar: boolean } | null {
  if (!run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : nowMs;
  return { ms: Math.max(0, end - Date.parse(run.startedAt)), soFar: !run.finishedAt };
}

/**
 * The facts of a run above its timeline: the approval notice or error first (what the reader
 * must act on), then times, duration, tokens, credits and, while running, who runs it.
 */
export function RunOverview({ run, nowMs }: { run: RunDetailView; nowMs: number }) {
  const duration = runDuration(run, nowMs);
  const conversation = conversationHref(run.conversationId);
  return (
    <div data-run-summary>
      {run.status === "waiting_confirmation" && (
        <Alert kind="warning">
          <p data-waiting-notice>
            <strong>Waiting for your approval.</strong>{" "}
            The assistant wants to make a change and stopped until you approve or reject it.{" "}
            <a href={conversation} class="font-medium underline">Review it in the conversation</a>
          </p>
        </Alert>
      )}
      {run.status === "failed" && (
        <Alert kind="error">
          <p data-run-error>
            <strong>The run failed:</strong> {run.error ?? "no reason was recorded."}
            {run.errorCode && (
              <span class="ml-2 font-mono text-xs opacity-80">({run.errorCode})</span>
            )}
          </p>
        </Alert>
      )}
      <dl class="grid grid-cols-2 gap-x-6 gap-y-4 rounded-lg border border-neutral-200 bg-white p-5 text-sm shadow-sm sm:grid-cols-3 lg:grid-cols-4 dark:border-neutral-800 dark:bg-neutral-900">
        <Fact label="Conversation">
          <a
            href={conversation}
            class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
            data-conversation-link
          >
            Open conversation
          </a>
        </Fact>
        <Fact label="Started">
          {run.startedAt ? formatDateTime(run.startedAt, { seconds: true }) : "Not yet"}
        </Fact>
        <Fact label="Finished">
          {run.finishedAt ? formatDateTime(run.finishedAt, { seconds: true }) : "—"}
        </Fact>
        <Fact label="Duration">
          <span data-run-duration>
            {duration ? formatDuration(duration.ms) : "—"}
            {duration?.soFar && (
              <span class="ml-1 text-neutral-500 dark:text-neutral-400">so far</span>
            )}
          </span>
        </Fact>
        <Fact label="Model tokens">
          <span class="tabular-nums" data-run-tokens>
            {formatCount(run.inputTokens)} in · {formatCount(run.outputTokens)} out
          </span>
        </Fact>
        <Fact label="Credits charged">
          <span class="tabular-nums" data-run-credits={run.creditsCharged}>
            {formatCount(run.creditsCharged)}
          </span>
        </Fact>
        <Fact label="Steps">
          <span class="tabular-nums">{formatCount(run.steps.length)}</span>
        </Fact>
        {run.status === "running" && (
          <Fact label="Runner">
            <span class="break-all font-mono text-xs" data-lease-owner>
              {run.leaseOwner ?? "—"}
            </span>{" "}
            <span class="whitespace-nowrap text-neutral-500 dark:text-neutral-400">
              epoch {run.leaseEpoch}
            </span>
          </Fact>
        )}
      </dl>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="min-w-0">
      <dt class="text-xs font-medium uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
        {label}
      </dt>
      <dd class="mt-1">{children}</dd>
    </div>
  );
}
