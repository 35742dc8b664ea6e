/**
 * A chart component from a tool result, drawn with the app's `LineChart` (d3 geometry): one
 * series at a time, chosen with toggle buttons (spend, clicks, conversions, revenue). Loaded on
 * demand by `EmbeddedComponent.tsx`.
 *
 * @module
 */
import { useState } from "preact/hooks";
import { LineChart } from "@/components/charts/LineChart.tsx";
import { type ChartComponent, isMoneySeries, seriesPoints } from "@/pages/chat_components.ts";
import { formatCount, formatMoney, formatMoneyCompact } from "@/pages/format.ts";

/** Props of `EmbeddedChart`. */
export interface EmbeddedChartProps {
  chart: ChartComponent;
  /** Unique on the page. */
  id: string;
}

/** A daily chart with a series picker. */
export function EmbeddedChart({ chart, id }: EmbeddedChartProps) {
  const [selected, setSelected] = useState(chart.series[0].key);
  const series = chart.series.find((item) => item.key === selected) ?? chart.series[0];
  const money = isMoneySeries(series.key);
  const currency = chart.currency ?? "USD";
  const points = seriesPoints(chart, series.key);
  const total = points.reduce((sum, point) => sum + point.value, 0);
  const format = (value: number) => money ? formatMoney(value, currency) : formatCount(value);
  return (
    <figure
      data-embedded="chart"
      class="max-w-xl rounded-lg border border-neutral-200 bg-white p-4 shadow-sm dark:border-neutral-800 dark:bg-neutral-900"
    >
      <figcaption class="mb-3 flex flex-wrap items-center justify-between gap-2">
        <span class="text-sm font-semibold">{chart.title}</span>
        <span role="group" aria-label="Series" class="flex flex-wrap gap-1">
          {chart.series.map((item) => (
            <button
              type="button"
              aria-pressed={item.key === series.key}
              onClick={() => setSelected(item.key)}
              class={`rounded-md px-2 py-0.5 text-xs font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${
                item.key === series.key
                  ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-500/10 dark:text-indigo-300"
                  : "text-neutral-600 hover:bg-neutral-100 dark:text-neutral-400 dark:hover:bg-neutral-800"
              }`}
            >
              {item.label}
            </button>
          ))}
        </span>
      </figcaption>
      {points.some((point) => point.value !== 0)
        ? (
          <LineChart
            id={`chat-chart-${id}-${series.key}`}
            title={`${series.label}, ${chart.title}`}
            description={`${series.label} per day, ${points.length} days, total ${format(total)}.`}
            series={points}
            formatValue={format}
            formatTick={money ? (value) => formatMoneyCompact(value, currency) : formatCount}
            integer={!money}
            tone={money ? "indigo" : "emerald"}
          />
        )
        : (
          // An all-zero line says nothing a sentence does not, and its axis would read $0 … $0.
          <p class="flex h-32 items-center justify-center text-sm text-neutral-500 dark:text-neutral-400">
            No {series.label.toLowerCase()} in this period.
          </p>
        )}
    </figure>
  );
}
