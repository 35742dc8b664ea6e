/**
 * Notifications and their delivery:
 * - `notifications`: what happened, for one user (an alert, a rule's message, a change held for
 *   approval); `in_app` rows show in the bell until read;
 * - `notification_settings`: which channels get which types and severities, and the digest;
 * - `webhook_endpoints`: a user's signed webhook receivers, with their secret and failure count;
 * - `notification_deliveries`: the durable outbox of webhook posts and emails, worked by a
 *   background worker; `seq` orders one endpoint's deliveries, `dedupe_key` makes the daily
 *   digest once per user and day;
 * - `notification_delivery_attempts`: the delivery log, one row per attempt with its status code.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { createConventionalTable, createIndex, foreignKey } from "./table_builder.ts";

/** Creates the five tables and their lookups. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(
    db,
    "notifications",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("kind", "varchar(32)", (column) => column.notNull())
          .addColumn("type", "varchar(64)", (column) => column.notNull())
          .addColumn("severity", "varchar(16)", (column) => column.notNull())
          .addColumn("title", "varchar(255)", (column) => column.notNull())
          .addColumn("body", types.longText, (column) => column.notNull())
          .addColumn("link", "varchar(2048)")
          .addColumn("subject_id", types.exactText(64))
          .addColumn("data", types.json, (column) => column.notNull())
          .addColumn("in_app", "integer", (column) => column.notNull())
          .addColumn("emailed", "integer", (column) => column.notNull())
          .addColumn("read_at", types.timestamp),
        "notifications",
        "user_id",
        "users",
      ),
  );
  await createIndex(db, "notifications", ["user_id", "created_at"]);
  await createIndex(db, "notifications", ["user_id", "in_app", "read_at"]);

  await createConventionalTable(
    db,
    "notification_settings",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull().unique())
          .addColumn("settings", types.json, (column) => column.notNull()),
        "notification_settings",
        "user_id",
        "users",
      ),
  );

  await createConventionalTable(
    db,
    "webhook_endpoints",
    { softDelete: true },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("url", "varchar(2048)", (column) => column.notNull())
          .addColumn("description", "varchar(255)", (column) => column.notNull())
          .addColumn("secret", types.exactText(128), (column) => column.notNull())
          .addColumn("enabled", "integer", (column) => column.notNull())
          .addColumn("consecutive_failures", "integer", (column) => column.notNull())
          .addColumn("disabled_reason", "varchar(255)")
          .addColumn("next_seq", types.bigint, (column) => column.notNull()),
        "webhook_endpoints",
        "user_id",
        "users",
      ),
  );
  await createIndex(db, "webhook_endpoints", ["user_id", "created_at"]);

  await createConventionalTable(
    db,
    "notification_deliveries",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("channel", "varchar(16)", (column) => column.notNull())
          .addColumn("endpoint_id", types.uuid)
          .addColumn("notification_id", types.uuid)
          .addColumn("seq", types.bigint, (column) => column.notNull())
          .addColumn("dedupe_key", types.exactText(191))
          .addColumn("payload", types.longText, (column) => column.notNull())
          .addColumn("status", "varchar(16)", (column) => column.notNull())
          .addColumn("attempts", "integer", (column) => column.notNull())
          .addColumn("next_attempt_at", types.timestamp, (column) => column.notNull())
          .addColumn("lease_token", types.exactText(64))
          .addColumn("lease_expires_at", types.timestamp)
          .addColumn("last_status_code", "integer")
          .addColumn("last_error", "varchar(1024)")
          .addColumn("delivered_at", types.timestamp),
        "notification_deliveries",
        "user_id",
        "users",
      ),
  );
  await createIndex(db, "notification_deliveries", ["status", "next_attempt_at"]);
  await createIndex(db, "notification_deliveries", ["endpoint_id", "seq"]);
  await createIndex(db, "notification_deliveries", ["dedupe_key"], { unique: true });
  await createIndex(db, "notification_deliveries", ["user_id", "created_at"]);

  await createConventionalTable(
    db,
    "notification_delivery_attempts",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("delivery_id", types.uuid, (column) => column.notNull())
          .addColumn("attempt", "integer", (column) => column.notNull())
          .addColumn("status_code", "integer")
          .addColumn("error", "varchar(1024)")
          .addColumn("duration_ms", "integer", (column) => column.notNull()),
        "notification_delivery_attempts",
        "delivery_id",
        "notification_deliveries",
      ),
  );
  await createIndex(db, "notification_delivery_attempts", ["delivery_id", "attempt"]);
}

/** Drops them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (
    const table of [
      "notification_delivery_attempts",
      "notification_deliveries",
      "webhook_endpoints",
      "notification_settings",
      "notifications",
    ]
  ) {
    await db.schema.dropTable(table).execute();
  }
}
