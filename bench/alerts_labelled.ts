/**
 * A labelled set for the anomaly detector: synthetic campaign histories with weekly
 * seasonality and day-to-day noise, half of them with one known anomaly that is still going on
 * on the day judged, and a scorer that runs the detector and counts hits and false alarms.
 *
 * Seeded (mulberry32 via the sandbox's `seededRandom`), so the same seed gives the same set and
 * the same figures. Used by `deno task bench alerts` and by the labelled-set test.
 *
 * How a history is made: a daily budget, a per-campaign level of utilization, CPC, CTR,
 * conversion rate and value per conversion; a per-campaign weekday profile (weekends 55–100% of
 * weekdays); multiplicative noise of 4–12% a day on delivery and rates, Poisson conversions, and
 * each conversion's value drawn on its own (lognormal, a per-campaign spread of 10–80%: from
 * near-fixed lead values to lumpy baskets), so a day's value per conversion is as noisy as its
 * few orders make it.
 * Volumes span small to large accounts: the median campaign gets about 8 conversions a day, a
 * quarter 3 or fewer. A quarter of the campaigns are young (18–27 days: the 14-day fallback
 * baseline); a third of the clean ones carry an old anomaly inside their baseline, which a
 * robust baseline must shrug off: half a one-day spend spike, half a CPA shift of 2–5 days that
 * ended at least a week before the day judged.
 *
 * Injected anomalies are shaped like the real ones alerts exist for:
 * - **Delivery** breaks on one day: spend ×1.8–3 (a spike), delivery ×0.05–0.3, no delivery,
 *   a daily budget spent by 20–55% of today.
 * - **Rates** shift and stay shifted: a broken landing page, a lost conversion tag, a tired
 *   creative or a bidding change moves CPC, conversion rate, value per conversion or CTR to a
 *   new level that lasts until someone acts. So the rate anomalies (CPA up ×2–3, half of them
 *   through CPC ×2–3, half through conversion rate ÷2–3; ROAS down: value per conversion
 *   ×0.3–0.5; CTR ×0.3–0.5; conversions dropped: conversion rate ×0.1–0.35) start 2–5 days
 *   before the day judged and last through it, with one magnitude for the whole shift (the
 *   daily noise stays on top). The magnitudes are those of the one-day version this set had
 *   before; only their duration, the CPA rises through the conversion rate and the per-order
 *   values are new (each made the set harder, not easier). A one-day CPA doubling at 10
 *   conversions a day is within counting noise for any detector; two to five days of it are
 *   not, and that is how such problems show up in real accounts.
 *
 * Rate anomalies land on campaigns of every volume, but each is of at least the **minimum
 * detectable size** (`MIN_DETECTABLE_EVIDENCE`), the convention of power analysis: the shift
 * an ideal detector finds with 80% probability — one that knows the campaign's true rates
 * (no baseline to estimate), sees the same daily rows, and applies the alert's own rule
 * (significant at z 3 AND moved by at least the type's default minimum change). Measured by
 * `shiftEvidence` from the generator's own parameters (expected conversions or clicks with and
 * without the shift over its days; for value per conversion, the arithmetic spread of the
 * orders' values), so it judges the anomaly, never a detector's answer on it. A drawn history
 * whose shift falls short is set aside and drawn again (the next draw of the same seed); the
 * bench prints how many were, and how many of those the detector found anyway.
 *
 * Why not keep them: a CPA doubled through the conversion rate for two days at one conversion
 * a day expects 1 conversion where 2 were usual, and 1 or fewer happen 41% of the time without
 * any shift; a value per conversion halved sits 10 points past the 40% ROAS line, and over a
 * dozen lumpy orders it lands on the wrong side of it as often as not. About a third of the
 * rate shifts drawn are below the line (over 11 seeds: 249 set aside for 539 kept — 102 CPA,
 * 90 conversions, 57 ROAS), so the recall counted misses that no detector with the alert's
 * rule could avoid. Why not label them clean: the shift is real, and an alert on it is no false
 * alarm. Small campaigns stay in the set: in the clean half all of them (where false alarms are
 * counted), in the anomalous half those whose shift is big or long enough to show in their
 * counts — a lost conversion tag at two conversions a day over five days does, a doubled CPA
 * at one a day over two days does not.
 *
 * @module
 */
