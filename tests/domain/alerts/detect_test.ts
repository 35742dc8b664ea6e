/** The pure detector: baselines, gates, types, partial days, causes. */
import assert from "node:assert/strict";
import { decompose, nextSteps } from "../../../domain/alerts/cause.ts";
import { type CampaignFacts, detect, type Verdict } from "../../../domain/alerts/detect.ts";
import { baselineDays, robustStats } from "../../../domain/alerts/baseline.ts";
import { type DayCounts, DEFAULT_ALERT_THRESHOLDS } from "../../../domain/alerts/types.ts";
import { addDays, weekdayOf } from "../../../domain/dates.ts";
import { seededRandom } from "../../../domain/platforms/sandbox_delivery.ts";
import { steadyHistory } from "./_history.ts";

const YESTERDAY = "2026-11-25";
const ACTIVE: CampaignFacts = {
  status: "active",
  budgetType: "daily",
  budgetAmountMinor: 20_000,
  startDate: null,
  endDate: null,
  activeSince: "2026-01-01",
  lifetimeSpentMinor: 500_000,
};

function run(days: DayCounts[], extra: Partial<Parameters<typeof detect>[0]> = {}) {
  return detect({
    days,
    date: YESTERDAY,
    thresholds: DEFAULT_ALERT_THRESHOLDS,
    campaign: ACTIVE,
    ...extra,
  });
}

function anomalies(verdicts: Verdict[]) {
  return verdicts.flatMap((verdict) => verdict.state === "anomaly" ? [verdict.finding] : []);
}

function withDay(days: DayCounts[], date: string, change: (day: DayCounts) => DayCounts) {
  return days.map((day) => day.date === date ? change(day) : day);
}

Deno.test("robust statistics ignore a single outlier", () => {
  const stats = robustStats([10, 11, 9, 10, 1000]);
  assert.equal(stats.median, 10);
  assert.equal(stats.mad, 1);
});

Deno.test("the baseline is the same weekday of past weeks, else the last 14 days", () => {
  const all = () => true;
  const same = baselineDays(YESTERDAY, all)!;
  assert.equal(same.method, "same_weekday");
  assert.deepEqual(same.dates.slice(0, 2), [addDays(YESTERDAY, -7), addDays(YESTERDAY, -14)]);
  assert.equal(same.dates.length, 8);
  const young = baselineDays(YESTERDAY, (date) => date >= addDays(YESTERDAY, -20))!;
  assert.equal(young.method, "recent_days");
  assert.equal(young.dates.length, 14);
  assert.equal(baselineDays(YESTERDAY, (date) => date >= addDays(YESTERDAY, -5)), null);
});

Deno.test("ordinary weekday seasonality raises nothing, on any day of the week", () => {
  const history = steadyHistory(addDays(YESTERDAY, 7), 90);
  for (let back = 0; back < 14; back++) {
    const date = addDays(YESTERDAY, -back);
    const found = anomalies(detect({
      days: history.filter((day) => day.date <= date),
      date,
      thresholds: DEFAULT_ALERT_THRESHOLDS,
      campaign: ACTIVE,
    }));
    assert.deepEqual(found, [], date);
  }
});

Deno.test("a young campaign falls back to 14 days and still ignores its weekends", () => {
  const found = anomalies(run(steadyHistory(YESTERDAY, 20)));
  assert.deepEqual(found, []);
});

/** Share of a weekday's delivery of a young campaign in the test below, Sunday first. */
const YOUNG_WEEKDAYS = [0.5, 1, 1, 1, 0.95, 0.85, 0.5];

Deno.test("a young campaign with deep weekends: quiet on every day, a collapse still found", () => {
  // Weekends at half of weekdays, Fridays at 85%, 15% daily noise: the last 14 days' own spread
  // is mostly the weekday swing, which must neither hide a collapse nor make a weekend look
  // like one.
  const random = seededRandom("young");
  const young = (last: string, days: number) =>
    Array.from({ length: days }, (_, index) => {
      const date = addDays(last, index - days + 1);
      const weekday = weekdayOf(date);
      const spendMinor = Math.round(
        10_000 * YOUNG_WEEKDAYS[weekday] * Math.exp((random() + random() + random() - 1.5) * 0.3),
      );
      const clicks = Math.round(spendMinor / 100);
      const conversions = Math.round(clicks / 10);
      return {
        date,
        impressions: clicks * 50,
        clicks,
        spendMinor,
        conversions,
        revenueMinor: conversions * 5_000,
      };
    });
  const history = young(YESTERDAY, 24);
  for (let back = 0; back < 7; back++) {
    const date = addDays(YESTERDAY, -back);
    const upTo = history.filter((day) => day.date <= date);
    assert.deepEqual(anomalies(run(upTo, { date })).map((finding) => finding.type), [], date);
  }
  const weekday = history.findLast((day) => ![0, 6].includes(weekdayOf(day.date)))!;
  const collapsed = history.filter((day) => day.date <= weekday.date).map((day) =>
    day.date === weekday.date ? { ...day, spendMinor: Math.round(day.spendMinor * 0.3) } : day
  );
  const found = anomalies(run(collapsed, { date: weekday.date })).map((finding) => finding.type);
  assert.ok(found.includes("spend_dropped"), JSON.stringify(found));
});

