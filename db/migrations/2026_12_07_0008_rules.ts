/**
 * Automated rules:
 * - `rules`: a user's rules, one ad account each, soft-deleted like the other user-facing tables;
 *   the definition (scope, conditions, gate, action, schedule, cooldown) is one JSON document with
 *   money in minor units (see `domain/rules/model.ts`);
 * - `rule_backtests`: the latest backtest of each rule, shown before the rule is enabled.
 *
 * @module
 */
import type { Kysely } from "kysely";
import { createConventionalTable, createIndex, foreignKey } from "./table_builder.ts";

/** Creates both tables and their lookups. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConventionalTable(
    db,
    "rules",
    { softDelete: true },
    (table, types) =>
      foreignKey(
        foreignKey(
          table
            .addColumn("user_id", types.uuid, (column) => column.notNull())
            .addColumn("ad_account_id", types.uuid, (column) => column.notNull())
            .addColumn("name", types.caseInsensitiveText(200), (column) => column.notNull())
            .addColumn("enabled", "integer", (column) => column.notNull())
            .addColumn("definition", types.json, (column) => column.notNull()),
          "rules",
          "user_id",
          "users",
        ),
        "rules",
        "ad_account_id",
        "ad_accounts",
      ),
  );
  await createIndex(db, "rules", ["user_id", "deleted_at", "created_at"]);
  await createIndex(db, "rules", ["ad_account_id", "enabled"]);

  await createConventionalTable(
    db,
    "rule_backtests",
    { softDelete: false },
    (table, types) =>
      foreignKey(
        foreignKey(
          table
            .addColumn("user_id", types.uuid, (column) => column.notNull())
            .addColumn("rule_id", types.uuid, (column) => column.notNull().unique())
            .addColumn("days", "integer", (column) => column.notNull())
            .addColumn("result", types.json, (column) => column.notNull()),
          "rule_backtests",
          "user_id",
          "users",
        ),
        "rule_backtests",
        "rule_id",
        "rules",
      ),
  );
}

/** Drops them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["rule_backtests", "rules"]) {
    await db.schema.dropTable(table).execute();
  }
}
