/** Migrations: all the way up, all the way down, up again; concurrent starts on MySQL. */
import assert from "node:assert/strict";
import { migrateDown, migrateToLatest, migrationStatus } from "../../db/migrator.ts";
import { migrations } from "../../db/migrations/mod.ts";
import { TABLE_NAMES } from "../../db/schema.ts";
import type { Database } from "../../db/database.ts";
import { backendTest } from "../_helpers/backend.ts";

const ALL_MIGRATIONS = Object.keys(migrations).sort();

async function existingTables(db: Database): Promise<string[]> {
  const found: string[] = [];
  for (const table of TABLE_NAMES) {
    try {
      await db.kysely.selectFrom(table).select("id").limit(1).execute();
      found.push(table);
    } catch {
      // missing table
    }
  }
  return found;
}

backendTest("migrations", async (t, backend) => {
  const { db } = backend;

  await t.step("start pending, with no tables", async () => {
    const status = await migrationStatus(db);
    assert.deepEqual(status.map((migration) => migration.name), ALL_MIGRATIONS);
    assert.ok(status.every((migration) => migration.executedAt === undefined));
    assert.deepEqual(await existingTables(db), []);
  });

  await t.step("up applies every migration and creates every table", async () => {
    assert.deepEqual((await migrateToLatest(db)).applied, ALL_MIGRATIONS);
    assert.deepEqual(await existingTables(db), [...TABLE_NAMES]);
    assert.deepEqual((await migrateToLatest(db)).applied, [], "second run is a no-op");
  });

  await t.step("down all the way removes every table", async () => {
    assert.deepEqual((await migrateDown(db, { all: true })).applied, [...ALL_MIGRATIONS].reverse());
    assert.deepEqual(await existingTables(db), []);
  });

  await t.step("up again restores the schema and it works", async () => {
    await migrateToLatest(db);
    assert.deepEqual(await existingTables(db), [...TABLE_NAMES]);
    await backend.domain.accounts.register({
      email: "again@example.test",
      password: "again and again",
    });
  });

  await t.step({
    name: "several instances migrating at once apply each migration once",
    ignore: db.dialect !== "mysql", // the embedded default is single-instance
    async fn() {
      await migrateDown(db, { all: true });
      const handles = Array.from({ length: 3 }, () => backend.openAnotherHandle());
      try {
        const reports = await Promise.all(handles.map((handle) => migrateToLatest(handle)));
        const applied = reports.flatMap((report) => report.applied).sort();
        assert.deepEqual(applied, ALL_MIGRATIONS);
        assert.deepEqual(await existingTables(db), [...TABLE_NAMES]);
      } finally {
        await Promise.all(handles.map((handle) => handle.close()));
      }
    },
  });
}, { migrate: false });
