/**
 * Geometry of an alert's chart: a metric's daily values around the anomaly, the baseline band
 * (where the metric counts as normal) with its median, the anomalous day(s) marked and the days
 * the baseline was formed from ringed. Built on the shared scales and ticks of `geometry.ts`
 * (d3-scale, d3-shape); rendering lives in `AnomalyChart.tsx`.
 *
 * Days where the metric has no value (a CPA without conversions) are gaps in the line, not
 * zeros: a zero CPA would read as a free conversion.
 *
 * @module
 */
import { curveMonotoneX, line } from "d3-shape";
import {
  type ChartGeometry,
  type ChartSize,
  dailyXScale,
  plotArea,
  round,
  utc,
  valueTicks,
  valueYScale,
} from "./geometry.ts";

/** One day of the metric; null where it has no value. */
export interface MetricDay {
  date: string;
  value: number | null;
}

/** What to draw. */
export interface AnomalyChartInput {
  /** Every day of the range, oldest first. */
  days: readonly MetricDay[];
  /** The baseline: its median and the band of normal values; null when it had none. */
  baseline: { median: number; low: number; high: number } | null;
  /** The anomalous day(s). */
  anomalous: readonly string[];
  /** Days the baseline was formed from (ringed where in range). */
  baselineDates?: readonly string[];
  /** Whole-number metric (conversions): whole ticks only. */
  integer?: boolean;
  size?: ChartSize;
}

/** A day placed on the chart. */
export interface PlacedDay {
  date: string;
  value: number;
  x: number;
  y: number;
  anomalous: boolean;
  baseline: boolean;
}

/** Everything `AnomalyChart` draws. */
export interface AnomalyGeometry {
  size: ChartSize;
  plot: ChartGeometry["plot"];
  linePath: string;
  points: PlacedDay[];
  /** The band's top and bottom edges (y grows downwards); null without a baseline. */
  band: { top: number; bottom: number; medianY: number } | null;
  /** A column over each anomalous day. */
  marks: { date: string; x: number; width: number }[];
  yTicks: ChartGeometry["yTicks"];
  xTicks: ChartGeometry["xTicks"];
}

/** The alert chart's drawing size: wider than the dashboard's, one chart per page. */
export const ANOMALY_CHART_SIZE: ChartSize = {
  width: 720,
  height: 260,
  margin: { top: 12, right: 16, bottom: 30, left: 64 },
};

/** Least room between two date labels ("Mar 28" at 12px is about 40 units wide). */
export const MIN_X_LABEL_GAP = 64;

/** Places the days, band and marks of an alert's chart. */
export function anomalyGeometry(input: AnomalyChartInput): AnomalyGeometry {
  const size = input.size ?? ANOMALY_CHART_SIZE;
  const integer = input.integer ?? false;
  const plot = plotArea(size);
  const dates = input.days.map((day) => day.date);
  const x = dailyXScale(dates, plot);
  // The band's open upper edge (no finite limit) does not stretch the scale.
  const bandHigh = input.baseline && Number.isFinite(input.baseline.high) &&
      input.baseline.high < Number.MAX_SAFE_INTEGER
    ? input.baseline.high
    : null;
  const values = input.days.flatMap((day) => day.value ?? []);
  const max = Math.max(
    0,
    ...values,
    input.baseline?.median ?? 0,
    bandHigh ?? 0,
  );
  const y = valueYScale(max, plot, integer);
  const anomalous = new Set(input.anomalous);
  const baselineDates = new Set(input.baselineDates ?? []);
  const points = input.days.flatMap((day): PlacedDay[] =>
    day.value === null ? [] : [{
      date: day.date,
      value: day.value,
      x: round(x(utc(day.date))),
      y: round(y(day.value)),
      anomalous: anomalous.has(day.date),
      baseline: baselineDates.has(day.date),
    }]
  );
  const linePath = line<MetricDay>()
    .defined((day) => day.value !== null)
    .x((day) => round(x(utc(day.date))))
    .y((day) => round(y(day.value ?? 0)))
    .curve(curveMonotoneX)(input.days) ?? "";
  const band = input.baseline
    ? {
      top: round(bandHigh === null ? plot.top : Math.max(plot.top, y(bandHigh))),
      bottom: round(Math.min(plot.bottom, y(Math.max(0, input.baseline.low)))),
      medianY: round(y(input.baseline.median)),
    }
    : null;
  const step = dates.length > 1 ? (plot.right - plot.left) / (dates.length - 1) : 24;
  const marks = dates.filter((date) => anomalous.has(date)).map((date) => ({
    date,
    x: round(Math.max(plot.left, x(utc(date)) - step / 2)),
    width: round(
      Math.min(plot.right, x(utc(date)) + step / 2) - Math.max(plot.left, x(utc(date)) - step / 2),
    ),
  }));
  return {
    size,
    plot,
    linePath,
    points,
    band,
    marks,
    yTicks: valueTicks(y, max, integer),
    xTicks: spacedTicks(x, plot),
  };
}

/** Date ticks at least `MIN_X_LABEL_GAP` apart, so no two labels overlap. */
function spacedTicks(
  x: ReturnType<typeof dailyXScale>,
  plot: ChartGeometry["plot"],
): ChartGeometry["xTicks"] {
  const room = Math.max(1, Math.floor((plot.right - plot.left) / MIN_X_LABEL_GAP));
  const ticks: ChartGeometry["xTicks"] = [];
  for (const date of x.ticks(Math.min(room, 8))) {
    const position = round(x(date));
    const previous = ticks[ticks.length - 1];
    if (previous && position - previous.x < MIN_X_LABEL_GAP) continue;
    ticks.push({ x: position, date: date.toISOString().slice(0, 10) });
  }
  return ticks;
}