Deno.test("a spend spike is found, with its baseline band and severity", () => {
  const days = withDay(steadyHistory(YESTERDAY), YESTERDAY, (day) => ({
    ...day,
    spendMinor: day.spendMinor * 3,
    impressions: day.impressions * 3,
    clicks: day.clicks * 3,
    conversions: day.conversions * 3,
    revenueMinor: day.revenueMinor * 3,
  }));
  const [finding] = anomalies(run(days));
  assert.equal(finding.type, "spend_spike");
  assert.equal(finding.severity, "critical");
  assert.equal(finding.baseline?.method, "same_weekday");
  assert.ok(finding.observed > finding.baseline!.high);
  assert.ok(finding.relativeChange > 1.5);
});

Deno.test("no delivery while active is spend_stopped, and consequences are not repeated", () => {
  const days = steadyHistory(YESTERDAY).filter((day) => day.date !== YESTERDAY);
  const found = anomalies(run(days));
  assert.deepEqual(found.map((finding) => finding.type), ["spend_stopped"]);
  assert.equal(found[0].severity, "critical");
  const paused = anomalies(run(days, { campaign: { ...ACTIVE, status: "paused" } }));
  assert.deepEqual(paused, [], "a paused campaign is expected not to deliver");
});

Deno.test("a CPA rise is found and its cause says the conversion rate moved", () => {
  // About 40 conversions a day: enough for a single day's CPA to mean something.
  const larger = steadyHistory(YESTERDAY).map((day) => ({
    ...day,
    impressions: day.impressions * 4,
    clicks: day.clicks * 4,
    spendMinor: day.spendMinor * 4,
    conversions: day.conversions * 4,
    revenueMinor: day.revenueMinor * 4,
  }));
  const days = withDay(larger, YESTERDAY, (day) => ({
    ...day,
    conversions: Math.round(day.conversions / 3),
    revenueMinor: Math.round(day.conversions / 3) * 5_000,
  }));
  const found = anomalies(run(days, { campaign: { ...ACTIVE, budgetAmountMinor: 80_000 } }));
  const cpa = found.find((finding) => finding.type === "cpa_up");
  assert.ok(cpa, JSON.stringify(found.map((f) => f.type)));
  const byDate = new Map(days.map((day) => [day.date, day]));
  const { movedPart, parts } = decompose(
    cpa,
    byDate.get(YESTERDAY)!,
    cpa.baseline!.dates.map((date) => byDate.get(date)!),
  );
  assert.equal(movedPart, "conversion_rate");
  assert.deepEqual(parts.map((part) => part.part), ["cpc", "conversion_rate"]);
  const steps = nextSteps(cpa, { id: "c1", budgetAmountMinor: 20_000 }, [{
    changeId: "ch1",
    at: "2026-11-24T10:00:00.000Z",
    operation: "update",
    actorKind: "assistant",
    sourceId: "run-1",
    fields: ["targeting"],
  }]);
  assert.deepEqual(steps.map((step) => step.kind), ["roll_back", "pause"]);
  assert.deepEqual(steps[1], {
    kind: "pause",
    description: steps[1].description,
    operation: { type: "set_status", campaignId: "c1", status: "paused" },
  });
});

Deno.test("the minimum-data gate keeps low-volume CPA unjudged", () => {
  // One conversion every other day: even five days of it are counting noise.
  const small = steadyHistory(YESTERDAY).map((day, index) => ({
    ...day,
    conversions: index % 2,
  }));
  const verdict = run(small).find((verdict) => verdict.type === "cpa_up")!;
  assert.equal(verdict.state, "not_evaluated");
});

Deno.test("today's partial spend already past the spike line is a spike", () => {
  const days = steadyHistory(YESTERDAY);
  const today = addDays(YESTERDAY, 1);
  const partial = { ...days[days.length - 7], date: today, spendMinor: 30_000 };
  const found = anomalies(run(days, { today: { counts: partial, fractionElapsed: 0.5 } }));
  assert.ok(found.some((finding) => finding.type === "spend_spike" && finding.partialDay));
  const ordinary = { ...partial, spendMinor: 5_000 };
  assert.deepEqual(anomalies(run(days, { today: { counts: ordinary, fractionElapsed: 0.5 } })), []);
});

