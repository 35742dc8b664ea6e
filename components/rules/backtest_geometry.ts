/**
 * Geometry of the backtest chart, computed on the server with d3-scale and d3-shape: each
 * changed campaign's budget as a step line over the replayed period (a pause drops it to zero,
 * as the campaign stops spending), and spend with and without the rule as two bars.
 *
 * @module
 */
import { scaleLinear, scaleUtc } from "d3-scale";
import { curveStepAfter, line } from "d3-shape";
import type { BacktestResult } from "@/domain/rules/backtest.ts";
import { formatDay } from "@/pages/format.ts";

/** Size of the drawing (the SVG scales through its viewBox). */
export const BACKTEST_CHART_SIZE = {
  width: 560,
  height: 220,
  margin: { top: 12, right: 16, bottom: 28, left: 60 },
};

/** Most campaigns drawn (the table lists every firing). */
export const MAX_PATHS = 6;

/** One campaign's line. */
export interface BudgetLine {
  campaignName: string;
  path: string;
  /** Its last point, for the label. */
  end: { x: number; y: number };
}

/** The chart's finished shapes. */
export interface BacktestGeometry {
  plot: { left: number; top: number; right: number; bottom: number };
  lines: BudgetLine[];
  yTicks: { y: number; value: number }[];
  xTicks: { x: number; label: string }[];
  /** Spend with and without the rule: bar widths over the plot's width. */
  bars: { label: string; valueMinor: number; width: number }[];
}

/** A local `YYYY-MM-DDTHH:MM` (or a date) read as a UTC moment, for a linear time axis. */
function moment(at: string): Date {
  return new Date(at.length === 10 ? `${at}T00:00:00Z` : `${at}:00Z`);
}

/** Places the backtest's paths and totals. */
export function backtestGeometry(result: BacktestResult): BacktestGeometry {
  const { width, height, margin } = BACKTEST_CHART_SIZE;
  const plot = {
    left: margin.left,
    top: margin.top,
    right: width - margin.right,
    bottom: height - margin.bottom,
  };
  const start = moment(result.from);
  const end = new Date(moment(result.to).getTime() + 86_400_000);
  const x = scaleUtc().domain([start, end]).range([plot.left, plot.right]);
  const paths = result.paths.slice(0, MAX_PATHS);
  const level = (point: { budgetMinor: number | null; status: string }) =>
    point.status === "paused" ? 0 : point.budgetMinor ?? 0;
  const highest = Math.max(1, ...paths.flatMap((path) => path.points.map(level)));
  const y = scaleLinear().domain([0, highest]).nice(4).range([plot.bottom, plot.top]);
  const draw = line<[number, number]>().x((d) => d[0]).y((d) => d[1]).curve(curveStepAfter);
  const lines = paths.map((path) => {
    const coordinates: [number, number][] = path.points.map((point) => [
      x(moment(point.at)),
      y(level(point)),
    ]);
    // Carry the last level to the end of the period.
    const last = coordinates.at(-1) ?? [plot.left, plot.bottom];
    coordinates.push([plot.right, last[1]]);
    return {
      campaignName: path.campaignName,
      path: draw(coordinates) ?? "",
      end: { x: plot.right, y: last[1] },
    };
  });
  const totals = [
    { label: "Without the rule", valueMinor: result.outcome.withoutRule.spendMinor },
    { label: "With the rule", valueMinor: result.outcome.withRule.spendMinor },
  ];
  const widest = Math.max(1, ...totals.map((total) => total.valueMinor));
  return {
    plot,
    lines,
    yTicks: y.ticks(4).map((value) => ({ y: y(value), value })),
    xTicks: x.ticks(5).map((tick) => ({
      x: x(tick),
      label: formatDay(tick.toISOString()),
    })),
    bars: totals.map((total) => ({ ...total, width: total.valueMinor / widest })),
  };
}
