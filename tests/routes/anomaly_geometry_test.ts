/** The alert chart's geometry: band and median, marks, gaps for days without a value, labels. */
import assert from "node:assert/strict";
import { anomalyGeometry, MIN_X_LABEL_GAP } from "../../components/charts/anomaly_geometry.ts";
import { addDays } from "../../domain/dates.ts";

const days = (count: number, value: (index: number) => number | null) =>
  Array.from({ length: count }, (_, index) => ({
    date: addDays("2026-11-01", index),
    value: value(index),
  }));

Deno.test("the band spans low to high around the median; the anomaly is marked", () => {
  const series = days(43, (index) => (index === 21 ? 300 : 100));
  const geometry = anomalyGeometry({
    days: series,
    baseline: { median: 100, low: 80, high: 120 },
    anomalous: [series[21].date],
    baselineDates: [series[14].date, series[7].date, series[0].date],
  });
  const { band, plot } = geometry;
  assert.ok(band);
  assert.ok(band.top < band.medianY && band.medianY < band.bottom);
  assert.ok(band.top >= plot.top && band.bottom <= plot.bottom);
  assert.deepEqual(geometry.marks.map((mark) => mark.date), [series[21].date]);
  assert.ok(geometry.marks[0].width > 0);
  assert.deepEqual(geometry.points.filter((point) => point.anomalous).map((p) => p.date), [
    series[21].date,
  ]);
  assert.equal(geometry.points.filter((point) => point.baseline).length, 3);
  // The spike is on the chart, above the band.
  assert.ok(geometry.points[21].y < band.top);
});

Deno.test("an open upper edge does not stretch the scale; a band never leaves the plot", () => {
  const geometry = anomalyGeometry({
    days: days(10, () => 5),
    baseline: { median: 5, low: 2, high: Number.MAX_SAFE_INTEGER },
    anomalous: [],
  });
  assert.equal(geometry.band!.top, geometry.plot.top);
  assert.ok(Math.max(...geometry.yTicks.map((tick) => tick.value)) <= 10);
});

Deno.test("days without a value are gaps, not zeros", () => {
  const geometry = anomalyGeometry({
    days: days(10, (index) => (index === 4 ? null : 50)),
    baseline: null,
    anomalous: [],
  });
  assert.equal(geometry.points.length, 9);
  assert.equal(geometry.band, null);
  // Two segments: the line is moved to, twice.
  assert.equal(geometry.linePath.match(/M/g)?.length, 2);
});

Deno.test("date labels keep their distance on short and long ranges", () => {
  for (const count of [3, 15, 43, 90]) {
    const { xTicks } = anomalyGeometry({
      days: days(count, () => 1),
      baseline: null,
      anomalous: [],
    });
    assert.ok(xTicks.length >= 1, `${count} days`);
    for (let index = 1; index < xTicks.length; index++) {
      assert.ok(xTicks[index].x - xTicks[index - 1].x >= MIN_X_LABEL_GAP, `${count} days`);
    }
  }
});
