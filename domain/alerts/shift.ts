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

/**
 * The parts a metric is broken into (CPA = CPC ÷ conversion rate; ROAS = conversion rate ×
 * value per conversion ÷ CPC; conversions = clicks × conversion rate), each with its own
 * test: a CPA doubled by dearer clicks shows in the clicks (hundreds a day) long before it
 * shows in the conversions (a few a day).
 */
export type ShiftPart = "whole" | "cpc" | "conversion_rate" | "value_per_conversion";

/** Parts tested besides the metric as a whole (each in the direction that hurts). */
const PARTS: Partial<Record<AlertType, readonly Exclude<ShiftPart, "whole">[]>> = {
  cpa_up: ["cpc", "conversion_rate"],
  roas_down: ["cpc", "conversion_rate", "value_per_conversion"],
  conversions_dropped: ["conversion_rate"],
};

/** A part that is a rate: its events per unit of exposure, and its change as people read it. */
interface PartRate {
  events(day: DayCounts): number;
  exposure(day: DayCounts): number;
  /** The part's relative change when \`observed\` events came where \`expected\` were. */
  change(observed: number, expected: number): number;
}

const PART_RATES: Record<"cpc" | "conversion_rate", PartRate> = {
  // Fewer clicks for the spend: dearer clicks (CPC = spend / clicks, so its change is E/O − 1).
  cpc: {
    events: (day) => day.clicks,
    exposure: (day) => day.spendMinor,
    change: (observed, expected) => expected / Math.max(observed, 0.5) - 1,
  },
  conversion_rate: {
    events: (day) => day.conversions,
    exposure: (day) => day.clicks,
    change: (observed, expected) => observed / expected - 1,
  },
};

