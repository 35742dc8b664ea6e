/**
 * Opening the app's database from configuration: `DATABASE_URL` (MySQL/MariaDB) or, when unset,
 * an embedded SQLite file under `DATA_DIR`. Pending migrations are applied on open.
 *
 * @module
 */
import { join } from "node:path";
import type { Config } from "../lib/config.ts";
import type { Database } from "./database.ts";
import { migrateToLatest } from "./migrator.ts";
import { openMysql } from "./mysql.ts";
import { openSqlite } from "./sqlite.ts";

export type { Database, SqlDialect } from "./database.ts";
export type { DB } from "./schema.ts";

/** File name of the embedded database inside `DATA_DIR`. */
export const SQLITE_FILE_NAME = "aae.sqlite";

/** Options for `openDatabase`. */
export interface OpenDatabaseOptions {
  /** Apply pending migrations before returning (default true; the migrate script opts out). */
  migrate?: boolean;
}

/** Opens the database the configuration points at. */
export async function openDatabase(
  config: Pick<Config, "DATABASE_URL" | "DATA_DIR">,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const database = config.DATABASE_URL
    ? openMysql(config.DATABASE_URL)
    : await openEmbedded(config.DATA_DIR);
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(database);
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

async function openEmbedded(dataDir: string): Promise<Database> {
  await Deno.mkdir(dataDir, { recursive: true });
  return openSqlite(join(dataDir, SQLITE_FILE_NAME));
}
