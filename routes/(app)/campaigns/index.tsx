import { defineRoute, type Handlers } from "$fresh/server.ts";
import { CampaignFilters } from "@/components/CampaignFilters.tsx";
import { CampaignTable } from "@/components/CampaignTable.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { RangePicker } from "@/components/RangePicker.tsx";
import { Alert } from "@/components/ui/Alert.tsx";
import { Button, LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import { Paged } from "@/components/ui/Pagination.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import { CAMPAIGN_STATUSES } from "@/domain/campaign_status.ts";
import {
  CAMPAIGN_SORTS,
  type CampaignListItem,
  type ListCampaignsQuery,
  MAX_BULK_CAMPAIGNS,
} from "@/domain/campaigns.ts";
import { ValidationError } from "@/domain/errors.ts";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import { rangeChoiceFromParams, rangeParams } from "@/domain/report_range.ts";
import { csvResponse } from "@/lib/csv.ts";
import {
  type BulkResults,
  bulkResultsCookie,
  bulkResultsFromCookies,
  clearBulkResultsCookie,
} from "@/pages/bulk_results.ts";
import { campaignsCsv } from "@/pages/campaign_csv.ts";
import { FormValues } from "@/pages/forms.ts";
import { redirect, withCookies } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

const PAGE_SIZE = 20;
/** Most rows one CSV export holds. */
const MAX_EXPORT_ROWS = 10_000;
const BULK_FORM = "bulk-status";

/** Bulk actions: the status each sets and the word its results start with. */
const BULK_ACTIONS = {
  pause: { status: "paused", verb: "Pause" },
  resume: { status: "active", verb: "Resume" },
} as const;

/** The list filters from the URL, keeping only values the domain accepts. */
function filtersFromUrl(url: URL, accounts: AdAccount[]): ListCampaignsQuery {
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

/** Every campaign matching `query` (up to `MAX_EXPORT_ROWS`), for the CSV export. */
async function allMatching(state: SignedInState, query: ListCampaignsQuery) {
  const items: CampaignListItem[] = [];
  for (let skip = 0; skip < MAX_EXPORT_ROWS; skip += MAX_PAGE_SIZE) {
    const page = await state.services.domain.campaigns.list(state.actor, {
      ...query,
      skip,
      limit: MAX_PAGE_SIZE,
    });
    items.push(...page.items);
    if (skip + MAX_PAGE_SIZE >= page.total) break;
  }
  return items;
}

export const handler: Handlers<unknown, SignedInState> = {
  /** The page; bulk results are shown once, so their cookie is cleared with this response. */
  async GET(req, ctx) {
    const response = await ctx.render();
    return bulkResultsFromCookies(req.headers.get("cookie"))
      ? withCookies(response, [clearBulkResultsCookie()])
      : response;
  },

  /** Pauses or resumes the selected campaigns, then back to the list with each one's outcome. */
  async POST(req, ctx) {
    const form = await FormValues.from(req);
    const back = new URL(form.text("back") || "/campaigns", ctx.url);
    // Only back to this list, whatever the form says.
    const target = back.pathname === "/campaigns" ? `/campaigns${back.search}` : "/campaigns";
    const action = BULK_ACTIONS[form.text("action") as keyof typeof BULK_ACTIONS];
    const ids = form.all("id");
    if (!action || ids.length === 0) {
      return redirect(target, {
        flash: { kind: "error", message: "Select at least one campaign, then Pause or Resume." },
      });
    }
    if (ids.length > MAX_BULK_CAMPAIGNS) {
      return redirect(target, {
        flash: {
          kind: "error",
          message: `Select at most ${MAX_BULK_CAMPAIGNS} campaigns at a time.`,
        },
      });
    }
    try {
      const { services, actor } = ctx.state;
      const results = await services.domain.campaigns.changeStatuses(actor, ids, action.status);
      return redirect(target, { cookies: [bulkResultsCookie(action.verb, results)] });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return redirect(target, {
        flash: { kind: "error", message: "Those campaigns are unknown." },
      });
    }
  },
};

export default defineRoute<SignedInState>(async (req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Campaigns";
  const accounts = (await services.domain.adAccounts.list(actor, { limit: MAX_PAGE_SIZE })).items;
  const filters = filtersFromUrl(ctx.url, accounts);
  const range = await services.domain.metrics.range(
    actor,
    { adAccountId: filters.adAccountId },
    rangeChoiceFromParams(ctx.url.searchParams),
  );
  const query = { ...filters, from: range.from, to: range.to };
  const accountNames = new Map(accounts.map((account) => [account.id, account.name]));
  if (ctx.url.searchParams.get("format") === "csv") {
    return csvResponse(
      campaignsCsv(await allMatching(ctx.state, query), accountNames, range),
      `campaigns-${range.from}-${range.to}.csv`,
    );
  }
  const page = await services.domain.campaigns.list(actor, query);
  const filtered = Boolean(filters.status || filters.adAccountId || filters.search);
  const bulk = bulkResultsFromCookies(req.headers.get("cookie"));
  const csvUrl = new URL(ctx.url);
  csvUrl.searchParams.set("format", "csv");
  csvUrl.searchParams.delete("skip");
  return (
    <>
      <div class="flex flex-wrap items-start justify-between gap-4">
        <PageHeader title="Campaigns">
          Every campaign across your ad accounts, with its results over the period.
        </PageHeader>
        {accounts.length > 0 && <LinkButton href="/campaigns/new">New campaign</LinkButton>}
      </div>
      {bulk && <BulkResultsList results={bulk} />}
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
            <CampaignFilters query={filters} accounts={accounts} period={rangeParams(range)} />
            <div class="mb-4">
              <RangePicker url={ctx.url} range={range} />
            </div>
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
                  <form
                    id={BULK_FORM}
                    method="post"
                    action="/campaigns"
                    class="mb-3 flex flex-wrap items-center gap-2"
                  >
                    <input
                      type="hidden"
                      name="back"
                      value={`${ctx.url.pathname}${ctx.url.search}`}
                    />
                    <span class="text-sm text-neutral-600 dark:text-neutral-400">
                      Selected campaigns:
                    </span>
                    <Button variant="secondary" name="action" value="pause">Pause</Button>
                    <Button variant="secondary" name="action" value="resume">Resume</Button>
                    <a
                      href={`${csvUrl.pathname}${csvUrl.search}`}
                      class="ml-auto text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                      download
                    >
                      Export CSV
                    </a>
                  </form>
                  <Paged url={ctx.url} page={page}>
                    <CampaignTable
                      campaigns={page.items}
                      accountNames={accountNames}
                      caption="Campaigns with their results over the period"
                      sort={{ url: ctx.url, current: filters.sort ?? "-created_at" }}
                      selectForm={BULK_FORM}
                    />
                  </Paged>
                </>
              )}
          </>
        )}
    </>
  );
});

const OUTCOME_TEXT = {
  done: "done",
  approval_required: "needs approval",
  refused: "refused",
} as const;

/** What a bulk pause/resume did to each selected campaign. */
function BulkResultsList({ results }: { results: BulkResults }) {
  const failed = results.lines.some((line) => line.outcome !== "done");
  return (
    <Alert kind={failed ? "warning" : "success"}>
      <p class="font-medium">{results.verb}: what happened to each campaign</p>
      <ul class="mt-1 list-disc pl-5" data-bulk-results>
        {results.lines.map((line) => (
          <li data-outcome={line.outcome}>
            “{line.name}”: {OUTCOME_TEXT[line.outcome]}
            {line.outcome === "refused" && line.detail && ` (${line.detail})`}
            {line.outcome === "approval_required" && line.detail && (
              <>
                {" "}
                <a href={`/approvals/${line.detail}`} class="underline">Review</a>
              </>
            )}
          </li>
        ))}
        {results.more > 0 && <li>and {results.more} more</li>}
      </ul>
    </Alert>
  );
}
