import { inputClass } from "@/components/forms/Field.tsx";
import { Button } from "@/components/ui/Button.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import { formatMomentDate } from "@/pages/format.ts";

/**
 * One connected ad account with links to its autopilot limits, campaigns and performance, and rename and
 * disconnect forms behind `<details>` (the disconnect needs a second, explicit click).
 */
export function AdAccountCard({ account }: { account: AdAccount }) {
  return (
    <article
      class="rounded-lg border border-neutral-200 bg-white p-5 shadow-sm dark:border-neutral-800 dark:bg-neutral-900"
      data-ad-account-id={account.id}
    >
      <div class="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 class="font-semibold">{account.name}</h2>
          <p class="mt-0.5 text-sm text-neutral-500 dark:text-neutral-400">
            <span class="capitalize">{account.platform}</span> · {account.currency} ·{" "}
            {account.timezone} · connected {formatMomentDate(account.createdAt)}
          </p>
        </div>
        <StatusBadge status={account.status} />
      </div>
      <div class="mt-4 flex flex-wrap items-start gap-4 text-sm">
        <a
          href={`/ad-accounts/${account.id}`}
          class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          data-limits-link
        >
          Autopilot limits
        </a>
        <a
          href={`/campaigns?account=${account.id}`}
          class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
        >
          Campaigns
        </a>
        <a
          href={`/dashboard?account=${account.id}`}
          class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
        >
          Performance
        </a>
        <details>
          <summary class="cursor-pointer font-medium text-neutral-600 hover:text-neutral-900 dark:text-neutral-400 dark:hover:text-neutral-100">
            Rename
          </summary>
          <form method="post" action="/ad-accounts" class="mt-2 flex gap-2">
            <input type="hidden" name="intent" value="rename" />
            <input type="hidden" name="id" value={account.id} />
            <label for={`rename-${account.id}`} class="sr-only">New name</label>
            <input
              id={`rename-${account.id}`}
              name="name"
              required
              maxLength={200}
              value={account.name}
              class={inputClass()}
            />
            <Button variant="secondary">Save</Button>
          </form>
        </details>
        <details>
          <summary class="cursor-pointer font-medium text-red-700 hover:text-red-800 dark:text-red-400">
            Disconnect…
          </summary>
          <form method="post" action="/ad-accounts" class="mt-2 space-y-2">
            <input type="hidden" name="intent" value="disconnect" />
            <input type="hidden" name="id" value={account.id} />
            <p class="max-w-sm text-neutral-600 dark:text-neutral-400">
              Its campaigns are removed from AAE with it (their history is kept).
            </p>
            <Button variant="danger">Disconnect {account.name}</Button>
          </form>
        </details>
      </div>
    </article>
  );
}
