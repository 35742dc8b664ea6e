/**
 * The anomaly detector: a pure function from a campaign's (or an account's) daily rows to a
 * verdict per alert type — anomaly, normal, or not evaluated (and why).
 *
 * What it judges, and how honestly it can with daily rows only:
 * - The **last complete day** (normally yesterday in the account's zone) against its robust
 *   baseline (`baseline.ts`): same weekday over up to 8 weeks, else the last 14 days.
 * - **Today's partial row** only where a partial day is a lower bound that cannot mislead:
 *   spend so far already above the spike line of a whole baseline day is a spike whatever the
 *   hours still to come (and rows platforms fill in late only make it later, never false);
 *   a daily budget 95% spent before `budgetExhaustedBefore` of the day passed is exhausted
 *   early. Without hourly rows today's CPA, CTR or conversions are never compared with "the
 *   same hours" of the baseline: daily rows cannot tell which hours they came from.
 * - **Budget exhausted early** on complete days cannot be seen in daily rows (a day capped at
 *   noon and one capped at midnight look the same); for lifetime budgets it can: the budget
 *   spent while the end date is still days away.
 *
 * Every type has a minimum-data gate; when it is not met the verdict is `not_evaluated`, which
 * neither raises nor resolves an alert.
 *
 * @module
 */
import type { BudgetType, CampaignStatus } from "../../db/schema.ts";
import { addDays, daysBetween } from "../dates.ts";
import {
  anscombe,
  type BaselineDays,
  baselineDays,
  type BaselineMethod,
  MAD_TO_SIGMA,
  pooledRelativeSpread,
  robustStats,
  robustZ,
  weeklyPairSpread,
} from "./baseline.ts";
import { judgeShift, SHIFT_TYPES } from "./shift.ts";
import type { AlertMetric, AlertSeverity, AlertThresholds, AlertType, DayCounts } from "./types.ts";

/** Share of a daily budget that counts as used up. */
const BUDGET_USED_SHARE = 0.95;
/** Share of a lifetime budget that counts as used up. */
const LIFETIME_USED_SHARE = 0.98;
/** Spread floor of spend, as a share of the median (spend is not a count: no counting noise). */
const SPEND_NOISE_FLOOR = 0.05;

/** What the detector needs to know about a campaign beyond its rows. */
export interface CampaignFacts {
  status: CampaignStatus;
  budgetType: BudgetType;
  budgetAmountMinor: number;
  startDate: string | null;
  endDate: string | null;
  /**
   * The date it last became active (created active, launched or resumed), or null when not
   * active. Days before it, and that day itself (active only part of it), are not judged.
   */
  activeSince: string | null;
  /** Spend over its whole life, today's partial row included. */
  lifetimeSpentMinor: number;
}

/** What to judge. */
export interface DetectionInput {
  /** Daily rows in any order; a date without a row had no delivery. */
  days: readonly DayCounts[];
  /** The complete day to judge, usually yesterday. */
  date: string;
  /** Today's partial row and how much of today has passed, if known. */
  today?: { counts: DayCounts; fractionElapsed: number };
  thresholds: AlertThresholds;
  /** For a campaign; absent when judging an account's totals. */
  campaign?: CampaignFacts;
}

/** The baseline an observation was compared with. */
export interface BaselineSummary {
  method: BaselineMethod;
  dates: string[];
  median: number;
  /** The band within which the metric counts as normal (median ± minZ·σ). */
  low: number;
  high: number;
}

/** An anomaly found. */
export interface Finding {
  type: AlertType;
  severity: AlertSeverity;
  /** The day it was seen on. */
  date: string;
  /** True when seen on today's partial row. */
  partialDay: boolean;
  metric: AlertMetric;
  observed: number;
  /** What the baseline expected (its median); for budgets, the budget. */
  expected: number;
  /** Relative change from expected (−0.6 = 60% lower). */
  relativeChange: number;
  /** Robust z-score; null where not a statistical test (stopped, budgets). */
  z: number | null;
  baseline: BaselineSummary | null;
  /**
   * For a sustained shift (`shift.ts`): its first day and length; `observed` and `expected`
   * are then over those days. Absent for a one-day finding.
   */
  shift?: { start: string; days: number };
  /** One sentence for people. */
  summary: string;
}

