import { Head } from "$fresh/runtime.ts";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import type { SyncStatus } from "@/domain/connections/status.ts";
import { PLATFORM_LABELS } from "@/domain/connections/service.ts";
import { formatDateTime } from "@/pages/format.ts";
import { Button } from "./ui/Button.tsx";
import { Card } from "./ui/Card.tsx";

/** Seconds between reloads of a page while its account's backfill works. */
const REFRESH_SECONDS = 3;

/**
 * A connected account's metric sync: the backfill's progress (the page reloads itself every few
 * seconds until it is done, no script needed), the last success, the next sync, the last error,
 * and a Reconnect button when the platform no longer accepts the credentials.
 */
export function SyncPanel({ account, sync }: { account: AdAccount; sync: SyncStatus }) {
  const backfill = sync.backfill;
  const backfilling = backfill !== null &&
    (backfill.status === "queued" || backfill.status === "running");
  const percent = backfill && backfill.daysTotal > 0
    ? Math.round((backfill.daysDone / backfill.daysTotal) * 100)
    : 0;
  return (
    <div id="sync" class="mb-6">
      {backfilling && (
        <Head>
          <meta http-equiv="refresh" content={String(REFRESH_SECONDS)} />
        </Head>
      )}
      <Card title="Metrics sync" description="Daily metrics in the account's time zone.">
        <dl class="grid gap-3 text-sm sm:grid-cols-2">
          {backfill && (
            <div class="sm:col-span-2" data-backfill={backfill.status}>
              <dt class="text-neutral-500 dark:text-neutral-400">Backfill of the last days</dt>
              <dd>
                <span data-backfill-progress>
                  {backfill.daysDone} / {backfill.daysTotal} days
                </span>{" "}
                ({backfill.status === "succeeded"
                  ? "done"
                  : backfill.status === "failed"
                  ? "stopped"
                  : "in progress"})
                <div
                  class="mt-1 h-2 w-full rounded bg-neutral-200 dark:bg-neutral-800"
                  role="progressbar"
                  aria-valuemin={0}
                  aria-valuemax={backfill.daysTotal}
                  aria-valuenow={backfill.daysDone}
                >
                  <div class="h-2 rounded bg-indigo-600" style={`width: ${percent}%`} />
                </div>
              </dd>
            </div>
          )}
          <div>
            <dt class="text-neutral-500 dark:text-neutral-400">Last successful sync</dt>
            <dd data-sync-last>
              {sync.lastSucceededAt ? formatDateTime(sync.lastSucceededAt) : "Not yet"}
            </dd>
          </div>
          <div>
            <dt class="text-neutral-500 dark:text-neutral-400">Next sync</dt>
            <dd data-sync-next>{sync.nextAt ? formatDateTime(sync.nextAt) : "None planned"}</dd>
          </div>
          {sync.lastError && (
            <div class="sm:col-span-2">
              <dt class="text-neutral-500 dark:text-neutral-400">Last error</dt>
              <dd class="text-red-700 dark:text-red-400" data-sync-error>
                {sync.lastError}
                {sync.lastErrorAt && ` (${formatDateTime(sync.lastErrorAt)})`}
              </dd>
            </div>
          )}
        </dl>
        {sync.accountStatus === "error" && (
          <form method="post" action={`/ad-accounts/connect/${account.platform}`} class="mt-4">
            <Button data-reconnect>Reconnect {PLATFORM_LABELS[account.platform]}</Button>
          </form>
        )}
      </Card>
    </div>
  );
}
