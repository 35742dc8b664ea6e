import { defineRoute } from "$fresh/server.ts";
import { inputClass } from "@/components/forms/Field.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { Button, LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { Pagination } from "@/components/ui/Pagination.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import { Cell, type Column, Table } from "@/components/ui/Table.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import { CAMPAIGN_STATUSES } from "@/domain/campaign_status.ts";
import {
  CAMPAIGN_SORTS,
  type CampaignListItem,
  type ListCampaignsQuery,
} from "@/domain/campaigns.ts";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import { formatCount, formatDecimalMoney, formatMoney, formatRoas } from "@/lib/pages/format.ts";
import type { SignedInState } from "@/lib/pages/state.ts";

const PAGE_SIZE = 20;

const SORT_LABELS: Record<typeof CAMPAIGN_SORTS[number], string> = {
  "-created_at": "Newest first",
  "created_at": "Oldest first",
  "-updated_at": "Recently updated",
  "updated_at": "Least recently updated",
  "name": "Name A–Z",
  "-name": "Name Z–A",
  "-budget_amount_minor": "Highest budget",
  "budget_amount_minor": "Lowest budget",
};

const COLUMNS: Column[] = [
  { label: "Campaign" },
  { label: "Status" },
  { label: "Budget", align: "right" },
  { label: "Spend (7d)", align: "right" },
  { label: "Clicks (7d)", align: "right" },
  { label: "Conv. (7d)", align: "right" },
  { label: "CPA (7d)", align: "right" },
  { label: "ROAS (7d)", align: "right" },
];

/** The list query from the URL, keeping only values the domain accepts. */
function queryFromUrl(url: URL, accounts: AdAccount[]): ListCampaignsQuery {
  const params = url.searchParams;
  const pick = <T extends string>(name: string, allowed: readonly T[]) => {
    const value = params.get(name);
    return allowed.includes(value as T) ? value as T : undefined;
  };
  const skip = Number(params.get("skip"));
  return {
    status: pick("status", CAMPAIGN_STATUSES),
    adAccountId: pick("account", accounts.map((account) => account.id)),
    search: params.get("q")?.trim().slice(0, 200) || undefined,
    sort: pick("sort", CAMPAIGN_SORTS) ?? "-created_at",
    skip: Number.isSafeInteger(skip) && skip > 0 ? skip : 0,
    limit: PAGE_SIZE,
  };
}

export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  const accounts = (await services.domain.adAccounts.list(actor, { limit: MAX_PAGE_SIZE })).items;
  const query = queryFromUrl(ctx.url, accounts);
  const page = await services.domain.campaigns.list(actor, query);
  const filtered = Boolean(query.status || query.adAccountId || query.search);
  const accountNames = new Map(accounts.map((account) => [account.id, account.name]));
  return (
    <>
      <div class="flex flex-wrap items-start justify-between gap-4">
        <PageHeader title="Campaigns">
          Every campaign across your ad accounts, with the last 7 days of results.
        </PageHeader>
        {accounts.length > 0 && <LinkButton href="/campaigns/new">New campaign</LinkButton>}
      </div>
      {accounts.length === 0
        ? (
          <EmptyState
            title="No ad accounts yet"
            action={<LinkButton href="/ad-accounts#connect">Connect a sandbox account</LinkButton>}
          >
            Campaigns live in ad accounts. Connect a sandbox account to create your first one.
          </EmptyState>
        )
        : (
          <>
            <Filters query={query} accounts={accounts} />
            {page.total === 0
              ? (
                <EmptyState
                  title={filtered ? "No campaigns match" : "No campaigns yet"}
                  action={filtered
                    ? <LinkButton href="/campaigns" variant="secondary">Clear filters</LinkButton>
                    : <LinkButton href="/campaigns/new">Create a campaign</LinkButton>}
                >
                  {filtered ? "Try other filters." : "Create a campaign to start delivering ads."}
                </EmptyState>
              )
              : (
                <>
                  <Table columns={COLUMNS} caption="Campaigns">
                    {page.items.map((campaign) => (
                      <CampaignRow
                        campaign={campaign}
                        account={accountNames.get(campaign.adAccountId)}
                      />
                    ))}
                  </Table>
                  <Pagination
                    url={ctx.url}
                    total={page.total}
                    skip={page.skip}
                    limit={page.limit}
                  />
                </>
              )}
          </>
        )}
    </>
  );
});

function CampaignRow({ campaign, account }: { campaign: CampaignListItem; account?: string }) {
  const { last7Days: week, currency } = campaign;
  return (
    <tr class="hover:bg-neutral-50 dark:hover:bg-neutral-800/50" data-campaign-id={campaign.id}>
      <Cell class="max-w-xs">
        <a
          href={`/campaigns/${campaign.id}`}
          class="block truncate font-medium text-neutral-900 hover:text-indigo-600 dark:text-neutral-100 dark:hover:text-indigo-400"
        >
          {campaign.name}
        </a>
        <span class="block truncate text-xs capitalize text-neutral-500 dark:text-neutral-400">
          {campaign.objective}
          {account && ` · ${account}`}
        </span>
      </Cell>
      <Cell>
        <StatusBadge status={campaign.status} />
      </Cell>
      <Cell align="right">
        {formatMoney(campaign.budgetAmountMinor, currency)}
        <span class="block text-xs text-neutral-500 dark:text-neutral-400">
          {campaign.budgetType}
        </span>
      </Cell>
      <Cell align="right">{formatMoney(week.spendMinor, currency)}</Cell>
      <Cell align="right">{formatCount(week.clicks)}</Cell>
      <Cell align="right">{formatCount(week.conversions)}</Cell>
      <Cell align="right">{formatDecimalMoney(week.cpa, currency)}</Cell>
      <Cell align="right">{formatRoas(week.roas)}</Cell>
    </tr>
  );
}

/** Status, account, search and sort as a GET form: bookmarkable and script-free. */
function Filters({ query, accounts }: { query: ListCampaignsQuery; accounts: AdAccount[] }) {
  const label = "mb-1 block text-xs font-medium text-neutral-600 dark:text-neutral-400";
  return (
    <form
      method="get"
      action="/campaigns"
      role="search"
      class="mb-4 grid gap-3 rounded-lg border border-neutral-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_1fr_auto] lg:items-end dark:border-neutral-800 dark:bg-neutral-900"
    >
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
