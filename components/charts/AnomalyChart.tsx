import { formatDay } from "@/pages/format.ts";
import { type AnomalyChartInput, anomalyGeometry } from "./anomaly_geometry.ts";

interface AnomalyChartProps extends AnomalyChartInput {
  /** Unique on the page; prefixes the ids of the title and description. */
  id: string;
  title: string;
  /** A sentence summing up the chart, for screen readers. */
  description: string;
  /** Formats a value for tooltips, e.g. `$12.34`. */
  formatValue: (value: number) => string;
  /** Formats a y-axis tick (defaults to `formatValue`). */
  formatTick?: (value: number) => string;
}

const dayLabel = formatDay;

/** Axis text: neutral-600 on white and neutral-400 on the dark card, both above 4.5:1. */
const AXIS_TEXT = "fill-neutral-600 dark:fill-neutral-400";

/**
 * A server-rendered SVG of a metric around an anomaly: the daily line, the baseline band with
 * its median, the anomalous day(s) marked in red and the baseline's days ringed, with a legend.
 * Complete without scripts; every point has a `<title>` tooltip.
 */
export function AnomalyChart(props: AnomalyChartProps) {
  const { id, title, description, formatValue } = props;
  const formatTick = props.formatTick ?? formatValue;
  const geometry = anomalyGeometry(props);
  const { size, plot, points, band, marks } = geometry;
  return (
    <figure data-chart={id}>
      <svg
        viewBox={`0 0 ${size.width} ${size.height}`}
        class="h-auto w-full overflow-visible"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {band && (
          <g data-baseline-band>
            <rect
              x={plot.left}
              y={band.top}
              width={plot.right - plot.left}
              height={Math.max(0, band.bottom - band.top)}
              class="fill-emerald-500/15 dark:fill-emerald-400/15"
            />
            <line
              x1={plot.left}
              x2={plot.right}
              y1={band.medianY}
              y2={band.medianY}
              stroke-dasharray="6 4"
              class="stroke-emerald-700 dark:stroke-emerald-400"
              data-baseline-median
            />
          </g>
        )}
        <g data-anomaly-marks>
          {marks.map((mark) => (
            <rect
              x={mark.x}
              y={plot.top}
              width={mark.width}
              height={plot.bottom - plot.top}
              class="fill-red-500/15 dark:fill-red-400/20"
              data-anomaly-mark={mark.date}
            >
              <title>{`Anomaly on ${dayLabel(mark.date, true)}`}</title>
            </rect>
          ))}
        </g>
        <g class="text-[12px]" data-axis>
          {geometry.yTicks.map((tick) => (
            <g>
              <line
                x1={plot.left}
                x2={plot.right}
                y1={tick.y}
                y2={tick.y}
                class="stroke-neutral-200 dark:stroke-neutral-800"
                stroke-dasharray={tick.value === 0 ? undefined : "3 3"}
              />
              <text
                x={plot.left - 8}
                y={tick.y}
                dy="0.32em"
                text-anchor="end"
                class={AXIS_TEXT}
                data-y-tick
              >
                {formatTick(tick.value)}
              </text>
            </g>
          ))}
          {geometry.xTicks.map((tick) => (
            <text
              x={tick.x}
              y={plot.bottom + 20}
              text-anchor="middle"
              class={AXIS_TEXT}
              data-x-tick
            >
              {dayLabel(tick.date)}
            </text>
          ))}
        </g>
        <path
          d={geometry.linePath}
          fill="none"
          stroke-width="2"
          stroke-linejoin="round"
          stroke-linecap="round"
          class="stroke-indigo-500 dark:stroke-indigo-400"
        />
        <g>
          {points.map((point) => (
            <circle
              cx={point.x}
              cy={point.y}
              r={point.anomalous ? 4.5 : point.baseline ? 3.5 : 2}
              class={point.anomalous
                ? "fill-red-600 stroke-white dark:fill-red-400 dark:stroke-neutral-900"
                : point.baseline
                ? "fill-white stroke-indigo-600 dark:fill-neutral-900 dark:stroke-indigo-400"
                : "fill-indigo-500 dark:fill-indigo-400"}
              stroke-width={point.anomalous || point.baseline ? 1.5 : undefined}
              data-date={point.date}
              data-value={point.value}
              data-anomalous={point.anomalous ? "true" : undefined}
            >
              <title>
                {`${dayLabel(point.date, true)}: ${formatValue(point.value)}${
                  point.anomalous ? " (anomaly)" : point.baseline ? " (baseline day)" : ""
                }`}
              </title>
            </circle>
          ))}
        </g>
      </svg>
      <figcaption class="mt-2 flex flex-wrap gap-x-5 gap-y-1 text-xs text-neutral-600 dark:text-neutral-400">
        {band && (
          <span class="inline-flex items-center gap-1.5">
            <span class="inline-block h-3 w-4 rounded-sm bg-emerald-500/25" aria-hidden="true" />
            Normal range (baseline median, dashed)
          </span>
        )}
        <span class="inline-flex items-center gap-1.5">
          <span class="inline-block h-3 w-3 rounded-full bg-red-600" aria-hidden="true" />
          Anomalous day{marks.length === 1 ? "" : "s"}
        </span>
        {points.some((point) => point.baseline) && (
          <span class="inline-flex items-center gap-1.5">
            <span
              class="inline-block h-3 w-3 rounded-full border-2 border-indigo-600 bg-white"
              aria-hidden="true"
            />
            Days the baseline is made of
          </span>
        )}
      </figcaption>
    </figure>
  );
}
