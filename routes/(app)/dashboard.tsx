import { defineRoute } from "$fresh/server.ts";
import { AlertItem } from "@/components/alerts/AlertItem.tsx";
import { CampaignTable } from "@/components/CampaignTable.tsx";
import { PageHeader } from "@/components/PageHeader.tsx";
import { PerformanceSummary } from "@/components/PerformanceSummary.tsx";
import { RangePicker } from "@/components/RangePicker.tsx";
import { Alert } from "@/components/ui/Alert.tsx";
import { Button, LinkButton } from "@/components/ui/Button.tsx";
import { EmptyState } from "@/components/ui/EmptyState.tsx";
import type { AdAccount } from "@/domain/ad_accounts.ts";
import type { Alert as AlertRecord } from "@/domain/alerts/service.ts";
import { ValidationError } from "@/domain/errors.ts";
import type { PerformanceReport } from "@/domain/metrics.ts";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import {
  formatRange,
  includesToday,
  previousPeriod,
  type RangeChoice,
  rangeChoiceFromParams,
  rangeParams,
  type ReportRange,
} from "@/domain/report_range.ts";
import { csvResponse } from "@/lib/csv.ts";
import { alertSubject } from "@/pages/alerts_view.ts";
import { dailyCsv } from "@/pages/campaign_csv.ts";
import { formatCount } from "@/pages/format.ts";
import type { SignedInState } from "@/pages/state.ts";

export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  ctx.state.title = "Dashboard";
  // The dashboard opens on a month; the campaigns list on a week.
  const choice = rangeChoiceFromParams(ctx.url.searchParams, "last_30_days");
  const accounts = (await services.domain.adAccounts.list(actor, { limit: MAX_PAGE_SIZE })).items;
  if (accounts.length === 0) {
    return (
      <>
        <PageHeader title="Dashboard">Spend and results across your ad accounts.</PageHeader>
        <EmptyState
          title="Connect an ad account to see your results"
          action={<LinkButton href="/ad-accounts#connect">Connect a sandbox account</LinkButton>}
        >
          The dashboard shows spend, conversions, CPA and ROAS from your connected ad accounts. A
          sandbox account simulates delivery, so you can try everything without spending money.
        </EmptyState>
      </>
    );
  }
  const chosen = accounts.find((account) => account.id === ctx.url.searchParams.get("account"));
  const { report, notice } = await loadReport(ctx.state, chosen, accounts, choice);
  const { range } = report;
  if (ctx.url.searchParams.get("format") === "csv") {
    const scopeName = report.scope ? report.scope.name : "all-accounts";
    return csvResponse(dailyCsv(report.data), `daily-${scopeName}-${range.from}-${range.to}.csv`);
  }
  const csvUrl = new URL(ctx.url);
  csvUrl.searchParams.set("format", "csv");
  const [active, openAlerts] = await Promise.all([
    services.domain.campaigns.list(actor, {
      status: "active",
      adAccountId: chosen?.id,
      sort: "-budget_amount_minor",
      limit: 5,
      from: range.from,
      to: range.to,
    }),
    services.domain.alerts.list(actor, { status: "open", adAccountId: chosen?.id, limit: 3 }),
  ]);
  const alertCampaigns = await services.domain.changes.historyCampaigns(actor, {
    ids: [...new Set(openAlerts.items.flatMap((alert) => alert.campaignId ?? []))],
  });
  const alertNames = {
    campaigns: new Map(alertCampaigns.map((campaign) => [campaign.id, campaign.name])),
    accounts: new Map(accounts.map((account) => [account.id, account.name])),
  };
  const scope = report.scope ? report.scope.name : "All accounts";
  return (
    <>
      <div class="flex flex-wrap items-start justify-between gap-4">
        <PageHeader title="Dashboard">
          {scope} · {formatRange(range, range.today.slice(0, 4))}
        </PageHeader>
        {accounts.length > 1 && (
          <AccountPicker accounts={accounts} chosen={report.scope} period={rangeParams(range)} />
        )}
      </div>
      <div class="mb-6">
        <RangePicker url={ctx.url} range={range} comparedWith={previousPeriod(range)} />
        <p class="mt-2 text-xs text-neutral-600 dark:text-neutral-400">
          Days of {report.scope ? "the account's" : "your accounts'"} time zone ({range.timeZone}).
          {" "}
          <a href={`${csvUrl.pathname}${csvUrl.search}`} class="underline" download>
            Export daily CSV
          </a>
        </p>
      </div>
      {notice && <Alert kind="info">{notice}</Alert>}
      <AlertsCard
        total={openAlerts.total}
        items={openAlerts.items.map((alert) => ({
          alert,
          subject: alertSubject(alert, alertNames),
        }))}
      />
      <PerformanceSummary
        report={report.data}
        previous={report.previous}
        id="dashboard"
        partialFrom={includesToday(range) ? range.today : undefined}
      />
      {active.total > 0 && (
        <section class="mt-8">
          <div class="mb-3 flex items-baseline justify-between gap-4">
            <h2 class="text-base font-semibold">
              Active campaigns · {formatRange(range, range.today.slice(0, 4))}
            </h2>
            <a
              href={`/campaigns?${new URLSearchParams([
                ["status", "active"],
                ...rangeParams(range),
              ])}`}
              class="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
            >
              All {active.total} active campaigns →
            </a>
          </div>
          <CampaignTable
            campaigns={active.items}
            accountNames={new Map(accounts.map((account) => [account.id, account.name]))}
            caption={`Active campaigns with their results from ${formatRange(range)}`}
          />
        </section>
      )}
    </>
  );
});

