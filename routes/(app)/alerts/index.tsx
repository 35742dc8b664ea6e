import { defineRoute } from "$fresh/server.ts";
import { AlertFilters } from "@/components/alerts/AlertFilters.tsx";
import { AlertItem } from "@/components/alerts/AlertItem.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import { alertsQueryFromUrl, alertSubject, isFiltered } from "@/pages/alerts_view.ts";
import type { SignedInState } from "@/pages/state.ts";

/**
 * The anomaly alerts on the user's campaigns and accounts, newest first, with filters by status,
 * type, severity, ad account and campaign (a GET form: works without scripts, bookmarkable).
 */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Alerts";
  const { filters, query } = alertsQueryFromUrl(ctx.url);
  const [page, accounts, known] = await Promise.all([
    services.domain.alerts.list(actor, query),
    services.domain.adAccounts.list(actor, { limit: MAX_PAGE_SIZE }),
    services.domain.changes.historyCampaigns(actor),
  ]);
  const campaigns = new Map(known.map((campaign) => [campaign.id, campaign.name]));
  // Accounts with more campaigns than the filter lists: the rows still get their names.
  const unnamed = [...new Set(page.items.flatMap((alert) => alert.campaignId ?? []))]
    .filter((id) => !campaigns.has(id));
  for (const campaign of await services.domain.changes.historyCampaigns(actor, { ids: unnamed })) {
    campaigns.set(campaign.id, campaign.name);
  }
  const names = {
    campaigns,
    accounts: new Map(accounts.items.map((account) => [account.id, account.name])),
  };
  const choices = known.filter((campaign) =>
    (!filters.account || campaign.adAccountId === filters.account) &&
    (!campaign.deleted || campaign.id === filters.campaign)
  );
  const filtered = isFiltered(filters);
  return (
    <>
      <PageHeader title="Alerts">
        Anomalies found in your stored daily metrics — spend spikes and stops, CPA, ROAS, CTR and
        conversions far off their usual level — each with what moved and what changed just before.
      </PageHeader>
      {(page.total > 0 || filtered) && (
        <AlertFilters filters={filters} accounts={accounts.items} campaigns={choices} />
      )}
      {page.total === 0
        ? (
          filtered
            ? (
              <EmptyState
                title="No alerts match these filters"
                action={<LinkButton href="/alerts" variant="secondary">Show all alerts</LinkButton>}
              >
                Try another status or type, or all accounts and campaigns.
              </EmptyState>
            )
            : (
              <EmptyState title="No alerts so far">
                {accounts.total === 0
                  ? "Connect an ad account: its campaigns are checked after every metric sync, and anything far from its usual level shows up here."
                  : "Your campaigns are checked after every metric sync against the same weekday of past weeks. Nothing has been far off its usual level yet."}
              </EmptyState>
            )
        )
        : (
          <Paged url={ctx.url} page={page}>
            <ul
              class="divide-y divide-neutral-200 rounded-lg border border-neutral-200 bg-white px-5 shadow-sm dark:divide-neutral-800 dark:border-neutral-800 dark:bg-neutral-900"
              data-alert-list
            >
              {page.items.map((alert) => (
                <AlertItem alert={alert} subject={alertSubject(alert, names)} />
              ))}
            </ul>
          </Paged>
        )}
    </>
  );
});
