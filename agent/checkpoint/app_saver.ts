/**
 * The checkpoint saver as the app runs it. On MySQL it commits a step's pending writes and its
 * checkpoint in one round trip (`groupCommit`), which needs multi-statement queries: those go
 * to a small pool of their own, so the app's shared pool keeps them off. On the embedded
 * database the saver simply shares `db`.
 *
 * @module
 */
import type { Database } from "../../db/database.ts";
import { type MysqlOptions, openMysql } from "../../db/mysql.ts";
import { KyselySaver } from "./kysely_saver.ts";

/** Connections of the saver's own pool (one per concurrently stored step is plenty). */
const SAVER_POOL_SIZE = 4;

/** A saver and how to release what it opened. */
export interface AppSaver {
  readonly saver: KyselySaver;
  /** Closes the saver's own pool, if it has one (never `db`). */
  close(): Promise<void>;
}

/**
 * The app's saver on `db`; `mysqlUrl` is `db`'s URL when it is MySQL. `pool` options go to the
 * saver's own pool (e.g. a query log).
 */
export function openAppSaver(
  db: Database,
  mysqlUrl: string | undefined,
  pool: Pick<MysqlOptions, "log"> = {},
): AppSaver {
  if (db.dialect !== "mysql" || mysqlUrl === undefined) {
    return { saver: new KyselySaver(db), close: () => Promise.resolve() };
  }
  const own = openMysql(mysqlUrl, {
    ...pool,
    multipleStatements: true,
    connectionLimit: SAVER_POOL_SIZE,
  });
  return { saver: new KyselySaver(own, { groupCommit: true }), close: () => own.close() };
}
