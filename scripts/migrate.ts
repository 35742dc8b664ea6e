/**
 * `deno task migrate up|down|down-all|status`: applies, reverts or lists migrations of the
 * database the environment points at (DATABASE_URL, or the embedded SQLite file).
 *
 * @module
 */
import { loadConfig } from "../lib/config.ts";
import { openDatabase } from "../db/mod.ts";
import { migrateDown, migrateToLatest, migrationStatus } from "../db/migrator.ts";

const USAGE = "usage: deno task migrate <up|down|down-all|status>";

/** Runs one migrate command and prints what happened. */
export async function main(args: string[]): Promise<void> {
  const command = args[0] ?? "up";
  if (!["up", "down", "down-all", "status"].includes(command)) {
    console.error(USAGE);
    Deno.exit(2);
  }
  const database = await openDatabase(loadConfig(), { migrate: false });
  try {
    console.log(`database: ${database.location}`);
    if (command === "status") {
      for (const migration of await migrationStatus(database)) {
        const state = migration.executedAt
          ? `applied ${migration.executedAt.toISOString()}`
          : "pending";
        console.log(`${migration.name}  ${state}`);
      }
      return;
    }
    const report = command === "up"
      ? await migrateToLatest(database)
      : await migrateDown(database, { all: command === "down-all" });
    const verb = report.direction === "up" ? "applied" : "reverted";
    console.log(
      report.applied.length === 0 ? "nothing to do" : `${verb}: ${report.applied.join(", ")}`,
    );
  } finally {
    await database.close();
  }
}

if (import.meta.main) await main(Deno.args);
