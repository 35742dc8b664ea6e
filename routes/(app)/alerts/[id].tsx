import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import { AnomalyChart } from "@/components/charts/AnomalyChart.tsx";
import { FieldChanges } from "@/components/gateway/FieldChanges.tsx";
import { Button, LinkButton } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import type { NextStep } from "@/domain/alerts/cause.ts";
import { type Alert, MAX_MUTE_DAYS } from "@/domain/alerts/service.ts";
import { dateOf } from "@/domain/dates.ts";
import { DomainError, NotFoundError } from "@/domain/errors.ts";
import type { DailyMetrics } from "@/domain/metrics.ts";
import { type ChangeReview, PERSON } from "@/domain/write_gateway.ts";
import {
  alertStatusView,
  alertSubject,
  alertTypeLabel,
  anomalousDates,
  chartRange,
  formatChange,
  formatMetric,
  formatMetricTick,
  formatPart,
  formulaOf,
  metricDays,
  metricLabel,
  nextStepLabel,
  partLabel,
  rollbackHref,
  severityLabel,
  severityTone,
} from "@/pages/alerts_view.ts";
import { formatDate, formatDateTime } from "@/pages/format.ts";
import { FormValues } from "@/pages/forms.ts";
import { actorKindLabel, fieldChangeViews, sourceLabel } from "@/pages/gateway_view.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

/** A step a person confirms here (a rollback is confirmed on its own page). */
type GatewayStep = Extract<NextStep, { kind: "pause" | "lower_budget" }>;

interface AlertPageData {
  alert: Alert;
  subject: string;
  currency: string;
  /** The metric's days around the anomaly; null when its campaign's metrics are gone. */
  daily: DailyMetrics[] | null;
  /** The step being confirmed and the gateway's review of it. */
  confirming: { step: GatewayStep; review: ChangeReview } | null;
}

const isGatewayStep = (step: NextStep): step is GatewayStep =>
  step.kind === "pause" || step.kind === "lower_budget";

function stepOf(alert: Alert, kind: string): GatewayStep | null {
  return alert.cause.nextSteps.filter(isGatewayStep).find((step) => step.kind === kind) ?? null;
}

async function load(ctx: FreshContext<SignedInState, AlertPageData>): Promise<AlertPageData> {
  const { services, actor } = ctx.state;
  const { domain } = services;
  const alert = await domain.alerts.get(actor, ctx.params.id);
  const [account, campaigns] = await Promise.all([
    domain.adAccounts.get(actor, alert.adAccountId).catch(() => null),
    domain.changes.historyCampaigns(actor, { ids: alert.campaignId ? [alert.campaignId] : [] }),
  ]);
  const subject = alertSubject(alert, {
    campaigns: new Map(campaigns.map((campaign) => [campaign.id, campaign.name])),
    accounts: new Map(account ? [[account.id, account.name]] : []),
  });
  const today = dateOf(new Date(), account?.timezone ?? "UTC");
  const range = chartRange(alert.finding, today);
  const daily = account
    ? await domain.metrics.performance(actor, {
      ...range,
      ...(alert.campaignId ? { campaignId: alert.campaignId } : { adAccountId: account.id }),
    }).then((report) => report.daily).catch((error) => {
      // A deleted campaign's metrics are no longer reported: the page says so.
      if (error instanceof NotFoundError) return null;
      throw error;
    })
    : null;
  const step = alert.status === "resolved"
    ? null
    : stepOf(alert, ctx.url.searchParams.get("step") ?? "");
  const confirming = step
    ? {
      step,
      review: await domain.gateway.review({ actor, source: PERSON, operation: step.operation }),
    }
    : null;
  return { alert, subject, currency: account?.currency ?? "USD", daily, confirming };
}

/** A domain refusal as a sentence for the flash message. */
function sentence(error: DomainError): string {
  const message = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  return message.endsWith(".") ? message : `${message}.`;
}

