/**
 * Durable workflow runs (`domain/workflows/`):
 * - `workflow_runs`: one background run (a rule's evaluation of one slot, later metric syncs and
 *   alert detection), claimed by one instance at a time under a lease with a fencing epoch; its
 *   `dedupe_key` is unique, so a run asked for by several instances at once exists once;
 * - `workflow_steps`: the steps a run recorded, unique per run and step key, so a run resumed
 *   after a crash skips the steps that already succeeded.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { createConventionalTable, createIndex, foreignKey } from "./table_builder.ts";

/** Creates both tables and their lookups. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(
    db,
    "workflow_runs",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("kind", types.exactText(64), (column) => column.notNull())
          .addColumn("subject_id", types.exactText(64), (column) => column.notNull())
          .addColumn("dedupe_key", types.exactText(255), (column) => column.notNull().unique())
          .addColumn("status", types.exactText(16), (column) => column.notNull())
          .addColumn("input", types.json, (column) => column.notNull())
          .addColumn("progress", types.json)
          .addColumn("result", types.json)
          .addColumn("error", types.longText)
          .addColumn("scheduled_for", types.timestamp, (column) => column.notNull())
          .addColumn("lease_owner", types.exactText(64))
          .addColumn("lease_expires_at", types.timestamp)
          .addColumn("lease_epoch", "integer", (column) => column.notNull())
          .addColumn("attempt", "integer", (column) => column.notNull())
          .addColumn("started_at", types.timestamp)
          .addColumn("finished_at", types.timestamp),
        "workflow_runs",
        "user_id",
        "users",
      ),
  );
  await createIndex(db, "workflow_runs", ["status", "scheduled_for"]);
  await createIndex(db, "workflow_runs", ["status", "lease_expires_at"]);
  await createIndex(db, "workflow_runs", ["user_id", "kind", "created_at"]);
  await createIndex(db, "workflow_runs", ["subject_id", "created_at"]);

  await createConventionalTable(
    db,
    "workflow_steps",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        foreignKey(
          table
            .addColumn("user_id", types.uuid, (column) => column.notNull())
            .addColumn("run_id", types.uuid, (column) => column.notNull())
            .addColumn("seq", "integer", (column) => column.notNull())
            .addColumn("step_key", types.exactText(255), (column) => column.notNull())
            .addColumn("name", types.exactText(64), (column) => column.notNull())
            .addColumn("status", types.exactText(16), (column) => column.notNull())
            .addColumn("input", types.json)
            .addColumn("output", types.json)
            .addColumn("error", types.longText)
            .addColumn("attempt", "integer", (column) => column.notNull())
            .addColumn("started_at", types.timestamp, (column) => column.notNull())
            .addColumn("finished_at", types.timestamp)
            .addColumn("duration_ms", "integer"),
          "workflow_steps",
          "user_id",
          "users",
        ),
        "workflow_steps",
        "run_id",
        "workflow_runs",
      ),
  );
  await createIndex(db, "workflow_steps", ["run_id", "step_key"], { unique: true });
  await createIndex(db, "workflow_steps", ["run_id", "seq"]);
}

/** Drops them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["workflow_steps", "workflow_runs"]) {
    await db.schema.dropTable(table).execute();
  }
}