Deno.test("a daily budget spent by mid-day is exhausted early; by late evening it is not", () => {
  const days = steadyHistory(YESTERDAY);
  const today = addDays(YESTERDAY, 1);
  const spent = { ...days[days.length - 7], date: today, spendMinor: 19_500 };
  const early = anomalies(run(days, { today: { counts: spent, fractionElapsed: 0.3 } }));
  assert.ok(early.some((finding) => finding.type === "budget_exhausted_early"));
  const late = anomalies(run(days, { today: { counts: spent, fractionElapsed: 0.9 } }));
  assert.ok(!late.some((finding) => finding.type === "budget_exhausted_early"));
});

Deno.test("a lifetime budget used up days before the end date is exhausted early", () => {
  const days = steadyHistory(YESTERDAY);
  const lifetime: CampaignFacts = {
    ...ACTIVE,
    budgetType: "lifetime",
    budgetAmountMinor: 500_000,
    endDate: addDays(YESTERDAY, 10),
    lifetimeSpentMinor: 499_000,
  };
  const found = anomalies(run(days, { campaign: lifetime }));
  assert.deepEqual(found.map((finding) => finding.type), ["budget_exhausted_early"]);
});

/** `history` with `change` applied to its last `days` days. */
function shifted(history: DayCounts[], days: number, change: (day: DayCounts) => DayCounts) {
  return history.map((day, index) => index >= history.length - days ? change(day) : day);
}

Deno.test("a CPA tripled for three days at ~10 conversions a day is one sustained shift", () => {
  const history = steadyHistory(YESTERDAY);
  // Clicks cost three times as much from three days ago: a third of the clicks and conversions.
  const days = shifted(history, 3, (day) => ({
    ...day,
    clicks: Math.round(day.clicks / 3),
    impressions: Math.round(day.impressions / 3),
    conversions: Math.round(day.conversions / 3),
    revenueMinor: Math.round(day.conversions / 3) * 5_000,
  }));
  // One day of a third of the conversions (clicks as usual) is within counting noise...
  const fewerConversions = anomalies(run(shifted(history, 1, (day) => ({
    ...day,
    conversions: Math.round(day.conversions / 3),
    revenueMinor: Math.round(day.conversions / 3) * 5_000,
  }))));
  assert.ok(!fewerConversions.some((finding) => finding.type === "cpa_up"), "within noise");
  // ...one day of clicks three times as dear is not: a hundred clicks say so.
  const oneDay = anomalies(run(shifted(history, 1, () => days[days.length - 1])));
  assert.ok(oneDay.some((finding) => finding.type === "cpa_up"), "the clicks tell");
  const cpa = anomalies(run(days)).find((finding) => finding.type === "cpa_up");
  assert.ok(cpa, "three days are not");
  assert.deepEqual(cpa.shift, { start: addDays(YESTERDAY, -2), days: 3 });
  assert.equal(cpa.baseline?.method, "weeks_before");
  assert.ok(cpa.relativeChange > 1.5 && cpa.relativeChange < 3, `${cpa.relativeChange}`);
  assert.ok(cpa.summary.includes("over the last 3 days"), cpa.summary);
});

Deno.test("a shift that ended yesterday is back in range: the alert can resolve", () => {
  const history = steadyHistory(YESTERDAY);
  const halved = (day: DayCounts) => ({
    ...day,
    conversions: Math.round(day.conversions / 3),
    revenueMinor: Math.round(day.conversions / 3) * 5_000,
  });
  const days = history.map((day, index) =>
    index >= history.length - 4 && index < history.length - 1 ? halved(day) : day
  );
  const verdict = run(days).find((verdict) => verdict.type === "cpa_up")!;
  assert.equal(verdict.state, "normal");
});

Deno.test("conversions of a small campaign gone for four days are a shift; a quiet day is not", () => {
  // About 3 conversions a day: no single day below the gate says anything.
  const small = steadyHistory(YESTERDAY).map((day) => ({
    ...day,
    conversions: Math.round(day.conversions / 3),
    revenueMinor: Math.round(day.conversions / 3) * 5_000,
  }));
  const gone = shifted(small, 4, (day) => ({ ...day, conversions: 0, revenueMinor: 0 }));
  const found = anomalies(run(gone)).map((finding) => finding.type);
  assert.ok(found.includes("conversions_dropped"), JSON.stringify(found));
  const quiet = shifted(small, 1, (day) => ({ ...day, conversions: 0, revenueMinor: 0 }));
  assert.deepEqual(anomalies(run(quiet)), []);
});
