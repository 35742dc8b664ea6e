/**
 * Connecting real ad accounts (Meta, Google Ads, TikTok) and keeping their metrics in sync:
 * - `platform_connections`: one OAuth sign-in with a platform, from the redirect to the consent
 *   screen until the person picks the accounts to connect. Its `state_hash` (SHA-256 of the
 *   `state` parameter) is unique and it is bound to the signed-in session that started it; after
 *   consent it holds the platform's tokens, encrypted (`credentials_encrypted`), for the picker.
 * - `ad_accounts` gains the sync status the account page and REST show: when the last sync
 *   succeeded, and the last error (for an account in `error`, the reason to reconnect).
 *
 * @module
 */
import type { Kysely } from "kysely";
import { columnTypes, createConventionalTable, createIndex, foreignKey } from "./table_builder.ts";

/** Creates `platform_connections` and adds the sync columns. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(
    db,
    "platform_connections",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        table
          .addColumn("user_id", types.uuid, (column) => column.notNull())
          .addColumn("session_id", types.exactText(64), (column) => column.notNull())
          .addColumn("platform", types.exactText(16), (column) => column.notNull())
          .addColumn("state_hash", types.exactText(64), (column) => column.notNull().unique())
          .addColumn("status", types.exactText(16), (column) => column.notNull())
          .addColumn("credentials_encrypted", types.longText)
          .addColumn("expires_at", types.timestamp, (column) => column.notNull()),
        "platform_connections",
        "user_id",
        "users",
      ),
  );
  await createIndex(db, "platform_connections", ["user_id", "created_at"]);
  const types = columnTypes(db);
  await db.schema.alterTable("ad_accounts")
    .addColumn("sync_succeeded_at", types.timestamp).execute();
  await db.schema.alterTable("ad_accounts").addColumn("sync_error", types.longText).execute();
  await db.schema.alterTable("ad_accounts").addColumn("sync_error_at", types.timestamp).execute();
}

/** Drops them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ["sync_error_at", "sync_error", "sync_succeeded_at"]) {
    await db.schema.alterTable("ad_accounts").dropColumn(column).execute();
  }
  await db.schema.dropTable("platform_connections").execute();
}
