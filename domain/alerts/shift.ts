/**
 * Sustained shifts: a rate (CPA, ROAS, CTR) or the conversions that moved to a new level some
 * days ago and stayed there. Real problems of that kind — a broken landing page, a lost
 * conversion tag, a tired creative, a bidding change — persist until someone acts, and at 10
 * conversions a day one day of doubled CPA is within counting noise while three days of it
 * are not. So besides the one-day test (`detect.ts`), the last 2–5 days are judged together:
 * their events summed against what the weeks before them make of those days' exposure.
 *
 * The test, per window of the last k days (k = 2…5):
 * - **Baseline**: the 8 weeks before the window (at least 14 days with delivery). A rate's
 *   expectation is the baseline's pooled rate (all its events over all its exposure) times
 *   each window day's exposure; the conversions' expectation is each window day's weekday
 *   median (the median of all baseline days when a weekday has fewer than 3 points).
 * - **Evidence**: the window's events against their expectation on Anscombe's Poisson scale,
 *   in units widened twice — by the baseline's own overdispersion (the MAD of its days'
 *   residuals, never below Poisson) and by the uncertainty of the expectation itself (a rate
 *   estimated from B events, a median from n days).
 * - **Decision**: the window with the strongest evidence counts; it is a shift when that
 *   reaches `minZ`, the metric over the window moved at least the type's minimum change, and
 *   the last day is still on the wrong side of its expectation (a shift that ended does not
 *   keep an alert open).
 * - **Ordinary delivery**: a window does not reach over a day whose spend broke (below 40% or
 *   above 250% of the usual day): what followed from it is that day's alert, not a shift.
 * - **Gate**: the window must expect at least `minConversions` conversions (below it even five
 *   days are counting noise); CTR keeps its one-day gate, `minClicks` a day.
 *
 * One alert per shift follows from the service's deduplication: the window grows with the
 * shift, the open alert is refreshed each day it is still found, and resolves itself once
 * the last day is back.
 *
 * @module
 */
import { addDays, weekdayOf } from "../dates.ts";
import { anscombe, MAD_TO_SIGMA, median, robustStats } from "./baseline.ts";
import type { Finding, Verdict } from "./detect.ts";
import type { AlertMetric, AlertThresholds, AlertType, DayCounts } from "./types.ts";

/** Longest window judged, in days. */
export const MAX_SHIFT_DAYS = 5;
/** Days before a window its baseline is drawn from. */
const SHIFT_BASELINE_DAYS = 56;
/** Baseline days with delivery a window needs (two weeks: its spread is measured too). */
const MIN_SHIFT_BASELINE_DAYS = 14;
/**
 * A window day whose spend is outside these multiples of the usual day's is a delivery break
 * (spend_dropped's or spend_spike's to report): no window reaches over it.
 */
const ORDINARY_SPEND: readonly [number, number] = [0.4, 2.5];
/** Points a weekday needs for its own median. */
const MIN_WEEKDAY_POINTS = 3;
/** Variance of a median over that of a mean (normal approximation). */
const MEDIAN_VARIANCE_FACTOR = Math.PI / 2;

/** The types judged for sustained shifts. */
export const SHIFT_TYPES: readonly AlertType[] = [
  "cpa_up",
  "roas_down",
  "ctr_down",
  "conversions_dropped",
];

/** What the shift test needs. */
export interface ShiftInput {
  byDate: ReadonlyMap<string, DayCounts>;
  /** The last day of every window (the day judged). */
  date: string;
  /** The first day a window may start on (the campaign active all of it), or null: any. */
  firstJudgeable: string | null;
  thresholds: AlertThresholds;
}

interface ShiftSpec {
  metric: AlertMetric;
  direction: "up" | "down";
  minChange(thresholds: AlertThresholds): number;
  /** Least events the whole window must expect (the gate), for a window of `days`. */
  minEvents(thresholds: AlertThresholds, days: number): number;
  events(day: DayCounts, revenuePerConversion: number): number;
  /** The gate applies to the baseline's median day, as in the one-day test. */
  perDayGate?: boolean;
  /** For rates: the exposure events come from; absent for conversions (weekday medians). */
  exposure?(day: DayCounts): number;
}

const SPECS: Partial<Record<AlertType, ShiftSpec>> = {
  cpa_up: {
    metric: "cpa",
    direction: "up",
    minChange: (t) => t.cpaUp,
    minEvents: (t) => t.minConversions,
    events: (day) => day.conversions,
    exposure: (day) => day.spendMinor,
  },
  roas_down: {
    metric: "roas",
    direction: "down",
    minChange: (t) => t.roasDown,
    minEvents: (t) => t.minConversions,
    // Revenue counted in conversions of the baseline's average worth: its noise is theirs.
    events: (day, revenuePerConversion) =>
      revenuePerConversion > 0 ? day.revenueMinor / revenuePerConversion : 0,
    exposure: (day) => day.spendMinor,
  },
  ctr_down: {
    metric: "ctr",
    direction: "down",
    minChange: (t) => t.ctrDown,
    // Clicks are plenty wherever CTR means anything: the one-day gate (the baseline's median
    // clicks a day) holds for shifts too.
    minEvents: (t, days) => t.minClicks * days,
    perDayGate: true,
    events: (day) => day.clicks,
    exposure: (day) => day.impressions,
  },
  conversions_dropped: {
    metric: "conversions",
    direction: "down",
    minChange: (t) => t.conversionsDrop,
    minEvents: (t) => t.minConversions,
    events: (day) => day.conversions,
  },
};

