import { LineChart } from "@/components/charts/LineChart.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { StatCard } from "@/components/ui/StatCard.tsx";
import { metricChange, type MetricPolarity } from "@/domain/metric_change.ts";
import type { MetricTotals } from "@/domain/derived_metrics.ts";
import type { PerformanceReport } from "@/domain/metrics.ts";
import { formatRange } from "@/domain/report_range.ts";
import {
  formatCount,
  formatDate,
  formatDecimalMoney,
  formatMoney,
  formatMoneyCompact,
  formatPercent,
  formatRoas,
} from "@/pages/format.ts";

interface PerformanceSummaryProps {
  report: PerformanceReport;
  /** Prefix of the chart ids, unique on the page. */
  id: string;
  /** The same report over the previous period of equal length: tiles show the change. */
  previous?: PerformanceReport;
  /** Today, when the report reaches it: its partial day is drawn dashed, not as a drop. */
  partialFrom?: string;
}

/**
 * Headline totals (spend, conversions, CPA, ROAS, clicks, CTR) and daily spend and conversion
 * charts of one performance report. Used by the dashboard and the campaign page.
 */
export function PerformanceSummary({ report, id, previous, partialFrom }: PerformanceSummaryProps) {
  const currency = report.currency ?? "USD";
  const { totals } = report;
  const period = formatRange(report, partialFrom?.slice(0, 4));
  const chartNote = partialFrom ? `${period} · today so far dashed` : period;
  const change = (key: keyof MetricTotals, polarity: MetricPolarity) =>
    previous && metricChange(totals[key], previous.totals[key], polarity);
  const money = (minor: number) => formatMoney(minor, currency);
  const bestDay = report.daily.reduce(
    (best, day) => (day.spendMinor > best.spendMinor ? day : best),
    report.daily[0],
  );
  return (
    <div class="space-y-6">
      <dl class="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
        <StatCard
          label="Spend"
          value={money(totals.spendMinor)}
          change={change("spendMinor", "neutral")}
        />
        <StatCard
          label="Conversions"
          value={formatCount(totals.conversions)}
          change={change("conversions", "up_is_good")}
        />
        <StatCard
          label="CPA"
          value={formatDecimalMoney(totals.cpa, currency)}
          change={change("cpa", "neutral")}
        />
        <StatCard
          label="ROAS"
          value={formatRoas(totals.roas)}
          change={change("roas", "up_is_good")}
        />
        <StatCard
          label="Clicks"
          value={formatCount(totals.clicks)}
          change={change("clicks", "up_is_good")}
        />
        <StatCard
          label="CTR"
          value={formatPercent(totals.ctr)}
          change={change("ctr", "up_is_good")}
        />
      </dl>
      <div class="grid gap-6 lg:grid-cols-2">
        <Card title="Daily spend" description={chartNote}>
          <LineChart
            id={`${id}-spend`}
            title="Daily spend"
            description={`Spend per day from ${period}: ${money(totals.spendMinor)} in total` +
              (bestDay && bestDay.spendMinor > 0
                ? `, highest on ${formatDate(bestDay.date)} at ${money(bestDay.spendMinor)}.`
                : ".")}
            series={report.daily.map((day) => ({ date: day.date, value: day.spendMinor }))}
            formatValue={money}
            formatTick={(value) => formatMoneyCompact(value, currency)}
            partialFrom={partialFrom}
          />
        </Card>
        <Card title="Daily conversions" description={chartNote}>
          <LineChart
            id={`${id}-conversions`}
            title="Daily conversions"
            description={`Conversions per day from ${period}: ${
              formatCount(totals.conversions)
            } in total.`}
            series={report.daily.map((day) => ({ date: day.date, value: day.conversions }))}
            formatValue={(value) => `${formatCount(value)} conversions`}
            formatTick={formatCount}
            integer
            tone="emerald"
            partialFrom={partialFrom}
          />
        </Card>
      </div>
    </div>
  );
}
