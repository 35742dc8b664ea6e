import { inputClass } from "@/components/forms/Field.tsx";
import { Button } from "@/components/ui/Button.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import { CAMPAIGN_STATUSES } from "@/domain/campaign_status.ts";
import { CAMPAIGN_SORTS, type ListCampaignsQuery } from "@/domain/campaigns.ts";

const SORT_LABELS: Record<typeof CAMPAIGN_SORTS[number], string> = {
  "-created_at": "Newest first",
  "created_at": "Oldest first",
  "-updated_at": "Recently updated",
  "updated_at": "Least recently updated",
  "name": "Name A–Z",
  "-name": "Name Z–A",
  "-budget_amount_minor": "Highest budget",
  "budget_amount_minor": "Lowest budget",
  "-spend": "Highest spend",
  "spend": "Lowest spend",
  "-impressions": "Most impressions",
  "impressions": "Fewest impressions",
  "-clicks": "Most clicks",
  "clicks": "Fewest clicks",
  "-ctr": "Highest CTR",
  "ctr": "Lowest CTR",
  "-conversions": "Most conversions",
  "conversions": "Fewest conversions",
  "cpa": "Lowest CPA",
  "-cpa": "Highest CPA",
  "-revenue": "Most revenue",
  "revenue": "Least revenue",
  "-roas": "Highest ROAS",
  "roas": "Lowest ROAS",
};

/**
 * Status, account, search and sort as a GET form: bookmarkable and script-free. `period` holds
 * the query parameters of the chosen period, kept when the filters change.
 */
export function CampaignFilters(
  { query, accounts, period }: {
    query: ListCampaignsQuery;
    accounts: AdAccount[];
    period: readonly [string, string][];
  },
) {
  const label = "mb-1 block text-xs font-medium text-neutral-600 dark:text-neutral-400";
  return (
    <form
      method="get"
      action="/campaigns"
      role="search"
      class="mb-4 grid gap-3 rounded-lg border border-neutral-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_1fr_auto] lg:items-end dark:border-neutral-800 dark:bg-neutral-900"
    >
      {period.map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      <div>
        <label for="filter-q" class={label}>Search</label>
        <input
          id="filter-q"
          name="q"
          type="search"
          placeholder="Campaign name"
          value={query.search ?? ""}
          class={inputClass()}
        />
      </div>
      <div>
        <label for="filter-status" class={label}>Status</label>
        <select id="filter-status" name="status" class={inputClass()}>
          <option value="">Any status</option>
          {CAMPAIGN_STATUSES.map((status) => (
            <option value={status} selected={status === query.status}>
              {status.charAt(0).toUpperCase() + status.slice(1)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-account" class={label}>Ad account</label>
        <select id="filter-account" name="account" class={inputClass()}>
          <option value="">All accounts</option>
          {accounts.map((account) => (
            <option value={account.id} selected={account.id === query.adAccountId}>
              {account.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-sort" class={label}>Sort</label>
        <select id="filter-sort" name="sort" class={inputClass()}>
          {CAMPAIGN_SORTS.map((sort) => (
            <option value={sort} selected={sort === query.sort}>{SORT_LABELS[sort]}</option>
          ))}
        </select>
      </div>
      <div class="flex gap-2">
        <Button variant="secondary">Apply</Button>
        <a href="/campaigns" class="self-center text-sm text-neutral-500 hover:underline">Reset</a>
      </div>
    </form>
  );
}
