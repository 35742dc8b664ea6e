import { inputClass } from "@/components/forms/Field.tsx";
import { Button } from "@/components/ui/Button.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import type { ChangedCampaign } from "@/domain/change_history.ts";
import type { ChangeFilters as Filters } from "@/pages/changes_view.ts";
import { ACTOR_KIND_OPTIONS } from "@/pages/gateway_view.ts";

interface ChangeFiltersProps {
  filters: Filters;
  accounts: AdAccount[];
  campaigns: ChangedCampaign[];
}

/** Ad account, campaign, actor and days as a GET form: bookmarkable and script-free. */
export function ChangeFilters({ filters, accounts, campaigns }: ChangeFiltersProps) {
  const label = "mb-1 block text-xs font-medium text-neutral-600 dark:text-neutral-400";
  return (
    <form
      method="get"
      action="/changes"
      role="search"
      class="mb-4 grid gap-3 rounded-lg border border-neutral-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_auto_auto_auto] lg:items-end dark:border-neutral-800 dark:bg-neutral-900"
    >
      <div>
        <label for="filter-account" class={label}>Ad account</label>
        <select id="filter-account" name="account" class={inputClass()}>
          <option value="">All accounts</option>
          {accounts.map((account) => (
            <option value={account.id} selected={account.id === filters.account}>
              {account.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-campaign" class={label}>Campaign</label>
        <select id="filter-campaign" name="campaign" class={inputClass()}>
          <option value="">All campaigns</option>
          {campaigns.map((campaign) => (
            <option value={campaign.id} selected={campaign.id === filters.campaign}>
              {campaign.name}
              {campaign.deleted ? " (deleted)" : ""}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-actor" class={label}>Changed by</label>
        <select id="filter-actor" name="actor" class={inputClass()}>
          <option value="">Anyone</option>
          {ACTOR_KIND_OPTIONS.map((option) => (
            <option value={option.value} selected={option.value === filters.actor}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-from" class={label}>From (UTC)</label>
        <input id="filter-from" name="from" type="date" value={filters.from} class={inputClass()} />
      </div>
      <div>
        <label for="filter-to" class={label}>To (UTC)</label>
        <input id="filter-to" name="to" type="date" value={filters.to} class={inputClass()} />
      </div>
      {filters.source && <input type="hidden" name="source_id" value={filters.source} />}
      <div class="flex gap-2">
        <Button variant="secondary">Apply</Button>
        <a
          href="/changes"
          class="self-center text-sm text-neutral-600 hover:underline dark:text-neutral-400"
        >
          Reset
        </a>
      </div>
    </form>
  );
}