import { type CampaignFacts, detect, type Finding } from "../domain/alerts/detect.ts";
import {
  type AlertThresholds,
  type AlertType,
  type DayCounts,
  DEFAULT_ALERT_THRESHOLDS,
} from "../domain/alerts/types.ts";
import { addDays, weekdayOf } from "../domain/dates.ts";
import { seededRandom } from "../domain/platforms/sandbox_delivery.ts";

/** Anomalies the generator injects. */
export const INJECTED_TYPES = [
  "spend_spike",
  "spend_dropped",
  "spend_stopped",
  "cpa_up",
  "roas_down",
  "ctr_down",
  "conversions_dropped",
  "budget_exhausted_early",
] as const satisfies readonly AlertType[];

/** One synthetic campaign and what is known about it. */
export interface LabelledHistory {
  id: string;
  /** Days the injected anomaly has lasted, the day judged included (0 for a clean history). */
  anomalyDays: number;
  /** Complete days up to and including `date`. */
  days: DayCounts[];
  /** The day judged (yesterday). */
  date: string;
  today: { counts: DayCounts; fractionElapsed: number };
  campaign: CampaignFacts;
  /** The anomaly injected, or null for a clean history. */
  injected: AlertType | null;
  /**
   * For a rate shift: how clearly an ideal detector would alert on it (`shiftEvidence`), in
   * standard deviations beyond the alert's lines; null for delivery breaks and clean histories.
   */
  evidence: number | null;
  /**
   * The draws of this history set aside before it for carrying a rate shift below the minimum
   * detectable size (`MIN_DETECTABLE_EVIDENCE`); the bench reports how the detector fares on
   * them too, apart from the score.
   */
  setAside: LabelledHistory[];
}

/** Options of `generateLabelledSet`. */
export interface LabelledSetOptions {
  count?: number;
  seed?: string;
  /** The day judged. */
  date?: string;
}

/** Generates `count` histories (default 200), the odd ones with an injected anomaly. */
export function generateLabelledSet(options: LabelledSetOptions = {}): LabelledHistory[] {
  const count = options.count ?? 200;
  const seed = options.seed ?? "aae-alerts";
  const date = options.date ?? "2026-11-30";
  return Array.from({ length: count }, (_, index) => {
    const injected = index % 2 === 1
      ? INJECTED_TYPES[Math.floor(index / 2) % INJECTED_TYPES.length]
      : null;
    // A rate shift too small for any test to see reliably is not one to score a detector on:
    // the campaign is drawn again (the next draw of the same seed), until it carries one.
    const setAside: LabelledHistory[] = [];
    for (let attempt = 0;; attempt++) {
      const id = attempt === 0 ? `${seed}:${index}` : `${seed}:${index}:${attempt}`;
      const history = { ...generateHistory(id, date, injected), setAside: [] };
      if (history.evidence === null || history.evidence >= MIN_DETECTABLE_EVIDENCE) {
        return { ...history, setAside };
      }
      setAside.push(history);
    }
  });
}

/** The one-sided z an alert is raised at by default (`minZ`). */
const ALERT_Z = 3;
/**
 * The least evidence (`shiftEvidence`) an injected rate shift carries: the minimum detectable
 * size of power analysis, the shift found with 80% probability (z 0.84 beyond the alert's
 * lines) by an ideal detector that applies the alert's rule knowing the campaign's true rates.
 * Smaller shifts are real, but such a detector would miss more than one in five of them; a
 * miss on them says little about a detector.
 */
export const MIN_DETECTABLE_EVIDENCE = 0.8416;