/** One window's judgement. */
interface WindowResult {
  days: number;
  start: string;
  z: number;
  observed: number;
  expected: number;
  relativeChange: number;
  band: { low: number; high: number };
  baselineDates: string[];
  lastDayBelow: boolean;
}

/**
 * Judges `type` for a shift over the last 2–5 days: an anomaly, normal (some window could be
 * judged and none was a shift), or null when no window could be judged (too little history,
 * days without delivery, below the gate).
 */
export function judgeShift(type: AlertType, input: ShiftInput): Verdict | null {
  const spec = SPECS[type];
  if (!spec) return null;
  const { byDate, date, thresholds } = input;
  const delivered = (day: DayCounts | undefined): day is DayCounts =>
    day !== undefined && day.spendMinor > 0 && (!spec.exposure || spec.exposure(day) > 0);
  const usualSpend = median(
    Array.from({ length: 28 }, (_, index) => byDate.get(addDays(date, -1 - index)))
      .flatMap((day) => delivered(day) ? [day.spendMinor] : []),
  );
  const ordinary = (day: DayCounts) =>
    !(usualSpend > 0) || (day.spendMinor >= usualSpend * ORDINARY_SPEND[0] &&
      day.spendMinor <= usualSpend * ORDINARY_SPEND[1]);
  const last = byDate.get(date);
  if (!delivered(last) || !ordinary(last)) return null;
  let best: WindowResult | null = null;
  for (let days = 2; days <= MAX_SHIFT_DAYS; days++) {
    const start = addDays(date, -(days - 1));
    if (input.firstJudgeable !== null && start < input.firstJudgeable) break;
    const first = byDate.get(start);
    if (!delivered(first) || !ordinary(first)) break;
    const result = judgeWindow(spec, input, start, days, delivered);
    if (result && (best === null || result.z < best.z)) best = result;
  }
  if (best === null) return null;
  const minChange = spec.minChange(thresholds);
  const passes = spec.direction === "up"
    ? best.relativeChange >= minChange
    : best.relativeChange <= -minChange;
  // The strongest of four windows is taken: its z must pass a stricter line, so that the
  // chance of a false shift stays that of one test at `minZ` (Bonferroni over the windows).
  const minZ = bonferroniZ(thresholds.minZ, MAX_SHIFT_DAYS - 1);
  if (!(best.z <= -minZ && passes && best.lastDayBelow)) {
    return { type, state: "normal" };
  }
  const strong = best.z <= -2 * minZ &&
    Math.abs(best.relativeChange) >= Math.min(2 * minChange, 0.9);
  const finding: Finding = {
    type,
    severity: strong ? "critical" : "warning",
    date,
    partialDay: false,
    metric: spec.metric,
    observed: best.observed,
    expected: best.expected,
    relativeChange: best.relativeChange,
    z: spec.direction === "up" ? -best.z : best.z,
    baseline: {
      method: "weeks_before",
      dates: best.baselineDates,
      median: best.expected,
      low: best.band.low,
      high: best.band.high,
    },
    shift: { start: best.start, days: best.days },
    summary: `${LABELS[spec.metric]} ${spec.direction === "up" ? "up" : "down"} ` +
      `${Math.round(Math.abs(best.relativeChange) * 100)}% over the last ${best.days} days ` +
      "against the weeks before",
  };
  return { type, state: "anomaly", finding };
}

/**
 * The z a one-sided test must reach so that the smallest of `tests` p-values has the chance a
 * single test has at `z`.
 */
export function bonferroniZ(z: number, tests: number): number {
  return inverseNormalTail(normalTail(z) / tests);
}

