/**
 * The one place timestamps cross the database boundary. Stored form is a UTC string with
 * millisecond precision, `YYYY-MM-DD HH:MM:SS.mmm`, which MySQL `DATETIME(3)` accepts and returns
 * (with `dateStrings`) and which SQLite stores as text that sorts chronologically.
 *
 * @module
 */
import type { DbDate, DbTimestamp } from "./schema.ts";

/** Formats a moment for a timestamp column. */
export function toDbTimestamp(moment: Date): DbTimestamp {
  return moment.toISOString().slice(0, 23).replace("T", " ");
}

/** Converts a stored timestamp to ISO 8601 (`2026-11-26T16:05:00.123Z`). */
export function isoFromDb(value: DbTimestamp): string {
  // MySQL omits the fraction when it is zero only for DATETIME without precision; pad anyway.
  const [date, time] = value.split(" ");
  const [clock, fraction = ""] = time.split(".");
  return `${date}T${clock}.${fraction.padEnd(3, "0").slice(0, 3)}Z`;
}

/** Like `isoFromDb`, passing null through. */
export function isoFromDbOrNull(value: DbTimestamp | null): string | null {
  return value === null ? null : isoFromDb(value);
}

/** The UTC calendar date of a moment, for date columns. */
export function toDbDate(moment: Date): DbDate {
  return moment.toISOString().slice(0, 10);
}