export const handler: Handlers<AlertPageData, SignedInState> = {
  async GET(_req, ctx) {
    try {
      const data = await load(ctx);
      ctx.state.title = `${alertTypeLabel(data.alert.type)} · ${data.subject}`;
      return ctx.render(data);
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      throw error;
    }
  },

  /**
   * Acknowledge, resolve, mute the campaign for N days, or make a confirmed next step (pause,
   * lower the budget) through the write gateway as the signed-in person; then back to the page.
   */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const { domain } = services;
    const form = await FormValues.from(req);
    const back = `/alerts/${ctx.params.id}`;
    try {
      const alert = await domain.alerts.get(actor, ctx.params.id);
      switch (form.text("intent")) {
        case "acknowledge":
          await domain.alerts.acknowledge(actor, alert.id);
          return redirect(back, { flash: { kind: "success", message: "Alert acknowledged." } });
        case "resolve":
          await domain.alerts.resolve(actor, alert.id);
          return redirect(back, { flash: { kind: "success", message: "Alert resolved." } });
        case "mute": {
          const days = Number(form.text("days"));
          if (!alert.campaignId || !Number.isInteger(days) || days < 1 || days > MAX_MUTE_DAYS) {
            return redirect(back, {
              flash: {
                kind: "error",
                message: `Choose between 1 and ${MAX_MUTE_DAYS} days to mute the campaign.`,
              },
            });
          }
          await domain.alerts.mute(actor, alert.campaignId, { days });
          return redirect(back, {
            flash: {
              kind: "success",
              message: `No new alerts on this campaign for ${days} day${days === 1 ? "" : "s"}.`,
            },
          });
        }
        case "step": {
          const step = alert.status === "resolved" ? null : stepOf(alert, form.text("step"));
          if (!step || step.operation.type === "create") {
            return redirect(back, {
              flash: { kind: "error", message: "That step is not offered for this alert." },
            });
          }
          const { operation } = step;
          const campaign = operation.type === "update"
            ? await domain.campaigns.update(actor, operation.campaignId, operation.input)
            : operation.type === "set_status"
            ? await domain.campaigns.changeStatus(actor, operation.campaignId, operation.status)
            : null;
          if (!campaign) {
            return redirect(back, {
              flash: { kind: "error", message: "That step is not offered for this alert." },
            });
          }
          return redirect(back, {
            flash: {
              kind: "success",
              message: step.kind === "pause"
                ? `“${campaign.name}” is paused. The change is in the change history.`
                : `“${campaign.name}”'s budget is lowered. The change is in the change history.`,
            },
          });
        }
        default:
          return redirect(back, { flash: { kind: "error", message: "Unknown action." } });
      }
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      if (error instanceof DomainError) {
        return redirect(back, { flash: { kind: "error", message: sentence(error) } });
      }
      throw error;
    }
  },
};