function generateHistory(
  id: string,
  date: string,
  injected: AlertType | null,
): Omit<LabelledHistory, "setAside"> {
  const random = seededRandom(id);
  const between = (low: number, high: number) => low + (high - low) * random();
  const noise = (spread: number) => Math.exp(gaussian(random) * spread);

  const young = random() < 0.25;
  const length = young ? Math.floor(between(18, 28)) : 70;
  const budget = Math.round(between(2_000, 60_000)); // minor units a day
  const utilization = between(0.6, 0.9);
  const cpc = between(20, 300);
  const ctr = between(0.005, 0.04);
  const cvr = between(0.02, 0.12);
  const value = between(2_000, 15_000);
  // Order values differ conversion by conversion: from near-fixed lead values to lumpy baskets.
  const orderSpread = between(0.1, 0.8);
  const weekend = between(0.55, 1);
  const profile = [weekend, 1, between(0.95, 1.05), 1, between(0.9, 1), between(0.8, 1), weekend];
  const spread = between(0.04, 0.12);
  const oldAnomaly: AlertType = random() < 0.5 ? "spend_spike" : "cpa_up";
  const oldDays = oldAnomaly === "cpa_up" ? Math.floor(between(2, 6)) : 1;
  const oldAnomalyAt = injected === null && !young && random() < 1 / 3
    ? Math.floor(between(20, length - 7 - oldDays))
    : -1;
  // Rate anomalies are shifts lasting 2–5 days up to the day judged; delivery breaks one day.
  const isShift = injected === "cpa_up" || injected === "roas_down" || injected === "ctr_down" ||
    injected === "conversions_dropped";
  const anomalyDays = injected === null ? 0 : isShift ? Math.floor(between(2, 6)) : 1;
  // One magnitude per anomaly: a shift moves a rate to a new level and keeps it there.
  const magnitude = {
    spend_spike: between(1.8, 3),
    spend_dropped: between(0.05, 0.3),
    cpa_up: between(2, 3),
    roas_down: between(0.3, 0.5),
    ctr_down: between(0.3, 0.5),
    conversions_dropped: between(0.1, 0.35),
  };
  const oldCpaShift = between(2, 3);
  // A CPA rises through dearer clicks (bids, competition) or through fewer of them converting
  // (a landing page, a checkout, a form broken): half of each.
  const cpaThroughConversionRate = random() < 0.5;

  const first = addDays(date, -(length - 1));
  // What an ideal detector, one that knows the campaign's true rates, could see of a shift.
  const shiftDays = Array.from({ length: isShift ? anomalyDays : 0 }, (_, back) => {
    const spend = Math.min(budget * utilization * profile[weekdayOf(addDays(date, -back))], budget);
    return { clicks: spend / cpc, conversions: spend / cpc * cvr };
  });
  const expectedClicks = shiftDays.reduce((sum, day) => sum + day.clicks, 0);
  const expectedConversions = shiftDays.reduce((sum, day) => sum + day.conversions, 0);
  const thresholds = DEFAULT_ALERT_THRESHOLDS;
  // Conversions carry the daily noise of CPC and conversion rate; clicks (per spend) that of
  // CPC, clicks per impression that of CTR; revenue per spend that of all three and the value.
  const conversionCount = (factor: number, significance = true): ShiftSize => ({
    kind: "count",
    significance,
    expected: expectedConversions,
    factor,
    alertFactor: injected === "cpa_up"
      ? 1 / (1 + thresholds.cpaUp)
      : 1 - thresholds.conversionsDrop,
    days: anomalyDays,
    dailySpread: spread * Math.SQRT2,
  });
  const sizes: ShiftSize[] = injected === "roas_down"
    ? [{
      kind: "value",
      factor: magnitude.roas_down,
      alertFactor: 1 - thresholds.roasDown,
      conversions: expectedConversions,
      orderSpread,
      days: anomalyDays,
      dailySpread: spread,
    }]
    : injected === "ctr_down"
    // A CTR drop keeps the clicks and buys more impressions for them: the clicks the usual CTR
    // would have had on those impressions are the expectation.
    ? [{
      kind: "count",
      expected: expectedClicks / magnitude.ctr_down,
      factor: magnitude.ctr_down,
      alertFactor: 1 - thresholds.ctrDown,
      days: anomalyDays,
      dailySpread: spread,
    }]
    : injected === "cpa_up" && !cpaThroughConversionRate
    // Dearer clicks are seen in the clicks per spend; the CPA itself (the alert's minimum
    // change) only in the conversions that followed them.
    ? [
      {
        kind: "count",
        expected: expectedClicks,
        factor: 1 / magnitude.cpa_up,
        alertFactor: 1,
        days: anomalyDays,
        dailySpread: spread,
      },
      conversionCount(1 / magnitude.cpa_up, false),
    ]
    : [
      conversionCount(injected === "cpa_up" ? 1 / magnitude.cpa_up : magnitude.conversions_dropped),
    ];
  const evidence = isShift ? Math.min(...sizes.map(shiftEvidence)) : null;
  const days: DayCounts[] = [];
  for (let index = 0; index < length; index++) {
    const day = addDays(first, index);
    const inAnomaly = injected !== null && index >= length - anomalyDays;
    const inOld = oldAnomalyAt >= 0 && index >= oldAnomalyAt && index < oldAnomalyAt + oldDays;
    const shock = inAnomaly ? injected : inOld ? oldAnomaly : null;
    days.push(simulate(day, shock, 1, inOld ? oldCpaShift : undefined));
  }

  function simulate(
    day: string,
    shock: AlertType | null,
    fraction = 1,
    cpaShift = magnitude.cpa_up,
  ): DayCounts {
    let spend = budget * utilization * profile[weekdayOf(day)] * noise(spread);
    spend = Math.min(spend, budget);
    let dayCpc = cpc * noise(spread);
    let dayCtr = ctr * noise(spread);
    let dayCvr = cvr * noise(spread);
    let dayValue = value * noise(spread);
    if (shock === "spend_spike") spend = budget * utilization * magnitude.spend_spike;
    if (shock === "spend_dropped") spend *= magnitude.spend_dropped;
    if (shock === "spend_stopped") spend = 0;
    if (shock === "cpa_up") {
      if (cpaThroughConversionRate) dayCvr /= cpaShift;
      else dayCpc *= cpaShift;
    }
    if (shock === "roas_down") dayValue *= magnitude.roas_down;
    if (shock === "ctr_down") dayCtr *= magnitude.ctr_down;
    if (shock === "conversions_dropped") dayCvr *= magnitude.conversions_dropped;
    spend = Math.floor(spend * fraction);
    const clicks = Math.floor(spend / dayCpc);
    const impressions = clicks === 0 && spend === 0 ? 0 : Math.round(clicks / dayCtr);
    const conversions = poisson(random, clicks * dayCvr);
    return {
      date: day,
      impressions,
      clicks,
      spendMinor: spend,
      conversions,
      revenueMinor: Math.round(orderValues(random, conversions, dayValue, orderSpread)),
    };
  }

  const todayDate = addDays(date, 1);
  const fractionElapsed = between(0.2, 0.9);
  // A shift goes on today too (only today's spend and budget are judged on a partial row).
  let todayCounts = simulate(todayDate, isShift ? injected : null, fractionElapsed);
  let todayFraction = fractionElapsed;
  if (injected === "budget_exhausted_early") {
    todayFraction = between(0.2, 0.55);
    todayCounts = { ...simulate(todayDate, null, todayFraction), spendMinor: budget };
  }
  return {
    id,
    anomalyDays,
    days,
    date,
    today: { counts: todayCounts, fractionElapsed: todayFraction },
    campaign: {
      status: "active",
      budgetType: "daily",
      budgetAmountMinor: budget,
      startDate: null,
      endDate: null,
      activeSince: addDays(first, -1),
      lifetimeSpentMinor: days.reduce((sum, day) => sum + day.spendMinor, 0),
    },
    injected,
    evidence,
  };
}

