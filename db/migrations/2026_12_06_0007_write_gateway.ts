/**
 * The write gateway's tables:
 * - `ad_account_limits`: an account's autopilot limits, one row once someone edits them (until
 *   then the domain's defaults apply);
 * - `campaign_changes`: the change history, one row per applied change with its actor, source,
 *   the fields before and after, the platform's answer and the idempotency key;
 * - `approvals`: pending, approved, rejected, expired and used approval requests, whoever asked;
 * - `rollbacks`: batches that restore earlier changes, resumable after a crash.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { createConventionalTable, createIndex, foreignKey } from "./table_builder.ts";

/** Creates the four tables and their lookups. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(
    db,
    "ad_account_limits",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        foreignKey(
          table
            .addColumn("user_id", types.uuid, (column) => column.notNull())
            .addColumn("ad_account_id", types.uuid, (column) => column.notNull().unique())
            .addColumn("max_campaign_daily_budget_minor", types.bigint, (c) => c.notNull())
            .addColumn("max_account_daily_budget_minor", types.bigint, (c) => c.notNull())
            .addColumn("max_increase_per_change_percent", "integer", (c) => c.notNull())
            .addColumn("max_increase_24h_percent", "integer", (c) => c.notNull())
            .addColumn("max_increase_7d_percent", "integer", (c) => c.notNull())
            .addColumn("automated_operations", types.json, (c) => c.notNull())
            .addColumn("frozen", "integer", (c) => c.notNull()),
          "ad_account_limits",
          "user_id",
          "users",
        ),
        "ad_account_limits",
        "ad_account_id",
        "ad_accounts",
      ),
  );

  await createConventionalTable(
    db,
    "campaign_changes",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("ad_account_id", types.uuid, (column) => column.notNull())
          .addColumn("campaign_id", types.uuid, (column) => column.notNull())
          .addColumn("seq", "integer", (column) => column.notNull())
          .addColumn("operation", "varchar(32)", (column) => column.notNull())
          .addColumn("actor_kind", "varchar(16)", (column) => column.notNull())
          .addColumn("source_id", types.exactText(64))
          .addColumn("approval_id", types.uuid)
          .addColumn("fields", types.json, (column) => column.notNull())
          .addColumn("platform_response", types.json, (column) => column.notNull())
          .addColumn("idempotency_key", types.exactText(255)),
        "campaign_changes",
        "user_id",
        "users",
      ),
  );
  await createIndex(db, "campaign_changes", ["user_id", "created_at"]);
  // A campaign's changes in the order they were made (timestamps can tie).
  await createIndex(db, "campaign_changes", ["campaign_id", "seq"], { unique: true });
  await createIndex(db, "campaign_changes", ["user_id", "source_id"]);

  await createConventionalTable(
    db,
    "approvals",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("requester_kind", "varchar(16)", (column) => column.notNull())
          .addColumn("requester_id", types.exactText(64))
          .addColumn("ad_account_id", types.uuid)
          .addColumn("operation", types.json, (column) => column.notNull())
          .addColumn("operation_digest", types.exactText(64), (column) => column.notNull())
          .addColumn("preview", types.json, (column) => column.notNull())
          .addColumn("preview_digest", types.exactText(64), (column) => column.notNull())
          .addColumn("reason", types.longText, (column) => column.notNull())
          .addColumn("rules", types.json, (column) => column.notNull())
          .addColumn("idempotency_key", types.exactText(255))
          .addColumn("status", "varchar(16)", (column) => column.notNull())
          .addColumn("expires_at", types.timestamp, (column) => column.notNull())
          .addColumn("decided_by", types.uuid)
          .addColumn("decided_at", types.timestamp)
          .addColumn("used_at", types.timestamp),
        "approvals",
        "user_id",
        "users",
      ),
  );
  await createIndex(db, "approvals", ["user_id", "status", "created_at"]);
  await createIndex(db, "approvals", ["user_id", "operation_digest"]);

  await createConventionalTable(
    db,
    "rollbacks",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("status", "varchar(16)", (column) => column.notNull())
          .addColumn("change_ids", types.json, (column) => column.notNull())
          .addColumn("requested_by", "varchar(16)", (column) => column.notNull())
          .addColumn("result", types.json)
          .addColumn("lease_expires_at", types.timestamp)
          .addColumn("completed_at", types.timestamp),
        "rollbacks",
        "user_id",
        "users",
      ),
  );
  await createIndex(db, "rollbacks", ["status", "lease_expires_at"]);
}

/** Drops them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["rollbacks", "approvals", "campaign_changes", "ad_account_limits"]) {
    await db.schema.dropTable(table).execute();
  }
}
