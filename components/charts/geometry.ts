/**
 * Chart geometry, computed on the server with d3-scale and d3-shape: scales, the line and area
 * paths, point positions and axis ticks of a daily series, in SVG user units. Rendering lives in
 * `LineChart.tsx`; the hover island only receives the finished point positions.
 *
 * @module
 */
import { scaleLinear, scaleUtc } from "d3-scale";
import { area, curveLinear, curveMonotoneX, line } from "d3-shape";

/** One day of a series. */
export interface SeriesPoint {
  /** `YYYY-MM-DD`. */
  date: string;
  value: number;
}

/** Size of the drawing and the margins around the plot area. */
export interface ChartSize {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

/** A data point placed on the chart. */
export interface PlacedPoint extends SeriesPoint {
  x: number;
  y: number;
  /** A day still in progress (today), drawn apart so its low value is not read as a drop. */
  partial: boolean;
}

/** Everything needed to draw a line/area chart. */
export interface ChartGeometry {
  size: ChartSize;
  /** The plot area's edges. */
  plot: { left: number; top: number; right: number; bottom: number };
  /** The line and area through the complete days. */
  linePath: string;
  areaPath: string;
  /** A dashed continuation from the last complete day to the partial ones ("" when none). */
  partialPath: string;
  points: PlacedPoint[];
  yTicks: { y: number; value: number }[];
  xTicks: { x: number; date: string }[];
}

/** The default drawing size (the SVG scales to its container through its viewBox). */
export const DEFAULT_SIZE: ChartSize = {
  width: 520,
  height: 210,
  margin: { top: 12, right: 12, bottom: 28, left: 52 },
};

const DAY_MS = 86_400_000;

/**
 * Places `series` on a chart of `size`: time on x (UTC days), values on y from zero to a nice
 * maximum. With `integer`, y ticks are whole numbers only (for counts such as conversions). An
 * all-zero series gets the baseline tick only. Days from `partialFrom` on (today's partial day)
 * get their own dashed path instead of the line and area.
 */
export function chartGeometry(
  series: readonly SeriesPoint[],
  { size = DEFAULT_SIZE, integer = false, partialFrom }: {
    size?: ChartSize;
    integer?: boolean;
    partialFrom?: string;
  } = {},
): ChartGeometry {
  const plot = plotArea(size);
  const x = dailyXScale(series.map((point) => point.date), plot);
  const max = Math.max(0, ...series.map((point) => point.value));
  const y = valueYScale(max, plot, integer);

  const points = series.map((point) => ({
    ...point,
    x: round(x(utc(point.date))),
    y: round(y(point.value)),
    partial: partialFrom !== undefined && point.date >= partialFrom,
  }));
  const complete = points.filter((point) => !point.partial);
  const partial = points.filter((point) => point.partial);
  // Smooth money, but draw small whole counts straight: a curve would suggest fractions.
  const curve = integer ? curveLinear : curveMonotoneX;
  const linePath = line<PlacedPoint>().x((p) => p.x).y((p) => p.y).curve(curve)(complete) ?? "";
  const areaPath = area<PlacedPoint>().x((p) => p.x).y0(plot.bottom).y1((p) => p.y)
    .curve(curve)(complete) ?? "";
  const partialPath = partial.length === 0
    ? ""
    : line<PlacedPoint>().x((p) => p.x).y((p) => p.y)([...complete.slice(-1), ...partial]) ?? "";
  const yTicks = valueTicks(y, max, integer);
  const tickCount = Math.min(6, Math.max(1, series.length - 1));
  const xTicks = x.ticks(tickCount).map((date) => ({
    x: round(x(date)),
    date: date.toISOString().slice(0, 10),
  }));
  return { size, plot, linePath, areaPath, partialPath, points, yTicks, xTicks };
}

/** The plot area's edges inside a drawing of `size`. */
export function plotArea(size: ChartSize): ChartGeometry["plot"] {
  const { width, height, margin } = size;
  return {
    left: margin.left,
    top: margin.top,
    right: width - margin.right,
    bottom: height - margin.bottom,
  };
}

/** Time on x: the first to the last of `dates` (UTC days) across the plot. */
export function dailyXScale(dates: readonly string[], plot: ChartGeometry["plot"]) {
  const first = dates.length > 0 ? utc(dates[0]) : new Date(0);
  const last = dates.length > 1 ? utc(dates[dates.length - 1]) : new Date(+first + DAY_MS);
  return scaleUtc().domain([first, last]).range([plot.left, plot.right]);
}

/** Values on y from zero to a nice maximum (a small default domain when `max` is zero). */
export function valueYScale(max: number, plot: ChartGeometry["plot"], integer: boolean) {
  return scaleLinear().domain([0, max > 0 ? max : integer ? 4 : 1]).nice(4)
    .range([plot.bottom, plot.top]);
}

/**
 * The y axis ticks of `y`. Nothing above zero has no scale worth labelling: ticks of an arbitrary
 * domain would read as data ("$0.20", or "¥0 ¥0 ¥1" once rounded), so only the baseline is.
 */
export function valueTicks(
  y: ReturnType<typeof valueYScale>,
  max: number,
  integer: boolean,
): ChartGeometry["yTicks"] {
  return (max > 0 ? y.ticks(4) : [0])
    .filter((value) => !integer || Number.isInteger(value))
    .map((value) => ({ y: round(y(value)), value }));
}

/** A `YYYY-MM-DD` day as a UTC date. */
export function utc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** Two decimals keep the SVG small and deterministic. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
