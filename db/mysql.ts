/**
 * MySQL 8 / MariaDB through a mysql2 callback pool. Connections use utf8mb4 and UTC; DATETIME and
 * DATE come back as strings (see `db/time.ts`), JSON as text (see `db/json.ts`), DECIMAL sums as
 * numbers (they are sums of integer minor units, exact below 2^53).
 *
 * @module
 */
import { createPool } from "mysql2";
import { CompiledQuery, Kysely, type LogConfig, MysqlDialect } from "kysely";
import { redactUrl } from "../lib/redact_url.ts";
import type { DB } from "./schema.ts";
import { type Database, wrapKysely } from "./database.ts";

/** Pool options the app may tune. */
export interface MysqlOptions {
  /** Maximum pooled connections per process. */
  connectionLimit?: number;
  /**
   * Allow several `;`-separated statements per query (off by default). Only for a pool of its
   * own, e.g. the checkpoint saver's (`groupCommit`), which sends a whole transaction in one
   * round trip; the app's shared pool keeps it off.
   */
  multipleStatements?: boolean;
  /** Kysely's query log: sees every statement sent, transaction control included. */
  log?: LogConfig;
}

/** Opens a pool for a `mysql://user:pass@host:port/database` URL. */
export function openMysql(url: string, options: MysqlOptions = {}): Database {
  const open = (sessionSql: string[]) => {
    const pool = createPool({
      uri: url,
      charset: "UTF8MB4_UNICODE_CI",
      timezone: "Z",
      dateStrings: true,
      supportBigNumbers: true,
      decimalNumbers: true,
      connectionLimit: options.connectionLimit ?? 10,
      multipleStatements: options.multipleStatements ?? false,
      // MySQL's JSON type and MariaDB's JSON-flagged LONGTEXT would otherwise be parsed by the
      // driver on one server and not the other; as strings they match SQLite.
      jsonStrings: true,
    });
    return new Kysely<DB>({
      dialect: new MysqlDialect({
        pool,
        async onCreateConnection(connection) {
          for (const statement of sessionSql) {
            await connection.executeQuery(CompiledQuery.raw(statement));
          }
        },
      }),
      log: options.log,
    });
  };
  const timeZone = "SET time_zone = '+00:00'";
  // Connections open lazily: the locking pool costs nothing until a locking transaction runs.
  const kysely = open([timeZone]);
  const locking = open([timeZone, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"]);
  return wrapKysely(kysely, "mysql", redactUrl(url), locking);
}
