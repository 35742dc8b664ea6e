/**
 * The labelled set (`bench/alerts_labelled.ts`) as a regression floor: the figures the bench
 * prints for the default seed must not get worse. The goal is ≥ 0.9 for both. And the
 * set's own promise: every rate shift in it is of at least the minimum detectable size.
 */
import assert from "node:assert/strict";
import {
  generateLabelledSet,
  MIN_DETECTABLE_EVIDENCE,
  scoreDetector,
  shiftEvidence,
} from "../../../bench/alerts_labelled.ts";

Deno.test("the labelled set: generated reproducibly, scored no worse than measured", () => {
  const first = generateLabelledSet({ count: 200 });
  const again = generateLabelledSet({ count: 200 });
  assert.deepEqual(again, first, "same seed, same histories");
  assert.equal(first.filter((history) => history.injected !== null).length, 100);

  const score = scoreDetector(first);
  assert.ok(score.precision >= 0.98, `precision ${score.precision}`);
  assert.ok(score.recall >= 0.97, `recall ${score.recall}`);
  // Measured: cpa_up 13/13, roas_down 12/12, ctr_down 12/12, conversions_dropped 11/12.
  const floors: Record<string, number> = {
    cpa_up: 12,
    roas_down: 11,
    ctr_down: 12,
    conversions_dropped: 11,
  };
  for (const [type, floor] of Object.entries(floors)) {
    const [found, injected] = score.byType[type];
    assert.ok(found >= floor, `${type}: ${found}/${injected}`);
  }
  for (const type of ["spend_spike", "spend_dropped", "spend_stopped", "budget_exhausted_early"]) {
    const [found, injected] = score.byType[type];
    assert.equal(found, injected, `${type}: ${found}/${injected}`);
  }
});

Deno.test("the labelled set: every rate shift is of at least the minimum detectable size", () => {
  for (const seed of ["aae-alerts", "other"]) {
    const histories = generateLabelledSet({ count: 200, seed });
    for (const history of histories) {
      const shift = history.injected === "cpa_up" || history.injected === "roas_down" ||
        history.injected === "ctr_down" || history.injected === "conversions_dropped";
      if (!shift) {
        assert.equal(history.evidence, null, history.id);
        assert.deepEqual(history.setAside, [], `${history.id}: only rate shifts are drawn again`);
        continue;
      }
      assert.ok(history.evidence! >= MIN_DETECTABLE_EVIDENCE, `${history.id}: ${history.evidence}`);
      for (const drawn of history.setAside) {
        assert.equal(drawn.injected, history.injected);
        assert.ok(drawn.evidence! < MIN_DETECTABLE_EVIDENCE, `${drawn.id}: ${drawn.evidence}`);
      }
    }
    // Small campaigns are not all set aside: some shifts needed no second draw.
    assert.ok(
      histories.some((history) => history.evidence !== null && history.setAside.length === 0),
    );
  }
});

Deno.test("minimum detectable size: 80% power (z 0.84 beyond the alert's lines)", () => {
  assert.ok(Math.abs(MIN_DETECTABLE_EVIDENCE - 0.84) < 0.01, `${MIN_DETECTABLE_EVIDENCE}`);
});

const near = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

Deno.test("shift evidence of a count: the nearer of significance and the minimum change", () => {
  // 100 conversions fall to 25: 2(√100 − √25) = 10 beyond the mean, 7 beyond z 3; the 60%
  // drop line (40 conversions) is 2(√40 − √25) = 2.65 away: the change line is nearer.
  const count = {
    kind: "count",
    expected: 100,
    factor: 0.25,
    alertFactor: 0.4,
    days: 4,
    dailySpread: 0,
  } as const;
  near(shiftEvidence(count), 2 * (Math.sqrt(40) - 5));
  // 16 fall to 4: 2(√16 − √4) − 3 = 1 beyond z 3, while the change line is 2(√6.4 − 2) away.
  near(shiftEvidence({ ...count, expected: 16 }), 1);
  // Daily noise of the rate widens the spread: √(1 + 16·0.01/4).
  near(shiftEvidence({ ...count, expected: 16, dailySpread: 0.1 }), 4 / Math.sqrt(1.04) - 3);
  // Events that show only the change (the conversions after dearer clicks) are not tested.
  near(shiftEvidence({ ...count, significance: false }), 2 * (Math.sqrt(40) - 5));
});

Deno.test("shift evidence: small campaigns' shifts over a few days are below the minimum", () => {
  // A CPA doubled through the conversion rate for two days at one conversion a day.
  const small = {
    kind: "count",
    expected: 2,
    factor: 0.5,
    alertFactor: 1 / 1.5,
    days: 2,
    dailySpread: 0.05,
  } as const;
  assert.ok(shiftEvidence(small) < 0, "found less than half the time");
  // Doubled over five days at four a day (10 where 20 were usual) is still short of it;
  // tripled at six a day (10 where 30) is not.
  assert.ok(shiftEvidence({ ...small, expected: 20, days: 5 }) < MIN_DETECTABLE_EVIDENCE);
  assert.ok(
    shiftEvidence({ ...small, expected: 30, factor: 1 / 3, days: 5 }) > MIN_DETECTABLE_EVIDENCE,
  );
});

Deno.test("shift evidence of value per conversion: the orders' spread, and ROAS's", () => {
  const value = {
    kind: "value",
    factor: 0.3,
    alertFactor: 0.6,
    conversions: 25,
    orderSpread: 0.5,
    days: 5,
    dailySpread: 0,
  } as const;
  const orderVariance = Math.exp(0.25) - 1;
  // Significance: (1 − 0.3) / √(cv²/25) − 3; the change: (0.6 − 0.3) / (0.3 · √((1 + cv²)/25)).
  near(
    shiftEvidence(value),
    Math.min(
      0.7 / Math.sqrt(orderVariance / 25) - 3,
      0.3 / (0.3 * Math.sqrt((1 + orderVariance) / 25)),
    ),
  );
  assert.equal(shiftEvidence({ ...value, conversions: 0 }), -Infinity, "no orders, no evidence");
  // Lumpy baskets over a handful of orders hide even a 70% fall.
  assert.ok(shiftEvidence({ ...value, conversions: 3, orderSpread: 0.8 }) < 0);
  // A fall to half, only just past the 40% line, needs many orders to be sure of crossing it.
  assert.ok(shiftEvidence({ ...value, factor: 0.5, conversions: 15 }) < MIN_DETECTABLE_EVIDENCE);
  assert.ok(
    shiftEvidence({ ...value, factor: 0.5, conversions: 200 }) > MIN_DETECTABLE_EVIDENCE,
  );
});
