/**
 * Runs the migrations in `db/migrations/mod.ts` with Kysely's `Migrator`, whose lock (MySQL
 * `GET_LOCK`; SQLite's single connection) makes it safe for several instances to start at once.
 *
 * @module
 */
import {
  type MigrationInfo,
  type MigrationResultSet,
  Migrator,
  NO_MIGRATIONS,
} from "kysely/migration";
import type { Database } from "./database.ts";
import { migrations } from "./migrations/mod.ts";

/** A migrator over the app's migrations. */
export function createMigrator(database: Database): Migrator {
  return new Migrator({
    db: database.kysely,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
  });
}

/** Outcome of a migration command: the names that ran, in order. */
export interface MigrationReport {
  direction: "up" | "down";
  applied: string[];
}

/** Applies every pending migration. */
export function migrateToLatest(database: Database): Promise<MigrationReport> {
  return run("up", createMigrator(database).migrateToLatest());
}

/** Reverts the latest migration, or all of them with `{ all: true }`. */
export function migrateDown(
  database: Database,
  options: { all?: boolean } = {},
): Promise<MigrationReport> {
  const migrator = createMigrator(database);
  return run("down", options.all ? migrator.migrateTo(NO_MIGRATIONS) : migrator.migrateDown());
}

/** Every known migration and whether it has been applied. */
export function migrationStatus(database: Database): Promise<ReadonlyArray<MigrationInfo>> {
  return createMigrator(database).getMigrations();
}

async function run(
  direction: "up" | "down",
  pending: Promise<MigrationResultSet>,
): Promise<MigrationReport> {
  const { error, results = [] } = await pending;
  if (error) {
    const failed = results.find((result) => result.status === "Error")?.migrationName;
    throw new Error(`migration ${failed ?? ""} failed: ${String(error)}`, { cause: error });
  }
  return { direction, applied: results.map((result) => result.migrationName) };
}