/** The detector's answer for one type. */
export type Verdict =
  | { type: AlertType; state: "anomaly"; finding: Finding }
  | { type: AlertType; state: "normal" }
  | { type: AlertType; state: "not_evaluated"; reason: string };

/** Metrics of one day; null where undefined (a ratio over zero). */
export function metricOf(metric: AlertMetric, day: DayCounts): number | null {
  switch (metric) {
    case "spend":
      return day.spendMinor;
    case "conversions":
      return day.conversions;
    case "cpa":
      return day.conversions > 0 ? day.spendMinor / day.conversions : null;
    case "roas":
      return day.spendMinor > 0 ? day.revenueMinor / day.spendMinor : null;
    case "ctr":
      return day.impressions > 0 ? day.clicks / day.impressions : null;
  }
}

/** A statistical type: its metric, direction, threshold and minimum-data gate. */
interface StatisticalSpec {
  type: AlertType;
  metric: AlertMetric;
  direction: "up" | "down";
  minChange(thresholds: AlertThresholds): number;
  /** Why the baseline is too thin to judge, or null when it is enough. */
  gate(base: BaselineCounts, thresholds: AlertThresholds): string | null;
  /** The least spread to assume, from counting noise. */
  noiseFloor(base: BaselineCounts, median: number): number;
  /**
   * For rates (CPA, ROAS, CTR): the test runs on a count per unit of exposure instead of the
   * daily ratio (see `judgeRate`).
   */
  rate?: RateSpec;
}

/**
 * A rate as events per unit of exposure: conversions per spend (CPA), revenue in conversions'
 * worth per spend (ROAS), clicks per impression (CTR).
 */
interface RateSpec {
  events(day: DayCounts, baseline: { revenuePerConversion: number }): number;
  exposure(day: DayCounts): number;
}

/** Medians of the baseline's counts. */
interface BaselineCounts {
  spend: number;
  conversions: number;
  clicks: number;
  revenue: number;
}

const conversionsGate = (base: BaselineCounts, thresholds: AlertThresholds) =>
  base.conversions >= thresholds.minConversions
    ? null
    : `fewer than ${thresholds.minConversions} conversions a day in the baseline`;

/** Relative counting noise of a ratio over `count` events (Poisson: 1/√n). */
const countingNoise = (median: number, count: number) => median / Math.sqrt(Math.max(count, 1));

const SPECS: readonly StatisticalSpec[] = [
  {
    type: "spend_spike",
    metric: "spend",
    direction: "up",
    minChange: (t) => t.spendSpike,
    gate: (base) => base.spend > 0 ? null : "no spend in the baseline",
    noiseFloor: (_base, median) => median * SPEND_NOISE_FLOOR,
  },
  {
    type: "spend_dropped",
    metric: "spend",
    direction: "down",
    minChange: (t) => t.spendDrop,
    gate: (base) => base.spend > 0 ? null : "no spend in the baseline",
    noiseFloor: (_base, median) => median * SPEND_NOISE_FLOOR,
  },
  {
    type: "cpa_up",
    metric: "cpa",
    direction: "up",
    minChange: (t) => t.cpaUp,
    gate: conversionsGate,
    noiseFloor: (base, median) => countingNoise(median, base.conversions),
    rate: {
      events: (day) => day.conversions,
      exposure: (day) => day.spendMinor,
    },
  },
  {
    type: "roas_down",
    metric: "roas",
    direction: "down",
    minChange: (t) => t.roasDown,
    gate: (base, t) => conversionsGate(base, t) ?? (base.revenue > 0 ? null : "no revenue"),
    noiseFloor: (base, median) => countingNoise(median, base.conversions),
    rate: {
      // Revenue counted in conversions of the baseline's average worth: its noise is theirs.
      events: (day, baseline) => day.revenueMinor / baseline.revenuePerConversion,
      exposure: (day) => day.spendMinor,
    },
  },
  {
    type: "ctr_down",
    metric: "ctr",
    direction: "down",
    minChange: (t) => t.ctrDown,
    gate: (base, t) =>
      base.clicks >= t.minClicks ? null : `fewer than ${t.minClicks} clicks a day in the baseline`,
    noiseFloor: (base, median) => countingNoise(median, base.clicks),
    rate: {
      events: (day) => day.clicks,
      exposure: (day) => day.impressions,
    },
  },
  {
    type: "conversions_dropped",
    metric: "conversions",
    direction: "down",
    minChange: (t) => t.conversionsDrop,
    gate: conversionsGate,
    noiseFloor: (_base, median) => Math.sqrt(Math.max(median, 1)),
  },
];

