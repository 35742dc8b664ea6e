/**
 * Sustained shifts judged through their parts: CPA = CPC ÷ conversion rate and ROAS = conversion
 * rate × value per conversion ÷ CPC. On a campaign with a couple of conversions a day a doubled
 * CPA is counting noise in the conversions, but not in the clicks it came from.
 */
import assert from "node:assert/strict";
import { type CampaignFacts, detect, type Verdict } from "../../../domain/alerts/detect.ts";
import { type DayCounts, DEFAULT_ALERT_THRESHOLDS } from "../../../domain/alerts/types.ts";
import { addDays, weekdayOf } from "../../../domain/dates.ts";
import { seededRandom } from "../../../domain/platforms/sandbox_delivery.ts";
import { WEEKDAYS } from "./_history.ts";

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

function findings(days: DayCounts[], date = YESTERDAY) {
  return detect({ days, date, thresholds: DEFAULT_ALERT_THRESHOLDS, campaign: ACTIVE })
    .flatMap((verdict: Verdict) => verdict.state === "anomaly" ? [verdict.finding] : []);
}

/**
 * A small campaign: about 100 clicks and 2 conversions a weekday (Poisson), CPC and value per
 * conversion with 8% daily noise; `shock` changes the CPC, conversion rate or value from
 * `shockFrom` days before the end on.
 */
function smallHistory(
  seed: string,
  shock: { days: number; cpc?: number; value?: number; cvr?: number } = { days: 0 },
): DayCounts[] {
  const random = seededRandom(seed);
  const noise = () => Math.exp((random() + random() + random() - 1.5) * 0.16);
  const poisson = (mean: number) => {
    let count = 0, product = random();
    while (product > Math.exp(-mean)) {
      product *= random();
      count += 1;
    }
    return count;
  };
  const length = 63;
  return Array.from({ length }, (_, index) => {
    const date = addDays(YESTERDAY, index - length + 1);
    const shocked = index >= length - shock.days;
    const spendMinor = Math.round(10_000 * WEEKDAYS[weekdayOf(date)] * noise());
    const clicks = Math.round(spendMinor / (100 * noise() * (shocked ? shock.cpc ?? 1 : 1)));
    const conversions = poisson(clicks * 0.02 * (shocked ? shock.cvr ?? 1 : 1));
    const value = 5_000 * noise() * (shocked ? shock.value ?? 1 : 1);
    return {
      date,
      impressions: clicks * 50,
      clicks,
      spendMinor,
      conversions,
      revenueMinor: Math.round(conversions * value),
    };
  });
}

Deno.test("CPC up 2.5× for four days at ~2 conversions a day is cpa_up, told by the clicks", () => {
  for (const seed of ["a", "b", "c"]) {
    const days = smallHistory(`cpc:${seed}`, { days: 4, cpc: 2.5 });
    const cpa = findings(days).find((finding) => finding.type === "cpa_up");
    assert.ok(cpa, `seed ${seed}: ${JSON.stringify(findings(days).map((f) => f.summary))}`);
    assert.ok(cpa.shift && cpa.shift.days >= 2, JSON.stringify(cpa.shift));
    assert.ok(cpa.relativeChange >= DEFAULT_ALERT_THRESHOLDS.cpaUp, `${cpa.relativeChange}`);
    assert.match(cpa.summary, /cost per click up \d+%/);
  }
});

Deno.test("value per conversion down 60% while conversions ran high is roas_down", () => {
  const days = smallHistory("value", { days: 3, value: 0.4, cvr: 1.3 });
  const roas = findings(days).find((finding) => finding.type === "roas_down");
  assert.ok(roas, JSON.stringify(findings(days).map((f) => f.summary)));
  assert.match(roas.summary, /value per conversion down \d+%/);
});

Deno.test("a CPC rise CPA does not show (conversions held up) raises no cpa_up", () => {
  // Clicks 40% dearer and converting 40% better: CPA as a whole is where it was.
  const days = smallHistory("compensated", { days: 4, cpc: 1.4, cvr: 1.4 });
  assert.ok(!findings(days).some((finding) => finding.type === "cpa_up"));
});

Deno.test("small steady campaigns raise no rate shifts on any of 28 days", () => {
  for (const seed of ["d", "e", "f", "g", "h"]) {
    const days = smallHistory(`steady:${seed}`);
    for (let back = 0; back < 28; back++) {
      const date = addDays(YESTERDAY, -back);
      const upTo = days.filter((day) => day.date <= date);
      const raised = findings(upTo, date).filter((finding) => finding.shift);
      assert.deepEqual(raised.map((finding) => finding.summary), [], `${seed} on ${date}`);
    }
  }
});
