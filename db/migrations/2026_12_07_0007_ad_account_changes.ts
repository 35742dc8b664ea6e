/**
 * `campaign_changes.campaign_id` becomes nullable: the history also records changes to an ad
 * account itself (renaming, disconnecting), which name no campaign.
 *
 * SQLite cannot change a column's nullability in place, so the column is replaced by a nullable
 * copy (added, filled, the old one dropped, the copy renamed) — the same steps on both dialects.
 *
 * @module
 */
import { type Kysely, sql } from "kysely";
import { columnTypes, createIndex, isMysql } from "./table_builder.ts";

const TABLE = "campaign_changes";
const SEQUENCE_INDEX = "uq_campaign_changes_campaign_id_seq";

/** Replaces `campaign_id` with a nullable column of the same name and type. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await replaceCampaignId(db, { nullable: true });
}

/** Makes it required again, dropping the ad accounts' own changes. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from ${sql.table(TABLE)} where campaign_id is null`.execute(db);
  await replaceCampaignId(db, { nullable: false });
}

async function replaceCampaignId(db: Kysely<unknown>, options: { nullable: boolean }) {
  const dropIndex = db.schema.dropIndex(SEQUENCE_INDEX);
  // MySQL names the table of an index; SQLite's index names are global and take no table.
  await (isMysql(db) ? dropIndex.on(TABLE) : dropIndex).execute();
  // SQLite adds a NOT NULL column only with a default; the copy fills it right after.
  await db.schema.alterTable(TABLE)
    .addColumn(
      "campaign_ref",
      columnTypes(db).uuid,
      (column) => options.nullable ? column : column.notNull().defaultTo(""),
    ).execute();
  await sql`update ${sql.table(TABLE)} set campaign_ref = campaign_id`.execute(db);
  await db.schema.alterTable(TABLE).dropColumn("campaign_id").execute();
  await db.schema.alterTable(TABLE).renameColumn("campaign_ref", "campaign_id").execute();
  await createIndex(db, TABLE, ["campaign_id", "seq"], { unique: true });
}
