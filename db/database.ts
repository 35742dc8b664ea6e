/**
 * The database handle the rest of the app receives: a typed Kysely instance plus which dialect
 * it speaks (the few places SQL differs ask this) and lifecycle/health methods.
 *
 * @module
 */
import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import type { DB } from "./schema.ts";

/** SQL dialects the app runs on; MariaDB counts as `mysql`. */
export type SqlDialect = "mysql" | "sqlite";

/** Something queries run on: the database or an open transaction. */
export type Queryable = Kysely<DB> | Transaction<DB>;

/** An open database. */
export interface Database {
  readonly kysely: Kysely<DB>;
  /**
   * Where lock → read → write transactions run (`lockingTransaction`): on MySQL a pool of its
   * own whose sessions are READ COMMITTED from the start, so a transaction costs no extra
   * `SET TRANSACTION` round trip; on SQLite `kysely` itself.
   */
  readonly locking: Kysely<DB>;
  readonly dialect: SqlDialect;
  /** Where it lives, without credentials, for logs (`sqlite:data/aae.sqlite`, `mysql://host/db`). */
  readonly location: string;
  /** Resolves when a trivial query succeeds; rejects otherwise (for `/readyz`). */
  ping(): Promise<void>;
  /** Closes the pool or file. */
  close(): Promise<void>;
}

/** Wraps a Kysely instance (and, when it has one, its `locking` instance) as a `Database`. */
export function wrapKysely(
  kysely: Kysely<DB>,
  dialect: SqlDialect,
  location: string,
  locking: Kysely<DB> = kysely,
): Database {
  return {
    kysely,
    locking,
    dialect,
    location,
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    async close() {
      if (locking !== kysely) await locking.destroy();
      await kysely.destroy();
    },
  };
}
