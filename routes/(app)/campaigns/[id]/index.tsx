import { defineRoute, type Handlers } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { PerformanceSummary } from "@/components/PerformanceSummary.tsx";
import { RangePicker } from "@/components/RangePicker.tsx";
import { Button, LinkButton } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import type { CampaignStatus } from "@/domain/campaigns.ts";
import { canTransition } from "@/domain/campaign_status.ts";
import type { Campaign } from "@/domain/campaigns.ts";
import type { Creative } from "@/domain/creatives.ts";
import { type ChangeConfirmation, needsConfirmation } from "@/domain/change_confirmation.ts";
import { ConflictError, NotFoundError, PlatformError } from "@/domain/errors.ts";
import { ChangePreview } from "@/components/gateway/ChangePreview.tsx";
import { formatDate, formatMomentDate, formatMoney } from "@/pages/format.ts";
import { FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import { includesToday, previousPeriod, rangeChoiceFromParams } from "@/domain/report_range.ts";
import { csvResponse } from "@/lib/csv.ts";
import { dailyCsv } from "@/pages/campaign_csv.ts";
import type { SignedInState } from "@/pages/state.ts";

/** The status buttons: what each posts, the status it leads to, and what it says afterwards. */
const ACTIONS = {
  resume: { to: "active", done: "is live" },
  pause: { to: "paused", done: "is paused" },
  archive: { to: "archived", done: "is archived" },
} as const satisfies Record<string, { to: CampaignStatus; done: string }>;

type Action = keyof typeof ACTIONS;

export const handler: Handlers<unknown, SignedInState> = {
  /** Pause, resume (launch) or archive, then back to the page with the outcome. */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const form = await FormValues.from(req);
    const action = form.text("action");
    const back = `/campaigns/${ctx.params.id}`;
    if (!(action in ACTIONS)) {
      return redirect(back, { flash: { kind: "error", message: "Unknown action." } });
    }
    try {
      // Launching starts spending: first the preview, then the confirmed post comes back here.
      if (
        action === "resume" &&
        await launchConfirmation(ctx.state, ctx.params.id, form.text("confirmChange"))
      ) {
        return redirect(`${back}?confirm=resume`);
      }
      const campaign = await services.domain.campaigns[action as Action](actor, ctx.params.id);
      return redirect(back, {
        flash: {
          kind: "success",
          message: `“${campaign.name}” ${ACTIONS[action as Action].done}.`,
        },
      });
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      if (error instanceof ConflictError || error instanceof PlatformError) {
        const message = error.message.charAt(0).toUpperCase() + error.message.slice(1);
        return redirect(back, { flash: { kind: "error", message: `${message}.` } });
      }
      throw error;
    }
  },
};

/** What launching (resuming) the campaign asks the person to confirm, if anything. */
function launchConfirmation(state: SignedInState, campaignId: string, confirmedDigest: string) {
  return needsConfirmation(
    state.services.domain.gateway,
    state.actor,
    { type: "set_status", campaignId, status: "active" },
    confirmedDigest,
  );
}

export default defineRoute<SignedInState>(async (_req, ctx) => {
  const { services, actor } = ctx.state;
  let campaign: Campaign;
  try {
    campaign = await services.domain.campaigns.get(actor, ctx.params.id);
  } catch (error) {
    if (error instanceof NotFoundError) return ctx.renderNotFound();
    throw error;
  }
  ctx.state.title = campaign.name;
  const { metrics } = services.domain;
  // The range is counted in the account's days (`metrics.range`).
  const [account, range] = await Promise.all([
    services.domain.adAccounts.get(actor, campaign.adAccountId),
    metrics.range(
      actor,
      { campaignId: campaign.id },
      rangeChoiceFromParams(ctx.url.searchParams, "last_30_days"),
    ),
  ]);
  const confirming = ctx.url.searchParams.get("confirm") === "resume" &&
    canTransition(campaign.status, "active");
  const [report, previous, creatives, confirmation] = await Promise.all([
    metrics.performance(actor, { from: range.from, to: range.to, campaignId: campaign.id }),
    metrics.performance(actor, { ...previousPeriod(range), campaignId: campaign.id }),
    services.domain.creatives.list(actor, campaign.id, { limit: 50 }),
    confirming ? launchConfirmation(ctx.state, campaign.id, "") : null,
  ]);
  if (ctx.url.searchParams.get("format") === "csv") {
    return csvResponse(dailyCsv(report), `daily-${campaign.name}-${range.from}-${range.to}.csv`);
  }
  const csvUrl = new URL(ctx.url);
  csvUrl.searchParams.set("format", "csv");
  return (
    <>
      <nav class="mb-2 text-sm">
        <a href="/campaigns" class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400">
          ← Campaigns
        </a>
      </nav>
      <div class="flex flex-wrap items-start justify-between gap-4">
        <div>
          <div class="flex items-center gap-3">
            <PageHeader title={campaign.name} />
            <span class="mb-6">
              <StatusBadge status={campaign.status} />
            </span>
          </div>
        </div>
        <StatusActions campaign={campaign} />
      </div>
      {confirmation && <ConfirmLaunch campaign={campaign} confirmation={confirmation} />}
      <div class="mb-6 flex flex-wrap items-center justify-between gap-3">
        <p class="text-sm text-neutral-600 dark:text-neutral-400">
          <span class="capitalize">{campaign.objective}</span> · {account.name}
        </p>
      </div>
      <div class="mb-6">
        <RangePicker url={ctx.url} range={range} comparedWith={previousPeriod(range)} />
        <p class="mt-2 text-xs text-neutral-600 dark:text-neutral-400">
          Days of the account's time zone ({range.timeZone}).{" "}
          <a href={`${csvUrl.pathname}${csvUrl.search}`} class="underline" download>
            Export daily CSV
          </a>
        </p>
      </div>
      <PerformanceSummary
        report={report}
        previous={previous}
        id="campaign"
        partialFrom={includesToday(range) ? range.today : undefined}
      />
      <div class="mt-6 grid gap-6 lg:grid-cols-2">
        <Details campaign={campaign} />
        <Creatives creatives={creatives.items} />
      </div>
    </>
  );
});