/** Types judged for an account's totals (campaign-level causes like a pause are not repeated). */
export const ACCOUNT_ALERT_TYPES: readonly AlertType[] = [
  "spend_spike",
  "cpa_up",
  "roas_down",
  "ctr_down",
  "conversions_dropped",
];

const ZERO_DAY = { impressions: 0, clicks: 0, spendMinor: 0, conversions: 0, revenueMinor: 0 };

/** Judges one campaign (or account) on `input.date` and today's partial row. */
export function detect(input: DetectionInput): Verdict[] {
  const byDate = new Map(input.days.map((day) => [day.date, day]));
  const dayOf = (date: string): DayCounts => byDate.get(date) ?? { date, ...ZERO_DAY };
  const hasData = (date: string) => {
    const day = byDate.get(date);
    return day !== undefined && (day.impressions > 0 || day.spendMinor > 0);
  };
  const { campaign, thresholds } = input;
  const verdicts: Verdict[] = [];

  const judgeable = campaign ? campaignJudgeable(campaign, input.date) : null;
  const base = baselineDays(input.date, hasData);
  const observed = dayOf(input.date);

  for (const spec of SPECS) {
    let verdict: Verdict;
    if (judgeable) verdict = { type: spec.type, state: "not_evaluated", reason: judgeable };
    else if (!base) {
      verdict = { type: spec.type, state: "not_evaluated", reason: "too little history" };
    } else verdict = judge(spec, observed, base, byDate, thresholds, false);
    if (!judgeable && verdict.state !== "anomaly" && SHIFT_TYPES.includes(spec.type)) {
      // Not one day's jump: perhaps a level the rate moved to days ago and kept.
      const shift = judgeShift(spec.type, {
        byDate,
        date: input.date,
        firstJudgeable: campaign ? firstJudgeableDay(campaign) : null,
        thresholds,
      });
      if (shift && (shift.state === "anomaly" || verdict.state === "not_evaluated")) {
        verdict = shift;
      }
    }
    if (spec.type === "spend_spike" && input.today && verdict.state !== "anomaly") {
      const partial = judgeTodaySpend(spec, input.today.counts, hasData, byDate, thresholds);
      if (partial?.state === "anomaly") verdict = partial;
    }
    verdicts.push(verdict);
  }

  if (campaign) {
    verdicts.push(judgeStopped(campaign, input.date, observed, base, byDate, judgeable));
    verdicts.push(judgeBudget(campaign, input, thresholds));
  }
  const judged = suppressConsequences(verdicts);
  // An account's spend moves whenever a campaign is paused or launched: its drops are judged
  // (to suppress their consequences) but not raised.
  return campaign ? judged : judged.filter((verdict) => ACCOUNT_ALERT_TYPES.includes(verdict.type));
}

/**
 * One root cause, one alert: on a day delivery stopped or collapsed, fewer conversions follow
 * and are not raised separately (neither raised nor resolved).
 */