/** P(Z > z) for a standard normal (Abramowitz–Stegun 7.1.26 via erfc). */
function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** The z with P(Z > z) = p, by bisection on `normalTail` (monotone; 60 halvings suffice). */
function inverseNormalTail(p: number): number {
  let low = -10, high = 10;
  for (let step = 0; step < 60; step++) {
    const middle = (low + high) / 2;
    if (normalTail(middle) > p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

const LABELS: Record<AlertMetric, string> = {
  spend: "Spend",
  cpa: "CPA",
  roas: "ROAS",
  ctr: "CTR",
  conversions: "Conversions",
};

function judgeWindow(
  spec: ShiftSpec,
  input: ShiftInput,
  start: string,
  length: number,
  delivered: (day: DayCounts | undefined) => day is DayCounts,
): WindowResult | null {
  const { byDate, thresholds } = input;
  const window = Array.from({ length }, (_, index) => byDate.get(addDays(start, index)));
  if (!window.every(delivered)) return null;
  const baseline: DayCounts[] = [];
  for (let back = 1; back <= SHIFT_BASELINE_DAYS; back++) {
    const day = byDate.get(addDays(start, -back));
    if (delivered(day)) baseline.push(day);
  }
  if (baseline.length < MIN_SHIFT_BASELINE_DAYS) return null;
  const sum = (days: readonly DayCounts[], read: (day: DayCounts) => number) =>
    days.reduce((total, day) => total + read(day), 0);
  const baselineConversions = sum(baseline, (day) => day.conversions);
  const revenuePerConversion = baselineConversions > 0
    ? sum(baseline, (day) => day.revenueMinor) / baselineConversions
    : 0;
  const events = (day: DayCounts) => spec.events(day, revenuePerConversion);

  // Expected events per day, for the window and (to measure dispersion) the baseline.
  let expectedOf: (day: DayCounts) => number;
  /** Variance of the window's expectation, in events². */
  let estimationVariance: (expectedDays: number[]) => number;
  if (spec.exposure) {
    const exposure = spec.exposure;
    const baselineEvents = sum(baseline, events);
    const baselineExposure = sum(baseline, exposure);
    if (baselineEvents <= 0 || baselineExposure <= 0) return null;
    const rate = baselineEvents / baselineExposure;
    expectedOf = (day) => exposure(day) * rate;
    // A rate from B events is off by 1/√B relative: the expectation by E/√B.
    estimationVariance = (expected) => {
      const total = expected.reduce((left, right) => left + right, 0);
      return total * total / baselineEvents;
    };
  } else {
    const byWeekday = new Map<number, number[]>();
    for (const day of baseline) {
      const weekday = weekdayOf(day.date);
      byWeekday.set(weekday, [...(byWeekday.get(weekday) ?? []), events(day)]);
    }
    const overall = median(baseline.map(events));
    const pointsOf = (day: DayCounts) => byWeekday.get(weekdayOf(day.date))?.length ?? 0;
    expectedOf = (day) =>
      pointsOf(day) >= MIN_WEEKDAY_POINTS ? median(byWeekday.get(weekdayOf(day.date))!) : overall;
    // A median of n Poisson-like days: variance ≈ (π/2)·mean/n per window day.
    estimationVariance = (expected) =>
      expected.reduce((total, value, index) => {
        const points = pointsOf(window[index]!) >= MIN_WEEKDAY_POINTS
          ? pointsOf(window[index]!)
          : baseline.length;
        return total + MEDIAN_VARIANCE_FACTOR * value / points;
      }, 0);
  }

  const windowDays = window as DayCounts[];
  const expectedDays = windowDays.map(expectedOf);
  const expected = expectedDays.reduce((left, right) => left + right, 0);
  const gated = spec.perDayGate
    ? median(baseline.map(events)) * length < spec.minEvents(thresholds, length)
    : expected < spec.minEvents(thresholds, length);
  if (gated) return null;
  const observed = sum(windowDays, events);
  const residuals = baseline.flatMap((day) => {
    const mean = expectedOf(day);
    return mean > 0 ? [anscombe(events(day), mean)] : [];
  });
  const dispersion = Math.max(1, MAD_TO_SIGMA * robustStats(residuals).mad);
  // On Anscombe's scale a Poisson count has unit variance; the expectation's own uncertainty
  // adds Var(E)/E there (the delta method on 2√E).
  const scale = Math.sqrt(
    dispersion * dispersion + dispersion * dispersion * estimationVariance(expectedDays) / expected,
  );
  const z = anscombe(observed, expected) / scale;
  const metricAt = (count: number) =>
    metricOfWindow(spec.metric, count, windowDays, revenuePerConversion);
  const observedMetric = metricAt(observed);
  const expectedMetric = metricAt(expected);
  const spread = Math.sqrt(expected) * scale;
  const edges = [
    metricAt(Math.max(expected - thresholds.minZ * spread, 0)),
    metricAt(expected + thresholds.minZ * spread),
  ].sort((left, right) => left - right);
  const last = windowDays[windowDays.length - 1];
  return {
    days: length,
    start,
    z,
    observed: observedMetric,
    expected: expectedMetric,
    relativeChange: observedMetric / expectedMetric - 1,
    band: {
      low: edges[0],
      high: Number.isFinite(edges[1]) ? edges[1] : Number.MAX_SAFE_INTEGER,
    },
    baselineDates: baseline.map((day) => day.date),
    lastDayBelow: events(last) < expectedOf(last),
  };
}

/** The metric people read over the window, had it seen `events` (per day for conversions). */
function metricOfWindow(
  metric: AlertMetric,
  events: number,
  window: readonly DayCounts[],
  revenuePerConversion: number,
): number {
  const spend = window.reduce((total, day) => total + day.spendMinor, 0);
  const impressions = window.reduce((total, day) => total + day.impressions, 0);
  switch (metric) {
    case "cpa":
      return spend / Math.max(events, 1);
    case "roas":
      return events * revenuePerConversion / spend;
    case "ctr":
      return events / impressions;
    default:
      return events / window.length;
  }
}
