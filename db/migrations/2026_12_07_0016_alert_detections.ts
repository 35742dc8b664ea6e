/**
 * `alert_detections`: when anomaly detection last judged each ad account (after a metric sync or
 * on the hourly schedule). The scheduler enqueues a detection for accounts whose last one is
 * older than an hour; an account without a row has never been judged, and its first detection
 * replays the last 14 complete days so recent anomalies show at once.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { createConventionalTable, foreignKey } from "./table_builder.ts";

/** Creates the table: one row per ad account. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(
    db,
    "alert_detections",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("ad_account_id", types.uuid, (column) => column.notNull().unique())
          .addColumn("detected_at", types.timestamp, (column) => column.notNull()),
        "alert_detections",
        "ad_account_id",
        "ad_accounts",
      ),
  );
}

/** Drops it. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("alert_detections").execute();
}