function suppressConsequences(verdicts: Verdict[]): Verdict[] {
  const deliveryDown = verdicts.some((verdict) =>
    verdict.state === "anomaly" &&
    (verdict.type === "spend_stopped" || verdict.type === "spend_dropped")
  );
  if (!deliveryDown) return verdicts;
  return verdicts.map((verdict) =>
    verdict.type === "conversions_dropped" || verdict.type === "roas_down" ||
      verdict.type === "ctr_down"
      ? { type: verdict.type, state: "not_evaluated", reason: "delivery itself fell" }
      : verdict
  );
}

/** The first day the campaign was active all of, within its dates. */
function firstJudgeableDay(campaign: CampaignFacts): string | null {
  const afterActive = campaign.activeSince === null ? null : addDays(campaign.activeSince, 1);
  if (campaign.startDate === null) return afterActive;
  if (afterActive === null) return campaign.startDate;
  return afterActive > campaign.startDate ? afterActive : campaign.startDate;
}

/** Why the campaign's `date` cannot be judged, or null when it can. */
function campaignJudgeable(campaign: CampaignFacts, date: string): string | null {
  if (campaign.status !== "active" || campaign.activeSince === null) return "not active";
  if (date <= campaign.activeSince) return "not active the whole day";
  if (campaign.startDate !== null && date < campaign.startDate) return "before its start date";
  if (campaign.endDate !== null && date > campaign.endDate) return "after its end date";
  return null;
}

function medianCounts(dates: readonly string[], byDate: Map<string, DayCounts>): BaselineCounts {
  const pick = (read: (day: DayCounts) => number) =>
    robustStats(dates.map((date) => read(byDate.get(date)!))).median;
  return {
    spend: pick((day) => day.spendMinor),
    conversions: pick((day) => day.conversions),
    clicks: pick((day) => day.clicks),
    revenue: pick((day) => day.revenueMinor),
  };
}

function judge(
  spec: StatisticalSpec,
  observedDay: DayCounts,
  base: BaselineDays,
  byDate: Map<string, DayCounts>,
  thresholds: AlertThresholds,
  partialDay: boolean,
): Verdict {
  const counts = medianCounts(base.dates, byDate);
  const gated = spec.gate(counts, thresholds);
  if (gated) return { type: spec.type, state: "not_evaluated", reason: gated };
  if (spec.rate) return judgeRate(spec, spec.rate, observedDay, base, byDate, thresholds);
  const values = base.dates.map((date) => metricOf(spec.metric, byDate.get(date)!))
    .filter((value): value is number => value !== null);
  if (values.length < Math.ceil(base.dates.length / 2)) {
    return { type: spec.type, state: "not_evaluated", reason: "the baseline's ratio is undefined" };
  }
  const observed = metricOf(spec.metric, observedDay);
  // Delivery itself (spend) must exist for a ratio to mean anything; zero delivery is
  // `spend_stopped`'s to judge.
  if (observed === null || (spec.metric !== "spend" && observedDay.spendMinor === 0)) {
    return { type: spec.type, state: "not_evaluated", reason: "no delivery to judge" };
  }
  if (spec.type === "spend_dropped" && observed === 0) {
    return { type: spec.type, state: "not_evaluated", reason: "no delivery at all" };
  }
  const stats = robustStats(values);
  if (stats.median <= 0) {
    return { type: spec.type, state: "not_evaluated", reason: "the baseline is zero" };
  }
  const floor = spec.noiseFloor(counts, stats.median);
  // Same-weekday points are few: their spread comes from all recent days when there are enough.
  const valueOn = (date: string) => {
    const day = byDate.get(date);
    return day && (day.impressions > 0 || day.spendMinor > 0) ? metricOf(spec.metric, day) : null;
  };
  // A young campaign's last 14 days mix weekdays: its spread comes from week-apart pairs.
  const pooled = base.method === "same_weekday"
    ? pooledRelativeSpread(observedDay.date, valueOn)
    : weeklyPairSpread(observedDay.date, valueOn);
  const spreadStats = pooled === null
    ? stats
    : { ...stats, mad: (pooled * stats.median) / MAD_TO_SIGMA };
  const z = robustZ(observed, spreadStats, floor);
  const relativeChange = (observed - stats.median) / stats.median;
  const minChange = spec.minChange(thresholds);
  const sigma = Math.max(MAD_TO_SIGMA * spreadStats.mad, floor);
  const passes = (change: number) =>
    spec.direction === "up" ? change >= minChange : change <= -minChange;
  const anomalous = (spec.direction === "up" ? z >= thresholds.minZ : z <= -thresholds.minZ) &&
    passes(relativeChange) && passesRecent(spec, observed, observedDay.date, base, byDate, passes);
  if (!anomalous) return { type: spec.type, state: "normal" };
  const strong = Math.abs(z) >= 2 * thresholds.minZ &&
    Math.abs(relativeChange) >= Math.min(2 * minChange, 0.9);
  return {
    type: spec.type,
    state: "anomaly",
    finding: {
      type: spec.type,
      severity: strong ? "critical" : "warning",
      date: observedDay.date,
      partialDay,
      metric: spec.metric,
      observed,
      expected: stats.median,
      relativeChange,
      z,
      baseline: {
        method: base.method,
        dates: base.dates,
        median: stats.median,
        low: Math.max(0, stats.median - thresholds.minZ * sigma),
        high: stats.median + thresholds.minZ * sigma,
      },
      summary: summaryOf(spec, relativeChange, base.method, partialDay),
    },
  };
}

