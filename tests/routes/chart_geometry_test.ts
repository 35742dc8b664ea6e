import assert from "node:assert/strict";
import fc from "fast-check";
import { chartGeometry, DEFAULT_SIZE } from "../../components/charts/geometry.ts";
import { addDays } from "../../domain/dates.ts";

Deno.test("chart geometry", async (t) => {
  await t.step("places every day inside the plot, zero on the baseline", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 10_000_000 }), { minLength: 1, maxLength: 120 }),
        (values) => {
          const series = values.map((value, index) => ({
            date: addDays("2026-01-01", index),
            value,
          }));
          const { plot, points, yTicks } = chartGeometry(series);
          assert.equal(points.length, values.length);
          for (const point of points) {
            assert.ok(point.x >= plot.left && point.x <= plot.right, `x ${point.x}`);
            assert.ok(point.y >= plot.top && point.y <= plot.bottom, `y ${point.y}`);
            if (point.value === 0) assert.equal(point.y, plot.bottom);
          }
          assert.ok(
            points.every((point, i) => i === 0 || point.x > points[i - 1].x),
            "in date order",
          );
          assert.equal(yTicks[0].value, 0);
        },
      ),
    );
  });

  await t.step("copes with no data and a single day", () => {
    const empty = chartGeometry([]);
    assert.equal(empty.linePath, "");
    assert.equal(empty.points.length, 0);
    const single = chartGeometry([{ date: "2026-03-01", value: 5 }], { integer: true });
    assert.equal(single.points[0].x, DEFAULT_SIZE.margin.left);
    assert.ok(single.yTicks.every((tick) => Number.isInteger(tick.value)));
  });

  await t.step("an all-zero series labels only its baseline", () => {
    const days = ["2026-03-01", "2026-03-02", "2026-03-03"];
    for (const integer of [false, true]) {
      const flat = chartGeometry(days.map((date) => ({ date, value: 0 })), { integer });
      assert.deepEqual(flat.yTicks, [{ y: flat.plot.bottom, value: 0 }]);
      assert.ok(flat.points.every((point) => point.y === flat.plot.bottom));
    }
  });
});
