import ChartHover from "@/islands/ChartHover.tsx";
import { chartGeometry, type SeriesPoint } from "./geometry.ts";

/** Colour of a chart's line and area. */
export type ChartTone = "indigo" | "emerald";

const TONES: Record<ChartTone, { line: string; area: string; dot: string }> = {
  indigo: {
    line: "stroke-indigo-500 dark:stroke-indigo-400",
    area: "fill-indigo-500/10 dark:fill-indigo-400/15",
    dot: "fill-indigo-500 dark:fill-indigo-400",
  },
  emerald: {
    line: "stroke-emerald-500 dark:stroke-emerald-400",
    area: "fill-emerald-500/10 dark:fill-emerald-400/15",
    dot: "fill-emerald-500 dark:fill-emerald-400",
  },
};

interface LineChartProps {
  /** Unique on the page; prefixes the ids of the title and description. */
  id: string;
  title: string;
  /** A sentence summing up the data, for screen readers. */
  description: string;
  series: readonly SeriesPoint[];
  /** Formats a value for tooltips, e.g. `$12.34`. */
  formatValue: (value: number) => string;
  /** Formats a y-axis tick (defaults to `formatValue`), e.g. `$1.2K`. */
  formatTick?: (value: number) => string;
  /** Whole-number series (counts): no fractional ticks. */
  integer?: boolean;
  tone?: ChartTone;
  /** First day still in progress (today): drawn dashed and hollow, labelled "so far". */
  partialFrom?: string;
}

const dayLabel = (date: string, withYear = false) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString("en-US", {
    timeZone: "UTC",
    month: "short",
    day: "numeric",
    year: withYear ? "numeric" : undefined,
  });

/**
 * A server-rendered SVG line and area chart of a daily series, with axes, gridlines, an
 * accessible title and description, and a `<title>` tooltip on every point. The `ChartHover`
 * island adds a crosshair once scripts load; the chart is complete without it.
 */
export function LineChart(props: LineChartProps) {
  const { id, title, description, series, formatValue, integer, tone = "indigo" } = props;
  const formatTick = props.formatTick ?? formatValue;
  const geometry = chartGeometry(series, { integer, partialFrom: props.partialFrom });
  const { size, plot, points } = geometry;
  const colors = TONES[tone];
  // Each day gets a full-height band whose <title> is its tooltip, easier to hit than a dot.
  const band = points.length > 1 ? (plot.right - plot.left) / (points.length - 1) : 24;
  const labels = points.map((point) =>
    `${dayLabel(point.date, true)}: ${formatValue(point.value)}${point.partial ? " so far" : ""}`
  );
  return (
    <figure class="relative" data-chart={id}>
      <svg
        viewBox={`0 0 ${size.width} ${size.height}`}
        class="h-auto w-full overflow-visible text-neutral-500 dark:text-neutral-400"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <g class="text-[12px]" aria-hidden="true">
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
                class="fill-current"
              >
                {formatTick(tick.value)}
              </text>
            </g>
          ))}
          {geometry.xTicks.map((tick) => (
            <text x={tick.x} y={plot.bottom + 18} text-anchor="middle" class="fill-current">
              {dayLabel(tick.date)}
            </text>
          ))}
        </g>
        <path d={geometry.areaPath} class={colors.area} />
        <path
          d={geometry.linePath}
          fill="none"
          stroke-width="2"
          stroke-linejoin="round"
          stroke-linecap="round"
          class={colors.line}
        />
        {geometry.partialPath && (
          <path
            d={geometry.partialPath}
            fill="none"
            stroke-width="2"
            stroke-dasharray="4 4"
            class={`${colors.line} opacity-60`}
            data-partial-day
          />
        )}
        <g class="chart-points">
          {points.map((point) => (
            <circle
              cx={point.x}
              cy={point.y}
              r={points.length > 45 ? 1.5 : 2.5}
              class={point.partial
                ? `${colors.line} fill-white stroke-2 dark:fill-neutral-900`
                : colors.dot}
              data-date={point.date}
              data-value={point.value}
            />
          ))}
        </g>
        <g class="chart-hit" fill="transparent">
          {points.map((point, index) => (
            <rect x={point.x - band / 2} y={plot.top} width={band} height={plot.bottom - plot.top}>
              <title>{labels[index]}</title>
            </rect>
          ))}
        </g>
      </svg>
      <ChartHover
        width={size.width}
        height={size.height}
        top={plot.top}
        bottom={plot.bottom}
        tone={tone}
        points={points.map((point, index) => ({ x: point.x, y: point.y, label: labels[index] }))}
      />
    </figure>
  );
}
