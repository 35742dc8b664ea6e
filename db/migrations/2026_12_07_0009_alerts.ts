/**
 * Anomaly alerts:
 * - `alerts`: one row per alert raised on a campaign (or an account's totals), with its finding
 *   and cause as JSON. `open_key` is `type:campaign` (or `type:account:id`) while the alert is
 *   open or acknowledged and NULL once resolved; its unique index allows at most one open alert
 *   per type and campaign, so two instances detecting at once raise it once (NULLs never clash).
 * - `alert_mutes`: a campaign muted until a moment; nothing new is raised on it meanwhile.
 * - `alert_thresholds`: an account's edited thresholds (JSON); absent, the defaults apply.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { createConventionalTable, createIndex, foreignKey } from "./table_builder.ts";

/** Creates the three tables and their keys. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(
    db,
    "alerts",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        foreignKey(
          table
            .addColumn("user_id", types.uuid, (column) => column.notNull())
            .addColumn("ad_account_id", types.uuid, (column) => column.notNull())
            .addColumn("campaign_id", types.uuid)
            .addColumn("type", "varchar(32)", (column) => column.notNull())
            .addColumn("severity", "varchar(16)", (column) => column.notNull())
            .addColumn("status", "varchar(16)", (column) => column.notNull())
            .addColumn("open_key", types.exactText(120))
            .addColumn("metric_date", types.date, (column) => column.notNull())
            .addColumn("finding", types.json, (column) => column.notNull())
            .addColumn("cause", types.json, (column) => column.notNull())
            .addColumn("last_detected_at", types.timestamp, (column) => column.notNull())
            .addColumn("acknowledged_at", types.timestamp)
            .addColumn("acknowledged_by", types.uuid)
            .addColumn("resolved_at", types.timestamp)
            .addColumn("resolved_by", types.uuid)
            .addColumn("resolution", "varchar(16)"),
          "alerts",
          "user_id",
          "users",
        ),
        "alerts",
        "ad_account_id",
        "ad_accounts",
      ),
  );
  await createIndex(db, "alerts", ["open_key"], { unique: true });
  await createIndex(db, "alerts", ["user_id", "created_at"]);
  await createIndex(db, "alerts", ["ad_account_id", "status"]);
  await createIndex(db, "alerts", ["campaign_id", "created_at"]);

  await createConventionalTable(
    db,
    "alert_mutes",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("ad_account_id", types.uuid, (column) => column.notNull())
          .addColumn("campaign_id", types.uuid, (column) => column.notNull().unique())
          .addColumn("muted_until", types.timestamp, (column) => column.notNull()),
        "alert_mutes",
        "campaign_id",
        "campaigns",
      ),
  );

  await createConventionalTable(
    db,
    "alert_thresholds",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("ad_account_id", types.uuid, (column) => column.notNull().unique())
          .addColumn("thresholds", types.json, (column) => column.notNull()),
        "alert_thresholds",
        "ad_account_id",
        "ad_accounts",
      ),
  );
}

/** Drops them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["alert_thresholds", "alert_mutes", "alerts"]) {
    await db.schema.dropTable(table).execute();
  }
}
