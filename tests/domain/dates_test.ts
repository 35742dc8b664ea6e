/** Calendar dates: string arithmetic, and the local date and day fraction of a moment in a zone. */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  addDays,
  dateOf,
  daysBetween,
  eachDate,
  fractionOfDayElapsed,
  reportingTimeZone,
  weekdayOf,
} from "../../domain/dates.ts";

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

Deno.test("date arithmetic on calendar strings", () => {
  assert.equal(addDays("2026-02-28", 1), "2026-03-01");
  assert.equal(addDays("2024-02-28", 1), "2024-02-29");
  assert.equal(addDays("2026-01-01", -1), "2025-12-31");
  assert.equal(daysBetween("2026-11-01", "2026-11-26"), 25);
  assert.equal(daysBetween("2026-11-26", "2026-11-01"), -25);
  assert.deepEqual(eachDate("2026-12-30", "2027-01-02"), [
    "2026-12-30",
    "2026-12-31",
    "2027-01-01",
    "2027-01-02",
  ]);
  assert.deepEqual(eachDate("2026-11-02", "2026-11-01"), []);
  assert.equal(weekdayOf("2026-11-26"), 4); // a Thursday
});

Deno.test("dateOf: the calendar date in the account's zone", async (t) => {
  await t.step("UTC stays the default", () => {
    assert.equal(dateOf(at("2026-11-27T04:00:00.000Z")), "2026-11-27");
    assert.equal(dateOf(at("2026-11-26T23:59:59.999Z"), "UTC"), "2026-11-26");
  });

  await t.step("behind UTC: 20:00 in Los Angeles is still the 26th", () => {
    // PST is UTC−8 in late November.
    assert.equal(dateOf(at("2026-11-27T04:00:00.000Z"), "America/Los_Angeles"), "2026-11-26");
    assert.equal(dateOf(at("2026-11-27T07:59:59.999Z"), "America/Los_Angeles"), "2026-11-26");
    assert.equal(dateOf(at("2026-11-27T08:00:00.000Z"), "America/Los_Angeles"), "2026-11-27");
  });

  await t.step("ahead of UTC: Auckland's day starts at 11:00 UTC the day before", () => {
    // NZDT is UTC+13 in November.
    assert.equal(dateOf(at("2026-11-26T10:59:59.999Z"), "Pacific/Auckland"), "2026-11-26");
    assert.equal(dateOf(at("2026-11-26T11:00:00.000Z"), "Pacific/Auckland"), "2026-11-27");
    assert.equal(dateOf(at("2026-12-31T11:30:00.000Z"), "Pacific/Auckland"), "2027-01-01");
  });

  await t.step("half-hour offsets", () => {
    assert.equal(dateOf(at("2026-11-26T18:29:59.999Z"), "Asia/Kolkata"), "2026-11-26");
    assert.equal(dateOf(at("2026-11-26T18:30:00.000Z"), "Asia/Kolkata"), "2026-11-27");
  });

  await t.step("unknown zones are refused, not silently read as UTC", () => {
    assert.throws(() => dateOf(at("2026-11-26T12:00:00.000Z"), "Mars/Olympus_Mons"), RangeError);
  });

  await t.step("property: agrees with Intl's own YYYY-MM-DD formatting", () => {
    const zones = [
      "UTC",
      "America/Los_Angeles",
      "America/New_York",
      "America/Santiago",
      "Europe/London",
      "Asia/Kolkata",
      "Asia/Tokyo",
      "Pacific/Auckland",
      "Pacific/Kiritimati",
      "Etc/GMT+12",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        (zone, ms) => {
          const expected = new Intl.DateTimeFormat("en-CA", {
            timeZone: zone,
            year: "numeric",
            month: "2-digit",
            day: "2-digit",
          }).format(new Date(ms));
          assert.equal(dateOf(new Date(ms), zone), expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

Deno.test("fractionOfDayElapsed: the part of the local day gone by", async (t) => {
  await t.step("UTC by default", () => {
    assert.equal(fractionOfDayElapsed(at("2026-11-26T00:00:00.000Z")), 0);
    assert.equal(fractionOfDayElapsed(at("2026-11-26T06:00:00.000Z")), 0.25);
    close(fractionOfDayElapsed(at("2026-11-26T18:00:00.000Z"), "UTC"), 0.75);
  });

  await t.step("Los Angeles at 20:00 local is 5/6 through the 26th, not 1/6 into the 27th", () => {
    close(fractionOfDayElapsed(at("2026-11-27T04:00:00.000Z"), "America/Los_Angeles"), 20 / 24);
    assert.equal(fractionOfDayElapsed(at("2026-11-27T08:00:00.000Z"), "America/Los_Angeles"), 0);
  });

  await t.step("Auckland around its midnight", () => {
    const zone = "Pacific/Auckland";
    assert.equal(fractionOfDayElapsed(at("2026-11-26T11:00:00.000Z"), zone), 0);
    close(fractionOfDayElapsed(at("2026-11-26T11:30:00.000Z"), zone), 0.5 / 24);
    close(fractionOfDayElapsed(at("2026-11-26T10:30:00.000Z"), zone), 23.5 / 24);
  });

  await t.step("a 23-hour spring-forward day (New York, 8 March 2026)", () => {
    const zone = "America/New_York";
    // Midnight EST is 05:00 UTC; the day ends at midnight EDT, 04:00 UTC the next day.
    assert.equal(fractionOfDayElapsed(at("2026-03-08T05:00:00.000Z"), zone), 0);
    close(fractionOfDayElapsed(at("2026-03-08T16:00:00.000Z"), zone), 11 / 23); // noon EDT
    close(fractionOfDayElapsed(at("2026-03-09T03:00:00.000Z"), zone), 22 / 23);
    assert.equal(dateOf(at("2026-03-09T04:00:00.000Z"), zone), "2026-03-09");
    assert.equal(fractionOfDayElapsed(at("2026-03-09T04:00:00.000Z"), zone), 0);
  });

  await t.step("a 25-hour fall-back day (New York, 1 November 2026)", () => {
    const zone = "America/New_York";
    // Midnight EDT is 04:00 UTC; the day ends at midnight EST, 05:00 UTC the next day.
    assert.equal(fractionOfDayElapsed(at("2026-11-01T04:00:00.000Z"), zone), 0);
    close(fractionOfDayElapsed(at("2026-11-01T17:00:00.000Z"), zone), 13 / 25); // noon EST
    close(fractionOfDayElapsed(at("2026-11-02T04:59:00.000Z"), zone), (25 - 1 / 60) / 25);
    assert.equal(fractionOfDayElapsed(at("2026-11-02T05:00:00.000Z"), zone), 0);
  });

  await t.step("a day whose midnight does not exist starts at 01:00 (Santiago)", () => {
    const zone = "America/Santiago";
    // On 6 September 2026 clocks jump from 00:00 (UTC−4) to 01:00 (UTC−3): a 23-hour day.
    assert.equal(dateOf(at("2026-09-06T03:59:59.999Z"), zone), "2026-09-05");
    assert.equal(fractionOfDayElapsed(at("2026-09-06T04:00:00.000Z"), zone), 0);
    close(fractionOfDayElapsed(at("2026-09-06T15:00:00.000Z"), zone), 11 / 23); // noon
  });

  await t.step("property: in [0, 1), zero at the local day's start, growing with time", () => {
    const zones = ["America/Los_Angeles", "Europe/London", "Pacific/Auckland", "Asia/Kolkata"];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.integer({ min: 1, max: HOUR }),
        (zone, ms, step) => {
          const fraction = fractionOfDayElapsed(new Date(ms), zone);
          assert.ok(fraction >= 0 && fraction < 1, `${fraction}`);
          const later = new Date(ms + step);
          if (dateOf(later, zone) === dateOf(new Date(ms), zone)) {
            assert.ok(fractionOfDayElapsed(later, zone) > fraction);
          } else {
            assert.ok(fractionOfDayElapsed(later, zone) < fraction, "a new day starts low");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

Deno.test("reportingTimeZone: one shared zone, else the fallback", () => {
  assert.equal(reportingTimeZone(["America/Los_Angeles"], "Europe/Paris"), "America/Los_Angeles");
  assert.equal(
    reportingTimeZone(["Asia/Tokyo", "Asia/Tokyo"], "Europe/Paris"),
    "Asia/Tokyo",
  );
  assert.equal(reportingTimeZone(["Asia/Tokyo", "UTC"], "Europe/Paris"), "Europe/Paris");
  assert.equal(reportingTimeZone([], "Europe/Paris"), "Europe/Paris");
  assert.equal(reportingTimeZone(["Asia/Tokyo", "UTC"]), "UTC");
});
