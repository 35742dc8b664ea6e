import { inputClass } from "@/components/forms/Field.tsx";
import { Button } from "@/components/ui/Button.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import { ALERT_SEVERITIES } from "@/domain/alerts/types.ts";
import type { ChangedCampaign } from "@/domain/change_history.ts";
import {
  ALERT_STATUS_OPTIONS,
  ALERT_TYPE_OPTIONS,
  type AlertFilters as Filters,
  severityLabel,
} from "@/pages/alerts_view.ts";

interface AlertFiltersProps {
  filters: Filters;
  accounts: AdAccount[];
  campaigns: ChangedCampaign[];
}

/** Status, type, severity, ad account and campaign as a GET form: bookmarkable and script-free. */
export function AlertFilters({ filters, accounts, campaigns }: AlertFiltersProps) {
  const label = "mb-1 block text-xs font-medium text-neutral-600 dark:text-neutral-400";
  const select = (
    id: string,
    name: keyof Filters,
    text: string,
    any: string,
    options: readonly { value: string; label: string }[],
  ) => (
    <div>
      <label for={id} class={label}>{text}</label>
      <select id={id} name={name} class={inputClass()}>
        <option value="">{any}</option>
        {options.map((option) => (
          <option value={option.value} selected={option.value === filters[name]}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form
      method="get"
      action="/alerts"
      role="search"
      class="mb-4 grid gap-3 rounded-lg border border-neutral-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto] lg:items-end dark:border-neutral-800 dark:bg-neutral-900"
      data-alert-filters
    >
      {select("filter-status", "status", "Status", "Any status", ALERT_STATUS_OPTIONS)}
      {select("filter-type", "type", "Type", "Any type", ALERT_TYPE_OPTIONS)}
      {select(
        "filter-severity",
        "severity",
        "Severity",
        "Any severity",
        ALERT_SEVERITIES.map((value) => ({ value, label: severityLabel(value) })),
      )}
      {select(
        "filter-account",
        "account",
        "Ad account",
        "All accounts",
        accounts.map((account) => ({ value: account.id, label: account.name })),
      )}
      {select(
        "filter-campaign",
        "campaign",
        "Campaign",
        "All campaigns",
        campaigns.map((campaign) => ({
          value: campaign.id,
          label: campaign.deleted ? `${campaign.name} (deleted)` : campaign.name,
        })),
      )}
      <div class="flex gap-2">
        <Button variant="secondary">Apply</Button>
        <a
          href="/alerts"
          class="self-center text-sm text-neutral-600 hover:underline dark:text-neutral-400"
        >
          Reset
        </a>
      </div>
    </form>
  );
}
