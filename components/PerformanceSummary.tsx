import { LineChart } from "@/components/charts/LineChart.tsx";
import { Card } from "@/components/ui/Card.tsx";
import { StatCard } from "@/components/ui/StatCard.tsx";
import type { PerformanceReport } from "@/domain/metrics.ts";
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
}

/**
 * Headline totals (spend, conversions, CPA, ROAS, clicks, CTR) and daily spend and conversion
 * charts of one performance report. Used by the dashboard and the campaign page.
 */
export function PerformanceSummary({ report, id }: PerformanceSummaryProps) {
  const currency = report.currency ?? "USD";
  const { totals } = report;
  const period = `${formatDate(report.from)} – ${formatDate(report.to)}`;
  const money = (minor: number) => formatMoney(minor, currency);
  const bestDay = report.daily.reduce(
    (best, day) => (day.spendMinor > best.spendMinor ? day : best),
    report.daily[0],
  );
  return (
    <div class="space-y-6">
      <dl class="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
        <StatCard label="Spend" value={money(totals.spendMinor)} />
        <StatCard label="Conversions" value={formatCount(totals.conversions)} />
        <StatCard label="CPA" value={formatDecimalMoney(totals.cpa, currency)} />
        <StatCard label="ROAS" value={formatRoas(totals.roas)} />
        <StatCard label="Clicks" value={formatCount(totals.clicks)} />
        <StatCard label="CTR" value={formatPercent(totals.ctr)} />
      </dl>
      <div class="grid gap-6 lg:grid-cols-2">
        <Card title="Daily spend" description={period}>
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
          />
        </Card>
        <Card title="Daily conversions" description={period}>
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
          />
        </Card>
      </div>
    </div>
  );
}