/** Same-weekday points below which the recent days must agree (a median of 4 breaks at 2). */
const FEW_SAME_WEEKDAY_POINTS = 6;

/**
 * With few same-weekday points, two odd weeks among them can move their median: the day must
 * then also differ that much from the median of the last 14 days.
 */
function passesRecent(
  spec: StatisticalSpec,
  observed: number,
  date: string,
  base: BaselineDays,
  byDate: Map<string, DayCounts>,
  passes: (change: number) => boolean,
): boolean {
  if (base.method !== "same_weekday" || base.dates.length >= FEW_SAME_WEEKDAY_POINTS) return true;
  const recent = Array.from({ length: 14 }, (_, index) => byDate.get(addDays(date, -1 - index)))
    .flatMap((day) => day ? [metricOf(spec.metric, day)] : [])
    .filter((value): value is number => value !== null);
  if (recent.length === 0) return true;
  const center = robustStats(recent).median;
  return center <= 0 || passes((observed - center) / center);
}

/**
 * A rate judged as a count against its expectation: the baseline's pooled rate (all its
 * events over all its exposure, far steadier than a median of daily ratios) times the day's
 * exposure gives the expected events; the day's shortfall is measured in Poisson standard
 * deviations (on Anscombe's scale), widened by the baseline's own overdispersion (the MAD of
 * its days' residuals, never below Poisson). So a CPA on 12 conversions a day is judged with the noise
 * 12 conversions really have.
 */