const PART_LABELS: Record<ShiftPart, string> = {
  whole: "the metric itself",
  cpc: "cost per click",
  conversion_rate: "conversion rate",
  value_per_conversion: "value per conversion",
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

/** A part's evidence over one window: how far it moved, in the bad direction, and its z. */
interface PartResult {
  part: ShiftPart;
  z: number;
  /** The part's relative change (a CPC up 150% is 1.5; a value down 60% is −0.6). */
  relativeChange: number;
  lastDayBelow: boolean;
}

/** The strongest evidence found: a part over a window, and the metric as a whole there. */
interface Evidence {
  whole: WindowResult;
  part: PartResult;
}

/**
 * Judges \`type\` for a shift over the last 2–5 days: an anomaly, normal (some window could be
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
  const parts = PARTS[type] ?? [];
  const minChange = spec.minChange(thresholds);
  const passes = (change: number) =>
    spec.direction === "up" ? change >= minChange : change <= -minChange;
  // The strongest of 4 windows × (1 + parts) tests is taken: its z must pass a stricter line,
  // so that the chance of a false shift stays that of one test at \`minZ\` (Bonferroni).
  const minZ = bonferroniZ(thresholds.minZ, (MAX_SHIFT_DAYS - 1) * (1 + parts.length));
  let judged = false;
  let best: Evidence | null = null;
  for (let days = 2; days <= MAX_SHIFT_DAYS; days++) {
    const start = addDays(date, -(days - 1));
    if (input.firstJudgeable !== null && start < input.firstJudgeable) break;
    const first = byDate.get(start);
    if (!delivered(first) || !ordinary(first)) break;
    const window = collectWindow(input, start, days, delivered);
    if (!window) continue;
    const whole = judgeWindow(spec, input, window);
    if (!whole) continue;
    judged = true;
    // The metric as a whole must have moved enough over the window; which part says it
    // did so beyond noise is then up to the evidence.
    if (!passes(whole.relativeChange)) continue;
    const candidates: PartResult[] = [{
      part: "whole",
      z: whole.z,
      relativeChange: whole.relativeChange,
      lastDayBelow: whole.lastDayBelow,
    }];
    for (const part of parts) {
      const result = part === "value_per_conversion"
        ? judgeValuePerConversion(window)
        : judgePartRate(PART_RATES[part], part, window);
      if (result) candidates.push(result);
    }
    for (const candidate of candidates) {
      if (!candidate.lastDayBelow) continue;
      if (best === null || candidate.z < best.part.z) best = { whole, part: candidate };
    }
  }
  if (!judged) return null;
  if (best === null || !(best.part.z <= -minZ)) return { type, state: "normal" };
  const { whole, part } = best;
  const strong = part.z <= -2 * minZ &&
    Math.abs(whole.relativeChange) >= Math.min(2 * minChange, 0.9);
  const finding: Finding = {
    type,
    severity: strong ? "critical" : "warning",
    date,
    partialDay: false,
    metric: spec.metric,
    observed: whole.observed,
    expected: whole.expected,
    relativeChange: whole.relativeChange,
    z: spec.direction === "up" ? -part.z : part.z,
    baseline: {
      method: "weeks_before",
      dates: whole.baselineDates,
      median: whole.expected,
      low: whole.band.low,
      high: whole.band.high,
    },
    shift: { start: whole.start, days: whole.days },
    summary: `${LABELS[spec.metric]} ${spec.direction === "up" ? "up" : "down"} ` +
      `${Math.round(Math.abs(whole.relativeChange) * 100)}% over the last ${whole.days} days ` +
      "against the weeks before" + (part.part === "whole" ? "" : ` (${partPhrase(part)})`),
  };
  return { type, state: "anomaly", finding };
}

/** "cost per click up 150%", "value per conversion down 60%". */
function partPhrase(part: PartResult): string {
  const change = part.relativeChange;
  return `${PART_LABELS[part.part]} ${change >= 0 ? "up" : "down"} ` +
    `${Math.round(Math.abs(change) * 100)}%`;
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

/** A window's days and the baseline days before it. */
interface ShiftWindow {
  start: string;
  days: DayCounts[];
  baseline: DayCounts[];
  /** The baseline's revenue per conversion (0 without conversions). */
  revenuePerConversion: number;
}

function collectWindow(
  input: ShiftInput,
  start: string,
  length: number,
  delivered: (day: DayCounts | undefined) => day is DayCounts,
): ShiftWindow | null {
  const { byDate } = input;
  const days = Array.from({ length }, (_, index) => byDate.get(addDays(start, index)));
  if (!days.every(delivered)) return null;
  const baseline: DayCounts[] = [];
  for (let back = 1; back <= SHIFT_BASELINE_DAYS; back++) {
    const day = byDate.get(addDays(start, -back));
    if (delivered(day)) baseline.push(day);
  }
  if (baseline.length < MIN_SHIFT_BASELINE_DAYS) return null;
  const conversions = sum(baseline, (day) => day.conversions);
  const revenuePerConversion = conversions > 0
    ? sum(baseline, (day) => day.revenueMinor) / conversions
    : 0;
  return { start, days: days as DayCounts[], baseline, revenuePerConversion };
}

const sum = (days: readonly DayCounts[], read: (day: DayCounts) => number) =>
  days.reduce((total, day) => total + read(day), 0);

/** A count over the window against its expectation, on Anscombe's scale. */
interface CountTest {
  z: number;
  observed: number;
  expected: number;
  /** The count's standard deviation, in events. */
  spread: number;
  lastDayBelow: boolean;
}

/**
 * The window's events against their expectation: z on Anscombe's Poisson scale, in units
 * widened by the baseline's overdispersion (the MAD of its days' residuals, never below
 * Poisson) and by the uncertainty of the expectation itself.
 */
function countTest(
  window: ShiftWindow,
  events: (day: DayCounts) => number,
  expectedOf: (day: DayCounts) => number,
  estimationVariance: (expectedDays: number[]) => number,
): CountTest {
  const expectedDays = window.days.map(expectedOf);
  const expected = expectedDays.reduce((left, right) => left + right, 0);
  const observed = sum(window.days, events);
  const residuals = window.baseline.flatMap((day) => {
    const mean = expectedOf(day);
    return mean > 0 ? [anscombe(events(day), mean)] : [];
  });
  const dispersion = Math.max(1, MAD_TO_SIGMA * robustStats(residuals).mad);
  // On Anscombe's scale a Poisson count has unit variance; the expectation's own uncertainty
  // adds Var(E)/E there (the delta method on 2√E).
  const scale = dispersion *
    Math.sqrt(1 + (expected > 0 ? estimationVariance(expectedDays) / expected : 0));
  const last = window.days[window.days.length - 1];
  return {
    z: anscombe(observed, expected) / scale,
    observed,
    expected,
    spread: Math.sqrt(expected) * scale,
    lastDayBelow: events(last) < expectedOf(last),
  };
}

/** A rate's count test: the baseline's pooled rate times each window day's exposure. */
function rateTest(
  window: ShiftWindow,
  events: (day: DayCounts) => number,
  exposure: (day: DayCounts) => number,
): CountTest | null {
  const baselineEvents = sum(window.baseline, events);
  const baselineExposure = sum(window.baseline, exposure);
  if (baselineEvents <= 0 || baselineExposure <= 0) return null;
  const rate = baselineEvents / baselineExposure;
  // A rate from B events is off by 1/√B relative: the expectation by E/√B.
  return countTest(window, events, (day) => exposure(day) * rate, (expected) => {
    const total = expected.reduce((left, right) => left + right, 0);
    return total * total / baselineEvents;
  });
}

function judgeWindow(
  spec: ShiftSpec,
  input: ShiftInput,
  window: ShiftWindow,
): WindowResult | null {
  const { thresholds } = input;
  const { baseline, revenuePerConversion } = window;
  const length = window.days.length;
  const events = (day: DayCounts) => spec.events(day, revenuePerConversion);
  let test: CountTest | null;
  if (spec.exposure) test = rateTest(window, events, spec.exposure);
  else {
    const byWeekday = new Map<number, number[]>();
    for (const day of baseline) {
      const weekday = weekdayOf(day.date);
      byWeekday.set(weekday, [...(byWeekday.get(weekday) ?? []), events(day)]);
    }
    const overall = median(baseline.map(events));
    const pointsOf = (day: DayCounts) => byWeekday.get(weekdayOf(day.date))?.length ?? 0;
    const expectedOf = (day: DayCounts) =>
      pointsOf(day) >= MIN_WEEKDAY_POINTS ? median(byWeekday.get(weekdayOf(day.date))!) : overall;
    // A median of n Poisson-like days: variance ≈ (π/2)·mean/n per window day.
    test = countTest(
      window,
      events,
      expectedOf,
      (expected) =>
        expected.reduce((total, value, index) => {
          const points = pointsOf(window.days[index]) >= MIN_WEEKDAY_POINTS
            ? pointsOf(window.days[index])
            : baseline.length;
          return total + MEDIAN_VARIANCE_FACTOR * value / points;
        }, 0),
    );
  }
  if (!test) return null;
  const gated = spec.perDayGate
    ? median(baseline.map(events)) * length < spec.minEvents(thresholds, length)
    : test.expected < spec.minEvents(thresholds, length);
  if (gated) return null;
  const metricAt = (count: number) =>
    metricOfWindow(spec.metric, count, window.days, revenuePerConversion);
  const observedMetric = metricAt(test.observed);
  const expectedMetric = metricAt(test.expected);
  const edges = [
    metricAt(Math.max(test.expected - thresholds.minZ * test.spread, 0)),
    metricAt(test.expected + thresholds.minZ * test.spread),
  ].sort((left, right) => left - right);
  return {
    days: length,
    start: window.start,
    z: test.z,
    observed: observedMetric,
    expected: expectedMetric,
    relativeChange: observedMetric / expectedMetric - 1,
    band: {
      low: edges[0],
      high: Number.isFinite(edges[1]) ? edges[1] : Number.MAX_SAFE_INTEGER,
    },
    baselineDates: baseline.map((day) => day.date),
    lastDayBelow: test.lastDayBelow,
  };
}

/**
 * A rate part (CPC as clicks per spend, conversion rate as conversions per click) over the
 * window: fewer events than the baseline's rate makes of the exposure is the bad direction.
 */
function judgePartRate(rate: PartRate, part: ShiftPart, window: ShiftWindow): PartResult | null {
  const test = rateTest(window, rate.events, rate.exposure);
  if (!test || !(test.expected > 0)) return null;
  return {
    part,
    z: test.z,
    relativeChange: rate.change(test.observed, test.expected),
    lastDayBelow: test.lastDayBelow,
  };
}

/** Least relative spread of value per conversion assumed (a day's, or one conversion's). */
const VALUE_SPREAD_FLOOR = 0.05;

/**
 * The spread of values per conversion: the larger of the robust (MAD) and the plain standard
 * deviation, never below the floor. Order values are lumpy — a few days of big baskets among
 * many ordinary ones — and a MAD of two weeks' days can then miss most of the spread; a wider
 * spread only makes the test slower to fire, never falsely.
 */
function valueSpread(residuals: readonly number[]): number {
  const mean = residuals.reduce((total, value) => total + value, 0) / residuals.length;
  const variance = residuals.reduce((total, value) => total + (value - mean) ** 2, 0) /
    Math.max(residuals.length - 1, 1);
  return Math.max(
    VALUE_SPREAD_FLOOR,
    MAD_TO_SIGMA * robustStats(residuals).mad,
    Math.sqrt(variance),
  );
}

/**
 * Value per conversion over the window against the baseline's (revenue over conversions), on
 * a log scale. Its noise is measured, not assumed: the baseline days' spread of their own value
 * per conversion gives both a day's spread (for the window's days) and, scaled by √conversions,
 * one conversion's (for the window's conversions); the larger of the two variances is used, for
 * the window and for the baseline's own value alike. It needs two weeks of converting days.
 */
function judgeValuePerConversion(window: ShiftWindow): PartResult | null {
  const pooled = window.revenuePerConversion;
  if (!(pooled > 0)) return null;
  const converting = (day: DayCounts) => day.conversions > 0;
  const baseline = window.baseline.filter(converting);
  const windowDays = window.days.filter(converting);
  // The spread is measured from these days: from fewer than two weeks it is a guess.
  if (baseline.length < MIN_SHIFT_BASELINE_DAYS || windowDays.length === 0) return null;
  const logRatio = (revenue: number, conversions: number) =>
    Math.log(Math.max(revenue / conversions, pooled / 1000) / pooled);
  const residuals = baseline.map((day) => logRatio(day.revenueMinor, day.conversions));
  const daySpread = valueSpread(residuals);
  const conversionSpread = valueSpread(
    baseline.map((day, index) => residuals[index] * Math.sqrt(day.conversions)),
  );
  const conversions = sum(windowDays, (day) => day.conversions);
  const baselineConversions = sum(baseline, (day) => day.conversions);
  const variance = Math.max(
    daySpread * daySpread / windowDays.length,
    conversionSpread * conversionSpread / conversions,
  ) + Math.max(
    daySpread * daySpread / baseline.length,
    conversionSpread * conversionSpread / baselineConversions,
  );
  const observed = logRatio(sum(windowDays, (day) => day.revenueMinor), conversions);
  const last = window.days[window.days.length - 1];
  return {
    part: "value_per_conversion",
    z: observed / Math.sqrt(variance),
    relativeChange: Math.exp(observed) - 1,
    // A last day without conversions brought no value at all.
    lastDayBelow: !converting(last) || last.revenueMinor / last.conversions < pooled,
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