export default function AlertPage({ data }: PageProps<AlertPageData, SignedInState>) {
  const { alert, subject, currency, daily, confirming } = data;
  const { finding, cause } = alert;
  const status = alertStatusView(alert.status);
  const value = (number: number) => formatMetric(finding.metric, number, currency);
  const anomalous = anomalousDates(finding);
  const days = daily ? metricDays(finding.metric, daily) : null;
  const formula = formulaOf(alert.type);
  const open = alert.status !== "resolved";
  return (
    <>
      <nav class="mb-2 text-sm">
        <a href="/alerts" class="text-neutral-600 hover:text-neutral-900 dark:text-neutral-400">
          ← Alerts
        </a>
      </nav>
      <header class="mb-6" data-alert={alert.id}>
        <div class="flex flex-wrap items-center gap-3">
          <h1 class="text-2xl font-semibold tracking-tight">
            {alertTypeLabel(alert.type)} · {subject}
          </h1>
          <StatusBadge
            status={severityTone(alert.severity)}
            label={severityLabel(alert.severity)}
          />
          <StatusBadge status={status.tone} label={status.label} />
        </div>
        <p class="mt-1 text-sm text-neutral-600 dark:text-neutral-400">
          {finding.summary}
          {/[.!?]$/.test(finding.summary) ? " " : ". "}Seen on {formatDate(finding.date)}
          {finding.shift &&
            ` (over ${finding.shift.days} days from ${formatDate(finding.shift.start)})`}
          {finding.partialDay && " (today so far)"}. {alert.campaignId && (
            <a
              href={`/campaigns/${alert.campaignId}`}
              class="text-indigo-700 underline dark:text-indigo-300"
            >
              Open the campaign
            </a>
          )}
        </p>
      </header>
      <div class="space-y-6">
        {confirming && <ConfirmStep alertId={alert.id} {...confirming} currency={currency} />}

        <Card
          title={`${metricLabel(finding.metric)} around the anomaly`}
          description={`Observed ${value(finding.observed)} against a usual ${
            value(finding.expected)
          } (${formatChange(finding.relativeChange)})${
            finding.baseline
              ? `; normal range ${value(finding.baseline.low)} – ${
                value(Math.min(finding.baseline.high, Number.MAX_SAFE_INTEGER))
              }`
              : ""
          }.`}
        >
          {days
            ? (
              <AnomalyChart
                id="alert-metric"
                title={`Daily ${metricLabel(finding.metric)} of ${subject}`}
                description={`${metricLabel(finding.metric)} per day from ${
                  formatDate(days[0].date)
                } to ${formatDate(days[days.length - 1].date)}; ${value(finding.observed)} on ${
                  formatDate(finding.date)
                } against a baseline median of ${
                  value(finding.baseline?.median ?? finding.expected)
                }.`}
                days={days}
                baseline={finding.baseline}
                anomalous={anomalous}
                baselineDates={finding.baseline?.dates}
                integer={finding.metric === "conversions"}
                formatValue={value}
                formatTick={(number) => formatMetricTick(finding.metric, number, currency)}
              />
            )
            : (
              <p class="text-sm text-neutral-600 dark:text-neutral-400">
                The metrics of this campaign are no longer available (it was deleted).
              </p>
            )}
        </Card>

        <Card title="What moved" description={formula ?? undefined}>
          {cause.parts.length === 0
            ? (
              <p class="text-sm text-neutral-600 dark:text-neutral-400" data-parts>
                {alert.type === "spend_stopped"
                  ? "Nothing was delivered: there are no parts to compare."
                  : "This alert has no parts to compare."}
              </p>
            )
            : (
              <table class="w-full text-sm" data-parts>
                <thead>
                  <tr class="text-left text-neutral-600 dark:text-neutral-400">
                    <th class="py-1 pr-4 font-medium">Part</th>
                    <th class="py-1 pr-4 text-right font-medium">This time</th>
                    <th class="py-1 pr-4 text-right font-medium">Usually</th>
                    <th class="py-1 text-right font-medium">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {cause.parts.map((part) => {
                    const moved = part.part === cause.movedPart;
                    return (
                      <tr
                        class={`border-t border-neutral-200 dark:border-neutral-800 ${
                          moved ? "font-semibold" : ""
                        }`}
                        data-part={part.part}
                        data-moved={moved ? "true" : undefined}
                      >
                        <td class="py-2 pr-4">
                          {partLabel(part.part)}
                          {moved && (
                            <span class="ml-2 rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-500/10 dark:text-red-300">
                              moved most
                            </span>
                          )}
                        </td>
                        <td class="py-2 pr-4 text-right tabular-nums">
                          {formatPart(part.part, part.observed, currency)}
                        </td>
                        <td class="py-2 pr-4 text-right tabular-nums">
                          {formatPart(part.part, part.baseline, currency)}
                        </td>
                        <td class="py-2 text-right tabular-nums">
                          {formatChange(part.relativeChange)}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
        </Card>

        <Card title="Changed in the days before">
          {cause.changes.length === 0
            ? (
              <p class="text-sm text-neutral-600 dark:text-neutral-400" data-cause-changes="0">
                Nothing was changed on {alert.campaignId ? "the campaign" : "the account"}{" "}
                in the 7 days before.
              </p>
            )
            : (
              <ul class="space-y-2 text-sm" data-cause-changes={cause.changes.length}>
                {cause.changes.map((change) => (
                  <li data-change-id={change.changeId} data-actor-kind={change.actorKind}>
                    <span class="font-medium">{formatDateTime(change.at)}</span>:{" "}
                    {change.operation.replaceAll("_", " ")}
                    {change.fields.length > 0 && ` (${change.fields.join(", ")})`} by{" "}
                    <ActorLink kind={change.actorKind} sourceId={change.sourceId} />
                  </li>
                ))}
              </ul>
            )}
          {alert.campaignId && (
            <p class="mt-3 text-sm">
              <a
                href={`/changes?campaign=${alert.campaignId}`}
                class="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
              >
                All changes to this campaign →
              </a>
            </p>
          )}
        </Card>

        {open && cause.nextSteps.length > 0 && (
          <Card
            title="Next steps"
            description="Each goes through the same checks as any change you make; you see what changes before it is made."
          >
            <ul class="space-y-3" data-next-steps>
              {cause.nextSteps.map((step) => (
                <li
                  class="flex flex-wrap items-center justify-between gap-3"
                  data-next-step={step.kind}
                >
                  <span class="text-sm">{step.description}.</span>
                  <LinkButton
                    href={step.kind === "roll_back"
                      ? rollbackHref(step)
                      : `/alerts/${alert.id}?step=${step.kind}#confirm`}
                    variant={step.kind === "pause" ? "secondary" : "secondary"}
                  >
                    {nextStepLabel(step)}
                  </LinkButton>
                </li>
              ))}
            </ul>
          </Card>
        )}

        <Card title="This alert">
          <div class="flex flex-wrap items-end gap-4">
            {alert.status === "open" && (
              <form method="post" data-form="acknowledge">
                <input type="hidden" name="intent" value="acknowledge" />
                <Button variant="secondary">Acknowledge</Button>
              </form>
            )}
            {open && (
              <form method="post" data-form="resolve">
                <input type="hidden" name="intent" value="resolve" />
                <Button variant="secondary">Resolve</Button>
              </form>
            )}
            {alert.campaignId && (
              <form method="post" class="flex items-end gap-2" data-form="mute">
                <input type="hidden" name="intent" value="mute" />
                <div>
                  <label
                    for="mute-days"
                    class="mb-1 block text-xs font-medium text-neutral-600 dark:text-neutral-400"
                  >
                    Mute the campaign for (days)
                  </label>
                  <input
                    id="mute-days"
                    name="days"
                    type="number"
                    min={1}
                    max={MAX_MUTE_DAYS}
                    value="7"
                    required
                    class="w-24 rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm dark:border-neutral-700 dark:bg-neutral-900"
                  />
                </div>
                <Button variant="secondary">Mute</Button>
              </form>
            )}
          </div>
          <p class="mt-3 text-xs text-neutral-600 dark:text-neutral-400">
            Raised {formatDateTime(alert.createdAt)}, last seen{" "}
            {formatDateTime(alert.lastDetectedAt)}
            {alert.acknowledgedAt && `; acknowledged ${formatDateTime(alert.acknowledgedAt)}`}
            {alert.resolvedAt &&
              `; resolved ${formatDateTime(alert.resolvedAt)}${
                alert.resolution === "auto"
                  ? " (back in range by itself)"
                  : alert.resolution === "inactive"
                  ? " (no longer active)"
                  : ""
              }`}. Acknowledged alerts stay unresolved and keep new duplicates away; a muted
            campaign raises no new alerts.
          </p>
        </Card>
      </div>
    </>
  );
}

/** Who made a change, linked to where its source lives (a run, a rule). */
function ActorLink(
  { kind, sourceId }: { kind: Parameters<typeof actorKindLabel>[0]; sourceId: string | null },
) {
  const label = kind === "user" ? "a person" : sourceLabel(kind, sourceId);
  const href = sourceId === null
    ? null
    : kind === "assistant"
    ? `/runs/${encodeURIComponent(sourceId)}`
    : kind === "rule"
    ? `/rules/${encodeURIComponent(sourceId)}`
    : `/changes?source_id=${encodeURIComponent(sourceId)}`;
  return href
    ? (
      <a href={href} class="text-indigo-700 hover:underline dark:text-indigo-300" data-source-link>
        {label}
      </a>
    )
    : <span>{label}</span>;
}

interface ConfirmStepProps {
  alertId: string;
  step: GatewayStep;
  review: ChangeReview;
  currency: string;
}

/** The confirmation of a next step: what it changes (the gateway's preview), then a POST. */
function ConfirmStep({ alertId, step, review, currency }: ConfirmStepProps) {
  const changes = fieldChangeViews(
    review.preview.changes,
    review.preview.currency ?? currency,
    review.preview.labels,
  );
  return (
    <section
      id="confirm"
      class="rounded-lg border-2 border-indigo-300 bg-white p-5 shadow-sm dark:border-indigo-500/50 dark:bg-neutral-900"
      data-confirm-step={step.kind}
    >
      <h2 class="text-base font-semibold">{nextStepLabel(step)}?</h2>
      <p class="mt-1 text-sm text-neutral-700 dark:text-neutral-300">{review.preview.summary}</p>
      <div class="mt-3" data-preview>
        <FieldChanges changes={changes} />
      </div>
      {review.refusal
        ? (
          <p class="mt-3 text-sm text-red-700 dark:text-red-300" data-refusal>
            Your account's limits refuse this change: {review.refusal.message}.
          </p>
        )
        : (
          <form method="post" action={`/alerts/${alertId}`} class="mt-4 flex items-center gap-3">
            <input type="hidden" name="intent" value="step" />
            <input type="hidden" name="step" value={step.kind} />
            <Button variant={step.kind === "pause" ? "danger" : "primary"} data-confirm>
              Confirm: {nextStepLabel(step).toLowerCase()}
            </Button>
            <a
              href={`/alerts/${alertId}`}
              class="text-sm text-neutral-600 hover:underline dark:text-neutral-400"
            >
              Cancel
            </a>
          </form>
        )}
    </section>
  );
}
