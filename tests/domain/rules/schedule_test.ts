/** Rule schedule slots in the account's time zone, across daylight saving changes. */
import assert from "node:assert/strict";
import { latestSlot, nextLocalMidnight } from "../../../domain/rules/schedule.ts";

const at = (iso: string) => new Date(iso);

Deno.test("every 15 minutes: the quarter hour at or before now", () => {
  const slot = latestSlot({ frequency: "every_15_minutes" }, at("2026-12-07T10:29:59Z"), "UTC");
  assert.equal(slot?.at.toISOString(), "2026-12-07T10:15:00.000Z");
  assert.equal(slot?.key, "2026-12-07T10:15:00.000Z");
  const exact = latestSlot({ frequency: "every_15_minutes" }, at("2026-12-07T10:30:00Z"), "UTC");
  assert.equal(exact?.at.toISOString(), "2026-12-07T10:30:00.000Z");
});

Deno.test("hourly follows local hours, also in a half-hour zone", () => {
  const kolkata = latestSlot({ frequency: "hourly" }, at("2026-12-07T10:20:00Z"), "Asia/Kolkata");
  // 10:20 UTC is 15:50 in Kolkata; the local hour began at 15:00 = 09:30 UTC.
  assert.equal(kolkata?.at.toISOString(), "2026-12-07T09:30:00.000Z");
  assert.equal(kolkata?.local, "2026-12-07T15:00");
});

Deno.test("daily at a time: today's slot once reached, else yesterday's", () => {
  const schedule = { frequency: "daily", at: "09:00" } as const;
  const zone = "America/New_York";
  const before = latestSlot(schedule, at("2026-12-07T13:59:00Z"), zone); // 08:59 local
  assert.equal(before?.local, "2026-12-06T09:00");
  assert.equal(before?.key, "2026-12-06@09:00");
  const after = latestSlot(schedule, at("2026-12-07T14:05:00Z"), zone); // 09:05 local
  assert.equal(after?.local, "2026-12-07T09:00");
  assert.equal(after?.at.toISOString(), "2026-12-07T14:00:00.000Z");
});

Deno.test("daily in a spring-forward gap runs right after the gap", () => {
  // 2026-03-08 in New York: 02:00 jumps to 03:00, so 02:30 never happens.
  const slot = latestSlot(
    { frequency: "daily", at: "02:30" },
    at("2026-03-08T12:00:00Z"),
    "America/New_York",
  );
  assert.equal(slot?.local, "2026-03-08T03:00");
  assert.equal(slot?.key, "2026-03-08@02:30");
});

Deno.test("daily in a fall-back repeated hour keeps one key for the day", () => {
  // 2026-11-01 in New York: 01:00–02:00 happens twice (05:00–06:00 and 06:00–07:00 UTC).
  const schedule = { frequency: "daily", at: "01:30" } as const;
  const first = latestSlot(schedule, at("2026-11-01T05:40:00Z"), "America/New_York");
  const second = latestSlot(schedule, at("2026-11-01T06:40:00Z"), "America/New_York");
  assert.equal(first?.key, "2026-11-01@01:30");
  assert.equal(second?.key, "2026-11-01@01:30");
});

Deno.test("the next local midnight", () => {
  const next = nextLocalMidnight(at("2026-12-07T20:00:00Z"), "Europe/Berlin"); // 21:00 local
  assert.equal(next.at.toISOString(), "2026-12-07T23:00:00.000Z");
  assert.equal(next.date, "2026-12-08");
});
