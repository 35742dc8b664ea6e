import type { BacktestResult } from "@/domain/rules/backtest.ts";
import { formatMoney, formatMoneyCompact } from "@/pages/format.ts";
import { BACKTEST_CHART_SIZE, backtestGeometry } from "./backtest_geometry.ts";

const LINE_TONES = [
  "stroke-indigo-500",
  "stroke-emerald-500",
  "stroke-amber-500",
  "stroke-rose-500",
  "stroke-sky-500",
  "stroke-violet-500",
];

/**
 * The latest backtest drawn on the server: the budget path of each campaign the rule changed
 * (a pause shows as zero) and the estimated spend with and without the rule. Complete without
 * scripts; screen readers get a sentence per figure.
 */
export function BacktestChart({ id, result }: { id: string; result: BacktestResult }) {
  const geometry = backtestGeometry(result);
  const { plot, lines } = geometry;
  const { width, height } = BACKTEST_CHART_SIZE;
  const money = (minor: number) => formatMoney(minor, result.currency);
  const { withRule, withoutRule } = result.outcome;
  return (
    <div class="space-y-4" data-backtest-chart={id}>
      {lines.length > 0
        ? (
          <figure>
            <svg
              viewBox={`0 0 ${width} ${height}`}
              class="h-auto w-full overflow-visible text-neutral-600 dark:text-neutral-400"
              role="img"
              aria-labelledby={`${id}-title ${id}-desc`}
            >
              <title id={`${id}-title`}>Daily budget of each changed campaign</title>
              <desc id={`${id}-desc`}>
                {lines.length} campaign(s) changed by the rule from {result.from} to {result.to}.
              </desc>
              <g class="text-[11px]" aria-hidden="true">
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
                      x={plot.left - 6}
                      y={tick.y}
                      dy="0.32em"
                      text-anchor="end"
                      fill="currentColor"
                    >
                      {formatMoneyCompact(tick.value, result.currency)}
                    </text>
                  </g>
                ))}
                {geometry.xTicks.map((tick) => (
                  <text x={tick.x} y={plot.bottom + 18} text-anchor="middle" fill="currentColor">
                    {tick.label}
                  </text>
                ))}
              </g>
              {lines.map((line, index) => (
                <path
                  d={line.path}
                  fill="none"
                  stroke-width="2"
                  class={LINE_TONES[index % LINE_TONES.length]}
                  data-budget-path={line.campaignName}
                >
                  <title>{line.campaignName}</title>
                </path>
              ))}
            </svg>
            <figcaption class="mt-2 flex flex-wrap gap-3 text-xs text-neutral-600 dark:text-neutral-400">
              {lines.map((line, index) => (
                <span class="inline-flex items-center gap-1">
                  <svg width="14" height="4" aria-hidden="true">
                    <line
                      x1="0"
                      x2="14"
                      y1="2"
                      y2="2"
                      stroke-width="3"
                      class={LINE_TONES[index % LINE_TONES.length]}
                    />
                  </svg>
                  {line.campaignName}
                </span>
              ))}
            </figcaption>
          </figure>
        )
        : (
          <p class="text-sm text-neutral-500 dark:text-neutral-400">
            The rule changed no budget or status in this period.
          </p>
        )}
      <figure aria-label="Estimated spend with and without the rule" data-outcome>
        {geometry.bars.map((bar) => (
          <div class="mb-1 flex items-center gap-3 text-sm">
            <span class="w-36 shrink-0 text-neutral-600 dark:text-neutral-400">{bar.label}</span>
            <svg
              viewBox="0 0 100 8"
              preserveAspectRatio="none"
              class="h-3 flex-1"
              aria-hidden="true"
            >
              <rect width={Math.max(0.5, bar.width * 100)} height="8" class="fill-indigo-500/70" />
            </svg>
            <span class="w-28 shrink-0 text-right tabular-nums">{money(bar.valueMinor)}</span>
          </div>
        ))}
        <figcaption class="mt-1 text-xs text-neutral-500 dark:text-neutral-400">
          Estimate: {money(withoutRule.spendMinor)} spend and {withoutRule.conversions}{" "}
          conversions without the rule, {money(withRule.spendMinor)} and {withRule.conversions}{" "}
          with it. {result.estimateNote}
        </figcaption>
      </figure>
    </div>
  );
}
