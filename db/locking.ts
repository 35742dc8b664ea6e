/**
 * Row locks for read-modify-write transactions. MySQL needs `SELECT … FOR UPDATE`; SQLite has no
 * row locks but needs none: its transactions start with `BEGIN IMMEDIATE` and Kysely runs them
 * one at a time on its single connection, so they are already serialized.
 *
 * @module
 */
import type { SqlDialect } from "./database.ts";

/** Adds `FOR UPDATE` to a select on MySQL; returns it unchanged on SQLite. */
export function forUpdate<Query extends { forUpdate(): Query }>(
  query: Query,
  dialect: SqlDialect,
): Query {
  return dialect === "mysql" ? query.forUpdate() : query;
}
