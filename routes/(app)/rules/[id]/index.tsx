import type { Handlers, PageProps } from "$fresh/server.ts";
import { PageHeader } from "@/components/PageHeader.tsx";
import { BacktestChart } from "@/components/rules/BacktestChart.tsx";
import { FiringsTable, GateBlockedTable } from "@/components/rules/BacktestTables.tsx";
import { EvaluationHistory } from "@/components/rules/EvaluationHistory.tsx";
import { Alert } from "@/components/ui/Alert.tsx";
import { Button, LinkButton } from "@/components/ui/Button.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { StatCard } from "@/components/ui/StatCard.tsx";
import { StatusBadge } from "@/components/ui/StatusBadge.tsx";
import { NotFoundError } from "@/domain/errors.ts";
import { MAX_PAGE_SIZE } from "@/domain/pagination.ts";
import type { RuleEvaluationEntry, RuleRunSummary } from "@/domain/rules/activity.ts";
import { countOf } from "@/domain/counts.ts";
import { ruleSentence } from "@/domain/rules/describe.ts";
import type { Rule, StoredBacktest } from "@/domain/rules/service.ts";
import { formatCount, formatDateTime, formatMoney } from "@/pages/format.ts";
import { FormValues } from "@/pages/forms.ts";
import { redirect } from "@/pages/http.ts";
import type { SignedInState } from "@/pages/state.ts";

interface RuleData {
  rule: Rule;
  backtest: StoredBacktest | null;
  runs: RuleRunSummary | null;
  evaluations: RuleEvaluationEntry[];
  campaignNames: Map<string, string>;
  /** Enabling was asked for: show the backtest first, then confirm. */
  confirmEnable: boolean;
}

/** Backtested days when enabling runs a backtest first. */
const ENABLE_BACKTEST_DAYS = 30;

export const handler: Handlers<RuleData, SignedInState> = {
  async GET(_req, ctx) {
    const { services, actor } = ctx.state;
    let rule: Rule;
    try {
      rule = await services.domain.rules.get(actor, ctx.params.id);
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      throw error;
    }
    ctx.state.title = rule.name;
    const backtest = await services.domain.rules.latestBacktest(actor, rule.id);
    const runs = (await services.domain.ruleActivity.summaries(actor, [rule])).get(rule.id) ??
      null;
    const evaluations = await services.domain.ruleActivity.recentEvaluations(actor, rule.id, 20);
    const campaigns = await services.domain.campaigns.list(actor, {
      adAccountId: rule.adAccountId,
      limit: MAX_PAGE_SIZE,
    });
    return ctx.render({
      rule,
      backtest,
      runs,
      evaluations,
      campaignNames: new Map(campaigns.items.map((campaign) => [campaign.id, campaign.name])),
      confirmEnable: ctx.url.searchParams.get("enable") === "review" && !rule.enabled,
    });
  },

  /**
   * `review_enable` (backtests the rule when it has no backtest yet, then shows it with a
   * confirm button), `enable`, `disable`, `backtest`, `delete`.
   */
  async POST(req, ctx) {
    const { services, actor } = ctx.state;
    const intent = (await FormValues.from(req)).text("intent");
    const here = `/rules/${encodeURIComponent(ctx.params.id)}`;
    const rules = services.domain.rules;
    try {
      switch (intent) {
        case "review_enable": {
          if (!(await rules.latestBacktest(actor, ctx.params.id))) {
            await rules.backtest(actor, ctx.params.id, { days: ENABLE_BACKTEST_DAYS });
          }
          return redirect(`${here}?enable=review#backtest`);
        }
        case "enable": {
          const rule = await rules.enable(actor, ctx.params.id);
          return redirect(here, {
            flash: { kind: "success", message: `“${rule.name}” is enabled and runs on schedule.` },
          });
        }
        case "disable": {
          const rule = await rules.disable(actor, ctx.params.id);
          return redirect(here, {
            flash: { kind: "success", message: `“${rule.name}” is disabled.` },
          });
        }
        case "backtest": {
          await rules.backtest(actor, ctx.params.id, { days: ENABLE_BACKTEST_DAYS });
          return redirect(`${here}#backtest`, {
            flash: { kind: "success", message: "The backtest ran over the last 30 days." },
          });
        }
        case "delete": {
          const rule = await rules.get(actor, ctx.params.id);
          await rules.delete(actor, ctx.params.id);
          return redirect("/rules", {
            flash: { kind: "success", message: `“${rule.name}” was deleted.` },
          });
        }
        default:
          return redirect(here, { flash: { kind: "error", message: "Choose an action." } });
      }
    } catch (error) {
      if (error instanceof NotFoundError) return ctx.renderNotFound();
      throw error;
    }
  },
};

