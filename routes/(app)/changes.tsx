import { defineRoute } from "$fresh/server.ts";
import { ChangeFilters } from "@/components/gateway/ChangeFilters.tsx";
import { ChangesTable } from "@/components/gateway/ChangesTable.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import { changesQueryFromUrl, isFiltered } from "@/pages/changes_view.ts";
import type { SignedInState } from "@/pages/state.ts";
import { countOf } from "@/domain/counts.ts";

/**
 * Every change made to the user's campaigns, newest first, by whom: a person, the assistant (its
 * run linked), an MCP client, an API token, a rule or a rollback; each field before → after.
 */
export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Change history";
  const { filters, query } = changesQueryFromUrl(ctx.url);
  const [page, accounts, known] = await Promise.all([
    services.domain.changes.list(actor, query),
    services.domain.adAccounts.list(actor, { limit: MAX_PAGE_SIZE }),
    services.domain.changes.historyCampaigns(actor),
  ]);
  const accountsById = new Map(accounts.items.map((account) => [account.id, account]));
  const campaigns = new Map(known.map((campaign) => [campaign.id, campaign]));
  // Accounts with more campaigns than the filter lists: the rows still get their names.
  const unnamed = [...new Set(page.items.flatMap((change) => change.campaignId ?? []))]
    .filter((id) => !campaigns.has(id));
  for (const campaign of await services.domain.changes.historyCampaigns(actor, { ids: unnamed })) {
    campaigns.set(campaign.id, campaign);
  }
  const choices = known.filter((campaign) =>
    (!filters.account || campaign.adAccountId === filters.account) &&
    (!campaign.deleted || campaign.id === filters.campaign)
  );
  const filtered = isFiltered(filters);
  return (
    <>
      <PageHeader title="Change history">
        Every change made to your campaigns and ad accounts — by you, the assistant, MCP clients,
        API tokens, rules and rollbacks — with each field before and after. Times are UTC.
      </PageHeader>
      <ChangeFilters filters={filters} accounts={accounts.items} campaigns={choices} />
      {page.total === 0
        ? (
          <EmptyState
            title={filtered ? "No changes match" : "No changes yet"}
            action={filtered
              ? <LinkButton href="/changes" variant="secondary">Clear filters</LinkButton>
              : undefined}
          >
            {filtered
              ? "Try other filters."
              : "Changes to campaigns appear here as soon as they are made."}
          </EmptyState>
        )
        : (
          <>
            {filters.source && (
              <p class="mb-3 text-sm">
                <a
                  href={`/rollbacks/new?source_id=${encodeURIComponent(filters.source)}`}
                  class="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
                  data-rollback-source
                >
                  Roll back{" "}
                  {page.total === 1 ? "the change" : `all ${countOf(page.total, "change")}`}{" "}
                  of this source…
                </a>
              </p>
            )}
            <Paged url={ctx.url} page={page}>
              <ChangesTable changes={page.items} campaigns={campaigns} accounts={accountsById} />
            </Paged>
          </>
        )}
    </>
  );
});
