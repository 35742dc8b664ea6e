/**
 * A scratch database for checkpoint tests, on the backend the environment picks (like
 * `tests/_helpers/backend.ts`, without the domain and coordination the saver does not need):
 * MariaDB/MySQL in a database of its own when `DATABASE_URL` is set, else an SQLite file in a
 * temp dir. Shared by the Deno tests and the vitest validation run.
 *
 * @module
 */
import { join } from "node:path";
import { createPool } from "mysql2";
import type { Database } from "../../../db/database.ts";
import { migrateToLatest } from "../../../db/migrator.ts";
import { type MysqlOptions, openMysql } from "../../../db/mysql.ts";
import { CHECKPOINT_TABLE_NAMES } from "../../../db/schema.ts";
import { openSqlite } from "../../../db/sqlite.ts";

/** A migrated database that is dropped on close. */
export interface ScratchDatabase {
  readonly db: Database;
  /** Opens another handle on the same database (a second process, or one restarted). */
  openAnother(options?: MysqlOptions): Database;
  /** Empties the checkpoint tables. */
  clearCheckpoints(): Promise<void>;
  /** Closes every handle and drops the database. */
  close(): Promise<void>;
}

/** Opens a fresh migrated scratch database. */
export async function openScratchDatabase(): Promise<ScratchDatabase> {
  const name = `aae_ckpt_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const serverUrl = Deno.env.get("DATABASE_URL");
  const handles: Database[] = [];
  let open: (options?: MysqlOptions) => Database;
  let drop: () => Promise<void>;
  if (!serverUrl) {
    const dir = await Deno.makeTempDir({ prefix: name });
    open = () => openSqlite(join(dir, "checkpoints.sqlite"));
    drop = () => Deno.remove(dir, { recursive: true });
  } else {
    const admin = createPool({ uri: serverUrl, connectionLimit: 1 }).promise();
    try {
      await admin.query(
        `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
    } catch (error) {
      await admin.end();
      throw new Error(`DATABASE_URL is set but MySQL/MariaDB is unusable: ${String(error)}`);
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    open = (options) => openMysql(url.toString(), options);
    drop = async () => {
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.end();
    };
  }
  const openAnother = (options?: MysqlOptions) => {
    const handle = open(options);
    handles.push(handle);
    return handle;
  };
  const db = openAnother();
  await migrateToLatest(db);
  return {
    db,
    openAnother,
    async clearCheckpoints() {
      for (const table of CHECKPOINT_TABLE_NAMES) await db.kysely.deleteFrom(table).execute();
    },
    async close() {
      for (const handle of handles) await handle.close();
      await drop();
    },
  };
}

/**
 * Registers a `Deno.test` with its own scratch database. Sanitizers are off: pools outlive
 * individual steps by design and are closed at the end.
 */
export function checkpointTest(
  name: string,
  fn: (t: Deno.TestContext, scratch: ScratchDatabase) => Promise<void>,
  options: { ignore?: boolean } = {},
): void {
  Deno.test({
    name,
    ignore: options.ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const scratch = await openScratchDatabase();
      try {
        await fn(t, scratch);
      } finally {
        await scratch.close();
      }
    },
  });
}
