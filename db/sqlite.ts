/**
 * Embedded SQLite through Deno's built-in `node:sqlite`, adapted to Kysely's `SqliteDatabase`
 * interface. Kysely serializes all queries on its single SQLite connection; transactions start
 * with `BEGIN IMMEDIATE` so a second process on the same file waits (busy_timeout) instead of
 * failing at its first write.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  Kysely,
  type LogConfig,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteStatement,
} from "kysely";
import type { DB } from "./schema.ts";
import { type Database, wrapKysely } from "./database.ts";

type SqliteValue = null | number | bigint | string | Uint8Array;

/** Prepared statements are reused: most queries repeat with different parameters. */
const STATEMENT_CACHE_SIZE = 256;

/** Adapts `DatabaseSync` to the subset of better-sqlite3 that Kysely uses. */
export class NodeSqliteAdapter implements SqliteDatabase {
  readonly #database: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  close(): void {
    this.#statements.clear();
    this.#database.close();
  }

  prepare(sqlText: string): SqliteStatement {
    const statement = this.#cachedStatement(sqlText === "begin" ? "begin immediate" : sqlText);
    const args = (parameters: ReadonlyArray<unknown>) => parameters as SqliteValue[];
    return {
      reader: statement.columns().length > 0,
      all: (parameters) => statement.all(...args(parameters)),
      run: (parameters) => statement.run(...args(parameters)),
      iterate: (parameters) => statement.iterate(...args(parameters)),
    };
  }

  #cachedStatement(sqlText: string): StatementSync {
    let statement = this.#statements.get(sqlText);
    if (!statement) {
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        this.#statements.delete(this.#statements.keys().next().value!);
      }
      statement = this.#database.prepare(sqlText);
      this.#statements.set(sqlText, statement);
    }
    return statement;
  }
}

/** Options of `openSqlite`. */
export interface SqliteOptions {
  /** Kysely's query log: sees every statement sent, transaction control included. */
  log?: LogConfig;
}

/** Opens (creating if needed) an SQLite file with WAL, foreign keys and a busy timeout. */
export function openSqlite(path: string, options: SqliteOptions = {}): Database {
  const file = new DatabaseSync(path);
  file.exec("PRAGMA journal_mode = WAL");
  file.exec("PRAGMA synchronous = NORMAL");
  file.exec("PRAGMA foreign_keys = ON");
  file.exec("PRAGMA busy_timeout = 5000");
  const kysely = new Kysely<DB>({
    dialect: new SqliteDialect({ database: new NodeSqliteAdapter(file) }),
    log: options.log,
  });
  return wrapKysely(kysely, "sqlite", `sqlite:${path}`);
}
