/**
 * The one place JSON columns are encoded and decoded. MySQL's pool is configured to hand JSON
 * back as text, MariaDB's JSON is text anyway, and SQLite stores text, so reads always parse.
 *
 * @module
 */
import type { DbJson } from "./schema.ts";

/** Serializes a value for a JSON column. */
export function toDbJson(value: unknown): DbJson {
  return JSON.stringify(value ?? null);
}

/** Parses a JSON column value (a driver that already parsed it is tolerated). */
export function fromDbJson(value: DbJson | null): unknown {
  if (value === null) return null;
  return typeof value === "string" ? JSON.parse(value) : value;
}
