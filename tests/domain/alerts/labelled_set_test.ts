/**
 * The labelled set (`bench/alerts_labelled.ts`) as a regression floor: the figures the bench
 * prints for the default seed must not get worse. The goal is ≥ 0.9 for both.
 */
import assert from "node:assert/strict";
import { generateLabelledSet, scoreDetector } from "../../../bench/alerts_labelled.ts";

Deno.test("the labelled set: generated reproducibly, scored no worse than measured", () => {
  const first = generateLabelledSet({ count: 200 });
  const again = generateLabelledSet({ count: 200 });
  assert.deepEqual(again, first, "same seed, same histories");
  assert.equal(first.filter((history) => history.injected !== null).length, 100);

  const score = scoreDetector(first);
  assert.ok(score.precision >= 0.98, `precision ${score.precision}`);
  assert.ok(score.recall >= 0.94, `recall ${score.recall}`);
  // Measured: cpa_up 10/13, roas_down 11/12, ctr_down 12/12, conversions_dropped 10/12,
  // spend_dropped 13/13.
  const floors: Record<string, number> = {
    cpa_up: 10,
    roas_down: 11,
    ctr_down: 12,
    conversions_dropped: 10,
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
