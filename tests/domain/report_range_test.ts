/** The one reporting-range model: presets, time zones (with and without DST), month ends, comparison. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { addDays, daysBetween } from "../../domain/dates.ts";
import { formatChange, metricChange } from "../../domain/metric_change.ts";
import {
  formatRange,
  includesToday,
  previousPeriod,
  RANGE_PRESETS,
  rangeChoiceFromParams,
  rangeLength,
  rangeParams,
  resolveRange,
} from "../../domain/report_range.ts";

const at = (iso: string) => new Date(iso);
const params = (query: string) => new URLSearchParams(query);

Deno.test("last N days are N complete days ending yesterday", () => {
  const range = resolveRange({ preset: "last_7_days" }, at("2026-12-07T15:00:00Z"), "UTC");
  assert.deepEqual([range.from, range.to, range.today], ["2026-11-30", "2026-12-06", "2026-12-07"]);
  assert.equal(includesToday(range), false);
  const month = resolveRange({ preset: "last_30_days" }, at("2026-12-07T15:00:00Z"), "UTC");
  assert.deepEqual([month.from, month.to], ["2026-11-07", "2026-12-06"]);
});

Deno.test("days are the account's: the same moment is another day in another zone", () => {
  const moment = at("2026-12-07T03:00:00Z");
  // Still Dec 6 in New York (UTC−5), already Dec 7 in Tokyo (UTC+9, no DST).
  const newYork = resolveRange({ preset: "yesterday" }, moment, "America/New_York");
  const tokyo = resolveRange({ preset: "yesterday" }, moment, "Asia/Tokyo");
  assert.deepEqual([newYork.from, newYork.to], ["2026-12-05", "2026-12-05"]);
  assert.deepEqual([tokyo.from, tokyo.to], ["2026-12-06", "2026-12-06"]);
});

Deno.test("around a DST change the days stay whole calendar days", () => {
  // US clocks go forward on 2026-03-08 at 02:00; 04:30Z is 23:30 EST on Mar 7.
  const before = resolveRange({ preset: "today" }, at("2026-03-08T04:30:00Z"), "America/New_York");
  assert.equal(before.today, "2026-03-07");
  const after = resolveRange(
    { preset: "last_7_days" },
    at("2026-03-09T04:30:00Z"), // 00:30 EDT on Mar 9
    "America/New_York",
  );
  assert.deepEqual([after.from, after.to], ["2026-03-02", "2026-03-08"]);
  assert.equal(rangeLength(after), 7);
  // Clocks go back on 2026-11-01: 04:30Z is 00:30 EDT, 05:30Z is 00:30 EST, both Nov 1.
  for (const iso of ["2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z"]) {
    assert.equal(
      resolveRange({ preset: "today" }, at(iso), "America/New_York").today,
      "2026-11-01",
    );
  }
});

Deno.test("this month and last month at month and year ends", () => {
  const utc = (iso: string, preset: "this_month" | "last_month") => {
    const range = resolveRange({ preset }, at(iso), "UTC");
    return [range.from, range.to];
  };
  assert.deepEqual(utc("2026-03-01T10:00:00Z", "last_month"), ["2026-02-01", "2026-02-28"]);
  assert.deepEqual(utc("2028-03-15T10:00:00Z", "last_month"), ["2028-02-01", "2028-02-29"]);
  assert.deepEqual(utc("2027-01-01T00:00:00Z", "last_month"), ["2026-12-01", "2026-12-31"]);
  assert.deepEqual(utc("2026-12-31T23:59:59Z", "this_month"), ["2026-12-01", "2026-12-31"]);
  assert.deepEqual(utc("2026-12-01T00:00:00Z", "this_month"), ["2026-12-01", "2026-12-01"]);
  // 2026-12-01T02:00Z is still Nov 30 in Los Angeles: this month is November there.
  const la = resolveRange(
    { preset: "this_month" },
    at("2026-12-01T02:00:00Z"),
    "America/Los_Angeles",
  );
  assert.deepEqual([la.from, la.to], ["2026-11-01", "2026-11-30"]);
  assert.equal(includesToday(la), true);
});

Deno.test("property: every preset ends no later than today and only today/this month reach it", () => {
  const zones = ["UTC", "Asia/Tokyo", "Asia/Kolkata", "America/New_York", "Europe/Berlin"];
  fc.assert(fc.property(
    fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
    fc.constantFrom(...zones),
    fc.constantFrom(...RANGE_PRESETS),
    (moment, zone, preset) => {
      const range = resolveRange({ preset }, moment, zone);
      assert.ok(range.from <= range.to);
      assert.ok(range.to <= range.today);
      assert.equal(includesToday(range), preset === "today" || preset === "this_month");
      const days = preset.match(/^last_(\d+)_days$/);
      if (days) {
        assert.equal(rangeLength(range), Number(days[1]));
        assert.equal(range.to, addDays(range.today, -1));
      }
      if (preset === "last_month") {
        assert.equal(range.from.slice(8), "01");
        assert.equal(addDays(range.to, 1).slice(8), "01");
        assert.equal(addDays(range.to, 1), `${range.today.slice(0, 7)}-01`);
      }
    },
  ));
});

Deno.test("property: the previous period has the same length and ends the day before", () => {
  fc.assert(fc.property(
    fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
    fc.integer({ min: 1, max: 366 }),
    (moment, length) => {
      const from = moment.toISOString().slice(0, 10);
      const range = { from, to: addDays(from, length - 1) };
      const previous = previousPeriod(range);
      assert.equal(rangeLength(previous), length);
      assert.equal(daysBetween(previous.to, range.from), 1);
    },
  ));
  assert.deepEqual(previousPeriod({ from: "2026-11-30", to: "2026-12-06" }), {
    from: "2026-11-23",
    to: "2026-11-29",
  });
});

Deno.test("choices from query parameters, with fallbacks", () => {
  assert.deepEqual(rangeChoiceFromParams(params("range=last_14_days")), { preset: "last_14_days" });
  assert.deepEqual(rangeChoiceFromParams(params("range=custom&from=2026-11-01&to=2026-11-10")), {
    preset: "custom",
    from: "2026-11-01",
    to: "2026-11-10",
  });
  // A plain form with two dates and no preset is a custom range.
  assert.deepEqual(rangeChoiceFromParams(params("from=2026-11-01&to=2026-11-01")), {
    preset: "custom",
    from: "2026-11-01",
    to: "2026-11-01",
  });
  assert.deepEqual(rangeChoiceFromParams(params("days=30")), { preset: "last_30_days" });
  for (
    const bad of [
      "range=nope",
      "from=2026-11-10&to=2026-11-01",
      "from=2026-02-30&to=2026-03-01",
      "from=2024-01-01&to=2026-01-01",
      "",
    ]
  ) {
    assert.deepEqual(rangeChoiceFromParams(params(bad)), { preset: "last_7_days" }, bad);
  }
  assert.deepEqual(rangeParams({ preset: "custom", from: "2026-11-01", to: "2026-11-02" }), [
    ["range", "custom"],
    ["from", "2026-11-01"],
    ["to", "2026-11-02"],
  ]);
});

Deno.test("labels read like the platforms'", () => {
  assert.equal(formatRange({ from: "2026-11-30", to: "2026-12-06" }), "Nov 30 – Dec 6");
  assert.equal(formatRange({ from: "2026-12-06", to: "2026-12-06" }), "Dec 6");
  assert.equal(formatRange({ from: "2026-12-28", to: "2027-01-03" }), "Dec 28, 2026 – Jan 3, 2027");
  assert.equal(
    formatRange({ from: "2025-03-01", to: "2025-03-07" }, "2026"),
    "Mar 1, 2025 – Mar 7, 2025",
  );
});

Deno.test("changes: percent, direction, and tone by polarity", () => {
  const up = metricChange(120, 100, "up_is_good");
  assert.deepEqual(up, { percent: 20, direction: "up", tone: "good" });
  assert.equal(formatChange(up), "+20.0%");
  const cpa = metricChange("25.00", "20.00", "neutral");
  assert.equal(cpa.direction, "up");
  assert.equal(cpa.tone, "neutral");
  const down = metricChange(80, 100, "up_is_good");
  assert.equal(down.tone, "bad");
  assert.equal(formatChange(down), "−20.0%");
  assert.equal(formatChange(metricChange(5, 0, "up_is_good")), "—");
  assert.equal(formatChange(metricChange(null, "3", "up_is_good")), "—");
  assert.equal(formatChange(metricChange(100.01, 100, "up_is_good")), "0.0%");
});
