import { defineRoute } from "$fresh/server.ts";
import { CampaignFilters } from "@/components/CampaignFilters.tsx";
import { CampaignTable } from "@/components/CampaignTable.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import { CAMPAIGN_STATUSES } from "@/domain/campaign_status.ts";
import { CAMPAIGN_SORTS, type ListCampaignsQuery } from "@/domain/campaigns.ts";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import type { SignedInState } from "@/pages/state.ts";

const PAGE_SIZE = 20;

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
  ctx.state.title = "Campaigns";
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
            <CampaignFilters query={query} accounts={accounts} />
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
                <Paged url={ctx.url} page={page}>
                  <CampaignTable
                    campaigns={page.items}
                    accountNames={accountNames}
                    caption="Campaigns"
                  />
                </Paged>
              )}
          </>
        )}
    </>
  );
});