function judgeRate(
  spec: StatisticalSpec,
  rate: RateSpec,
  observedDay: DayCounts,
  base: BaselineDays,
  byDate: Map<string, DayCounts>,
  thresholds: AlertThresholds,
): Verdict {
  // Rates barely follow the weekday; with few same-weekday points the last 14 days join in, so
  // the pooled rate and its dispersion rest on more than four days.
  const dates = new Set(base.dates);
  if (base.dates.length < FEW_SAME_WEEKDAY_POINTS) {
    for (let back = 1; back <= 14; back++) {
      const date = addDays(observedDay.date, -back);
      if (byDate.has(date)) dates.add(date);
    }
  }
  const baseDays = [...dates].map((date) => byDate.get(date)!);
  const sum = (read: (day: DayCounts) => number) =>
    baseDays.reduce((total, day) => total + read(day), 0);
  const conversions = sum((day) => day.conversions);
  const revenuePerConversion = conversions > 0 ? sum((day) => day.revenueMinor) / conversions : 0;
  const context = { revenuePerConversion };
  const exposureTotal = sum(rate.exposure);
  const eventsTotal = sum((day) => rate.events(day, context));
  if (exposureTotal <= 0 || eventsTotal <= 0 || rate.exposure(observedDay) <= 0) {
    return { type: spec.type, state: "not_evaluated", reason: "the baseline's rate is undefined" };
  }
  const pooled = eventsTotal / exposureTotal;
  const residuals = baseDays.flatMap((day) => {
    const expected = rate.exposure(day) * pooled;
    return expected > 0 ? [anscombe(rate.events(day, context), expected)] : [];
  });
  const dispersion = Math.max(1, MAD_TO_SIGMA * robustStats(residuals).mad);
  const expectedEvents = rate.exposure(observedDay) * pooled;
  const spread = Math.sqrt(expectedEvents) * dispersion;
  const events = rate.events(observedDay, context);
  const z = anscombe(events, expectedEvents) / dispersion;
  const metricAt = (count: number) => rateMetric(spec.metric, count, observedDay, context);
  const observed = metricAt(events);
  const expected = metricAt(expectedEvents);
  const relativeChange = observed / expected - 1;
  const minChange = spec.minChange(thresholds);
  // Every rate type here is "fewer events than expected": CPA up, ROAS down, CTR down.
  const anomalous = z <= -thresholds.minZ &&
    (spec.direction === "up" ? relativeChange >= minChange : relativeChange <= -minChange);
  if (!anomalous) return { type: spec.type, state: "normal" };
  const strong = z <= -2 * thresholds.minZ &&
    Math.abs(relativeChange) >= Math.min(2 * minChange, 0.9);
  const bandEdges = [
    metricAt(Math.max(expectedEvents - thresholds.minZ * spread, 0)),
    metricAt(expectedEvents + thresholds.minZ * spread),
  ].sort((left, right) => left - right);
  return {
    type: spec.type,
    state: "anomaly",
    finding: {
      type: spec.type,
      severity: strong ? "critical" : "warning",
      date: observedDay.date,
      partialDay: false,
      metric: spec.metric,
      observed,
      expected,
      relativeChange,
      z: spec.direction === "up" ? -z : z,
      baseline: {
        method: base.method,
        dates: base.dates,
        median: expected,
        low: bandEdges[0],
        high: Number.isFinite(bandEdges[1]) ? bandEdges[1] : Number.MAX_SAFE_INTEGER,
      },
      summary: summaryOf(spec, relativeChange, base.method, false),
    },
  };
}

/** The metric people read, had the day seen `events` (a CPA over no conversion is its spend). */
function rateMetric(
  metric: AlertMetric,
  events: number,
  day: DayCounts,
  context: { revenuePerConversion: number },
): number {
  switch (metric) {
    case "cpa":
      return day.spendMinor / Math.max(events, 1);
    case "roas":
      return events * context.revenuePerConversion / day.spendMinor;
    default:
      return events / day.impressions;
  }
}

function summaryOf(
  spec: StatisticalSpec,
  relativeChange: number,
  method: BaselineMethod,
  partialDay: boolean,
): string {
  return `${METRIC_LABELS[spec.metric]} ${spec.direction === "up" ? "up" : "down"} ` +
    `${Math.round(Math.abs(relativeChange) * 100)}% against the ` +
    `${method === "same_weekday" ? "same weekday of past weeks" : "last 14 days"}` +
    (partialDay ? " (today so far)" : "");
}

const METRIC_LABELS: Record<AlertMetric, string> = {
  spend: "Spend",
  cpa: "CPA",
  roas: "ROAS",
  ctr: "CTR",
  conversions: "Conversions",
};

/**
 * Today's spend so far against whole baseline days: a lower bound of the day's spend, so if it
 * already passes the spike line the day is a spike whatever the remaining hours bring.
 */
function judgeTodaySpend(
  spec: StatisticalSpec,
  today: DayCounts,
  hasData: (date: string) => boolean,
  byDate: Map<string, DayCounts>,
  thresholds: AlertThresholds,
): Verdict | null {
  const base = baselineDays(today.date, hasData);
  if (!base || today.spendMinor === 0) return null;
  return judge(spec, today, base, byDate, thresholds, true);
}

