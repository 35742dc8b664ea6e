/**
 * A metric's change against the previous period, as tiles show it: a percentage, a direction, and
 * a tone. Only metrics where more is plainly better (conversions, clicks, CTR, revenue, ROAS) are
 * toned good or bad; for spend and costs (CPA, CPC) a rise can be a plan or a problem, so their
 * change is shown in a neutral colour.
 *
 * @module
 */
import { DISPLAY_LOCALE } from "./counts.ts";
import { NO_VALUE } from "./metric_format.ts";

/** Whether a rise in a metric is good news, or only news. */
export type MetricPolarity = "up_is_good" | "neutral";

/** How a change is coloured. */
export type ChangeTone = "good" | "bad" | "neutral";

/** A metric's change against the previous period. */
export interface MetricChange {
  /** Relative change in percent; null when the previous period had no value or was zero. */
  percent: number | null;
  direction: "up" | "down" | "flat";
  tone: ChangeTone;
}

/** The change from `previous` to `current` (numbers or the domain's decimal strings). */
export function metricChange(
  current: number | string | null,
  previous: number | string | null,
  polarity: MetricPolarity,
): MetricChange {
  const now = current === null ? null : Number(current);
  const before = previous === null ? null : Number(previous);
  if (now === null || before === null || before === 0) {
    return { percent: null, direction: "flat", tone: "neutral" };
  }
  const percent = ((now - before) / Math.abs(before)) * 100;
  // Below a twentieth of a percent the tile would read +0.0%: call that flat.
  const direction = Math.abs(percent) < 0.05 ? "flat" : percent > 0 ? "up" : "down";
  const tone = polarity === "neutral" || direction === "flat"
    ? "neutral"
    : direction === "up"
    ? "good"
    : "bad";
  return { percent, direction, tone };
}

const percentFormat = new Intl.NumberFormat(DISPLAY_LOCALE, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: "exceptZero",
});

/** `+12.3%`, `−4.0%`, `0.0%`, or an em dash when there is nothing to compare with. */
export function formatChange(change: MetricChange): string {
  if (change.percent === null) return NO_VALUE;
  const shown = change.direction === "flat" ? 0 : change.percent;
  return `${percentFormat.format(shown).replace("-", "−")}%`;
}