interface AlertsCardProps {
  /** Open alerts in scope. */
  total: number;
  /** The newest three, with their campaign's or account's name. */
  items: { alert: AlertRecord; subject: string }[];
}

/** The open alerts' count and the newest three, each linking to its page. */
function AlertsCard({ total, items }: AlertsCardProps) {
  return (
    <section
      class="mb-6 rounded-lg border border-neutral-200 bg-white p-5 shadow-sm dark:border-neutral-800 dark:bg-neutral-900"
      data-alerts-card={total}
    >
      <div class="flex items-baseline justify-between gap-4">
        <h2 class="text-base font-semibold">
          Alerts{" "}
          <span class="ml-1 text-sm font-normal text-neutral-600 dark:text-neutral-400">
            {total === 0 ? "nothing open" : `${formatCount(total)} open`}
          </span>
        </h2>
        <a
          href={total > 0 ? "/alerts?status=open" : "/alerts"}
          class="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300"
        >
          {total > 0 ? "All open alerts →" : "All alerts →"}
        </a>
      </div>
      {total === 0
        ? (
          <p class="mt-2 text-sm text-neutral-600 dark:text-neutral-400">
            No metric is far from its usual level right now.
          </p>
        )
        : (
          <ul class="divide-y divide-neutral-200 dark:divide-neutral-800">
            {items.map(({ alert, subject }) => (
              <AlertItem
                alert={alert}
                subject={subject}
                compact
              />
            ))}
          </ul>
        )}
    </section>
  );
}

interface ScopedReport {
  data: PerformanceReport;
  /** The same report over the previous period of equal length. */
  previous: PerformanceReport;
  range: ReportRange;
  /** The single account reported on, or null for all accounts. */
  scope: AdAccount | null;
}

/** The report for one account or all; accounts in several currencies fall back to the first. */
async function loadReport(
  state: SignedInState,
  chosen: AdAccount | undefined,
  accounts: AdAccount[],
  choice: RangeChoice,
): Promise<{ report: ScopedReport; notice?: string }> {
  const { metrics } = state.services.domain;
  const { actor } = state;
  // The range is counted in the days of the accounts shown (`metrics.range`).
  const load = async (account?: AdAccount): Promise<ScopedReport> => {
    const scope = { adAccountId: account?.id };
    const range = await metrics.range(actor, scope, choice);
    const [data, previous] = await Promise.all([
      metrics.performance(actor, { ...scope, from: range.from, to: range.to }),
      metrics.performance(actor, { ...scope, ...previousPeriod(range) }),
    ]);
    return { data, previous, range, scope: account ?? null };
  };
  try {
    return { report: await load(chosen) };
  } catch (error) {
    if (!(error instanceof ValidationError) || chosen) throw error;
    return {
      report: await load(accounts[0]),
      notice: "Your accounts use different currencies, so they are shown one at a time.",
    };
  }
}

interface AccountPickerProps {
  accounts: AdAccount[];
  chosen: AdAccount | null;
  /** Query parameters of the period, kept. */
  period: readonly [string, string][];
}

/** A GET form choosing the account to report on. */
function AccountPicker({ accounts, chosen, period }: AccountPickerProps) {
  return (
    <form method="get" action="/dashboard" class="flex items-center gap-2">
      {period.map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      <label for="account" class="sr-only">Ad account</label>
      <select
        id="account"
        name="account"
        class="rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm shadow-sm dark:border-neutral-700 dark:bg-neutral-900"
      >
        <option value="">All accounts</option>
        {accounts.map((account) => (
          <option value={account.id} selected={account.id === chosen?.id}>{account.name}</option>
        ))}
      </select>
      <Button variant="secondary">Show</Button>
    </form>
  );
}