function EnableReview({ rule, backtest }: { rule: Rule; backtest: StoredBacktest | null }) {
  return (
    <div data-enable-review>
      <Alert kind="warning">
        <p class="font-medium">Before you enable “{rule.name}”</p>
        <p class="mt-1">
          {backtest
            ? `Over the last ${backtest.days} days it would have fired ${
              countOf(backtest.firingCount, "time")
            }` +
              (backtest.blockedCount > 0
                ? `, ${backtest.blockedCount} of them stopped by your limits`
                : "") +
              `; the data gate held back ${backtest.gateBlockedCount} more. Review the backtest below.`
            : "It has no backtest."}
          {rule.warnings.length > 0 &&
            ` It can conflict with ${countOf(rule.warnings.length, "enabled rule")}.`}
        </p>
        <form method="post" class="mt-3 flex gap-2">
          <Button name="intent" value="enable">Enable the rule</Button>
          <LinkButton href={`/rules/${rule.id}`} variant="ghost">Not now</LinkButton>
        </form>
      </Alert>
    </div>
  );
}

export default function RulePage({ data }: PageProps<RuleData, SignedInState>) {
  const { rule, backtest, runs, evaluations, campaignNames, confirmEnable } = data;
  const money = (minor: number) => formatMoney(minor, backtest?.currency ?? rule.currency);
  return (
    <>
      <nav class="mb-2 text-sm">
        <a href="/rules" class="text-neutral-500 hover:text-neutral-800 dark:text-neutral-400">
          ← Rules
        </a>
      </nav>
      <div class="flex flex-wrap items-start justify-between gap-3">
        <PageHeader title={rule.name}>{ruleSentence(rule, rule.currency)}</PageHeader>
        <div class="flex flex-wrap items-center gap-2">
          <StatusBadge
            status={rule.enabled ? "active" : "draft"}
            label={rule.enabled ? "Enabled" : "Disabled"}
          />
          <LinkButton href={`/rules/${rule.id}/edit`} variant="secondary">Edit</LinkButton>
          <form method="post">
            {rule.enabled
              ? <Button name="intent" value="disable" variant="secondary">Disable</Button>
              : <Button name="intent" value="review_enable">Enable…</Button>}
          </form>
        </div>
      </div>
      {confirmEnable && <EnableReview rule={rule} backtest={backtest} />}
      {rule.warnings.length > 0 && (
        <Alert kind="warning">
          <ul class="list-disc pl-5" data-conflicts={rule.warnings.length}>
            {rule.warnings.map((warning) => (
              <li>
                {warning.message} —{" "}
                <a href={`/rules/${warning.otherRuleId}`} class="underline">
                  {warning.otherRuleName}
                </a>
              </li>
            ))}
          </ul>
        </Alert>
      )}
      <dl class="mb-6 grid gap-3 sm:grid-cols-3">
        <StatCard
          label="Last run"
          value={runs?.lastRunAt ? formatDateTime(runs.lastRunAt) : "—"}
        />
        <StatCard
          label="Next run"
          value={runs?.nextRunAt ? formatDateTime(runs.nextRunAt) : "—"}
          hint={rule.enabled ? `Account time zone: ${rule.timeZone}` : "Disabled"}
        />
        <StatCard
          label="Firings this week"
          value={formatCount(runs?.firingsThisWeek ?? 0)}
        />
      </dl>
      <div class="space-y-6">
        <section id="backtest">
          <Card
            title="Backtest"
            description={backtest
              ? `${backtest.from} – ${backtest.to} (${backtest.days} days), ran ${
                formatDateTime(backtest.ranAt)
              }: ${countOf(backtest.campaignsEvaluated, "campaign")} checked, ${
                countOf(backtest.firingCount, "firing")
              }; estimated spend ${money(backtest.outcome.withoutRule.spendMinor)} → ${
                money(backtest.outcome.withRule.spendMinor)
              }.`
              : "Replays the rule over stored history before you switch it on."}
            actions={
              <form method="post">
                <Button name="intent" value="backtest" variant="secondary">
                  {backtest ? "Run again" : "Run a backtest"}
                </Button>
              </form>
            }
          >
            {backtest
              ? (
                <div class="space-y-6">
                  <BacktestChart id="backtest-chart" result={backtest} />
                  <div>
                    <h3 class="mb-2 text-sm font-semibold">Firings</h3>
                    <FiringsTable result={backtest} />
                  </div>
                  <div>
                    <h3 class="mb-2 text-sm font-semibold">
                      Held back by the data gate ({backtest.gateBlockedCount})
                    </h3>
                    <GateBlockedTable result={backtest} />
                  </div>
                </div>
              )
              : (
                <p class="text-sm text-neutral-500 dark:text-neutral-400" data-no-backtest>
                  No backtest yet.
                </p>
              )}
          </Card>
        </section>
        <section id="evaluations">
          <Card
            title="Latest evaluations"
            description="Why the rule did or did not fire, newest first."
          >
            <EvaluationHistory
              entries={evaluations}
              currency={rule.currency}
              campaignNames={campaignNames}
            />
          </Card>
        </section>
        <form method="post" class="text-right">
          <Button name="intent" value="delete" variant="danger">Delete rule</Button>
        </form>
      </div>
    </>
  );
}