/** A rate shift as an ideal detector sees it (see `shiftEvidence`). */
export type ShiftSize =
  | {
    kind: "count";
    /** Events the shift's days would have had without it. */
    expected: number;
    /** What the shift multiplies them by. */
    factor: number;
    /** What they must be multiplied by for the alert's minimum change (1: none). */
    alertFactor: number;
    /** False when these events show only the change, not the significance. */
    significance?: boolean;
    days: number;
    /** Daily noise of the rate (lognormal sigma). */
    dailySpread: number;
  }
  | {
    kind: "value";
    /** What value per conversion is multiplied by. */
    factor: number;
    /** What ROAS must be multiplied by for the alert's minimum change. */
    alertFactor: number;
    /** Conversions expected over the shift's days. */
    conversions: number;
    /** Spread of one order's value (lognormal sigma). */
    orderSpread: number;
    days: number;
    /** Daily noise of CPC, conversion rate and value each (lognormal sigma). */
    dailySpread: number;
  };

/**
 * How clearly an ideal detector — one that knows the campaign's true rates instead of
 * estimating them from a baseline, and sees the same daily rows — would alert on a shift, by
 * the alert's own rule: significant at z 3 AND moved by at least the type's minimum change.
 * The answer is the distance, in standard deviations of the shifted statistic, by which its
 * expected value lies beyond the nearer of those two lines: 0 means it is found half the time,
 * 0.84 (`MIN_DETECTABLE_EVIDENCE`) 80% of the time.
 * - A count (conversions, clicks) falling from E₀ to f·E₀ expected events, on Anscombe's
 *   variance-stabilized Poisson scale 2√x (each event's noise 1, widened by the rate's daily
 *   noise: variance 1 + E₀σ²/days): 2√E₀ − 3 is the significance line, 2√(a·E₀) the change
 *   line for the alert's factor a.
 * - Value per conversion times f: daily rows hold sums of orders, so the mean value per
 *   conversion has the orders' arithmetic spread, cv² = e^{σₒ²} − 1, over N conversions: its
 *   significance is (1 − f)/√(cv²/N + σ²/days); ROAS as a whole (the change line a) moves with
 *   the conversions' Poisson noise too: relative spread √((1 + cv²)/N + 3σ²/days).
 */