/** The buttons for the transitions the campaign's status allows, Edit, and its history. */
function StatusActions({ campaign }: { campaign: Campaign }) {
  const can = (to: CampaignStatus) => canTransition(campaign.status, to);
  return (
    <div class="flex flex-wrap items-start gap-2">
      <LinkButton href={`/changes?campaign=${campaign.id}`} variant="ghost">History</LinkButton>
      {campaign.status !== "archived" && (
        <LinkButton href={`/campaigns/${campaign.id}/edit`} variant="secondary">Edit</LinkButton>
      )}
      {can("paused") && <ActionButton action="pause" label="Pause" variant="secondary" />}
      {can("active") && (
        <ActionButton action="resume" label={campaign.status === "draft" ? "Launch" : "Resume"} />
      )}
      {can("archived") && (
        <details class="group relative">
          <summary class="cursor-pointer list-none rounded-md px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950/40">
            Archive…
          </summary>
          <div class="absolute right-0 z-10 mt-2 w-64 rounded-lg border border-neutral-200 bg-white p-4 text-sm shadow-lg dark:border-neutral-800 dark:bg-neutral-900">
            <p>Archiving stops delivery for good; archived campaigns cannot be changed.</p>
            <div class="mt-3">
              <ActionButton action="archive" label="Archive campaign" variant="danger" />
            </div>
          </div>
        </details>
      )}
    </div>
  );
}

/** The launch's preview and the button that confirms it (a plain form, no script needed). */
function ConfirmLaunch(
  { campaign, confirmation }: { campaign: Campaign; confirmation: ChangeConfirmation },
) {
  const verb = campaign.status === "draft" ? "Launch" : "Resume";
  return (
    <section
      aria-labelledby="confirm-launch"
      class="mb-6 rounded-lg border border-amber-300 bg-amber-50/70 p-4 dark:border-amber-700/60 dark:bg-amber-950/30"
      data-confirm-launch
    >
      <h2 id="confirm-launch" class="mb-3 text-sm font-semibold">
        {verb} “{campaign.name}”?
      </h2>
      <ChangePreview confirmation={confirmation} />
      <form method="post" action={`/campaigns/${campaign.id}`} class="mt-4 flex gap-3">
        <input type="hidden" name="action" value="resume" />
        <input type="hidden" name="confirmChange" value={confirmation.digest} />
        <Button>{verb} campaign</Button>
        <LinkButton href={`/campaigns/${campaign.id}`} variant="ghost">Cancel</LinkButton>
      </form>
    </section>
  );
}

function ActionButton(
  { action, label, variant }: {
    action: Action;
    label: string;
    variant?: "primary" | "secondary" | "danger";
  },
) {
  return (
    <form method="post">
      <input type="hidden" name="action" value={action} />
      <Button variant={variant}>{label}</Button>
    </form>
  );
}

function Details({ campaign }: { campaign: Campaign }) {
  const { targeting } = campaign;
  const ages = targeting.ageMin || targeting.ageMax
    ? `${targeting.ageMin ?? 13}–${targeting.ageMax ?? 65}`
    : "All ages";
  const rows: [string, string][] = [
    [
      "Budget",
      `${formatMoney(campaign.budgetAmountMinor, campaign.currency)} ${campaign.budgetType}`,
    ],
    ["Starts", campaign.startDate ? formatDate(campaign.startDate) : "When launched"],
    ["Ends", campaign.endDate ? formatDate(campaign.endDate) : "No end date"],
    ["Countries", targeting.countries?.join(", ") || "Everywhere"],
    ["Ages", ages],
    ["Landing page", campaign.landingUrl ?? "—"],
    ["Created", formatMomentDate(campaign.createdAt)],
  ];
  return (
    <Card title="Details">
      <dl class="divide-y divide-neutral-100 text-sm dark:divide-neutral-800">
        {rows.map(([label, value]) => (
          <div class="grid grid-cols-3 gap-4 py-2 first:pt-0 last:pb-0">
            <dt class="text-neutral-500 dark:text-neutral-400">{label}</dt>
            <dd class="col-span-2 break-words">{value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

function Creatives({ creatives }: { creatives: Creative[] }) {
  return (
    <Card title="Creatives" description="Ad copy and media of this campaign.">
      {creatives.length === 0
        ? <p class="text-sm text-neutral-500 dark:text-neutral-400">No creatives yet.</p>
        : (
          <ul class="space-y-3">
            {creatives.map((creative) => (
              <li class="rounded-md border border-neutral-200 p-3 dark:border-neutral-800">
                <p class="font-medium">{creative.headline}</p>
                <p class="mt-1 text-sm text-neutral-600 dark:text-neutral-400">{creative.body}</p>
                {creative.callToAction && (
                  <span class="mt-2 inline-block rounded bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700 dark:bg-indigo-500/10 dark:text-indigo-300">
                    {creative.callToAction}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
    </Card>
  );
}