function judgeStopped(
  campaign: CampaignFacts,
  date: string,
  observed: DayCounts,
  base: BaselineDays | null,
  byDate: Map<string, DayCounts>,
  judgeable: string | null,
): Verdict {
  const type = "spend_stopped";
  // A campaign no longer active has not "stopped delivering while active": resolved.
  if (judgeable === "not active") return { type, state: "normal" };
  if (judgeable) return { type, state: "not_evaluated", reason: judgeable };
  if (campaign.budgetAmountMinor <= 0) return { type, state: "normal" };
  if (
    campaign.budgetType === "lifetime" &&
    campaign.lifetimeSpentMinor >= campaign.budgetAmountMinor * LIFETIME_USED_SHARE
  ) return { type, state: "normal" }; // out of budget is budget_exhausted_early's business
  if (observed.impressions > 0 || observed.spendMinor > 0) return { type, state: "normal" };
  // It delivered before: the day before, or on its baseline days.
  const delivered = byDate.has(addDays(date, -1)) || (base !== null && base.dates.length > 0);
  if (!delivered) return { type, state: "not_evaluated", reason: "never delivered yet" };
  const usual = base ? medianCounts(base.dates, byDate).spend : 0;
  return {
    type,
    state: "anomaly",
    finding: {
      type,
      severity: "critical",
      date,
      partialDay: false,
      metric: "spend",
      observed: 0,
      expected: usual,
      relativeChange: -1,
      z: null,
      baseline: null,
      summary: "No delivery for a whole day while active with budget",
    },
  };
}

function judgeBudget(
  campaign: CampaignFacts,
  input: DetectionInput,
  thresholds: AlertThresholds,
): Verdict {
  const type = "budget_exhausted_early";
  if (campaign.status !== "active" || campaign.budgetAmountMinor <= 0) {
    return { type, state: "normal" };
  }
  if (campaign.budgetType === "lifetime") {
    const today = input.today?.counts.date ?? addDays(input.date, 1);
    const daysLeft = campaign.endDate === null ? null : daysBetween(today, campaign.endDate);
    if (daysLeft === null) return { type, state: "not_evaluated", reason: "no end date" };
    const spent = campaign.lifetimeSpentMinor;
    if (daysLeft < 1 || spent < campaign.budgetAmountMinor * LIFETIME_USED_SHARE) {
      return { type, state: "normal" };
    }
    return {
      type,
      state: "anomaly",
      finding: budgetFinding(
        today,
        spent,
        campaign.budgetAmountMinor,
        daysLeft >= 3 ? "critical" : "warning",
        `Lifetime budget used up ${daysLeft} day${daysLeft === 1 ? "" : "s"} before the end date`,
      ),
    };
  }
  if (!input.today) return { type, state: "not_evaluated", reason: "no row for today yet" };
  const { counts, fractionElapsed } = input.today;
  const used = counts.spendMinor >= campaign.budgetAmountMinor * BUDGET_USED_SHARE;
  if (!used) return { type, state: "normal" };
  if (fractionElapsed >= thresholds.budgetExhaustedBefore) {
    // Used up late in the day: ordinary pacing, and nothing to say about the morning's alert.
    return { type, state: "not_evaluated", reason: "late in the day" };
  }
  return {
    type,
    state: "anomaly",
    finding: budgetFinding(
      counts.date,
      counts.spendMinor,
      campaign.budgetAmountMinor,
      fractionElapsed < thresholds.budgetExhaustedBefore / 2 ? "critical" : "warning",
      `Daily budget used up with ${
        Math.round((1 - fractionElapsed) * 24)
      } hours of the day still to go`,
    ),
  };
}

function budgetFinding(
  date: string,
  spent: number,
  budget: number,
  severity: AlertSeverity,
  summary: string,
): Finding {
  return {
    type: "budget_exhausted_early",
    severity,
    date,
    partialDay: true,
    metric: "spend",
    observed: spent,
    expected: budget,
    relativeChange: (spent - budget) / budget,
    z: null,
    baseline: null,
    summary,
  };
}