export function shiftEvidence(size: ShiftSize): number {
  if (size.kind === "value") {
    if (size.conversions <= 0) return -Infinity;
    const orderVariance = Math.exp(size.orderSpread ** 2) - 1;
    const valueSpread = Math.sqrt(
      orderVariance / size.conversions + size.dailySpread ** 2 / size.days,
    );
    const roasSpread = Math.sqrt(
      (1 + orderVariance) / size.conversions + 3 * size.dailySpread ** 2 / size.days,
    );
    return Math.min(
      (1 - size.factor) / valueSpread - ALERT_Z,
      (size.alertFactor - size.factor) / (size.factor * roasSpread),
    );
  }
  const stabilized = (events: number) => 2 * Math.sqrt(events);
  const spread = Math.sqrt(1 + size.expected * size.dailySpread ** 2 / size.days);
  const shifted = stabilized(size.expected * size.factor);
  const change = (stabilized(size.expected * size.alertFactor) - shifted) / spread;
  if (size.significance === false) return change;
  return Math.min((stabilized(size.expected) - shifted) / spread - ALERT_Z, change);
}

/** The value of `conversions` orders worth `mean` on average, each lognormal with `spread`. */
function orderValues(
  random: () => number,
  conversions: number,
  mean: number,
  spread: number,
): number {
  let total = 0;
  for (let order = 0; order < conversions; order++) {
    total += mean * Math.exp(spread * gaussian(random) - spread * spread / 2);
  }
  return total;
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A Poisson draw (Knuth for small means, a normal approximation for large ones). */
function poisson(random: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let product = random();
  let count = 0;
  while (product > limit) {
    product *= random();
    count += 1;
  }
  return count;
}

/** What the detector made of the set. */
export interface LabelledScore {
  histories: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  /** Of the hits, those whose alerts include the injected type. */
  typeMatched: number;
  /** Per injected type: [found, injected]. */
  byType: Record<string, [number, number]>;
  /** Alerts raised on clean histories, by type (what the false alarms were). */
  falseAlarmTypes: Record<string, number>;
}

/**
 * Runs the detector on every history and scores it per history: an anomalous history with at
 * least one alert is a hit, a clean one with any alert a false alarm.
 */
export function scoreDetector(
  histories: readonly LabelledHistory[],
  thresholds: AlertThresholds = DEFAULT_ALERT_THRESHOLDS,
): LabelledScore {
  let truePositives = 0, falsePositives = 0, falseNegatives = 0, typeMatched = 0;
  const byType: Record<string, [number, number]> = {};
  const falseAlarmTypes: Record<string, number> = {};
  for (const history of histories) {
    const findings: Finding[] = detect({
      days: history.days,
      date: history.date,
      today: history.today,
      thresholds,
      campaign: history.campaign,
    }).flatMap((verdict) => verdict.state === "anomaly" ? [verdict.finding] : []);
    const alerted = findings.length > 0;
    if (history.injected === null) {
      if (alerted) falsePositives += 1;
      for (const finding of findings) {
        falseAlarmTypes[finding.type] = (falseAlarmTypes[finding.type] ?? 0) + 1;
      }
      continue;
    }
    const tally = byType[history.injected] ??= [0, 0];
    tally[1] += 1;
    if (!alerted) {
      falseNegatives += 1;
      continue;
    }
    truePositives += 1;
    tally[0] += 1;
    if (findings.some((finding) => finding.type === history.injected)) typeMatched += 1;
  }
  return {
    histories: histories.length,
    truePositives,
    falsePositives,
    falseNegatives,
    precision: truePositives + falsePositives === 0
      ? 1
      : truePositives / (truePositives + falsePositives),
    recall: truePositives + falseNegatives === 0
      ? 1
      : truePositives / (truePositives + falseNegatives),
    typeMatched,
    byType,
    falseAlarmTypes,
  };
}
