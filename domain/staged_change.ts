/**
 * A change split where a database transaction may begin: the part outside the database (the ad
 * platform call) is done, the database writes are not. A caller that must record something
 * atomically with the writes — an MCP tool call and its idempotency record — commits the change
 * in its own transaction, without holding that transaction open across the network call; other
 * callers just commit it.
 *
 * @module
 */
import type { Queryable } from "../db/database.ts";

/** A change whose platform part is done and whose database writes are still to be made. */
export interface StagedChange<Result> {
  /**
   * Makes the database writes with `db` — the caller's open transaction, or the service's own
   * database when omitted — and returns the operation's result. It queries nothing but `db`
   * (inside a transaction on SQLite's single connection, any other query would wait forever).
   */
  commit(db?: Queryable): Promise<Result>;
}

/** A staged change whose database writes are `write`, made on `db` unless the caller passes one. */
export function stagedWrites<Result>(
  db: Queryable,
  write: (on: Queryable) => Promise<Result>,
): StagedChange<Result> {
  return { commit: (on = db) => write(on) };
}
