/** Page reporting periods: which days "the last N days" covers, counted in the accounts' zone. */
import assert from "node:assert/strict";
import { rangeDates, rangeFromUrl, rangeTimeZone } from "../../../pages/ranges.ts";

/** 20:00 on 26 November in Los Angeles; 27 November in UTC and Tokyo. */
const EVENING_IN_LOS_ANGELES = new Date("2026-11-27T04:00:00.000Z");

Deno.test("rangeFromUrl: 7, 30 or 90 days; 30 otherwise", () => {
  const of = (query: string) => rangeFromUrl(new URL(`http://app.test/dashboard${query}`));
  assert.equal(of("?days=7"), 7);
  assert.equal(of("?days=90"), 90);
  assert.equal(of("?days=12"), 30);
  assert.equal(of(""), 30);
});

Deno.test("rangeDates: the last N days up to today in the given zone", () => {
  assert.deepEqual(rangeDates(7, EVENING_IN_LOS_ANGELES), {
    from: "2026-11-21",
    to: "2026-11-27",
  });
  assert.deepEqual(rangeDates(7, EVENING_IN_LOS_ANGELES, "America/Los_Angeles"), {
    from: "2026-11-20",
    to: "2026-11-26",
  });
  assert.deepEqual(rangeDates(30, new Date("2026-11-26T11:30:00.000Z"), "Pacific/Auckland"), {
    from: "2026-10-29",
    to: "2026-11-27",
  });
});

Deno.test("rangeTimeZone: the accounts' shared zone, else the user's", () => {
  const losAngeles = { timezone: "America/Los_Angeles" };
  const tokyo = { timezone: "Asia/Tokyo" };
  assert.equal(rangeTimeZone([losAngeles], "Europe/Paris"), "America/Los_Angeles");
  assert.equal(rangeTimeZone([tokyo, { ...tokyo }], "Europe/Paris"), "Asia/Tokyo");
  assert.equal(rangeTimeZone([losAngeles, tokyo], "Europe/Paris"), "Europe/Paris");
  assert.equal(rangeTimeZone([], "Europe/Paris"), "Europe/Paris");
});
