/**
 * Row locks for read-modify-write transactions. MySQL needs `SELECT … FOR UPDATE`; SQLite has no
 * row locks but needs none: its transactions start with `BEGIN IMMEDIATE` and Kysely runs them
 * one at a time on its single connection, so they are already serialized.
 *
 * @module
 */
import type { Transaction } from "kysely";
import type { Database, SqlDialect } from "./database.ts";
import type { DB } from "./schema.ts";

/** Adds `FOR UPDATE` to a select on MySQL; returns it unchanged on SQLite. */
export function forUpdate<Query extends { forUpdate(): Query }>(
  query: Query,
  dialect: SqlDialect,
): Query {
  return dialect === "mysql" ? query.forUpdate() : query;
}

/**
 * Runs `work` in a transaction shaped for lock → read → write. On MySQL it uses READ COMMITTED:
 * reads made after taking a row lock see what the previous holder committed, and plain reads
 * take no gap locks (two sessions gap-locking one range and then inserting into it deadlock).
 * The level comes from the `locking` pool's sessions (set once per connection), not from a
 * `SET TRANSACTION` sent before every transaction. SQLite has no levels; its transactions are
 * serialized anyway.
 */
export function lockingTransaction<Result>(
  database: Database,
  work: (trx: Transaction<DB>) => Promise<Result>,
): Promise<Result> {
  return database.locking.transaction().execute(work);
}
