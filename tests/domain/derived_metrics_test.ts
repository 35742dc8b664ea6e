/** Derived metrics are exact decimal ratios of integer counts. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { decimalRatio, withDerivedMetrics } from "../../domain/derived_metrics.ts";

Deno.test("decimalRatio", async (t) => {
  await t.step("known values, rounding half up", () => {
    assert.equal(decimalRatio(1, 3, 4), "0.3333");
    assert.equal(decimalRatio(2, 3, 4), "0.6667");
    assert.equal(decimalRatio(1, 8, 2), "0.13");
    assert.equal(decimalRatio(5, 1, 0), "5");
    assert.equal(decimalRatio(12_345, 100, 4, 2), "1.2345");
    assert.equal(decimalRatio(0, 7, 2), "0.00");
    assert.equal(decimalRatio(7, 0, 2), null);
  });

  await t.step("property: within half a unit in the last place, rounding half up", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 53n }),
        fc.bigInt({ min: 1n, max: 2n ** 53n }),
        fc.integer({ min: 0, max: 8 }),
        (numerator, denominator, scale) => {
          const text = decimalRatio(Number(numerator), Number(denominator), scale);
          assert.ok(text !== null);
          const quotient = BigInt(text.replace(".", ""));
          const error = quotient * denominator - numerator * 10n ** BigInt(scale);
          // q·d − n·10^s ∈ (−d/2, d/2]: the exact value rounded half up.
          assert.ok(2n * error > -denominator && 2n * error <= denominator, text);
        },
      ),
    );
  });
});

Deno.test("withDerivedMetrics uses the currency's minor unit", () => {
  const counts = {
    impressions: 1_000,
    clicks: 30,
    spendMinor: 4_500,
    conversions: 3,
    revenueMinor: 18_000,
  };
  assert.deepEqual(withDerivedMetrics(counts, "USD"), {
    ...counts,
    ctr: "0.030000",
    cpc: "1.5000",
    cpa: "15.0000",
    roas: "4.0000",
  });
  const yen = withDerivedMetrics({ ...counts, spendMinor: 4_500 }, "JPY");
  assert.equal(yen.cpc, "150.00");
  const empty = withDerivedMetrics(
    { impressions: 0, clicks: 0, spendMinor: 0, conversions: 0, revenueMinor: 0 },
    "USD",
  );
  assert.deepEqual([empty.ctr, empty.cpc, empty.cpa, empty.roas], [null, null, null, null]);
});
